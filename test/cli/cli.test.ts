import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CLI = path.resolve(__dirname, '../../out/cli.js');
let dir: string;
/** The rules these tests are about; others (low-severity encryption findings and the like) would blur the counts. */
const CORE = ['--rule', 'sg-ingress-open-to-world', '--rule', 'log-retention-missing', '--rule', 'rds-multi-az-disabled'];

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
  fs.writeFileSync(
    path.join(dir, 'clean', 'main.tf'),
    'variable "log_key" {}\n\nresource "aws_cloudwatch_log_group" "app" {\n  retention_in_days = 30\n  kms_key_id        = var.log_key\n}\n',
  );
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('faultline audit', () => {
  it('prints the stylish text report and exits 1 on a critical finding', () => {
    const r = run(['audit', 'prod', ...CORE]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('prod/main.tf');
    expect(r.stdout).toMatch(/12:\d+\s+critical\s+an ingress rule of aws_security_group "db" allows port 5432/);
    expect(r.stdout).toContain('sg-ingress-open-to-world');
    expect(r.stdout).toMatch(/✖ 2 problems \(1 critical, 0 high, 1 medium, 0 low\) in 1 file/);
    expect(r.stdout).not.toContain('\x1b['); // no colour when not on a terminal
  });

  it('writes the documented JSON shape', () => {
    const r = run(['audit', 'prod', '--format', 'json', ...CORE]);
    const j = JSON.parse(r.stdout);
    expect(j.tool).toEqual({ name: 'faultline', version: '0.1.0' });
    expect(j.files).toBe(1);
    expect(typeof j.durationMs).toBe('number');
    const lg = j.findings.find((f: { ruleId: string }) => f.ruleId === 'log-retention-missing');
    expect(lg).toMatchObject({
      severity: 'medium',
      file: path.join('prod', 'main.tf'),
      range: { start: { line: 1, column: 1 } },
      resource: { type: 'aws_cloudwatch_log_group', name: 'app' },
    });
    expect(lg.fixes[0].title).toBe('Set retention_in_days = 30');
    expect(lg.fixes[0].edits[0]).toMatchObject({
      file: path.join('prod', 'main.tf'),
      newText: expect.stringContaining('retention_in_days = 30'),
    });
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
    const r = run(['audit', 'clean', '--fail-on', 'low']);
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
    fs.writeFileSync(
      path.join(dir, 'prod', 'faultline.json'),
      JSON.stringify({ rules: { 'sg-ingress-open-to-world': 'off', 'log-retention-missing': 'high' } }),
    );
    const r = run(['audit', 'prod', '--format', 'json', ...CORE]);
    fs.rmSync(path.join(dir, 'prod', 'faultline.json'));
    expect(JSON.parse(r.stdout).findings.map((f: { ruleId: string; severity: string }) => `${f.ruleId}:${f.severity}`)).toEqual([
      'log-retention-missing:high',
    ]);
    expect(r.code).toBe(1);
  });

  it('stops a file over its time budget with analysis-timeout and goes on with the others', () => {
    const big = fs.mkdtempSync(path.join(os.tmpdir(), 'faultline-big-'));
    try {
      // ~4.5 MB of Terraform: several seconds of work, far over the 1.5 s budget; the small file needs a few ms.
      fs.mkdirSync(path.join(big, 'huge'));
      fs.writeFileSync(path.join(big, 'huge', 'main.tf'), 'resource "aws_s3_bucket" "b" {\n  bucket = "x"\n}\n'.repeat(100_000));
      fs.mkdirSync(path.join(big, 'small'));
      fs.writeFileSync(path.join(big, 'small', 'main.tf'), 'resource "aws_cloudwatch_log_group" "app" {\n  name = "app"\n}\n');
      const t0 = Date.now();
      const r = run(['audit', '.', '--format', 'json', '--file-timeout', '1500', '--no-progress'], big);
      expect(Date.now() - t0).toBeLessThan(30_000);
      const findings = JSON.parse(r.stdout).findings as { ruleId: string; file: string; message: string }[];
      expect(findings.find((f) => f.ruleId === 'analysis-timeout')).toMatchObject({
        file: path.join('huge', 'main.tf'),
        message: expect.stringContaining('was stopped'),
      });
      expect(findings.some((f) => f.file === path.join('small', 'main.tf') && f.ruleId === 'log-retention-missing')).toBe(true);
      expect(run(['audit', '.', '--file-timeout', 'soon'], big).code).toBe(2);
    } finally {
      fs.rmSync(big, { recursive: true, force: true });
    }
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
    expect(lg.properties[0]).toMatchObject({
      key: 'name',
      range: { start: { line: 2, column: 10 } },
      unknown: expect.stringContaining('var.env'),
    });
  });

  it('lists .tf.json files as skipped and does not call what they declare undeclared', () => {
    fs.mkdirSync(path.join(dir, 'json'));
    fs.writeFileSync(path.join(dir, 'json', 'variables.tf.json'), '{"variable": {"team": {"default": "platform"}}}\n');
    fs.writeFileSync(path.join(dir, 'json', 'main.tf'), 'output "team" {\n  value = var.team\n}\n');
    const j = JSON.parse(run(['audit', 'json', '--format', 'json']).stdout);
    expect(j.findings).toEqual([]);
    expect(j.skipped).toEqual([
      { file: path.join('json', 'variables.tf.json'), reason: 'Terraform JSON syntax (.tf.json) is not analysed' },
    ]);
  });

  it('reads a Terraform file with the other files of its module', () => {
    fs.mkdirSync(path.join(dir, 'split'));
    fs.writeFileSync(path.join(dir, 'split', 'locals.tf'), 'locals {\n  retention = 90\n}\n');
    fs.writeFileSync(
      path.join(dir, 'split', 'logs.tf'),
      'resource "aws_cloudwatch_log_group" "app" {\n  retention_in_days = local.retention\n}\n',
    );
    const j = JSON.parse(run(['inspect', 'split/logs.tf']).stdout);
    expect(j.resources).toHaveLength(1);
    expect(j.resources[0].properties[0]).toMatchObject({ key: 'retention_in_days', value: 90 });
  });

  it('inspects every example program, Pulumi resource options included', () => {
    const root = path.resolve(__dirname, '../..');
    const files = [
      'examples/aurora-ts/lib/ecr-stack.ts',
      'examples/webapp-js/index.js',
      'examples/payments-py/__main__.py',
      'examples/web-stack-tf/main.tf',
    ];
    for (const f of files) {
      const r = run(['inspect', f], root);
      expect(r.stderr, f).toBe('');
      expect(r.code, f).toBe(0);
    }
    const ecr = JSON.parse(run(['inspect', 'examples/aurora-ts/lib/ecr-stack.ts'], root).stdout);
    expect(ecr.resources[0]).toMatchObject({ optionsWritten: 'literal', options: { parent: expect.stringContaining('unknown') } });
  });

  it('stops quietly when its output is closed early (piped into head)', () => {
    const r = spawnSync('bash', ['-c', `"${process.execPath}" "${CLI}" inspect examples/webapp-js/index.js | head -c 10`], {
      cwd: path.resolve(__dirname, '../..'),
      encoding: 'utf8',
    });
    expect(r.stderr).toBe('');
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

describe('SARIF, baselines and fixes', () => {
  it('writes SARIF 2.1.0 that validates against the official schema', async () => {
    const Ajv4 = (await import('ajv-draft-04')).default;
    const schema = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../vendor/sarif-2.1.0-rtm.5.json'), 'utf8'));
    // The schema has a pattern that is invalid with the u flag (a stray `]`): compile its patterns without it.
    const validate = new Ajv4({ strict: false, allErrors: true, unicodeRegExp: false }).compile(schema);
    const r = run(['audit', 'prod', '--format', 'sarif', ...CORE]);
    const sarif = JSON.parse(r.stdout);
    expect(validate(sarif), JSON.stringify(validate.errors, null, 2)).toBe(true);
    const run0 = sarif.runs[0];
    expect(run0.tool.driver.rules.length).toBeGreaterThanOrEqual(7);
    const rule = run0.tool.driver.rules.find((x: { id: string }) => x.id === 'sg-ingress-open-to-world');
    expect(rule.properties['security-severity']).toBe('9.5');
    expect(rule.helpUri).toContain('sg-ingress-open-to-world');
    const res = run0.results.find((x: { ruleId: string }) => x.ruleId === 'log-retention-missing');
    expect(res.locations[0].physicalLocation).toMatchObject({
      artifactLocation: { uri: 'prod/main.tf' },
      region: { startLine: 1, startColumn: 1 },
    });
    expect(res.partialFingerprints['faultline/v1']).toMatch(/^[0-9a-f]{32}$/);
    expect(res.fixes[0].artifactChanges[0].replacements[0].insertedContent.text).toContain('retention_in_days = 30');
  });

  it('a baseline hides known findings, even after lines move, and reports new ones', () => {
    const ws = path.join(dir, 'baseline-ws');
    fs.mkdirSync(ws, { recursive: true });
    const lg = (n: string): string => `resource "aws_cloudwatch_log_group" "${n}" {\n  name = "/app/${n}"\n}\n`;
    fs.writeFileSync(path.join(ws, 'main.tf'), lg('a'));
    expect(run(['baseline', '.', '--output', '.faultline-baseline.json'], ws).code).toBe(0);
    expect(run(['audit', '.', '--baseline', '.faultline-baseline.json', '--fail-on', 'low'], ws).code).toBe(0);
    expect(run(['audit', '.', '--fail-on', 'low'], ws).code).toBe(1);
    // The known finding moves down and is reformatted; a new one appears.
    fs.writeFileSync(
      path.join(ws, 'main.tf'),
      `# moved\n\n${lg('b')}\nresource "aws_cloudwatch_log_group"   "a" {\n    name    =   "/app/a"\n}\n`,
    );
    const r = run(['audit', '.', '--baseline', '.faultline-baseline.json', '--format', 'json'], ws);
    const fresh = JSON.parse(r.stdout).findings as { message: string; resource: { name: string } }[];
    expect(fresh.length).toBeGreaterThan(0);
    expect(fresh.every((f) => f.resource.name === 'b')).toBe(true);
    expect(run(['audit', '.', '--baseline', 'missing.json'], ws).code).toBe(2);
  });

  it('--fix-dry-run prints a diff; --fix applies the safe fixes and the findings are gone', () => {
    const ws = path.join(dir, 'fix-ws');
    fs.mkdirSync(ws, { recursive: true });
    const tf =
      'resource "aws_cloudwatch_log_group" "app" {\n  name = "/app/${var.env}"\n}\n\nvariable "env" {}\n\nresource "aws_db_instance" "db" {\n  engine         = "mysql"\n  instance_class = "db.t4g.small"\n  multi_az       = false\n}\n';
    fs.writeFileSync(path.join(ws, 'main.tf'), tf);
    const dry = run(['audit', '.', '--fix-dry-run', '--profile', 'production', ...CORE], ws);
    expect(dry.stdout).toContain('--- a/main.tf');
    expect(dry.stdout).toContain('+  retention_in_days = 30');
    expect(dry.stdout).toContain('+  multi_az       = true');
    expect(fs.readFileSync(path.join(ws, 'main.tf'), 'utf8')).toBe(tf);
    const fixed = run(['audit', '.', '--fix', '--profile', 'production', '--format', 'json', ...CORE], ws);
    expect(fixed.stderr).toContain('applied 2 fixes in 1 file');
    expect(JSON.parse(fixed.stdout).findings).toEqual([]);
    expect(fixed.code).toBe(0);
  });
});
