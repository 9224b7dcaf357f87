import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { providerUse } from '../../shared/knowledge/provider-version';
import { awsConstraint } from '../../shared/frontends/pulumi/dependencies';
import { buildTerraformProgram } from '../../shared/frontends/terraform/module';
import { buildPulumiProgram } from '../../shared/frontends/pulumi/project';
import { analyzeProgram } from '../../shared/engine/analyze';
import { initEngine, parseSource } from '../../shared/engine/frontends';
import type { ProviderConstraint } from '../../shared/model/program';
import { formatFindings } from '../helpers/analyze';

beforeAll(() => initEngine());

const KNOWN = [6, 7];
const majors = (version: string, syntax: ProviderConstraint['syntax']): number[] =>
  providerUse({ version, syntax, source: 'x' }, KNOWN, syntax === 'terraform' ? 'terraform' : syntax === 'npm' ? 'npm' : 'python').majors;

describe('provider version constraints', () => {
  it('reads Terraform constraints (hashicorp/aws N is Pulumi N+1)', () => {
    expect(majors('~> 5.0', 'terraform')).toEqual([6]);
    expect(majors('~> 5.31.0', 'terraform')).toEqual([6]);
    expect(majors('>= 5.0, < 6.0', 'terraform')).toEqual([6]);
    expect(majors('>= 5.0', 'terraform')).toEqual([7]);
    expect(majors('6.25.0', 'terraform')).toEqual([7]);
    expect(majors('= 6.2.0', 'terraform')).toEqual([7]);
    expect(majors('~> 4.0', 'terraform')).toEqual([]);
    expect(majors('not a version', 'terraform')).toEqual(KNOWN);
  });
  it('reads npm ranges and lockfile versions', () => {
    expect(majors('^6.60.0', 'npm')).toEqual([6]);
    expect(majors('~7.4.1', 'npm')).toEqual([7]);
    expect(majors('7.48.0', 'npm')).toEqual([7]);
    expect(majors('>=6 <8', 'npm')).toEqual([7]);
    expect(majors('6.x', 'npm')).toEqual([6]);
    expect(majors('latest', 'npm')).toEqual(KNOWN);
    expect(majors('^5.0.0', 'npm')).toEqual([]);
  });
  it('reads PEP 440 specifiers', () => {
    expect(majors('>=6.60.0,<7.0.0', 'pep440')).toEqual([6]);
    expect(majors('~=7.4', 'pep440')).toEqual([7]);
    expect(majors('==6.*', 'pep440')).toEqual([6]);
    expect(majors('==7.10.0', 'pep440')).toEqual([7]);
    expect(majors('>=6.0.0,!=6.5.0', 'pep440')).toEqual([7]);
  });
  it('names versions in the ecosystem of the program', () => {
    expect(providerUse({ version: '~> 5.0', syntax: 'terraform', source: 'versions.tf' }, KNOWN, 'terraform').name(6)).toBe(
      'hashicorp/aws 5.x',
    );
    expect(providerUse(undefined, KNOWN, 'python')).toMatchObject({ majors: KNOWN, pinned: false });
  });
});

describe('Pulumi dependency files', () => {
  it('prefers the lockfile to package.json', () => {
    const packageJson = JSON.stringify({ dependencies: { '@pulumi/aws': '^6.0.0' } });
    const packageLock = JSON.stringify({ packages: { 'node_modules/@pulumi/aws': { version: '6.83.4' } } });
    expect(awsConstraint({ packageJson, packageLock }, 'typescript')).toEqual({
      version: '6.83.4',
      syntax: 'npm',
      source: 'package-lock.json',
    });
    expect(awsConstraint({ packageJson }, 'javascript')).toEqual({ version: '^6.0.0', syntax: 'npm', source: 'package.json' });
    expect(awsConstraint({ packageJson: '{ broken' }, 'typescript')).toBeUndefined();
  });
  it('reads requirements.txt, PEP 621 and Poetry', () => {
    const requirements = '# infra\npulumi>=3.0.0\nPulumi_AWS[extra] >=7.4.0,<8.0.0 ; python_version >= "3.9"\n';
    expect(awsConstraint({ requirements }, 'python')).toEqual({ version: '>=7.4.0,<8.0.0', syntax: 'pep440', source: 'requirements.txt' });
    expect(awsConstraint({ requirements: 'pulumi-aws\n' }, 'python')).toBeUndefined();
    const pep621 = '[project]\nname = "shop"\ndependencies = ["pulumi>=3", "pulumi-aws~=6.60"]\n';
    expect(awsConstraint({ pyproject: pep621 }, 'python')).toEqual({ version: '~=6.60', syntax: 'pep440', source: 'pyproject.toml' });
    const poetry = '[tool.poetry.dependencies]\npython = "^3.11"\npulumi-aws = { version = "^7.2", optional = false }\n';
    expect(awsConstraint({ pyproject: poetry }, 'python')).toEqual({ version: '^7.2', syntax: 'npm', source: 'pyproject.toml' });
    expect(awsConstraint({ pyproject: 'not = [toml' }, 'python')).toBeUndefined();
  });
});

const DB = (extra: string): string => `resource "aws_db_instance" "orders" {
  identifier_prefix = "orders-"
  engine            = "postgres"
  instance_class    = "db.t4g.medium"
  allocated_storage = 50
  name              = "orders"${extra}
}
`;
const versions = (v: string): string => `terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "${v}"
    }
  }
}
`;

function tf(files: Record<string, string>, lock?: string): string {
  const models = Object.entries(files).map(([name, text]) => parseSource(path.join('/mod', name), text));
  const program = buildTerraformProgram('/mod', models, () =>
    lock ? parseSource('/mod/.terraform.lock.hcl', lock, 'terraform') : undefined,
  );
  const findings = analyzeProgram(program, { today: '2026-11-23' }).filter((f) => f.ruleId.startsWith('aws-'));
  return formatFindings(findings).replaceAll('/mod/', '');
}

describe('schema rules follow the provider version the program pins', () => {
  it('aws_db_instance name: deprecated in hashicorp/aws 5.x, removed in 6.x, quiet but deprecated when unpinned', () => {
    expect(tf({ 'main.tf': DB(''), 'versions.tf': versions('~> 5.0') })).toBe(
      '6:3-6:7 medium aws-argument-deprecated: aws_db_instance "orders" sets "name", deprecated in hashicorp/aws 5.x (~> 5.0 in versions.tf): This property has been deprecated. Please use \'db_name\' instead.',
    );
    expect(tf({ 'main.tf': DB(''), 'versions.tf': versions('~> 6.0') })).toMatch(
      /^6:3-6:7 high aws-argument-unknown: aws_db_instance "orders" sets "name", which hashicorp\/aws 5.x had and hashicorp\/aws 6.x removed \(~> 6.0 in versions.tf\); did you mean "db_name"\?/,
    );
    expect(tf({ 'main.tf': DB('') })).toMatch(/medium aws-argument-deprecated: .*deprecated in hashicorp\/aws 5.x: /);
  });
  it('the lockfile wins over the constraint', () => {
    const lock = 'provider "registry.terraform.io/hashicorp/aws" {\n  version     = "6.25.0"\n  constraints = ">= 5.0"\n  hashes = []\n}\n';
    expect(tf({ 'main.tf': DB(''), 'versions.tf': versions('>= 5.0') }, lock)).toMatch(/\(6.25.0 in .terraform.lock.hcl\)/);
  });
  it('arguments new in a major are unknown to the previous one', () => {
    const bucket = 'resource "aws_s3_bucket" "b" {\n  bucket_prefix = "b-"\n  region        = "eu-west-1"\n}\n';
    expect(tf({ 'main.tf': bucket, 'versions.tf': versions('~> 5.0') })).toMatch(
      /sets "region", which is new in hashicorp\/aws 6.x; this program uses hashicorp\/aws 5.x/,
    );
    expect(tf({ 'main.tf': bucket, 'versions.tf': versions('~> 6.0') })).toBe('');
    expect(tf({ 'main.tf': bucket })).toBe('');
  });
  it('a provider major beyond the schema silences the version rules', () => {
    expect(tf({ 'main.tf': DB('\n  bogus_argument = 1'), 'versions.tf': versions('~> 4.0') })).toBe('');
  });
  it('Pulumi classes that exist only in the other major', () => {
    const source = "import * as aws from '@pulumi/aws';\nnew aws.s3.BucketAclV2('acl', { bucket: 'b', acl: 'private' });\n";
    const run = (range: string): string => {
      const program = buildPulumiProgram('/p', [parseSource('/p/index.ts', source)], {
        stacks: {},
        dependencies: () => ({ packageJson: JSON.stringify({ dependencies: { '@pulumi/aws': range } }) }),
      });
      return formatFindings(analyzeProgram(program, { today: '2026-11-23' }).filter((f) => f.ruleId.startsWith('aws-')));
    };
    expect(run('^6.0.0')).toBe('');
    expect(run('^7.0.0')).toMatch(
      /medium aws-argument-deprecated: aws.s3.BucketAclV2 is deprecated in @pulumi\/aws 7.x \(\^7.0.0 in package.json\)/,
    );
  });
});
