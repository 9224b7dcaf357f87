/**
 * `npm run bench:peers`: Faultline side by side with the IaC scanners users have today (Checkov, Trivy, tfsec,
 * TFLint with its AWS ruleset). Installs the peers into the gitignored .tools/ (pinned versions; skipped when already
 * there; one retry; a peer that cannot be installed is skipped and the report says so), writes a corpus of Terraform
 * modules (plus the same systems in Pulumi TypeScript and Python, which only Faultline reads) under
 * .tools/peers-corpus, times every tool on it (wall time and peak memory, medians of several runs), compares the
 * findings of the rules that list an equivalent in a peer resource by resource, and writes bench/peers.md.
 *
 *   node out/peers.js [--runs 3] [--systems 60] [--no-install] [--reuse]
 */
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pythonSystem, terraformSystem, typescriptSystem } from './peers-corpus';

const ROOT = path.resolve(__dirname, '..');
const TOOLS = path.join(ROOT, '.tools');
const BIN = path.join(TOOLS, 'bin');
const CORPUS = path.join(TOOLS, 'peers-corpus');
const RESULTS = path.join(TOOLS, 'peers-results');
const PLUGINS = path.join(TOOLS, 'tflint-plugins');
const TFLINT_CONFIG = path.join(TOOLS, 'tflint.hcl');
const TRIVY_CACHE = path.join(TOOLS, 'trivy-cache');

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}
const RUNS = arg('--runs', 3);
const SYSTEMS = arg('--systems', 60);
const INSTALL = !process.argv.includes('--no-install');
/** --reuse: keep the timings of an earlier run (same --systems and --runs) and measure only the tools it lacks. */
const REUSE = process.argv.includes('--reuse');

/** Pinned versions: the newest that the Go module proxy and PyPI serve here (go list -m, pip index versions). */
const VERSIONS = {
  checkov: '3.3.30',
  trivy: 'v0.70.0',
  tfsec: 'v1.28.14',
  tflint: 'v0.64.0',
  tflintAws: 'v0.36.0',
};

type PeerId = 'checkov' | 'trivy' | 'tfsec' | 'tflint';
const PEERS: PeerId[] = ['checkov', 'trivy', 'tfsec', 'tflint'];
const PEER_NAME: Record<PeerId, string> = { checkov: 'Checkov', trivy: 'Trivy', tfsec: 'tfsec', tflint: 'TFLint' };

const NICE = fs.existsSync('/usr/bin/nice') || fs.existsSync('/bin/nice');
const GNU_TIME = fs.existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

function log(msg: string): void {
  process.stderr.write(`[bench:peers] ${msg}\n`);
}

/** Runs a command at the lowest priority; returns its exit code and output (truncated to what the caller needs). */
function run(cmd: string, args: string[], opts: SpawnSyncOptions = {}): { code: number; stdout: string; stderr: string } {
  const [c, a] = NICE ? ['nice', ['-n', '19', cmd, ...args]] : [cmd, args];
  const r = spawnSync(c, a, { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024, ...opts });
  return {
    code: r.status ?? (r.error ? 127 : 1),
    stdout: String(r.stdout ?? ''),
    stderr: String(r.stderr ?? (r.error ? r.error.message : '')),
  };
}

function firstLine(s: string): string {
  return s.trim().split('\n')[0] ?? '';
}

// ---------------------------------------------------------------------------------------------------------------
// Installation

interface Installed {
  ok: boolean;
  version: string;
  note: string;
}

function tryTwice(what: string, attempt: () => { code: number; stdout: string; stderr: string }): string | undefined {
  let last = '';
  for (let i = 0; i < 2; i++) {
    const r = attempt();
    if (r.code === 0) return undefined;
    last = (r.stderr || r.stdout).trim().split('\n').slice(-3).join(' ');
    log(`${what}: attempt ${i + 1} failed: ${last}`);
  }
  return last || 'failed';
}

/**
 * `go install module/cmd@version` into .tools/bin. When the proxy serves the version but not the module's version
 * list (go install reads it to look for a deprecation notice, and fails without it), the module is downloaded with
 * `go mod download` and its command built in the module cache with `go build`: the same source, the same go.sum.
 */
function goInstall(pkg: string, binary: string): string | undefined {
  if (fs.existsSync(path.join(BIN, binary))) return undefined;
  if (spawnSync('go', ['version']).status !== 0) return 'no Go toolchain on this machine';
  // Trivy 0.70 uses encoding/json/v2, still behind GOEXPERIMENT=jsonv2 in Go 1.25 and 1.26 (its Makefile sets it too).
  const env = { ...process.env, GOBIN: BIN, GOFLAGS: '-buildvcs=false', GOEXPERIMENT: 'jsonv2' };
  log(`go install ${pkg} (this takes minutes the first time)`);
  return tryTwice(`go install ${pkg}`, () => {
    const r = run('go', ['install', pkg], { env });
    if (r.code === 0 || !/@v\/list|deprecation/.test(r.stderr)) return r;
    const [pkgPath, version] = pkg.split('@') as [string, string];
    const mod = MODULES.find((m) => pkgPath === m || pkgPath.startsWith(`${m}/`)) ?? pkgPath;
    const dl = run('go', ['mod', 'download', '-json', `${mod}@${version}`], { env });
    const dir = (JSON.parse(dl.stdout || '{}') as { Dir?: string }).Dir;
    if (dl.code !== 0 || !dir) return dl;
    log(`go install could not read the version list of ${mod}: building it with go build in ${dir}`);
    return run('go', ['build', '-o', path.join(BIN, binary), pkgPath.length > mod.length ? `.${pkgPath.slice(mod.length)}` : '.'], {
      env: { ...env, GOFLAGS: '-buildvcs=false -mod=mod' },
      cwd: dir,
    });
  });
}

const MODULES = [
  'github.com/aquasecurity/trivy',
  'github.com/aquasecurity/tfsec',
  'github.com/terraform-linters/tflint-ruleset-aws',
  'github.com/terraform-linters/tflint',
];

const CHECKOV = path.join(TOOLS, 'checkov-venv', 'bin', 'checkov');

function installCheckov(): Installed {
  if (!fs.existsSync(CHECKOV) && INSTALL) {
    const venv = path.join(TOOLS, 'checkov-venv');
    log(`pip install checkov==${VERSIONS.checkov} into ${path.relative(ROOT, venv)}`);
    const err = tryTwice('checkov', () => {
      if (!fs.existsSync(path.join(venv, 'bin', 'pip'))) {
        const v = run('python3', ['-m', 'venv', venv]);
        if (v.code !== 0) return v;
      }
      return run(path.join(venv, 'bin', 'pip'), ['install', '--quiet', `checkov==${VERSIONS.checkov}`]);
    });
    if (err) return { ok: false, version: VERSIONS.checkov, note: err };
  }
  const v = run(CHECKOV, ['--version']);
  return v.code === 0
    ? { ok: true, version: firstLine(v.stdout), note: '' }
    : { ok: false, version: VERSIONS.checkov, note: firstLine(v.stderr) || 'not installed' };
}

function installTrivy(): Installed {
  const err = INSTALL ? goInstall(`github.com/aquasecurity/trivy/cmd/trivy@${VERSIONS.trivy}`, 'trivy') : undefined;
  if (err) return { ok: false, version: VERSIONS.trivy, note: err };
  const v = run(path.join(BIN, 'trivy'), ['--version']);
  // A trivy built with `go install` does not know its own version (it is set by -ldflags in releases).
  return v.code === 0 ? { ok: true, version: VERSIONS.trivy, note: '' } : { ok: false, version: VERSIONS.trivy, note: 'not installed' };
}

function installTfsec(): Installed {
  const err = INSTALL ? goInstall(`github.com/aquasecurity/tfsec/cmd/tfsec@${VERSIONS.tfsec}`, 'tfsec') : undefined;
  if (err) return { ok: false, version: VERSIONS.tfsec, note: err };
  return fs.existsSync(path.join(BIN, 'tfsec'))
    ? { ok: true, version: VERSIONS.tfsec, note: '' }
    : { ok: false, version: VERSIONS.tfsec, note: 'not installed' };
}

function installTflint(): Installed {
  let err = INSTALL ? goInstall(`github.com/terraform-linters/tflint@${VERSIONS.tflint}`, 'tflint') : undefined;
  if (err) return { ok: false, version: VERSIONS.tflint, note: err };
  err = INSTALL ? goInstall(`github.com/terraform-linters/tflint-ruleset-aws@${VERSIONS.tflintAws}`, 'tflint-ruleset-aws') : undefined;
  const plugin = path.join(PLUGINS, 'tflint-ruleset-aws');
  if (!err && fs.existsSync(path.join(BIN, 'tflint-ruleset-aws'))) {
    fs.mkdirSync(PLUGINS, { recursive: true });
    if (!fs.existsSync(plugin)) fs.copyFileSync(path.join(BIN, 'tflint-ruleset-aws'), plugin);
    fs.chmodSync(plugin, 0o755);
  }
  // No version or source: TFLint then loads the plugin from TFLINT_PLUGIN_DIR and never downloads.
  fs.writeFileSync(TFLINT_CONFIG, fs.existsSync(plugin) ? 'plugin "aws" {\n  enabled = true\n}\n' : '');
  const v = run(path.join(BIN, 'tflint'), ['--version', `--config=${TFLINT_CONFIG}`], { env: tflintEnv(), cwd: TOOLS });
  if (v.code !== 0) return { ok: false, version: VERSIONS.tflint, note: firstLine(v.stderr) || 'not installed' };
  const aws = fs.existsSync(plugin) ? `, ruleset aws ${VERSIONS.tflintAws}` : '';
  return {
    ok: true,
    version: `${VERSIONS.tflint}${aws}`,
    note: fs.existsSync(plugin) ? '' : `AWS ruleset not installed: ${err ?? 'missing'}`,
  };
}

function tflintEnv(): NodeJS.ProcessEnv {
  return { ...process.env, TFLINT_PLUGIN_DIR: PLUGINS };
}

// ---------------------------------------------------------------------------------------------------------------
// Corpus

interface Corpus {
  tf: string; // every Terraform module
  tfFiles: number;
  tfLines: number;
  single: string; // one module in one file
  singleLines: number;
  ts: string;
  tsFiles: number;
  py: string;
  pyFiles: number;
}

function write(file: string, text: string): number {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return text.split('\n').length;
}

function makeCorpus(): Corpus {
  fs.rmSync(CORPUS, { recursive: true, force: true });
  const tf = path.join(CORPUS, 'terraform');
  let tfFiles = 0;
  let tfLines = 0;
  for (let i = 0; i < SYSTEMS; i++) {
    for (const [name, text] of Object.entries(terraformSystem(i))) {
      tfLines += write(path.join(tf, `sys-${String(i).padStart(3, '0')}`, name), text);
      tfFiles++;
    }
  }
  // The project's own Terraform: the examples and the rule fixtures (bad and good each in a module of its own).
  const examples = path.join(ROOT, 'examples');
  for (const ex of fs.existsSync(examples) ? fs.readdirSync(examples) : []) {
    for (const f of fs.readdirSync(path.join(examples, ex))) {
      if (!f.endsWith('.tf') && !f.endsWith('.tfvars')) continue;
      tfLines += write(path.join(tf, `example-${ex}`, f), fs.readFileSync(path.join(examples, ex, f), 'utf8'));
      tfFiles++;
    }
  }
  const fixtures = path.join(ROOT, 'test', 'fixtures', 'rules');
  for (const rule of fs.existsSync(fixtures) ? fs.readdirSync(fixtures) : []) {
    for (const kind of ['bad', 'good']) {
      const f = path.join(fixtures, rule, `${kind}.tf`);
      // The file that does not parse stays out: tfsec aborts the whole scan on it (reported in the notes).
      if (!fs.existsSync(f) || (rule === 'parse-error' && kind === 'bad')) continue;
      tfLines += write(path.join(tf, `fixture-${rule}-${kind}`, 'main.tf'), fs.readFileSync(f, 'utf8'));
      tfFiles++;
    }
  }
  const single = path.join(CORPUS, 'single');
  const singleLines = write(path.join(single, 'main.tf'), Object.values(terraformSystem(0)).join('\n'));
  const ts = path.join(CORPUS, 'typescript');
  const py = path.join(CORPUS, 'python');
  for (let i = 0; i < SYSTEMS; i++) {
    const id = `sys-${String(i).padStart(3, '0')}`;
    write(path.join(ts, id, 'Pulumi.yaml'), `name: ${id}\nruntime: nodejs\n`);
    write(path.join(ts, id, 'index.ts'), typescriptSystem(i));
    write(path.join(py, id, 'Pulumi.yaml'), `name: ${id}\nruntime: python\n`);
    write(path.join(py, id, '__main__.py'), pythonSystem(i));
  }
  return { tf, tfFiles, tfLines, single, singleLines, ts, tsFiles: SYSTEMS, py, pyFiles: SYSTEMS };
}

// ---------------------------------------------------------------------------------------------------------------
// Timing

interface Sample {
  wallMs: number;
  cpuMs: number;
  rssKb: number;
  code: number;
}

type Tool = 'faultline' | PeerId;

function command(tool: Tool, target: string, out: string): { cmd: string; args: string[]; env?: NodeJS.ProcessEnv; cwd?: string } {
  switch (tool) {
    case 'faultline':
      return {
        cmd: process.execPath,
        args: [
          path.join(ROOT, 'out', 'cli.js'),
          'audit',
          target,
          '--format',
          'json',
          '--profile',
          'production',
          '--no-progress',
          '-o',
          out,
        ],
      };
    case 'checkov':
      return {
        cmd: CHECKOV,
        args: [
          '-d',
          target,
          '-o',
          'json',
          '--framework',
          'terraform',
          '--skip-download',
          '--quiet',
          '--output-file-path',
          path.dirname(out),
        ],
      };
    case 'trivy':
      return {
        cmd: path.join(BIN, 'trivy'),
        args: [
          'config',
          '--skip-check-update',
          '--skip-version-check',
          '--disable-telemetry',
          '--cache-dir',
          TRIVY_CACHE,
          '--format',
          'json',
          '--quiet',
          '--output',
          out,
          target,
        ],
      };
    case 'tfsec':
      return { cmd: path.join(BIN, 'tfsec'), args: [target, '--format', 'json', '--no-color', '--soft-fail', '--out', out] };
    case 'tflint':
      return {
        cmd: path.join(BIN, 'tflint'),
        args: ['--recursive', `--chdir=${target}`, `--config=${TFLINT_CONFIG}`, '--format=json', '--force'],
        env: tflintEnv(),
      };
  }
}

/** One run of a tool under GNU time: wall time and the peak resident set of its largest process. */
function timeOnce(tool: Tool, target: string, out: string): Sample {
  fs.rmSync(out, { force: true });
  const c = command(tool, target, out);
  const timeFile = path.join(RESULTS, 'time.txt');
  const t0 = performance.now();
  const args = GNU_TIME ? [GNU_TIME, '-v', '-o', timeFile, c.cmd, ...c.args] : [c.cmd, ...c.args];
  const r = run(args[0]!, args.slice(1), { env: c.env ?? process.env, cwd: c.cwd });
  const wall = performance.now() - t0;
  if (tool === 'tflint') fs.writeFileSync(out, r.stdout);
  if (tool === 'checkov') {
    const produced = path.join(path.dirname(out), 'results_json.json');
    if (fs.existsSync(produced)) fs.renameSync(produced, out);
    else fs.writeFileSync(out, r.stdout);
  }
  let rssKb = NaN;
  let cpuMs = NaN;
  let wallMs = wall;
  if (GNU_TIME && fs.existsSync(timeFile)) {
    const t = fs.readFileSync(timeFile, 'utf8');
    rssKb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(t)?.[1] ?? NaN);
    cpuMs =
      (Number(/User time \(seconds\): ([\d.]+)/.exec(t)?.[1] ?? NaN) + Number(/System time \(seconds\): ([\d.]+)/.exec(t)?.[1] ?? NaN)) *
      1000;
    const m = /Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)/.exec(t);
    if (m) wallMs = ((Number(m[1] ?? 0) * 60 + Number(m[2])) * 60 + Number(m[3])) * 1000;
    const exit = /Exit status: (\d+)/.exec(t);
    if (exit) r.code = Number(exit[1]);
  }
  if (r.code !== 0 && !((tool === 'faultline' || tool === 'checkov') && r.code === 1))
    log(`${tool} exited ${r.code}: ${firstLine(r.stderr)}`);
  return { wallMs, cpuMs, rssKb, code: r.code };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

interface Timing {
  wallMs: number;
  cpuMs: number;
  rssKb: number;
  runs: number[];
  ok: boolean;
}

function measure(tool: Tool, target: string, label: string): Timing {
  const out = path.join(RESULTS, `${tool}-${label}.json`);
  const samples: Sample[] = [];
  for (let i = 0; i < RUNS; i++) samples.push(timeOnce(tool, target, out));
  const t = {
    wallMs: median(samples.map((s) => s.wallMs)),
    cpuMs: median(samples.map((s) => s.cpuMs)),
    rssKb: median(samples.map((s) => s.rssKb)),
    runs: samples.map((s) => s.wallMs),
    ok: fs.existsSync(out) && fs.statSync(out).size > 0,
  };
  log(
    `${tool} on ${label}: ${(t.wallMs / 1000).toFixed(2)} s (CPU ${(t.cpuMs / 1000).toFixed(2)} s), ${(t.rssKb / 1024).toFixed(0)} MiB (runs ${samples.map((s) => (s.wallMs / 1000).toFixed(2)).join(', ')} s)`,
  );
  return t;
}

// ---------------------------------------------------------------------------------------------------------------
// Findings

interface Hit {
  check: string; // the peer's check id, or the Faultline rule id
  module: string; // the folder of the module, relative to the corpus root
  address: string; // type.name
  file: string;
  line: number;
}

/**
 * `aws_x.y["key"]`, `aws_x.y[0]` (an instance of count or for_each) and `aws_x.y.attribute` are the resource `aws_x.y`;
 * a data source `data.aws_x.y` is `aws_x.y`, as Faultline names it (type and name).
 */
function address(a: string): string {
  const m = /^([A-Za-z0-9_]+)\.([A-Za-z0-9_-]+)/.exec(a.replace(/^(module\.[^.]+(\[[^\]]*\])?\.)+/, '').replace(/^data\./, ''));
  return m ? `${m[1]}.${m[2]}` : a;
}

function rel(file: string, root: string): string {
  const abs = path.isAbsolute(file) ? file : path.join(root, file);
  return path.relative(root, abs);
}

function moduleOf(file: string): string {
  return file.split(path.sep)[0] ?? '';
}

function readJson(file: string): unknown {
  try {
    const text = fs.readFileSync(file, 'utf8');
    return JSON.parse(text.slice(Math.max(0, text.search(/[[{]/))));
  } catch {
    return undefined;
  }
}

/* eslint-disable @typescript-eslint/no-explicit-any -- the peers' JSON shapes */
function faultlineHits(file: string, root: string): Hit[] {
  const j = readJson(file) as any;
  return ((j?.findings ?? []) as any[])
    .filter((f) => f.resource)
    .map((f) => {
      const r = rel(String(f.file), process.cwd());
      const fileRel = rel(path.resolve(process.cwd(), r), root);
      return {
        check: f.ruleId,
        module: moduleOf(fileRel),
        address: `${f.resource.type}.${f.resource.name}`,
        file: fileRel,
        line: f.range?.start?.line ?? 0,
      };
    });
}

function checkovHits(file: string, root: string): Hit[] {
  const j = readJson(file) as any;
  const reports = Array.isArray(j) ? j : j ? [j] : [];
  const hits: Hit[] = [];
  for (const rep of reports) {
    for (const c of (rep?.results?.failed_checks ?? []) as any[]) {
      const f = rel(String(c.file_abs_path ?? path.join(root, c.file_path)), root);
      hits.push({
        check: c.check_id,
        module: moduleOf(f),
        address: address(String(c.resource)),
        file: f,
        line: c.file_line_range?.[0] ?? 0,
      });
    }
  }
  return hits;
}

function trivyHits(file: string, root: string): Hit[] {
  const j = readJson(file) as any;
  const hits: Hit[] = [];
  for (const res of (j?.Results ?? []) as any[]) {
    for (const m of (res.Misconfigurations ?? []) as any[]) {
      if (m.Status && m.Status !== 'FAIL') continue;
      const f = rel(String(m.CauseMetadata?.Occurrences?.at?.(-1)?.Filename ?? res.Target), root);
      const id = String(m.AVDID ?? m.ID).replace(/^(?!AVD-)/, 'AVD-');
      hits.push({
        check: id,
        module: moduleOf(f),
        address: address(String(m.CauseMetadata?.Resource ?? '')),
        file: f,
        line: m.CauseMetadata?.StartLine ?? 0,
      });
    }
  }
  return hits;
}

function tfsecHits(file: string, root: string): Hit[] {
  const j = readJson(file) as any;
  return ((j?.results ?? []) as any[]).map((r) => {
    const f = rel(String(r.location?.filename ?? ''), root);
    return {
      check: String(r.long_id ?? r.rule_id),
      module: moduleOf(f),
      address: address(String(r.resource ?? '')),
      file: f,
      line: r.location?.start_line ?? 0,
    };
  });
}

function tflintHits(file: string, root: string): Hit[] {
  const j = readJson(file) as any;
  return ((j?.issues ?? []) as any[]).map((i) => {
    const f = rel(String(i.range?.filename ?? ''), root);
    return { check: String(i.rule?.name ?? ''), module: moduleOf(f), address: '', file: f, line: i.range?.start?.line ?? 0 };
  });
}
/* eslint-enable @typescript-eslint/no-explicit-any */

/** A peer check id as the `equivalents` metadata writes it. */
function normalise(peer: PeerId, check: string): string {
  return peer === 'trivy' ? check.replace(/^AVD-/, 'AVD-') : check;
}

interface RuleMeta {
  id: string;
  equivalents?: Partial<Record<PeerId, string[]>>;
}

/**
 * The disagreements, looked at one by one and classified (the report counts each class). The first entry that
 * matches a disagreement classifies it; `unclassified` marks what nobody has looked at yet.
 */
interface Verdict {
  peer?: PeerId;
  rule: string;
  side: 'us' | 'peer';
  type?: string;
  check?: string;
  where?: RegExp; // matched against module/type.name
  verdict: 'our false positive' | 'our false negative' | "the peer's false positive" | "the peer's false negative" | 'different definition';
  why: string;
}

const DIFF = 'different definition' as const;
const VERDICTS: Verdict[] = [
  // sg-ingress-open-to-world
  {
    peer: 'checkov',
    rule: 'sg-ingress-open-to-world',
    side: 'us',
    verdict: DIFF,
    why: 'Checkov checks only ports 22, 3389 and 80 (CKV_AWS_24/25/260); Faultline reports every port open to 0.0.0.0/0 or ::/0 (443 on a load balancer at low severity)',
  },
  {
    rule: 'sg-ingress-open-to-world',
    side: 'peer',
    where: /^example-web-stack-tf-fixed\//,
    verdict: DIFF,
    why: 'suppressed in the source with `faultline:ignore` and a reason (the public entry point behind WAF)',
  },
  // iam-broad-managed-policy
  {
    peer: 'checkov',
    rule: 'iam-broad-managed-policy',
    side: 'us',
    verdict: DIFF,
    why: 'CKV_AWS_274 looks only for AdministratorAccess; Faultline also reports other broad managed policies (AmazonS3FullAccess, ...) and `managed_policy_arns` on a role',
  },
  // encryption-at-rest-disabled
  {
    rule: 'encryption-at-rest-disabled',
    side: 'peer',
    type: 'aws_instance',
    verdict: DIFF,
    why: 'no root_block_device written: the root volume follows the AMI snapshot and the account default, which the program does not show; Faultline checks the devices the program writes out',
  },
  {
    rule: 'encryption-at-rest-disabled',
    side: 'us',
    type: 'aws_instance',
    verdict: "the peer's false negative",
    why: 'root_block_device written without `encrypted`: the volume is created unencrypted',
  },
  {
    rule: 'encryption-at-rest-disabled',
    side: 'peer',
    type: 'aws_db_instance',
    where: /events_writer|replica/,
    verdict: "the peer's false positive",
    why: "an Aurora cluster member or a read replica: its storage and encryption are the cluster's or the source's",
  },
  {
    rule: 'encryption-at-rest-disabled',
    side: 'peer',
    type: 'aws_ebs_volume',
    where: /-good\//,
    verdict: "the peer's false positive",
    why: 'the module turns on aws_ebs_encryption_by_default',
  },
  {
    rule: 'encryption-at-rest-disabled',
    side: 'peer',
    type: 'aws_redshift_cluster',
    verdict: "the peer's false positive",
    why: 'new Redshift clusters are encrypted by default (since January 2025); the peer predates that',
  },
  // encryption-in-transit-disabled
  {
    rule: 'encryption-in-transit-disabled',
    side: 'peer',
    type: 'aws_msk_cluster',
    verdict: "the peer's false positive",
    why: 'MSK defaults client_broker to TLS; the other cluster sets it from a variable Faultline cannot see',
  },
  // alb-http-without-redirect
  {
    rule: 'alb-http-without-redirect',
    side: 'peer',
    type: 'aws_lb',
    verdict: DIFF,
    why: 'CKV2_AWS_20 reports the load balancer, Faultline the HTTP listener (the same fault counted on another resource), and also flags internal load balancers',
  },
  {
    rule: 'alb-http-without-redirect',
    side: 'peer',
    type: 'aws_lb_listener',
    where: /-good\//,
    verdict: DIFF,
    why: 'an internal load balancer: Faultline reports only internet-facing listeners',
  },
  // s3-public-access-not-blocked
  {
    rule: 's3-public-access-not-blocked',
    side: 'us',
    type: 'aws_s3_bucket_public_access_block',
    verdict: DIFF,
    why: 'a block with some of the four switches off: Faultline requires all four and reports the block; CKV2_AWS_6 requires block_public_acls and block_public_policy only (or reports the bucket)',
  },
  {
    rule: 's3-public-access-not-blocked',
    side: 'peer',
    type: 'aws_s3_bucket',
    verdict: DIFF,
    why: 'the same incomplete block, reported on the bucket by the peer and on the block by Faultline',
  },
  // ec2-imdsv2-not-required
  {
    peer: 'checkov',
    rule: 'ec2-imdsv2-not-required',
    side: 'us',
    where: /^fixture-terraform-undeclared-reference-good\//,
    verdict: "the peer's false negative",
    why: 'an instance with count, lookup() and a local-exec provisioner and no metadata_options, so IMDSv1 stays on; Checkov reports nothing for it (CKV_AWS_79 did not run on this resource; we did not find out why)',
  },
  // access-logging-disabled
  {
    peer: 'checkov',
    rule: 'access-logging-disabled',
    side: 'peer',
    type: 'aws_s3_bucket',
    verdict: DIFF,
    why: 'CKV_AWS_18 asks every bucket for access logs, including the buckets that receive logs (trail, load balancer, CDN, access-log targets) and those of non-production programs; Faultline exempts log buckets and judges production only',
  },
  // insights-disabled
  {
    peer: 'checkov',
    rule: 'insights-disabled',
    side: 'us',
    verdict: DIFF,
    why: 'the Checkov checks listed as equivalents cover Container Insights, Lambda and API Gateway tracing; RDS Performance Insights is not among them, so every RDS instance Faultline reports counts as "only Faultline"',
  },
  // kms-key-rotation-disabled
  {
    rule: 'kms-key-rotation-disabled',
    side: 'peer',
    type: 'aws_kms_key',
    verdict: "the peer's false positive",
    why: 'an asymmetric, HMAC or signing key (key_spec other than SYMMETRIC_DEFAULT or from a variable, key_usage other than ENCRYPT_DECRYPT): AWS does not rotate those, enable_key_rotation is rejected',
  },
  // rds-multi-az-disabled
  {
    peer: 'checkov',
    rule: 'rds-multi-az-disabled',
    side: 'peer',
    where: /^fixture-aws-value-invalid-bad\//,
    verdict: DIFF,
    why: '`multi_az = "yes"` is not a bool: Faultline reports it as aws-value-invalid (the plan fails), Checkov as Multi-AZ off',
  },
  {
    rule: 'rds-multi-az-disabled',
    side: 'us',
    type: 'aws_rds_cluster',
    verdict: "the peer's false negative",
    why: 'CKV_AWS_157 checks only aws_db_instance; a cluster with one availability zone or one instance is single-AZ',
  },
  {
    rule: 'rds-multi-az-disabled',
    side: 'peer',
    type: 'aws_db_instance',
    where: /events_writer/,
    verdict: "the peer's false positive",
    why: "an Aurora cluster member: availability is the cluster's (multi_az does not apply)",
  },
  {
    rule: 'rds-multi-az-disabled',
    side: 'peer',
    type: 'aws_db_instance',
    where: /\/aws_db_instance\.audit$/,
    verdict: DIFF,
    why: '`multi_az = var.environment == "prod"`: Faultline reports only what it can evaluate to false',
  },
  // rds-backup-retention-low
  {
    peer: 'checkov',
    rule: 'rds-backup-retention-low',
    side: 'us',
    verdict: DIFF,
    why: 'CKV_AWS_133 accepts 1 day and an absent backup_retention_period (default 1); Faultline requires the configured minimum (7 days)',
  },
  // deletion-protection-disabled
  {
    rule: 'deletion-protection-disabled',
    side: 'us',
    type: 'aws_dynamodb_table',
    verdict: DIFF,
    why: 'scope: the peer has no deletion-protection check for DynamoDB tables',
  },
  {
    rule: 'deletion-protection-disabled',
    side: 'peer',
    type: 'aws_db_instance',
    where: /events_writer/,
    verdict: "the peer's false positive",
    why: 'an Aurora cluster member: deletion protection is set on the cluster',
  },
  // log-retention-missing
  {
    rule: 'log-retention-missing',
    side: 'us',
    type: 'aws_cloudwatch_log_group',
    verdict: "the peer's false negative",
    why: 'retention_in_days = 0 (or a value that evaluates to 0) keeps the logs forever; the peer counts any value as set',
  },
  {
    peer: 'checkov',
    rule: 'log-retention-missing',
    side: 'peer',
    check: 'CKV_AWS_338',
    verdict: DIFF,
    why: 'CKV_AWS_338 wants at least a year of retention; Faultline reports only a log group kept forever (no retention)',
  },
  // tfsec and Trivy
  {
    peer: 'trivy',
    rule: 'sg-ingress-open-to-world',
    side: 'us',
    verdict: DIFF,
    why: 'Trivy 0.70 (AVD-AWS-0107) reports only SSH and RDP ports open to the world; Faultline reports every port (tfsec 1.28, the older form of the same check, reports every port and agrees)',
  },
  {
    peer: 'tfsec',
    rule: 'sg-ingress-open-to-world',
    side: 'us',
    type: 'aws_vpc_security_group_ingress_rule',
    verdict: "the peer's false negative",
    why: 'tfsec 1.28 does not know aws_vpc_security_group_ingress_rule (provider 5.x), the way AWS now recommends writing rules',
  },
  {
    rule: 'rds-publicly-accessible',
    side: 'us',
    type: 'aws_rds_cluster_instance',
    verdict: "the peer's false negative",
    why: 'publicly_accessible on an Aurora cluster instance: the peer checks aws_db_instance only',
  },
  {
    rule: 'encryption-at-rest-disabled',
    side: 'peer',
    type: 'aws_rds_cluster',
    verdict: DIFF,
    why: 'storage_encrypted = true without kms_key_id: the peer also wants a customer-managed key; Faultline counts the AWS-managed key as encryption at rest',
  },
  {
    rule: 'encryption-at-rest-disabled',
    side: 'us',
    type: 'aws_opensearch_domain',
    verdict: "the peer's false negative",
    why: 'the peer checks aws_elasticsearch_domain but not its successor aws_opensearch_domain',
  },
  {
    rule: 's3-public-access-not-blocked',
    side: 'peer',
    type: 'aws_s3_bucket',
    where: /-good\//,
    verdict: DIFF,
    why: "the block names its bucket through a variable: it may be this bucket's; Faultline does not report what it cannot resolve, the peer cannot link the two",
  },
  {
    rule: 'ec2-imdsv2-not-required',
    side: 'us',
    type: 'aws_launch_template',
    verdict: DIFF,
    why: 'launch templates are a separate check in the peer (not listed as an equivalent); Faultline checks instances and templates in one rule',
  },
  {
    rule: 'rds-backup-retention-low',
    side: 'us',
    type: 'aws_rds_cluster',
    where: /-bad\//,
    verdict: "the peer's false negative",
    why: 'backup_retention_period = local.backup_days (3 days): Faultline evaluates the local',
  },
  {
    rule: 'rds-backup-retention-low',
    side: 'peer',
    type: 'aws_db_instance',
    where: /events_writer/,
    verdict: "the peer's false positive",
    why: "an Aurora cluster member: backups are the cluster's",
  },
  {
    peer: 'tfsec',
    rule: 'deletion-protection-disabled',
    side: 'us',
    type: 'aws_rds_cluster',
    verdict: "the peer's false negative",
    why: 'tfsec has no deletion-protection check for RDS clusters (Trivy added AVD-AWS-0343)',
  },
  {
    rule: 'deletion-protection-disabled',
    side: 'us',
    type: 'aws_lb',
    verdict: DIFF,
    why: 'scope: Faultline also asks production load balancers for deletion protection; the peer has no such check',
  },
  // iam-policy-wildcard
  {
    peer: 'trivy',
    rule: 'iam-policy-wildcard',
    side: 'us',
    verdict: "the peer's false negative",
    why: 'AVD-AWS-0057 in the checks Trivy 0.70 embeds is deprecated and its Rego has no deny rule left: it reports nothing, even with --include-deprecated-checks; these statements Allow "*", "s3:*" and "ec2:*" on Resource "*"',
  },
  {
    peer: 'tfsec',
    rule: 'iam-policy-wildcard',
    side: 'peer',
    type: 'aws_iam_role_policy',
    where: /aws_iam_role_policy\.flow_logs$/,
    verdict: "the peer's false positive",
    why: 'Resource is one log group\'s ARN with ":*" (its log streams), the form AWS documents for logs:CreateLogStream/PutLogEvents; tfsec flags any "*" in a resource (it exempts only S3 "bucket/*")',
  },
  {
    peer: 'tfsec',
    rule: 'iam-policy-wildcard',
    side: 'peer',
    type: 'aws_iam_policy',
    where: /^fixture-iam-policy-document-malformed-good\/aws_iam_policy\.reader$/,
    verdict: "the peer's false positive",
    why: 's3:GetObject on "${aws_s3_bucket.logs.arn}/*", the objects of one bucket: tfsec cannot resolve the ARN, so its exemption for "arn:aws:s3:::bucket/*" misses it and it reports the "*"',
  },
  {
    peer: 'tfsec',
    rule: 'iam-policy-wildcard',
    side: 'peer',
    type: 'aws_iam_policy',
    verdict: DIFF,
    why: 'a named action on Resource "*" (ecs:UpdateService, s3:GetObject): tfsec reports any action AWS could scope to a resource ARN, and any "*" inside an action; Faultline reports only "*" or "service:*" on Resource "*"',
  },
  // a Trivy finding on a value set from a variable without a default (unknown until plan)
  {
    peer: 'trivy',
    rule: 'encryption-at-rest-disabled',
    side: 'peer',
    type: 'aws_opensearch_domain',
    where: /-good\//,
    verdict: DIFF,
    why: '`encrypt_at_rest { enabled = var.encrypt }`, a variable without a default: Trivy counts the unknown value as false; Faultline reports only what it can evaluate to false',
  },
  {
    peer: 'trivy',
    rule: 'encryption-in-transit-disabled',
    side: 'peer',
    type: 'aws_elasticache_replication_group',
    where: /-good\//,
    verdict: DIFF,
    why: '`transit_encryption_enabled = var.tls`, a variable without a default: Trivy counts the unknown value as false; Faultline reports only what it can evaluate to false',
  },
  {
    peer: 'trivy',
    rule: 'ecr-scan-on-push-disabled',
    side: 'peer',
    type: 'aws_ecr_repository',
    where: /-good\//,
    verdict: DIFF,
    why: '`scan_on_push = var.scan_images`, a variable without a default: Trivy counts the unknown value as false (Checkov and tfsec do not); Faultline reports only what it can evaluate to false',
  },
  {
    peer: 'trivy',
    rule: 'cloudtrail-not-integrated',
    side: 'peer',
    type: 'aws_cloudtrail',
    where: /-good\//,
    verdict: DIFF,
    why: '`enable_log_file_validation = var.validate_logs` (AVD-AWS-0016), a variable without a default: Trivy counts the unknown value as false; Faultline reports only what it can evaluate to false',
  },
  {
    peer: 'trivy',
    rule: 'deletion-protection-disabled',
    side: 'peer',
    type: 'aws_rds_cluster',
    where: /-good\//,
    verdict: DIFF,
    why: '`deletion_protection = var.protect`, a variable without a default: Trivy counts the unknown value as false; Faultline reports only what it can evaluate to false',
  },
];

function classify(peer: PeerId, rule: string, side: 'us' | 'peer', key: string, checks: string[]): Verdict | undefined {
  const type = key.split('/').pop()!.split('.')[0];
  return VERDICTS.find(
    (v) =>
      (!v.peer || v.peer === peer) &&
      (v.rule === '*' || v.rule === rule) &&
      v.side === side &&
      (!v.type || v.type === type) &&
      (!v.check || checks.includes(v.check)) &&
      (!v.where || v.where.test(key)),
  );
}

interface Agreement {
  peer: PeerId;
  rule: string;
  both: number;
  us: number;
  them: number;
  onlyUs: { key: string; checks: string[]; verdict?: Verdict }[];
  onlyThem: { key: string; checks: string[]; verdict?: Verdict }[];
}

function agreement(peer: PeerId, rules: RuleMeta[], ours: Hit[], theirs: Hit[]): Agreement[] {
  const out: Agreement[] = [];
  for (const rule of rules) {
    // Checkov runs with --framework terraform: its secrets checks (CKV_SECRET_*) are not run, so not compared.
    const eq = new Set((rule.equivalents?.[peer] ?? []).filter((c) => !c.startsWith('CKV_SECRET_')));
    if (eq.size === 0) continue;
    const mine = new Map<string, string[]>();
    for (const h of ours) if (h.check === rule.id) mine.set(`${h.module}/${h.address}`, [rule.id]);
    const their = new Map<string, string[]>();
    for (const h of theirs) {
      if (!eq.has(normalise(peer, h.check))) continue;
      const key = `${h.module}/${h.address}`;
      their.set(key, [...new Set([...(their.get(key) ?? []), h.check])]);
    }
    const a: Agreement = { peer, rule: rule.id, both: 0, us: mine.size, them: their.size, onlyUs: [], onlyThem: [] };
    for (const [key] of mine) {
      if (their.has(key)) a.both++;
      else a.onlyUs.push({ key, checks: [], verdict: classify(peer, rule.id, 'us', key, []) });
    }
    for (const [key, checks] of their)
      if (!mine.has(key)) a.onlyThem.push({ key, checks, verdict: classify(peer, rule.id, 'peer', key, checks) });
    out.push(a);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Report

const fmtS = (ms: number): string =>
  Number.isFinite(ms) ? (ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${(ms / 1000).toFixed(2)} s`) : 'n/a';
const fmtMiB = (kb: number): string => (Number.isFinite(kb) ? `${(kb / 1024).toFixed(0)} MiB` : 'n/a');
const ratio = (a: number, b: number): string =>
  Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${(a / b).toFixed(a / b >= 10 ? 0 : 1)}x` : 'n/a';

function main(): void {
  fs.mkdirSync(BIN, { recursive: true });
  fs.mkdirSync(RESULTS, { recursive: true });
  const cli = path.join(ROOT, 'out', 'cli.js');
  if (!fs.existsSync(cli)) throw new Error('out/cli.js is missing: run npm run build first');

  const installed: Record<PeerId, Installed> = {
    checkov: installCheckov(),
    trivy: installTrivy(),
    tfsec: installTfsec(),
    tflint: installTflint(),
  };
  for (const p of PEERS) log(`${PEER_NAME[p]}: ${installed[p].ok ? installed[p].version : `skipped (${installed[p].note})`}`);
  const peers = PEERS.filter((p) => installed[p].ok);

  const corpus = makeCorpus();
  log(
    `corpus: ${corpus.tfFiles} Terraform files (${corpus.tfLines} lines), ${corpus.tsFiles} TypeScript and ${corpus.pyFiles} Python programs`,
  );

  const cacheFile = path.join(RESULTS, `timings-${SYSTEMS}-${RUNS}.json`);
  const timings: Record<string, Record<string, Timing>> = REUSE && fs.existsSync(cacheFile)
    ? JSON.parse(fs.readFileSync(cacheFile, 'utf8'))
    : { single: {}, corpus: {}, typescript: {}, python: {} };
  const need = (set: string, tool: Tool): boolean => !timings[set]![tool] || !fs.existsSync(path.join(RESULTS, `${tool}-${set}.json`));
  for (const tool of ['faultline', ...peers] as Tool[]) {
    if (need('single', tool)) timings.single![tool] = measure(tool, corpus.single, 'single');
    if (need('corpus', tool)) timings.corpus![tool] = measure(tool, corpus.tf, 'corpus');
  }
  if (need('typescript', 'faultline')) timings.typescript!.faultline = measure('faultline', corpus.ts, 'typescript');
  if (need('python', 'faultline')) timings.python!.faultline = measure('faultline', corpus.py, 'python');
  fs.writeFileSync(cacheFile, JSON.stringify(timings, null, 2));

  const rules = JSON.parse(run(process.execPath, [cli, 'rules', '--json']).stdout) as RuleMeta[];
  const ours = faultlineHits(path.join(RESULTS, 'faultline-corpus.json'), corpus.tf);
  const parsers: Record<PeerId, (f: string, r: string) => Hit[]> = {
    checkov: checkovHits,
    trivy: trivyHits,
    tfsec: tfsecHits,
    tflint: tflintHits,
  };
  const theirs: Partial<Record<PeerId, Hit[]>> = {};
  for (const p of peers) theirs[p] = parsers[p](path.join(RESULTS, `${p}-corpus.json`), corpus.tf);
  const agreements = peers.flatMap((p) => agreement(p, rules, ours, theirs[p]!));
  fs.writeFileSync(path.join(RESULTS, 'agreement.json'), JSON.stringify(agreements, null, 2));

  // ---- the report
  const date = new Date().toISOString().slice(0, 10);
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  const L: string[] = [];
  L.push('# Faultline compared with Checkov, Trivy, tfsec and TFLint', '');
  L.push(
    `${date}; ${os.cpus().length} cores (${cpu}), ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB; Node ${process.version}; load average ${os
      .loadavg()
      .map((x) => x.toFixed(1))
      .join(
        ' ',
      )} at the end (the machine is shared: wall times move with the load, CPU times less); every tool run with \`nice -n 19\`. Generated by \`npm run bench:peers\` (bench/peers.ts).`,
    '',
  );
  L.push('## Versions', '', '| tool | version | how |', '|---|---|---|');
  L.push(`| Faultline | ${JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version} | this checkout |`);
  const how: Record<PeerId, string> = {
    checkov: 'PyPI, in a virtualenv in .tools/',
    trivy: '`go install` from the Go module proxy',
    tfsec: '`go install` from the Go module proxy',
    tflint: '`go install` (TFLint and tflint-ruleset-aws) from the Go module proxy; the plugin loaded from TFLINT_PLUGIN_DIR',
  };
  for (const p of PEERS)
    L.push(`| ${PEER_NAME[p]} | ${installed[p].ok ? installed[p].version : `not installed: ${installed[p].note}`} | ${how[p]} |`);
  L.push('');

  L.push('## Corpus', '');
  L.push(
    `- **Terraform** (every tool): ${corpus.tfFiles} files, ${corpus.tfLines} lines: ${SYSTEMS} generated systems (bench/peers-corpus.ts: VPC, security groups, load balancer and listener, RDS instance and Aurora cluster, ElastiCache, EFS, EBS, KMS, S3 and its public access block, SNS, SQS, log group, CloudTrail, IAM, EC2, ECR; settings that vary so that each rule meets compliant and non-compliant resources), the Terraform examples and the rule fixtures (bad.tf and good.tf, a module each).`,
    `- **One file**: one generated system in a single main.tf of ${corpus.singleLines} lines.`,
    `- **Pulumi** (Faultline only: no peer reads Pulumi TypeScript or Python programs): the same ${SYSTEMS} systems as ${corpus.tsFiles} TypeScript and ${corpus.pyFiles} Python programs.`,
    '',
  );

  L.push(`## Speed (median of ${RUNS} runs)`, '');
  L.push(
    "Wall time, CPU time (user + system, all threads and child processes) and peak resident memory of the largest process. The ratio is the peer's figure over Faultline's.",
    '',
  );
  const fs1 = timings.single!.faultline!;
  const fsN = timings.corpus!.faultline!;
  for (const [label, key, base] of [
    [`One file (${corpus.singleLines} lines)`, 'single', fs1],
    [`Whole Terraform corpus (${corpus.tfFiles} files, ${corpus.tfLines} lines)`, 'corpus', fsN],
  ] as const) {
    L.push(
      `### ${label}`,
      '',
      '| tool | wall | CPU | memory | wall / Faultline | CPU / Faultline | memory / Faultline |',
      '|---|---|---|---|---|---|---|',
    );
    for (const tool of ['faultline', ...peers] as Tool[]) {
      const t = timings[key]![tool]!;
      const name = tool === 'faultline' ? 'Faultline' : PEER_NAME[tool];
      const r =
        tool === 'faultline' ? ['1x', '1x', '1x'] : [ratio(t.wallMs, base.wallMs), ratio(t.cpuMs, base.cpuMs), ratio(t.rssKb, base.rssKb)];
      L.push(`| ${name} | ${fmtS(t.wallMs)} | ${fmtS(t.cpuMs)} | ${fmtMiB(t.rssKb)} | ${r.join(' | ')} |`);
    }
    L.push('');
  }
  for (const lang of ['typescript', 'python'] as const) {
    const t = timings[lang]!.faultline!;
    L.push(
      `Faultline on the Pulumi ${lang === 'typescript' ? 'TypeScript' : 'Python'} corpus (${SYSTEMS} programs): ${fmtS(t.wallMs)} wall, ${fmtS(t.cpuMs)} CPU, ${fmtMiB(t.rssKb)}.`,
    );
  }
  L.push(
    '',
    'Headline ratios (whole corpus, wall time; CPU time in brackets): ' +
      peers
        .map(
          (p) =>
            `${PEER_NAME[p]} / Faultline = ${ratio(timings.corpus![p]!.wallMs, fsN.wallMs)} (${ratio(timings.corpus![p]!.cpuMs, fsN.cpuMs)})`,
        )
        .join('; ') +
      '.',
    '',
    'The rule fixture that does not parse (parse-error/bad.tf) is left out of the corpus: on it tfsec aborts the whole scan (`Error: scan failed: ... Invalid expression`) and reports nothing at all, TFLint reports an error for that module, Checkov skips the file; Faultline reports parse-error and checks the resources that parse.',
    '',
    'Notes: Faultline uses worker threads on a large audit (both cores here); Checkov runs in one process; TFLint starts its AWS ruleset as a plugin process, and the memory column counts the larger of the two. Trivy is run as `trivy config --skip-check-update` (its embedded checks, no download), Checkov with `--framework terraform --skip-download` (so its secrets scanner, the equivalent of hardcoded-secret, is not run), tfsec with `--soft-fail`, TFLint with `--recursive` and the AWS ruleset.',
    '',
  );

  L.push('## Agreement (whole Terraform corpus, rules with an equivalent in the peer, resource by resource)', '');
  L.push(
    'A finding is the resource (module folder, type and name) that a rule reports, counted once however many attributes it names. TFLint lists no equivalent: its AWS ruleset checks values against the provider (instance types, engine names), not security or reliability settings, so it is compared on speed only.',
    '',
  );
  L.push('| peer | Faultline rule | both | only Faultline | only the peer | agreement |', '|---|---|---|---|---|---|');
  for (const a of agreements) {
    const total = a.both + a.onlyUs.length + a.onlyThem.length;
    L.push(
      `| ${PEER_NAME[a.peer]} | ${a.rule} | ${a.both} | ${a.onlyUs.length} | ${a.onlyThem.length} | ${total ? `${((a.both / total) * 100).toFixed(0)}%` : '-'} |`,
    );
  }
  L.push('');
  L.push('### The disagreements, classified', '');
  L.push('| peer | rule | side | resource type | peer checks | count | verdict | why |', '|---|---|---|---|---|---|---|---|');
  const groups = new Map<
    string,
    { a: Agreement; side: string; type: string; checks: string; n: number; verdict?: Verdict; example: string }
  >();
  for (const a of agreements) {
    for (const [side, list] of [
      ['only Faultline', a.onlyUs],
      ['only the peer', a.onlyThem],
    ] as const) {
      for (const d of list) {
        const type = d.key.split('/').pop()!.split('.')[0]!;
        const k = `${a.peer}|${a.rule}|${side}|${type}|${d.checks.join(',')}|${d.verdict?.why ?? ''}`;
        const g = groups.get(k) ?? { a, side, type, checks: d.checks.join(', '), n: 0, verdict: d.verdict, example: d.key };
        g.n++;
        groups.set(k, g);
      }
    }
  }
  for (const g of groups.values()) {
    L.push(
      `| ${PEER_NAME[g.a.peer]} | ${g.a.rule} | ${g.side} | ${g.type} | ${g.checks || '-'} | ${g.n} (e.g. ${g.example}) | ${g.verdict?.verdict ?? 'unclassified'} | ${g.verdict?.why ?? ''} |`,
    );
  }
  L.push(
    '',
    '`unclassified`: a disagreement nobody has looked at yet (add a verdict to VERDICTS in bench/peers.ts). TFLint (no equivalents) reports errors on modules that call a local module the corpus does not copy or hold a policy it cannot parse; its time counts them. On this shared 2-core machine wall times move with the other load (every tool runs at nice 19); the CPU-time ratios are the steadier figure.',
    '',
  );
  const report = L.join('\n');
  fs.writeFileSync(path.join(ROOT, 'bench', 'peers.md'), report);

  // ---- the summary
  process.stdout.write(
    [
      `Faultline vs peers (${RUNS} runs, medians; corpus ${corpus.tfFiles} Terraform files):`,
      ...(['faultline', ...peers] as Tool[]).map((t) => {
        const n = t === 'faultline' ? 'Faultline' : PEER_NAME[t];
        const b = timings.corpus![t]!;
        const a = timings.single![t]!;
        return `  ${n.padEnd(10)} corpus ${fmtS(b.wallMs).padStart(8)} ${fmtMiB(b.rssKb).padStart(9)}  one file ${fmtS(a.wallMs).padStart(7)} ${fmtMiB(a.rssKb).padStart(8)}${t === 'faultline' ? '' : `  ${n} / Faultline = ${ratio(b.wallMs, fsN.wallMs)} (one file ${ratio(a.wallMs, fs1.wallMs)})`}`;
      }),
      ...PEERS.filter((p) => !installed[p].ok).map((p) => `  ${PEER_NAME[p]} skipped: ${installed[p].note}`),
      `Agreement: ${agreements.reduce((s, a) => s + a.both, 0)} resources found by both, ${agreements.reduce((s, a) => s + a.onlyUs.length, 0)} only by Faultline, ${agreements.reduce((s, a) => s + a.onlyThem.length, 0)} only by a peer (see bench/peers.md).`,
      '',
    ].join('\n'),
  );
}

main();
