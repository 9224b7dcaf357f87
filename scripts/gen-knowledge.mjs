#!/usr/bin/env node
// Regenerates the AWS fact catalogues that the value rules read (shared/knowledge/data/):
//   rds-engine-versions.json      per engine: the engine versions AWS offers (cluster and instance lists merged)
//   rds-instance-classes.json     every DB instance class, and per engine the classes some region offers
//   fargate-cpu-memory.json       Fargate task cpu -> allowed memory values
//   lambda-runtimes.json          the Runtime enum, with deprecation / block dates and successors
//   lambda-reserved-env-vars.json environment variable keys Lambda reserves
//   log-retention.json            the retention_in_days values CloudWatch Logs accepts
//
// Sources (build-time only, cached under .tools/, never project dependencies):
//   PyPI cfn-lint (MIT-0 data generated from the AWS APIs): .tools/cfnlint-venv
//   npm @aws-sdk/client-lambda, @aws-sdk/client-cloudwatch-logs: .tools/sdk-src
// Hand-kept tables (rds-parameter-group-families.json, vpc-flow-log.json, ports.json) are not touched here.
//
// Usage: node scripts/gen-knowledge.mjs [--offline] [--date YYYY-MM-DD]
//   --offline  use what is cached under .tools/ (no pip or npm calls)

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const TOOLS = path.join(ROOT, '.tools');
const VENV = path.join(TOOLS, 'cfnlint-venv');
const SDK = path.join(TOOLS, 'sdk-src');
const OUT = path.join(ROOT, 'shared', 'knowledge', 'data');
const OFFLINE = process.argv.includes('--offline');
const DATE = process.argv.includes('--date') ? process.argv[process.argv.indexOf('--date') + 1] : new Date().toISOString().slice(0, 10);
const log = (...a) => console.error('[gen-knowledge]', ...a);

function run(cmd, args, opts = {}) {
  return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20, ...opts });
}

/** Runs `fn` and retries once after a pause (network installs fail now and then). */
function retryOnce(what, fn) {
  try {
    return fn();
  } catch (e) {
    log(`${what} failed (${e.message.split('\n')[0]}); retrying once`);
    run('sleep', ['5']);
    return fn();
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Sources
// ---------------------------------------------------------------------------------------------------------------

function cfnLintData() {
  const pip = path.join(VENV, 'bin', 'pip');
  const python = path.join(VENV, 'bin', 'python');
  if (!fs.existsSync(python)) {
    if (OFFLINE) throw new Error(`--offline but ${VENV} does not exist`);
    log('creating', VENV);
    run('python3', ['-m', 'venv', VENV]);
  }
  const installed = () => {
    try {
      return run(python, ['-c', 'import importlib.metadata as m; print(m.version("cfn-lint"))']).trim();
    } catch {
      return undefined;
    }
  };
  if (!OFFLINE) {
    log('pip install --upgrade cfn-lint');
    retryOnce('pip install cfn-lint', () => run(pip, ['install', '--quiet', '--upgrade', 'cfn-lint']));
  }
  const version = installed();
  if (!version) throw new Error('cfn-lint is not installed in ' + VENV);
  const dir = run(python, ['-c', 'import cfnlint, os; print(os.path.dirname(cfnlint.__file__))']).trim();
  const data = path.join(dir, 'data');
  const schemaDate = JSON.parse(fs.readFileSync(path.join(data, 'schemas', 'version.json'), 'utf8')).schema_date;
  log(`cfn-lint ${version}, schemas of ${schemaDate}`);
  return { version, schemaDate, data, read: (rel) => JSON.parse(fs.readFileSync(path.join(data, rel), 'utf8')) };
}

function sdkPackages() {
  const pkgs = ['@aws-sdk/client-lambda', '@aws-sdk/client-cloudwatch-logs'];
  const has = () => pkgs.every((p) => fs.existsSync(path.join(SDK, 'node_modules', p, 'package.json')));
  if (!OFFLINE) {
    log('npm install', pkgs.join(' '), 'into', SDK);
    fs.mkdirSync(SDK, { recursive: true });
    retryOnce('npm install', () =>
      run('npm', ['install', '--no-save', '--no-audit', '--no-fund', '--prefix', SDK, ...pkgs.map((p) => `${p}@latest`)]),
    );
  }
  if (!has()) throw new Error(`the AWS SDK clients are not installed in ${SDK}`);
  const version = (p) => JSON.parse(fs.readFileSync(path.join(SDK, 'node_modules', p, 'package.json'), 'utf8')).version;
  return { lambda: version(pkgs[0]), logs: version(pkgs[1]), dir: (p) => path.join(SDK, 'node_modules', p) };
}

// ---------------------------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------------------------

/** Compares dotted versions numerically where both parts are numbers (15.10 > 15.9), textually otherwise. */
function cmpVersion(a, b) {
  const x = a.split(/[.\-_]/);
  const y = b.split(/[.\-_]/);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    if (x[i] === undefined) return -1;
    if (y[i] === undefined) return 1;
    const nx = /^\d+$/.test(x[i]) ? Number(x[i]) : NaN;
    const ny = /^\d+$/.test(y[i]) ? Number(y[i]) : NaN;
    const c = !isNaN(nx) && !isNaN(ny) ? nx - ny : x[i] < y[i] ? -1 : x[i] > y[i] ? 1 : 0;
    if (c !== 0) return c;
  }
  return 0;
}

/** `{ Engine: X } -> { EngineVersion: [...] }` from a cfn-lint `allOf` of if/then schemas. */
function versionsByEngine(schema) {
  const out = {};
  for (const clause of schema.allOf ?? []) {
    const p = clause.if?.properties ?? {};
    const engine = p.Engine?.const;
    if (!engine) continue;
    const listed = clause.then?.properties?.EngineVersion?.enum ?? p.EngineVersion?.enum ?? [];
    out[engine] ??= new Set();
    for (const v of listed) out[engine].add(String(v));
  }
  return out;
}

function write(name, content) {
  const file = path.join(OUT, name);
  fs.writeFileSync(file, JSON.stringify(content, null, 1) + '\n');
  log('wrote', path.relative(ROOT, file));
}

// ---------------------------------------------------------------------------------------------------------------
// Catalogues
// ---------------------------------------------------------------------------------------------------------------

const cfn = cfnLintData();
const sdk = sdkPackages();
const cfnSource = (files) => ({
  source: `PyPI cfn-lint ${cfn.version} (data generated by cfn-lint from the AWS APIs, licence MIT-0): ${files.join(', ')}`,
  version: `cfn-lint ${cfn.version}, schemas ${cfn.schemaDate}`,
  retrieved: DATE,
  catalogueDate: cfn.schemaDate.slice(0, 10),
  generator: 'scripts/gen-knowledge.mjs',
});

// RDS engine versions: the cluster and the instance lists merged (one is not a subset of the other: the cluster list
// has major-only forms), so that a version one of them dropped is not reported.
{
  const files = ['extensions/aws_rds_dbcluster/engine_version.json', 'extensions/aws_rds_dbinstance/engine_version.json'];
  const depFiles = [
    'extensions/aws_rds_dbcluster/engine_version_deprecated.json',
    'extensions/aws_rds_dbinstance/engine_version_deprecated.json',
  ];
  const merged = {};
  for (const f of files)
    for (const [e, vs] of Object.entries(versionsByEngine(cfn.read(`schemas/${f}`)))) for (const v of vs) (merged[e] ??= new Set()).add(v);
  const deprecated = {};
  for (const f of depFiles)
    for (const [e, vs] of Object.entries(versionsByEngine(cfn.read(`schemas/${f}`))))
      for (const v of vs) (deprecated[e] ??= new Set()).add(v);
  const engines = {};
  for (const e of Object.keys(merged).sort()) {
    engines[e] = { versions: [...merged[e]].sort(cmpVersion) };
    const dep = [...(deprecated[e] ?? [])].filter((v) => merged[e].has(v)).sort(cmpVersion);
    if (dep.length) engines[e].deprecated = dep;
  }
  write('rds-engine-versions.json', {
    ...cfnSource([...files, ...depFiles].map((f) => `cfnlint/data/schemas/${f}`)),
    note: 'Engines without a list here (oracle-*) are not checked. A version newer than the newest listed for its major is reported as "not in the catalogue", not as invalid.',
    engines,
  });
}

// DB instance classes: every class (db_instance_class.json lists the full set for each engine) and, per engine, the
// classes any region offers (dbinstanceclass_enum.json, per region, engine and licence model).
{
  const all = new Set();
  const classFile = 'extensions/aws_rds_dbinstance/db_instance_class.json';
  for (const clause of cfn.read(`schemas/${classFile}`).allOf) for (const c of clause.then.properties.DBInstanceClass.enum) all.add(c);
  const enumFile = 'extensions/aws_rds_dbinstance/dbinstanceclass_enum.json';
  const byEngine = {};
  for (const region of Object.values(cfn.read(`schemas/${enumFile}`))) {
    for (const clause of region.allOf ?? []) {
      const e = clause.if?.properties?.Engine;
      const engines = e?.const ? [e.const] : (e?.enum ?? []);
      for (const engine of engines)
        for (const c of clause.then?.properties?.DBInstanceClass?.enum ?? []) {
          (byEngine[engine] ??= new Set()).add(c);
          all.add(c);
        }
    }
  }
  const engines = Object.fromEntries(
    Object.keys(byEngine)
      .sort()
      .map((e) => [e, [...byEngine[e]].sort()]),
  );
  write('rds-instance-classes.json', {
    ...cfnSource([classFile, enumFile].map((f) => `cfnlint/data/schemas/${f}`)),
    note: 'classes: every DB instance class; engines: the classes at least one region offers for the engine (any licence model). Engines not listed are checked against classes only.',
    classes: [...all].sort(),
    engines,
  });
}

// Fargate cpu/memory.
{
  const file = 'extensions/aws_ecs_taskdefinition/fargate_cpu_memory.json';
  const cpu = {};
  for (const alt of cfn.read(`schemas/${file}`).then.anyOf) {
    const c = alt.properties.Cpu.then.enum[0];
    const m = alt.properties.Memory.then ?? alt.properties.Memory;
    let values;
    if (m.enum) values = m.enum.map(Number);
    else {
      values = [];
      for (let v = m.minimum; v <= m.maximum; v += m.multipleOf) values.push(v);
    }
    cpu[String(c)] = values;
  }
  write('fargate-cpu-memory.json', {
    ...cfnSource([`cfnlint/data/schemas/${file}`]),
    note: 'Linux tasks on Fargate: cpu units -> allowed memory (MiB). Also written as vCPU/GB strings ("0.25 vCPU", "0.5GB").',
    cpu,
  });
}

// Lambda runtimes: the SDK's Runtime enum, with cfn-lint's lifecycle table (read from the Lambda runtimes page).
{
  const src = fs.readFileSync(path.join(sdk.dir('@aws-sdk/client-lambda'), 'dist-cjs', 'index.js'), 'utf8');
  const m = src.match(/const Runtime = \{([\s\S]*?)\};/);
  if (!m) throw new Error('Runtime enum not found in @aws-sdk/client-lambda');
  const runtimes = [...m[1].matchAll(/:\s*"([^"]+)"/g)].map((x) => x[1]).sort(cmpVersion);
  const lifecycleFile = 'AdditionalSpecs/LmbdRuntimeLifecycle.json';
  const lc = cfn.read(lifecycleFile);
  const lifecycle = {};
  for (const [rt, v] of Object.entries(lc).sort(([a], [b]) => cmpVersion(a, b))) {
    lifecycle[rt] = {
      deprecated: v.deprecated ?? null,
      blockCreate: v['create-block'] ?? null,
      blockUpdate: v['update-block'] ?? null,
      successor: v.successor ?? null,
    };
  }
  write('lambda-runtimes.json', {
    source: `npm @aws-sdk/client-lambda ${sdk.lambda} (Runtime enum); PyPI cfn-lint ${cfn.version} cfnlint/data/${lifecycleFile} (dates from https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html)`,
    version: `@aws-sdk/client-lambda ${sdk.lambda}, cfn-lint ${cfn.version}`,
    retrieved: DATE,
    generator: 'scripts/gen-knowledge.mjs',
    note: 'lifecycle: deprecated = end of security patches; blockCreate / blockUpdate = Lambda refuses to create / update functions with the runtime; null = not announced.',
    runtimes,
    lifecycle,
  });
}

// Reserved Lambda environment variables.
{
  const file = 'extensions/aws_lambda_function/environment_variable_keys.json';
  const keys = cfn.read(`schemas/${file}`).propertyNames.not.enum;
  write('lambda-reserved-env-vars.json', {
    ...cfnSource([`cfnlint/data/schemas/${file}`]),
    note: 'From https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime (reserved keys cannot be set).',
    keys,
  });
}

// CloudWatch Logs retention: cfn-lint's AWS::Logs::LogGroup enum, checked against the SDK's PutRetentionPolicy text.
{
  const providers = cfn.read('schemas/providers/us-east-1.json');
  const hash = providers['AWS::Logs::LogGroup'];
  const values = cfn
    .read(`schemas/resources/${hash}.json`)
    .properties.RetentionInDays.enum.map(Number)
    .sort((a, b) => a - b);
  const dts = fs.readFileSync(path.join(sdk.dir('@aws-sdk/client-cloudwatch-logs'), 'dist-types', 'models', 'models_0.d.ts'), 'utf8');
  const doc = dts.match(/interface PutRetentionPolicyRequest \{[\s\S]*?Possible values\s*\*?\s*are:([\s\S]*?)<\/p>/);
  const sdkValues = doc ? [...doc[1].matchAll(/\d+/g)].map((x) => Number(x[0])) : [];
  if (sdkValues.length && sdkValues.join() !== values.join())
    log(`warning: the SDK's PutRetentionPolicy lists ${sdkValues.join(', ')}; cfn-lint ${values.join(', ')}`);
  write('log-retention.json', {
    source: `PyPI cfn-lint ${cfn.version} (AWS::Logs::LogGroup RetentionInDays enum); npm @aws-sdk/client-cloudwatch-logs ${sdk.logs} (PutRetentionPolicy documentation)${sdkValues.length && sdkValues.join() === values.join() ? ': the two agree' : ''}`,
    version: `cfn-lint ${cfn.version}, @aws-sdk/client-cloudwatch-logs ${sdk.logs}`,
    retrieved: DATE,
    generator: 'scripts/gen-knowledge.mjs',
    values,
  });
}
