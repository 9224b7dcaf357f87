import { beforeAll, describe, expect, it } from 'vitest';
import { buildPulumiProgram } from '../../shared/frontends/pulumi/project';
import { analyzeProgram } from '../../shared/engine/analyze';
import { initEngine, parseSource } from '../../shared/engine/frontends';
import { formatFindings } from '../helpers/analyze';

beforeAll(() => initEngine());

const SOURCE = `import * as aws from '@pulumi/aws';
const volume = new aws.ebs.Volume('scratch', { availabilityZone: 'us-east-1a', size: 20, encrypted: true });
export const id = volume.id;
`;

function run(stacks: Record<string, string>): string {
  const file = '/project/index.ts';
  const program = buildPulumiProgram('/project', [parseSource(file, SOURCE)], { projectYaml: 'name: shop\nruntime: nodejs\n', stacks });
  return formatFindings(analyzeProgram(program, { today: '2026-11-23' }).filter((f) => f.ruleId === 'az-hardcoded'));
}

describe('az-hardcoded with Pulumi stack regions', () => {
  it('is high when a stack deploys to another region', () => {
    expect(run({ dev: 'config:\n  aws:region: us-east-1\n', prod: 'config:\n  aws:region: eu-west-1\n' })).toBe(
      '2:66-2:78 high az-hardcoded: aws.ebs.Volume "scratch" sets availabilityZone to the zone "us-east-1a", but stack prod (Pulumi.prod.yaml) deploys to eu-west-1: the zone does not exist there and the deploy fails\n' +
        "    fixes: Use zone 1 of the region's available zones",
    );
  });
  it("is medium when every stack deploys to the zone's region", () => {
    expect(run({ dev: 'config:\n  aws:region: us-east-1\n' })).toMatch(/^2:66-2:78 medium az-hardcoded: /);
  });
});
