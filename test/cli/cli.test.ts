import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CLI = path.resolve(__dirname, '../../out/cli.js');
let dir: string;

function run(args: string[], cwd = dir): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'faultline-cli-'));
  fs.mkdirSync(path.join(dir, 'prod'));
  fs.writeFileSync(
    path.join(dir, 'prod', 'main.tf'),
    'resource "aws_cloudwatch_log_group" "app" {\n  name = "/app/${var.env}"\n}\n\nvariable "env" {}\n\nresource "aws_security_group" "db" {\n  ingress {\n    from_port   = 5432\n    to_port     = 5432\n    protocol    = "tcp"\n    cidr_blocks = ["0.0.0.0/0"]\n  }\n}\n',
  );
  fs.mkdirSync(path.join(dir, 'clean'));
  fs.writeFileSync(path.join(dir, 'clean', 'main.tf'), 'resource "aws_cloudwatch_log_group" "app" {\n  retention_in_days = 30\n}\n');
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('faultline audit', () => {
  it('prints the stylish text report and exits 1 on a critical finding', () => {
    const r = run(['audit', 'prod']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('prod/main.tf');
    expect(r.stdout).toMatch(/12:\d+\s+critical\s+an ingress rule of aws_security_group "db" allows port 5432/);
    expect(r.stdout).toContain('sg-ingress-open-to-world');
    expect(r.stdout).toMatch(/✖ 2 problems \(1 critical, 0 high, 1 medium, 0 low\) in 1 file/);
    expect(r.stdout).not.toContain('\x1b['); // no colour when not on a terminal
  });

  it('writes the documented JSON shape', () => {
    const r = run(['audit', 'prod', '--format', 'json']);
    const j = JSON.parse(r.stdout);
    expect(j.tool).toEqual({ name: 'faultline', version: '0.1.0' });
    expect(j.files).toBe(1);
    expect(typeof j.durationMs).toBe('number');
    const lg = j.findings.find((f: { ruleId: string }) => f.ruleId === 'log-retention-missing');
    expect(lg).toMatchObject({ severity: 'medium', file: path.join('prod', 'main.tf'), range: { start: { line: 1, column: 1 } }, resource: { type: 'aws_cloudwatch_log_group', name: 'app' } });
    expect(lg.fixes[0].title).toBe('Set retention_in_days = 30');
    expect(lg.fixes[0].edits[0]).toMatchObject({ file: path.join('prod', 'main.tf'), newText: expect.stringContaining('retention_in_days = 30') });
  });

  it('honours --fail-on, --quiet, --rule and --skip-rule', () => {
    expect(run(['audit', 'prod', '--skip-rule', 'sg-ingress-open-to-world']).code).toBe(0);
    expect(run(['audit', 'prod', '--skip-rule', 'sg-ingress-open-to-world', '--fail-on', 'medium']).code).toBe(1);
    const quiet = run(['audit', 'prod', '--quiet', '--format', 'json']);
    expect(JSON.parse(quiet.stdout).findings.map((f: { ruleId: string }) => f.ruleId)).toEqual(['sg-ingress-open-to-world']);
    const only = run(['audit', 'prod', '--rule', 'log-retention-missing', '--format', 'json']);
    expect(JSON.parse(only.stdout).findings.map((f: { ruleId: string }) => f.ruleId)).toEqual(['log-retention-missing']);
  });

  it('exits 0 on a clean tree', () => {
    const r = run(['audit', 'clean']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('no problems in 1 file');
  });

  it('exits 2 with a clear message on usage, configuration and I/O errors', () => {
    expect(run(['audit', 'nowhere']).stderr).toContain('nowhere does not exist');
    expect(run(['audit', 'nowhere']).code).toBe(2);
    expect(run(['audit', '--rule', 'no-such-rule']).code).toBe(2);
    expect(run(['audit', '--fail-on', 'severe']).code).toBe(2);
    expect(run(['frobnicate']).code).toBe(2);
    fs.writeFileSync(path.join(dir, 'bad.json'), '{ "profile": "staging", "rules": { "x": "loud" } }');
    const bad = run(['audit', 'clean', '--config', 'bad.json']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/bad\.json:1:\d+: \/profile must be one of "auto", "production", "ephemeral"/);
    fs.writeFileSync(path.join(dir, 'broken.json'), '{ "profile": ');
    expect(run(['audit', 'clean', '--config', 'broken.json']).stderr).toContain('invalid JSON');
  });

  it('applies faultline.json: rules off and severities', () => {
    fs.writeFileSync(path.join(dir, 'prod', 'faultline.json'), JSON.stringify({ rules: { 'sg-ingress-open-to-world': 'off', 'log-retention-missing': 'high' } }));
    const r = run(['audit', 'prod', '--format', 'json']);
    fs.rmSync(path.join(dir, 'prod', 'faultline.json'));
    expect(JSON.parse(r.stdout).findings.map((f: { ruleId: string; severity: string }) => `${f.ruleId}:${f.severity}`)).toEqual(['log-retention-missing:high']);
    expect(r.code).toBe(1);
  });
});

describe('faultline inspect, rules, explain', () => {
  it('prints the model with 1-based ranges and evaluated values', () => {
    const r = run(['inspect', 'prod/main.tf']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    const sg = j.resources.find((x: { type: string }) => x.type === 'aws_security_group');
    expect(sg).toMatchObject({ type: 'aws_security_group', typeAsWritten: 'aws_security_group', name: 'db', multiplicity: 'one' });
    const lg = j.resources.find((x: { type: string }) => x.type === 'aws_cloudwatch_log_group');
    expect(lg.properties[0]).toMatchObject({ key: 'name', range: { start: { line: 2, column: 10 } }, unknown: expect.stringContaining('var.env') });
  });

  it('lists rules and explains one', () => {
    const list = run(['rules']);
    expect(list.stdout).toContain('rds-multi-az-disabled');
    const page = run(['explain', 'rds-multi-az-disabled']);
    expect(page.stdout).toContain('# rds-multi-az-disabled: RDS database without Multi-AZ');
    expect(page.stdout).toContain('## Why it fails');
    expect(run(['explain', 'nope']).code).toBe(2);
  });
});
