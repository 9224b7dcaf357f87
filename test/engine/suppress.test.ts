import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeText, initEngine } from '../helpers/analyze';

beforeAll(() => initEngine());

const RULES = ['log-retention-missing', 'sg-ingress-open-to-world', 'rds-multi-az-disabled', 'suppression-unused'];
const ids = (text: string, file = '/ws/prod/main.tf'): string[] =>
  analyzeText(file, text, { only: RULES }).findings.map((f) => `${f.ruleId}@${f.loc.range.start.line + 1}`);

const LOG = (name: string): string => `resource "aws_cloudwatch_log_group" "${name}" {\n  name = "/app/${name}"\n}\n`;

describe('suppression comments', () => {
  it('a comment on the line above covers the whole resource', () => {
    expect(ids(`# faultline:ignore:log-retention-missing -- archived by the log pipeline\n${LOG('a')}`)).toEqual([]);
  });

  it('a trailing comment covers its line; // and /* */ comments work too', () => {
    expect(ids(`resource "aws_cloudwatch_log_group" "a" { // faultline:ignore:log-retention-missing\n}\n`)).toEqual([]);
    expect(ids(`/* faultline:ignore:log-retention-missing */\n${LOG('a')}`)).toEqual([]);
  });

  it('covers only the next statement', () => {
    expect(ids(`# faultline:ignore:log-retention-missing\n${LOG('a')}\n${LOG('b')}`)).toEqual(['log-retention-missing@6']);
  });

  it('a file-level comment covers the file', () => {
    expect(ids(`# faultline:ignore-file:log-retention-missing -- dev sandbox\n\n${LOG('a')}\n${LOG('b')}`)).toEqual([]);
  });

  it('an expired suppression stops suppressing and is reported', () => {
    expect(ids(`# faultline:ignore:log-retention-missing:exp:2026-01-31 -- until the pipeline lands\n${LOG('a')}`)).toEqual([
      'suppression-unused@1',
      'log-retention-missing@2',
    ]);
    expect(ids(`# faultline:ignore:log-retention-missing:exp:2027-01-31\n${LOG('a')}`)).toEqual([]);
  });

  it('reports stale and unknown suppressions', () => {
    const stale = analyzeText('/ws/prod/main.tf', `# faultline:ignore:rds-multi-az-disabled\n${LOG('a')}`, { only: RULES }).findings;
    expect(stale.map((f) => f.ruleId)).toEqual(['suppression-unused', 'log-retention-missing']);
    expect(stale[0]!.message).toContain('suppresses nothing');
    const unknown = analyzeText('/ws/prod/main.tf', `# faultline:ignore:no-such-rule\n${LOG('a')}`, { only: RULES }).findings;
    expect(unknown[0]!.message).toBe('suppression names unknown rule "no-such-rule"');
  });

  it('honours Checkov, tfsec and Trivy comments for the equivalent rules', () => {
    const sg = (comment: string): string =>
      `resource "aws_security_group" "ssh" {\n  ${comment}\n  ingress {\n    from_port   = 22\n    to_port     = 22\n    protocol    = "tcp"\n    cidr_blocks = ["0.0.0.0/0"]\n  }\n}\n`;
    expect(ids(sg(''))).toEqual(['sg-ingress-open-to-world@7']);
    expect(ids(`#tfsec:ignore:aws-ec2-no-public-ingress-sgr\n${sg('')}`)).toEqual([]);
    expect(ids(`#trivy:ignore:AVD-AWS-0107\n${sg('')}`)).toEqual([]);
    expect(ids(`# checkov:skip=CKV_AWS_24: bastion\n${sg('')}`)).toEqual([]);
  });

  it('works in TypeScript and Python comment styles', () => {
    const ts = `import * as aws from '@pulumi/aws';\n// faultline:ignore:log-retention-missing -- shipped to Datadog\nconst logs = new aws.cloudwatch.LogGroup('app', {});\n`;
    expect(ids(ts, '/ws/prod/index.ts')).toEqual([]);
    const py = `import pulumi_aws as aws\n\nlogs = aws.cloudwatch.LogGroup("app")  # faultline:ignore:log-retention-missing\n`;
    expect(ids(py, '/ws/prod/__main__.py')).toEqual([]);
  });
});

describe('suppression of a multi-line block or property', () => {
  it('a comment above a nested block covers the whole block', () => {
    const tf = `resource "aws_security_group" "web" {\n  # faultline:ignore:sg-ingress-open-to-world -- public entry point\n  ingress {\n    from_port   = 443\n    to_port     = 443\n    protocol    = "tcp"\n    cidr_blocks = ["0.0.0.0/0"]\n  }\n}\n`;
    expect(ids(tf)).toEqual([]);
    const py = `import pulumi_aws as aws\n\nsg = aws.ec2.SecurityGroup(\n    "web",\n    # faultline:ignore:sg-ingress-open-to-world -- public entry point\n    ingress=[\n        aws.ec2.SecurityGroupIngressArgs(protocol="tcp", from_port=443, to_port=443, cidr_blocks=["0.0.0.0/0"]),\n    ],\n)\n`;
    expect(ids(py, '/ws/prod/__main__.py')).toEqual([]);
  });
});
