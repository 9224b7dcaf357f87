import { describe, expect, it } from 'vitest';
import { initTreeSitter, parserFor } from '../shared/frontends/treesitter';
import { lookupPulumiClass } from '../shared/knowledge/typemap';
describe('smoke', () => {
  it('loads grammars', async () => {
    await initTreeSitter();
    expect(parserFor('terraform').parse('a = 1')!.rootNode.type).toBe('config_file');
    expect(lookupPulumiClass('aws', 'rds', 'Instance')?.type).toBe('aws_db_instance');
  });
});
