import { beforeAll, describe, expect, it } from 'vitest';
import { buildPulumiProgram } from '../../shared/frontends/pulumi/project';
import { initEngine, parseSource } from '../../shared/engine/frontends';
import { describeEvaluation, getProperty } from '../../shared/model/evaluate';

beforeAll(() => initEngine());

const TS = `import * as pulumi from '@pulumi/pulumi';
import * as aws from '@pulumi/aws';
const cfg = new pulumi.Config();
new aws.rds.Instance('db', { multiAz: cfg.getBoolean('multiAz') ?? false, deletionProtection: cfg.requireBoolean('protect') });
`;
const PY = `import pulumi
import pulumi_aws as aws
config = pulumi.Config()
aws.rds.Instance("db", multi_az=config.get_bool("multi_az") or False, deletion_protection=config.require_bool("protect"))
`;

/** How `multi_az` and `deletion_protection` of the database evaluate with these project files. */
function run(source: 'ts' | 'py', projectYaml: string, stacks: Record<string, string>): string[] {
  const file = source === 'ts' ? '/project/index.ts' : '/project/__main__.py';
  const text = source === 'ts' ? TS : PY.replaceAll('"multi_az"', '"multiAz"');
  const program = buildPulumiProgram('/project', [parseSource(file, text)], { projectYaml, stacks });
  const db = program.resources.find((r) => r.type === 'aws_db_instance')!;
  return ['multi_az', 'deletion_protection'].map((k) => describeEvaluation(getProperty(db, k)?.value, program));
}

const PROJECT = 'name: shop\nruntime: nodejs\n';

describe.each(['ts', 'py'] as const)('Pulumi config across stacks (%s)', (source) => {
  it("uses the program's fallback only when no stack sets the key", () => {
    expect(run(source, PROJECT, { dev: 'config: {}\n', prod: 'config: {}\n' })).toEqual([
      'false',
      'unknown: config "protect" is not set in Pulumi.dev.yaml, Pulumi.prod.yaml',
    ]);
  });
  it('takes the value every stack sets', () => {
    const stacks = { dev: 'config:\n  shop:multiAz: "true"\n', prod: 'config:\n  multiAz: true\n' };
    expect(run(source, PROJECT, stacks)[0]).toBe('"true"');
  });
  it('is unknown, naming the stacks, when the stacks set different values', () => {
    const stacks = { dev: 'config:\n  shop:multiAz: "false"\n', prod: 'config:\n  shop:multiAz: "true"\n' };
    expect(run(source, PROJECT, stacks)[0]).toBe('unknown: config "multiAz" differs between stacks (dev: "false", prod: "true")');
  });
  it('is unknown when some stacks set the key and others do not', () => {
    const stacks = { dev: 'config: {}\n', prod: 'config:\n  shop:multiAz: "false"\n' };
    expect(run(source, PROJECT, stacks)[0]).toBe('unknown: config "multiAz" is set in Pulumi.prod.yaml but not in Pulumi.dev.yaml');
  });
  it("gives the stacks that do not set the key the project's default from Pulumi.yaml", () => {
    const project = `${PROJECT}config:\n  multiAz:\n    type: boolean\n    default: true\n  shop:protect: true\n`;
    expect(run(source, project, { dev: 'config: {}\n', prod: 'config: {}\n' })).toEqual(['true', 'true']);
    expect(run(source, project, { staging: 'config: {}\n', prod: 'config:\n  shop:multiAz: "true"\n' })[0]).toBe('true');
    expect(run(source, project, { staging: 'config: {}\n', prod: 'config:\n  shop:multiAz: "false"\n' })[0]).toBe(
      'unknown: config "multiAz" differs between stacks (staging: true from Pulumi.yaml, prod: "false")',
    );
    expect(run(source, project, {})).toEqual(['true', 'true']);
  });
});

describe('Pulumi.yaml config', () => {
  const program = (projectYaml: string, stacks: Record<string, string>) =>
    buildPulumiProgram('/project', [parseSource('/project/index.ts', TS)], { projectYaml, stacks });
  it('gives values of other namespaces (aws:region) to every stack, a stack file overriding them', () => {
    const p = program(`${PROJECT}config:\n  aws:region: us-west-2\n  aws:profile:\n    value: ops\n`, {
      dev: 'config: {}\n',
      prod: 'config:\n  aws:region: eu-west-1\n',
    });
    expect(p.stackConfig).toEqual({
      dev: { 'aws:region': 'us-west-2', 'aws:profile': 'ops' },
      prod: { 'aws:region': 'eu-west-1', 'aws:profile': 'ops' },
    });
  });
  it('ignores the old `config: <folder>` spelling of stackConfigDir and declarations without a default', () => {
    expect(program(`${PROJECT}config: stacks\n`, { dev: 'config: {}\n' }).stackConfig).toEqual({ dev: {} });
    expect(program(`${PROJECT}config:\n  multiAz:\n    type: boolean\n`, { dev: 'config: {}\n' }).stackConfig).toEqual({ dev: {} });
  });
});
