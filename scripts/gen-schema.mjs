#!/usr/bin/env node
// Generates the AWS provider knowledge of Faultline from the published provider packages:
//   shared/knowledge/data/pulumi-types.json  Pulumi type token -> Terraform type, with property renames
//   shared/knowledge/data/aws-schema.json    resources and data sources keyed by Terraform type
//   shared/knowledge/data/schema-report.md   counts, versions, uncertain and unmapped types
//
// Sources (build-time only, cached under .tools/schema-src/<pkg>@<version>/, never project deps):
//   @cdktf/provider-aws (latest)  generated from the Terraform provider schema: type names, attribute names,
//                                 block nesting, scalar types, required/optional
//   @pulumi/aws (current and previous major)  classes, tokens, Args properties, @deprecated texts, enums, invokes
//   @pulumi/random (latest)       the random_* types
// The Pulumi -> Terraform type mapping is derived by name rules plus property-set matching (no hand list).
//
// Usage: node scripts/gen-schema.mjs [--offline]   (--offline: use the newest cached versions, no npm calls)

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CACHE = path.join(ROOT, '.tools', 'schema-src');
const OUT = path.join(ROOT, 'shared', 'knowledge', 'data');
const OFFLINE = process.argv.includes('--offline');
const COMPARE = process.argv.includes('--compare') ? process.argv[process.argv.indexOf('--compare') + 1] : undefined;
const log = (...a) => console.error('[gen-schema]', ...a);

// ---------------------------------------------------------------------------------------------------------------
// Package cache
// ---------------------------------------------------------------------------------------------------------------

const semverRe = /^(\d+)\.(\d+)\.(\d+)$/;
function cmpSemver(a, b) {
  const x = a.match(semverRe).slice(1).map(Number);
  const y = b.match(semverRe).slice(1).map(Number);
  return x[0] - y[0] || x[1] - y[1] || x[2] - y[2];
}
function npm(args) {
  return execFileSync('npm', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 });
}
function cachedVersions(pkg) {
  const dir = path.join(CACHE, path.dirname(pkg));
  if (!fs.existsSync(dir)) return [];
  const base = path.basename(pkg) + '@';
  return fs
    .readdirSync(dir)
    .filter((d) => d.startsWith(base) && semverRe.test(d.slice(base.length)))
    .map((d) => d.slice(base.length))
    .filter((v) => fs.existsSync(path.join(pkgDir(pkg, v), 'package.json')));
}
/** Newest stable version of pkg (optionally of one major), from `npm view` (or the cache with --offline). */
function resolveVersion(pkg, major) {
  let versions;
  if (OFFLINE) versions = cachedVersions(pkg);
  else versions = JSON.parse(npm(['view', pkg, 'versions', '--json']));
  versions = versions.filter((v) => semverRe.test(v) && (major === undefined || Number(v.split('.')[0]) === major));
  if (!versions.length) throw new Error(`no version of ${pkg}${major !== undefined ? '@' + major : ''} found`);
  return versions.sort(cmpSemver).at(-1);
}
function latestMajor(pkg) {
  if (OFFLINE) return Number(resolveVersion(pkg).split('.')[0]);
  return Number(JSON.parse(npm(['view', pkg, 'version', '--json'])).split('.')[0]);
}
function pkgDir(pkg, version) {
  return path.join(CACHE, `${pkg}@${version}`, 'node_modules', pkg);
}
function ensurePackage(pkg, version) {
  const prefix = path.join(CACHE, `${pkg}@${version}`);
  const dir = pkgDir(pkg, version);
  if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
  fs.mkdirSync(prefix, { recursive: true });
  const args = ['install', '--no-save', '--ignore-scripts', '--no-audit', '--no-fund', '--prefix', prefix, `${pkg}@${version}`];
  for (let attempt = 1; ; attempt++) {
    try {
      log(`npm ${args.join(' ')}`);
      npm(args);
      break;
    } catch (e) {
      if (attempt >= 2) throw e;
      log(`install of ${pkg}@${version} failed, retrying: ${String(e.stderr || e.message).slice(0, 300)}`);
    }
  }
  if (!fs.existsSync(path.join(dir, 'package.json'))) throw new Error(`${pkg}@${version} not installed in ${prefix}`);
  return dir;
}

// ---------------------------------------------------------------------------------------------------------------
// Naming helpers (camelToSnake is the same rule as shared/knowledge/typemap.ts)
// ---------------------------------------------------------------------------------------------------------------

export function camelToSnake(s) {
  return s
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z])([A-Z][a-z])/g, '$1_$2')
    .toLowerCase();
}
function singular(w) {
  if (w.endsWith('ies') && w.length > 4) return w.slice(0, -3) + 'y';
  if (/(sses|xes|ches|shes)$/.test(w)) return w.slice(0, -2);
  if (w.endsWith('s') && !w.endsWith('ss') && w.length > 3) return w.slice(0, -1);
  return w;
}
/** Plural-insensitive key: Pulumi pluralises list-block names (`corsRules` for `cors_rule`). */
const pluralKey = (snake) => {
  const parts = snake.split('_');
  parts[parts.length - 1] = singular(parts[parts.length - 1]);
  return parts.join('_');
};
function levenshtein(a, b) {
  if (a === b) return 0;
  const m = a.length;
  const n = b.length;
  let prev = Array.from({ length: n + 1 }, (_, i) => i);
  for (let i = 1; i <= m; i++) {
    const cur = [i];
    for (let j = 1; j <= n; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[n];
}
const cleanDoc = (s) =>
  s
    .replace(/\s*\n\s*\*\s?/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();

// ---------------------------------------------------------------------------------------------------------------
// @cdktf/provider-aws: the Terraform schema
// ---------------------------------------------------------------------------------------------------------------

const SCALAR = {
  string: 's',
  number: 'n',
  boolean: 'b',
  any: 'a',
  stringList: 'ls',
  numberList: 'ln',
  booleanList: 'lb',
  stringMap: 'ms',
  numberMap: 'mn',
  booleanMap: 'mb',
  stringListList: 'lls',
  stringMapList: 'lms',
  stringMapMap: 'mms',
};

function readDirText(dir, ext) {
  let out = '';
  for (const f of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, f.name);
    if (f.isDirectory()) out += readDirText(p, ext);
    else if (f.name.endsWith(ext) && !f.name.endsWith('.map')) out += '\n' + fs.readFileSync(p, 'utf8');
  }
  return out;
}

/** Interfaces of a cdktf d.ts: name -> { camelProp: optional } */
function parseCdktfInterfaces(dts) {
  const out = new Map();
  const re = /^export interface (\w+)(?: extends [^{]+)? \{\n([\s\S]*?)^\}/gm;
  for (const m of dts.matchAll(re)) {
    const props = {};
    for (const p of m[2].matchAll(/^ {4}readonly (\w+)(\??):/gm)) props[p[1]] = p[2] === '?';
    out.set(m[1], props);
  }
  return out;
}

function parseCdktfDir(dir) {
  const dts = readDirText(dir, '.d.ts');
  const js = readDirText(dir, '.js');
  const tf = dts.match(/static readonly tfResourceType = "([^"]+)"/)?.[1];
  if (!tf) return undefined;
  const kind = /extends cdktf\.TerraformDataSource\b/.test(dts) ? 'data' : 'resource';
  const ifaces = parseCdktfInterfaces(dts);
  // function fooToTerraform(struct?: FooOutputReference | Foo) -> interface Foo
  const fnIface = new Map();
  for (const m of dts.matchAll(/export declare function (\w+)ToTerraform\(struct\?: ([^)]*)\)/g)) {
    const name = m[2]
      .split('|')
      .map((s) => s.trim())
      .find((s) => ifaces.has(s));
    if (name) fnIface.set(m[1], name);
  }
  const configIface = dts.match(/constructor\(scope: Construct, id: string, config(?:\?)?: (\w+)\)/)?.[1];
  // HCL attribute tables: function bodies and the resource's synthesizeHclAttributes
  const attrTables = new Map();
  const entryRe = /^\s*(\w+): \{\n\s*value: (.*),\n\s*isBlock: (true|false),\n\s*type: "(\w+)",\n\s*storageClassType: "(\w+)",\n\s*\}/gm;
  const parseTable = (body) => {
    const rows = [];
    for (const e of body.matchAll(entryRe)) {
      const camel = e[2].match(/(?:struct\.|this\._)(\w+)/)?.[1];
      let nested;
      for (const f of e[2].matchAll(/(?:(\w+)\.)?(\w+)ToHclTerraform/g)) if (f[1] !== 'cdktf') nested = f[2];
      rows.push({ snake: e[1], camel, isBlock: e[3] === 'true', type: e[4], sct: e[5], nested });
    }
    return rows;
  };
  const fnRe = /^function (\w+)ToHclTerraform\(struct\) \{\n([\s\S]*?)^\}/gm;
  for (const m of js.matchAll(fnRe)) attrTables.set(m[1], parseTable(m[2]));
  const main = js.match(/synthesizeHclAttributes\(\) \{\n([\s\S]*?)\n {4}\}/);
  if (!main) return undefined;
  const single = (struct) => new RegExp(`new (?:\\w+\\.)?${struct}OutputReference\\(this, "`).test(js);

  const build = (rows, ifaceName, depth) => {
    const iface = ifaces.get(ifaceName) || {};
    const attrs = {};
    for (const r of rows) {
      if (depth === 0 && r.snake === 'id' && kind === 'resource') continue;
      const a = {};
      if (r.isBlock || /^[A-Z]/.test(r.sct)) {
        const struct = r.sct.replace(/List$/, '');
        a.t = r.type === 'struct' || single(struct) ? 'B1' : r.type === 'set' ? 'Bs' : 'Bl';
        const sub = r.nested && attrTables.get(r.nested);
        if (sub && depth < 12) {
          const b = build(sub, fnIface.get(r.nested), depth + 1);
          if (Object.keys(b).length) a.b = b;
        }
      } else {
        a.t = SCALAR[r.sct] || (r.type === 'set' ? 's' : r.type[0]) + (SCALAR[r.sct] ?? 'a');
        if (r.type === 'set' && a.t[0] === 'l') a.t = 's' + a.t.slice(1); // set of scalars
      }
      if (r.camel && iface[r.camel] === false) a.r = 1;
      attrs[r.snake] = a;
    }
    return attrs;
  };
  return { tf, kind, attrs: build(parseTable(main[1]), configIface, 0) };
}

function loadCdktf(dir) {
  const lib = path.join(dir, 'lib');
  const resources = new Map();
  const data = new Map();
  for (const d of fs.readdirSync(lib, { withFileTypes: true })) {
    if (!d.isDirectory() || d.name === 'provider') continue;
    const r = parseCdktfDir(path.join(lib, d.name));
    if (!r) continue;
    (r.kind === 'data' ? data : resources).set(r.tf, r.attrs);
  }
  const providerVersion = fs
    .readFileSync(path.join(lib, 'provider', 'index.d.ts'), 'utf8')
    .match(/registry\.terraform\.io\/providers\/hashicorp\/aws\/([\d.]+)\//)?.[1];
  return { resources, data, providerVersion };
}

// ---------------------------------------------------------------------------------------------------------------
// @pulumi/aws and @pulumi/random
// ---------------------------------------------------------------------------------------------------------------

/** Properties of `export interface <name> { ... }` in a Pulumi d.ts (top-level, 4-space indent). */
function parsePulumiInterface(text, name, indent = '') {
  const start = text.indexOf(`${indent}export interface ${name} {\n`);
  const start2 = start >= 0 ? start : text.indexOf(`${indent}interface ${name} {\n`);
  if (start2 < 0) return undefined;
  const body = text.slice(text.indexOf('{\n', start2) + 2, text.indexOf(`\n${indent}}`, start2));
  return parsePropsBlock(body, indent + '    ');
}
function parsePropsBlock(body, ind) {
  const props = {};
  const lines = body.split('\n');
  let doc = '';
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.startsWith(ind + '/**')) {
      doc = '';
      while (i < lines.length && !lines[i].includes('*/')) doc += lines[i++] + '\n';
      doc += lines[i];
      continue;
    }
    const m = line.match(new RegExp(`^${ind}(\\w+)(\\??): (.*)$`));
    if (!m) continue;
    let type = m[3];
    let depth = 0;
    const count = (s) => {
      for (const c of s.replace(/=>/g, '')) {
        if ('{<(['.includes(c)) depth++;
        else if ('}>)]'.includes(c)) depth--;
      }
    };
    count(type);
    while (depth > 0 && i + 1 < lines.length) {
      const next = lines[++i].trim();
      type += ' ' + next;
      count(next);
    }
    type = type.replace(/;$/, '');
    const dep = doc.match(/@deprecated\s*([\s\S]*?)(?:\n\s*\*\s*@|\*\/)/);
    props[m[1]] = { opt: m[2] === '?', type, dep: dep ? cleanDoc(dep[1]) || 'deprecated' : undefined };
    doc = '';
  }
  return props;
}

function pulumiTypeLetter(type) {
  const t = type.replace(/\s+/g, ' ');
  const inner = t.replace(/^pulumi\.Input<(.*)>$/, '$1').replace(/ \| undefined$/, '');
  if (/^\{ ?\[key: string\]/.test(inner)) {
    if (/inputs\./.test(inner)) return 'mB';
    return 'm' + (/number/.test(inner) ? 'n' : /boolean/.test(inner) ? 'b' : 's');
  }
  if (/\[\]$/.test(inner)) {
    if (/inputs\./.test(inner)) return 'Bl';
    return 'l' + (/number/.test(inner) ? 'n' : /boolean/.test(inner) ? 'b' : /string/.test(inner) ? 's' : 'a');
  }
  if (/inputs\./.test(inner)) return 'B1';
  if (/^(string|enums\.)/.test(inner)) return 's';
  if (/^number/.test(inner)) return 'n';
  if (/^boolean/.test(inner)) return 'b';
  return 'a';
}

function parseEnums(dir) {
  const enums = {};
  const base = path.join(dir, 'types', 'enums');
  if (!fs.existsSync(base)) return enums;
  for (const mod of fs.readdirSync(base)) {
    const f = path.join(base, mod, 'index.d.ts');
    if (!fs.existsSync(f)) continue;
    const text = fs.readFileSync(f, 'utf8');
    for (const m of text.matchAll(/export declare const (\w+): \{\n([\s\S]*?)\n\};/g)) {
      enums[`${mod}.${m[1]}`] = [...m[2].matchAll(/readonly \w+: (?:"([^"]*)"|([-\d.]+));/g)].map((v) => v[1] ?? Number(v[2]));
    }
  }
  return enums;
}

function loadPulumi(dir, pkgName) {
  const classes = new Map(); // token -> { module, class, path, args, dep }
  const invokes = new Map(); // token -> { module, fn, path, args }
  const modDirs = [''].concat(
    fs
      .readdirSync(dir, { withFileTypes: true })
      .filter((d) => d.isDirectory() && d.name !== 'types' && d.name !== 'node_modules' && d.name !== 'config')
      .map((d) => d.name),
  );
  for (const mod of modDirs) {
    const mdir = path.join(dir, mod);
    for (const f of fs.readdirSync(mdir)) {
      if (!f.endsWith('.js') || f === 'index.js' || f === 'utilities.js') continue;
      const js = fs.readFileSync(path.join(mdir, f), 'utf8');
      const dtsFile = path.join(mdir, f.replace(/\.js$/, '.d.ts'));
      if (!fs.existsSync(dtsFile)) continue;
      const tok = js.match(/__pulumiType = '([^']+)'/)?.[1];
      const inv = js.match(/runtime\.invoke\("([^"]+)"/)?.[1];
      if (!tok && !inv) continue;
      const dts = fs.readFileSync(dtsFile, 'utf8');
      if (tok && tok.includes(':') && tok.split(':').length === 3) {
        const cls = tok.split(':')[2];
        const decl = dts.indexOf(`export declare class ${cls} extends pulumi.CustomResource`);
        if (decl < 0) continue;
        const docStart = dts.lastIndexOf('/**', decl);
        const doc = docStart >= 0 ? dts.slice(docStart, decl) : '';
        const dep = doc.match(/@deprecated\s*([\s\S]*?)(?:\n\s*\*\s*@|\*\/)/);
        const args = parsePulumiInterface(dts, `${cls}Args`) || {};
        classes.set(tok, {
          token: tok,
          module: mod,
          class: cls,
          path: [pkgName, mod, cls].filter(Boolean).join('.'),
          args,
          dep: dep ? cleanDoc(dep[1]) || 'deprecated' : undefined,
        });
      }
      if (inv) {
        const fn = inv.split(':')[2];
        const argsName = fn[0].toUpperCase() + fn.slice(1) + 'Args';
        const decl = dts.indexOf(`export declare function ${fn}(`);
        const docStart = decl >= 0 ? dts.lastIndexOf('/**', decl) : -1;
        const dep = docStart >= 0 ? dts.slice(docStart, decl).match(/@deprecated\s*([\s\S]*?)(?:\n\s*\*\s*@|\*\/)/) : null;
        invokes.set(inv, {
          token: inv,
          module: mod,
          fn,
          path: [pkgName, mod, fn].filter(Boolean).join('.'),
          args: parsePulumiInterface(dts, argsName) || {},
          dep: dep ? cleanDoc(dep[1]) || 'deprecated' : undefined,
        });
      }
    }
  }
  return { classes, invokes, enums: parseEnums(dir), inputs: loadPulumiInputs(dir) };
}

/** Nested input types: `inputs.<ns>.<Name>` -> props, from types/input.d.ts */
function loadPulumiInputs(dir) {
  const f = path.join(dir, 'types', 'input.d.ts');
  const map = new Map();
  if (!fs.existsSync(f)) return map;
  const text = fs.readFileSync(f, 'utf8');
  for (const ns of text.matchAll(/^export declare namespace (\w+) \{\n([\s\S]*?)^\}/gm)) {
    for (const it of ns[2].matchAll(/^ {4}interface (\w+) \{\n([\s\S]*?)^ {4}\}/gm)) {
      map.set(`${ns[1]}.${it[1]}`, parsePropsBlock(it[2], '        '));
    }
  }
  return map;
}

// ---------------------------------------------------------------------------------------------------------------
// Pulumi -> Terraform matching
// ---------------------------------------------------------------------------------------------------------------

const IGNORED_TF = new Set(['id', 'timeouts', 'tags_all']);

/** Match Pulumi property names to TF attribute names: exact snake, plural-insensitive, then renames. */
function matchProps(pulumiProps, tfAttrs, ctx) {
  const tfNames = Object.keys(tfAttrs).filter((a) => !IGNORED_TF.has(a));
  const tfSet = new Set(tfNames);
  const byPlural = new Map();
  for (const t of tfNames) if (!byPlural.has(pluralKey(t))) byPlural.set(pluralKey(t), t);
  const used = new Set();
  const renames = {};
  const unmatched = [];
  let matched = 0;
  for (const p of pulumiProps) {
    const s = camelToSnake(p);
    if (tfSet.has(s) && !used.has(s)) {
      used.add(s);
      matched++;
      continue;
    }
    const t = byPlural.get(pluralKey(s));
    if (t && !used.has(t)) {
      used.add(t);
      renames[p] = t;
      matched++;
      continue;
    }
    unmatched.push(p);
  }
  if (ctx?.renames !== false) {
    // renames by name: `name` -> `function_name` (the prefix is a word of the class: lambda Function),
    // `metricQueries` -> `metric_query`, or a near spelling
    const clsTokens = new Set(ctx?.cls ? camelToSnake(ctx.cls.class || ctx.cls.fn || '').split('_') : []);
    if (ctx?.cls?.module) clsTokens.add(ctx.cls.module);
    const free = tfNames.filter((t) => !used.has(t) && !ctx?.exclude?.has(t));
    const still = [];
    for (const p of unmatched) {
      const s = camelToSnake(p);
      let best;
      let bestScore = 0;
      for (const t of free) {
        if (used.has(t)) continue;
        let score = 0;
        if (
          t.endsWith('_' + s) &&
          t
            .slice(0, -s.length - 1)
            .split('_')
            .every((x) => clsTokens.has(x))
        )
          score = 0.9;
        else {
          const d = levenshtein(s.replace(/_/g, ''), t.replace(/_/g, ''));
          const len = Math.max(s.length, t.length);
          if (d <= 2 && len >= 8) score = 0.7 - d * 0.1;
        }
        if (score > bestScore) {
          bestScore = score;
          best = t;
        }
      }
      if (best) {
        used.add(best);
        renames[p] = best;
        matched++;
      } else still.push(p);
    }
    // one property and one attribute left over on each side: a rename (`code` -> `filename` of lambda Function)
    const left = free.filter((t) => !used.has(t) && t !== 'region');
    if (still.length === 1 && left.length === 1 && ctx?.pairLeftover !== false) {
      renames[still[0]] = left[0];
      used.add(left[0]);
      matched++;
    }
  }
  const union = tfNames.length + pulumiProps.length - matched;
  return { jaccard: union ? matched / union : 1, renames, matched, tfCount: tfNames.length };
}

/** Quick Jaccard (exact + plural-insensitive) for candidate ranking. */
function quickJaccard(pKeys, tfKeys) {
  if (!pKeys.size && !tfKeys.size) return 1;
  let inter = 0;
  for (const k of pKeys) if (tfKeys.has(k)) inter++;
  return inter / (pKeys.size + tfKeys.size - inter);
}

function mapPulumiToTf(classes, tfTypes, { kind }) {
  // kind: 'resource' (class names) or 'data' (invoke names getXxx)
  const tfList = [...tfTypes.keys()];
  const tfKeys = new Map(
    tfList.map((t) => [
      t,
      new Set(
        Object.keys(tfTypes.get(t))
          .filter((a) => !IGNORED_TF.has(a))
          .map(pluralKey),
      ),
    ]),
  );
  const entries = [...classes.values()];
  const nameOf = (e) => {
    let n = kind === 'data' ? e.fn.replace(/^get/, '') : e.class;
    return camelToSnake(n);
  };
  const pKeysOf = (e) => new Set(Object.keys(e.args).map((p) => pluralKey(camelToSnake(p))));
  const squash = (x) => x.replace(/_/g, '');
  const nameCandidates = (e) => {
    const n = nameOf(e);
    const forms = new Set([n, n.replace(/_?v\d+$/, '')]);
    if (kind === 'data') forms.add(singular(n)); // getSubnets -> subnets (a data source of its own) or subnet
    const out = [];
    for (const t of tfList) {
      const rest = t.replace(/^aws_/, '');
      const sq = squash(rest);
      for (const f of forms) {
        // underscore-insensitive suffix: `threat_intel_set` ~ `threatintelset`, `open_zfs` ~ `openzfs`
        const fs_ = squash(f);
        if (sq === fs_ || (sq.endsWith(fs_) && (rest.endsWith('_' + f) || rest.includes('_')))) {
          let prefix = '';
          if (sq !== fs_) {
            if (rest.endsWith('_' + f)) prefix = rest.slice(0, -f.length - 1);
            else {
              // find the underscore boundary where the squashed rest ends with the form
              const parts = rest.split('_');
              let k = parts.length - 1;
              while (k > 0 && squash(parts.slice(k).join('_')).length < fs_.length) k--;
              if (squash(parts.slice(k).join('_')) !== fs_) continue;
              prefix = parts.slice(0, k).join('_');
            }
          }
          out.push({ tf: t, prefix, exactForm: f === n });
          break;
        }
      }
    }
    return out;
  };
  // Pass 1: learn the Terraform prefixes each Pulumi module uses (`rds` -> `db`, `rds`; `cloudwatch` -> `cloudwatch`;
  // `cfg` -> `config`; `ec2` -> ``), from name candidates whose property sets agree well
  const prefixVotes = new Map();
  for (const e of entries) {
    const pk = pKeysOf(e);
    for (const c of nameCandidates(e)) {
      const j = quickJaccard(pk, tfKeys.get(c.tf));
      if (j >= 0.6) {
        const m = prefixVotes.get(e.module) || new Map();
        m.set(c.prefix, (m.get(c.prefix) || 0) + j);
        prefixVotes.set(e.module, m);
      }
    }
  }
  const aliases = new Map();
  for (const [mod, votes] of prefixVotes) {
    const total = [...votes.values()].reduce((a, b) => a + b, 0);
    aliases.set(mod, new Set([...votes].filter(([, v]) => v >= 2 || v / total >= 0.2).map(([p]) => p)));
  }
  const modKey = (mod) => mod.replace(/_/g, '');
  const prefixScore = (mod, prefix) => {
    if (prefix === modKey(mod) || prefix.replace(/_/g, '') === modKey(mod)) return 0.2;
    if (aliases.get(mod)?.has(prefix)) return 0.15;
    if (prefix === '') return 0.05;
    return 0;
  };
  // tokens that explain a Terraform name: module, its learned prefixes, class tokens (and their abbreviations)
  const explainedFraction = (e, tf) => {
    const toks = new Set(nameOf(e).split('_').concat(modKey(e.module)));
    for (const p of aliases.get(e.module) || []) for (const x of p.split('_')) if (x) toks.add(x);
    const parts = tf.replace(/^aws_/, '').split('_');
    return (
      parts.filter(
        (x) =>
          toks.has(x) ||
          toks.has(singular(x)) ||
          [...toks].some((t) => (t.length >= 2 && (t.startsWith(x) || x.startsWith(t))) || (t.length >= 5 && levenshtein(t, x) <= 2)),
      ).length / parts.length
    );
  };
  const explained = (e, tf) => explainedFraction(e, tf) === 1;
  // Pass 2: score = property agreement + name agreement
  const results = new Map();
  for (const e of entries) {
    const pk = pKeysOf(e);
    const cands = new Map();
    for (const c of nameCandidates(e)) {
      const j = quickJaccard(pk, tfKeys.get(c.tf));
      const ps = prefixScore(e.module, c.prefix);
      const ok = c.prefix === '' || ps > 0;
      cands.set(c.tf, { tf: c.tf, j, name: (ok ? 0.25 : 0.05) + ps + (c.exactForm ? 0.05 : 0), suffix: ok, prefix: c.prefix });
    }
    // property-only candidates (names that share no suffix: `lb/loadBalancer` -> `aws_lb`)
    if (pk.size >= 2) {
      const tokens = new Set(nameOf(e).split('_').concat(modKey(e.module)));
      for (const t of tfList) {
        if (cands.has(t)) continue;
        const j = quickJaccard(pk, tfKeys.get(t));
        if (j < 0.5) continue;
        const tt = t.replace(/^aws_/, '').split('_');
        const overlap = tt.filter((x) => tokens.has(x) || tokens.has(singular(x))).length / tt.length;
        cands.set(t, { tf: t, j, name: 0.15 * overlap, suffix: false, prefix: undefined, overlap });
      }
    }
    const ranked = [...cands.values()].map((c) => ({ ...c, score: c.j + c.name })).sort((a, b) => b.score - a.score);
    const best = ranked[0];
    let status = 'unmapped';
    let full;
    let margin = 1;
    let second;
    if (best) {
      full = matchProps(Object.keys(e.args), tfTypes.get(best.tf), { cls: e });
      second = ranked.find((c) => c.tf !== best.tf && !sameSchema(tfKeys, c.tf, best.tf));
      margin = second ? best.score - second.score : 1;
      const J = full.jaccard;
      if (best.suffix) {
        const ps = prefixScore(e.module, best.prefix);
        if (J >= 0.75 && margin >= 0.05) status = 'certain';
        else if (ps >= 0.15 && J >= 0.5 && margin >= 0.15) status = 'certain';
        else if (J >= 0.99 && margin > 0) status = 'certain';
        else status = 'uncertain';
      } else {
        const expl = explained(e, best.tf);
        if (J >= 0.9 && margin >= 0.3 && pk.size >= 3 && expl) status = 'certain';
        else if (J >= 0.85 && margin >= 0.05 && pk.size >= 2 && expl) status = 'uncertain';
        else status = 'unmapped';
      }
    }
    results.set(e.token, {
      entry: e,
      tf: status === 'unmapped' ? undefined : best.tf,
      guess: best?.tf,
      status,
      jaccard: full ? Math.round(full.jaccard * 100) / 100 : undefined,
      margin: Math.round(margin * 100) / 100,
      runnerUp: second?.tf,
      renames: full?.renames || {},
      ranked: ranked.slice(0, 5),
    });
  }
  // Names for the classes with no Terraform schema to compare (newer than the cdktf package, or removed from it):
  // the module's Terraform prefix learned from the mapped classes, gluing the class's first word where the module
  // does so (`bedrock` + `AgentcoreX` -> `aws_bedrockagentcore_x`)
  const glue = new Map(); // `${module}:${firstToken}` -> prefix
  const modPrefix = new Map(); // module -> prefix votes
  for (const r of results.values()) {
    if (r.status !== 'certain' && r.status !== 'uncertain') continue;
    const n = nameOf(r.entry).replace(/_?v\d+$/, '');
    const rest = r.tf.replace(/^aws_/, '');
    const parts = n.split('_');
    if (rest === n || rest.endsWith('_' + n)) {
      const p = rest === n ? '' : rest.slice(0, -n.length - 1);
      const m = modPrefix.get(r.entry.module) || new Map();
      m.set(p, (m.get(p) || 0) + 1);
      modPrefix.set(r.entry.module, m);
    } else if (parts.length > 1) {
      const tail = parts.slice(1).join('_');
      if (rest.endsWith('_' + tail)) {
        const p = rest.slice(0, -tail.length - 1);
        if (squash(p).endsWith(parts[0])) glue.set(`${r.entry.module}:${parts[0]}`, p);
      }
    }
  }
  const prefixOf = (mod) => {
    const best = [...(modPrefix.get(mod) || new Map())].sort((a, b) => b[1] - a[1])[0];
    return best ? best[0] : modKey(mod);
  };
  const deriveName = (e) => {
    const n = nameOf(e).replace(/_?v\d+$/, '');
    const parts = n.split('_');
    const g = glue.get(`${e.module}:${parts[0]}`);
    if (g && parts.length > 1) return `aws_${g}_${parts.slice(1).join('_')}`;
    const p = prefixOf(e.module);
    return p === '' ? `aws_${n}` : `aws_${p}_${n}`;
  };
  // the learned name, where the Terraform schema has it (`bedrock/agentAgentAlias` -> `aws_bedrockagent_agent_alias`)
  for (const r of results.values()) {
    if (r.status === 'certain') continue;
    const d = deriveName(r.entry);
    if (!tfTypes.has(d)) continue;
    const full = matchProps(Object.keys(r.entry.args), tfTypes.get(d), { cls: r.entry });
    if (full.jaccard < 0.5) continue;
    Object.assign(r, {
      tf: d,
      status: full.jaccard >= 0.75 ? 'certain' : 'uncertain',
      jaccard: Math.round(full.jaccard * 100) / 100,
      renames: full.renames,
      byLearnedName: true,
    });
  }
  // A Terraform type no class claimed, while the class that fits it best shares its type with another class
  // (`s3.BucketObjectv2` -> `aws_s3_object`, not `aws_s3_bucket_object` of `s3.BucketObject`)
  const claims = new Map();
  for (const r of results.values()) if (r.tf) claims.set(r.tf, (claims.get(r.tf) || 0) + 1);
  for (const t of tfList) {
    if (claims.has(t)) continue;
    let bestR;
    let bestJ = 0;
    for (const r of results.values()) {
      if (!r.tf || claims.get(r.tf) < 2) continue;
      const c = r.ranked.find((x) => x.tf === t);
      const cur = r.ranked.find((x) => x.tf === r.tf);
      if (c && c.j >= 0.8 && c.j >= (cur?.j ?? 0) - 0.02 && c.j > bestJ) {
        bestJ = c.j;
        bestR = r;
      }
    }
    if (bestR) {
      claims.set(bestR.tf, claims.get(bestR.tf) - 1);
      claims.set(t, 1);
      const full = matchProps(Object.keys(bestR.entry.args), tfTypes.get(t), { cls: bestR.entry });
      Object.assign(bestR, {
        tf: t,
        status: full.jaccard >= 0.9 ? 'certain' : 'uncertain',
        jaccard: Math.round(full.jaccard * 100) / 100,
        renames: full.renames,
        reassigned: true,
      });
    }
  }
  // still unmapped: a Terraform type nobody claimed whose properties and name words agree
  for (const r of results.values()) {
    if (r.status !== 'unmapped') continue;
    const pk = pKeysOf(r.entry);
    let best;
    let bestJ = 0;
    for (const t of tfList) {
      if (claims.has(t)) continue;
      const j = quickJaccard(pk, tfKeys.get(t));
      if (j > bestJ && ((j >= 0.6 && explained(r.entry, t)) || (j >= 0.8 && pk.size >= 2 && explainedFraction(r.entry, t) >= 0.5))) {
        bestJ = j;
        best = t;
      }
    }
    if (best) {
      const full = matchProps(Object.keys(r.entry.args), tfTypes.get(best), { cls: r.entry });
      claims.set(best, 1);
      Object.assign(r, { tf: best, status: 'uncertain', jaccard: Math.round(full.jaccard * 100) / 100, renames: full.renames });
    }
  }
  for (const r of results.values()) {
    if (r.status !== 'unmapped') continue;
    r.tf = deriveName(r.entry);
    r.status = 'name-only';
    r.renames = {};
  }
  for (const r of results.values()) delete r.ranked;
  return { results, aliases, deriveName };
}
function sameSchema(tfKeys, a, b) {
  const x = tfKeys.get(a);
  const y = tfKeys.get(b);
  if (x.size !== y.size) return false;
  for (const k of x) if (!y.has(k)) return false;
  return true;
}

// ---------------------------------------------------------------------------------------------------------------
// main
// ---------------------------------------------------------------------------------------------------------------

function main() {
  const t0 = Date.now();
  fs.mkdirSync(CACHE, { recursive: true });
  const awsMajor = latestMajor('@pulumi/aws');
  const majors = [awsMajor - 1, awsMajor];
  const versions = {
    '@pulumi/aws': Object.fromEntries(majors.map((m) => [m, resolveVersion('@pulumi/aws', m)])),
    '@cdktf/provider-aws': resolveVersion('@cdktf/provider-aws'),
    '@pulumi/random': resolveVersion('@pulumi/random'),
  };
  log('versions', JSON.stringify(versions));
  const cdktfDir = ensurePackage('@cdktf/provider-aws', versions['@cdktf/provider-aws']);
  const awsDirs = Object.fromEntries(majors.map((m) => [m, ensurePackage('@pulumi/aws', versions['@pulumi/aws'][m])]));
  const randomDir = ensurePackage('@pulumi/random', versions['@pulumi/random']);

  const tfs = loadCdktf(cdktfDir);
  log(`cdktf: ${tfs.resources.size} resources, ${tfs.data.size} data sources (terraform provider ${tfs.providerVersion})`);
  const pul = Object.fromEntries(majors.map((m) => [m, loadPulumi(awsDirs[m], 'aws')]));
  for (const m of majors) log(`@pulumi/aws ${versions['@pulumi/aws'][m]}: ${pul[m].classes.size} classes, ${pul[m].invokes.size} invokes`);
  const rnd = loadPulumi(randomDir, 'random');

  const cur = awsMajor;
  const prev = awsMajor - 1;

  // ---- resources: map the current major, then the previous major's extra classes
  const merged = new Map(); // token -> { cur?: entry, prev?: entry }
  for (const m of [cur, prev])
    for (const [tok, e] of pul[m].classes) {
      const x = merged.get(tok) || {};
      x[m] = e;
      merged.set(tok, x);
    }
  // match with the union of both majors' Args (Terraform attributes removed in provider 6 still help the name)
  const forMatch = new Map();
  for (const [tok, x] of merged) {
    const e = x[cur] || x[prev];
    const args = { ...(x[prev]?.args || {}), ...(x[cur]?.args || {}) };
    forMatch.set(tok, { ...e, args: x[cur] ? x[cur].args : args });
  }
  const { results: resMap, aliases, deriveName } = mapPulumiToTf(forMatch, tfs.resources, { kind: 'resource' });
  // Classes only in the previous major with no sure match (their Terraform type is gone from the current schema)
  for (const [tok, r] of resMap) {
    const x = merged.get(tok);
    if (!x[cur] && r.status !== 'certain') {
      r.tf = deriveName(r.entry);
      r.status = 'name-only';
      r.renames = {};
    }
  }

  // ---- data sources / invokes
  const invMerged = new Map();
  for (const m of [cur, prev])
    for (const [tok, e] of pul[m].invokes) {
      const x = invMerged.get(tok) || {};
      x[m] = e;
      invMerged.set(tok, x);
    }
  const invForMatch = new Map([...invMerged].map(([tok, x]) => [tok, x[cur] || x[prev]]));
  const { results: invMap } = mapPulumiToTf(invForMatch, tfs.data, { kind: 'data' });

  // ---- pulumi-types.json
  const date = new Date().toISOString().slice(0, 10);
  const source = {
    generator: 'scripts/gen-schema.mjs',
    date,
    packages: {
      '@pulumi/aws': versions['@pulumi/aws'][cur],
      '@pulumi/aws (previous major)': versions['@pulumi/aws'][prev],
      '@cdktf/provider-aws': versions['@cdktf/provider-aws'],
      'terraform-provider-aws (via cdktf)': tfs.providerVersion,
      '@pulumi/random': versions['@pulumi/random'],
    },
  };
  const types = {};
  const sortedTokens = [...resMap.keys()].sort();
  for (const tok of sortedTokens) {
    const r = resMap.get(tok);
    if (!r.tf) continue;
    const x = merged.get(tok);
    const e = r.entry;
    const o = { tf: r.tf, module: e.module, class: e.class, renames: r.renames || {} };
    if (r.status !== 'certain') o.certain = false;
    const ms = majors.filter((m) => x[m]);
    if (ms.length !== majors.length) o.majors = ms;
    // renames of the previous major's extra properties
    if (x[prev] && x[cur] && tfs.resources.has(r.tf)) {
      const extra = Object.keys(x[prev].args).filter((p) => !(p in x[cur].args));
      if (extra.length) {
        const tfAttrs = tfs.resources.get(r.tf);
        const usedNow = new Set(Object.keys(x[cur].args).map((p) => o.renames[p] ?? camelToSnake(p)));
        const rest = Object.fromEntries(Object.entries(tfAttrs).filter(([k]) => !usedNow.has(k)));
        // plural-insensitive matches may share an attribute with the current major (`loggings` in 6.x, `logging` in 7.x)
        const m1 = matchProps(extra, tfAttrs, { renames: false });
        for (const [p, t] of Object.entries(m1.renames)) if (!(p in o.renames)) o.renames[p] = t;
        const left = extra.filter((p) => !(p in m1.renames) && !(camelToSnake(p) in tfAttrs));
        const m2 = matchProps(left, rest, { cls: e, pairLeftover: false });
        for (const [p, t] of Object.entries(m2.renames)) if (!(p in o.renames)) o.renames[p] = t;
      }
    }
    // one property of both majors and one Terraform attribute that no major has, left over: a rename
    // (`code` -> `filename` of lambda Function)
    if (x[prev] && x[cur] && tfs.resources.has(r.tf)) {
      const tfAttrs = tfs.resources.get(r.tf);
      const k = (p) => o.renames[p] ?? camelToSnake(p);
      const all = new Set([...Object.keys(x[prev].args), ...Object.keys(x[cur].args)].map(k));
      const props = Object.keys(x[cur].args).filter((p) => p in x[prev].args && !(k(p) in tfAttrs));
      const attrs = Object.keys(tfAttrs).filter((a) => !all.has(a) && !IGNORED_TF.has(a) && a !== 'region');
      if (props.length === 1 && attrs.length === 1) o.renames[props[0]] = attrs[0];
    }
    // renames inside nested blocks (`lifecycleRules[].noncurrentVersionTransitions` -> `noncurrent_version_transition`)
    if (tfs.resources.has(r.tf)) {
      const nested = {};
      for (const m of majors) if (x[m]) nestedRenames(tfs.resources.get(r.tf), x[m].args, pul[m].inputs, '', nested, o.renames);
      if (Object.keys(nested).length) o.nested = nested;
    }
    types[tok] = o;
  }
  // the provider classes (`new aws.Provider(...)`): token as written by the seed
  for (const pkg of ['aws', 'random']) types[`${pkg}:provider:Provider`] = { tf: 'provider', module: '', class: 'Provider', renames: {} };
  for (const [tok, e] of rnd.classes) {
    types[tok] = { tf: camelToSnake(e.class), module: e.module, class: e.class, renames: {} };
  }
  const typesOut = {
    source: {
      ...source,
      note: 'Pulumi token -> Terraform type; renames only where the Terraform attribute is not camelToSnake(property); nested: the same for properties of nested blocks, keyed by the Terraform block path (a.b); certain:false = derived with doubt (see schema-report.md); majors = the @pulumi/aws majors that have the class when not all',
    },
    types,
  };

  // ---- aws-schema.json
  const enums = {};
  const enumRef = (type) => type.match(/enums\.(\w+)\.(\w+)/);
  const pulumiAttr = (p) => {
    const a = { t: pulumiTypeLetter(p.type) };
    return a;
  };
  const resources = {};
  const tfToTokens = new Map();
  for (const tok of sortedTokens) {
    const r = resMap.get(tok);
    if (!r.tf) continue;
    if (!tfToTokens.has(r.tf)) tfToTokens.set(r.tf, []);
    tfToTokens.get(r.tf).push(tok);
  }
  const allTf = new Set([...tfs.resources.keys(), ...tfToTokens.keys()]);
  for (const tf of [...allTf].sort()) {
    const tfAttrs = tfs.resources.get(tf);
    const attrs = tfAttrs ? JSON.parse(JSON.stringify(tfAttrs)) : {};
    const toks = tfToTokens.get(tf) || [];
    const out = { attrs };
    if (!tfAttrs) out.src = 'pulumi';
    if (toks.length) {
      out.pulumi = toks.map((tok) => {
        const x = merged.get(tok);
        const r = resMap.get(tok);
        const e = x[cur] || x[prev];
        const p = { token: tok, class: e.path };
        if (r.status !== 'certain') p.certain = false;
        const ms = majors.filter((m) => x[m]);
        if (ms.length !== majors.length) p.majors = ms;
        const dep = {};
        for (const m of majors) if (x[m]?.dep) dep[m] = x[m].dep;
        if (Object.keys(dep).length) p.deprecatedIn = dep;
        return p;
      });
      // per-attribute Pulumi facts, from the primary class (the first non-deprecated one in the current major)
      const primaryTok =
        toks.find((t) => merged.get(t)[cur] && !merged.get(t)[cur].dep && resMap.get(t).status === 'certain') ||
        toks.find((t) => merged.get(t)[cur]) ||
        toks[0];
      const x = merged.get(primaryTok);
      const renames = types[primaryTok]?.renames || {};
      const key = (prop) => renames[prop] ?? camelToSnake(prop);
      const present = {};
      for (const m of majors) {
        if (!x[m]) continue;
        for (const [prop, p] of Object.entries(x[m].args)) {
          const k = key(prop);
          (present[k] ||= {})[m] = p;
        }
      }
      for (const [k, byMajor] of Object.entries(present)) {
        let a = attrs[k];
        if (!a) {
          const p = byMajor[cur] || byMajor[prev];
          a = attrs[k] = pulumiAttr(p);
          if (tfAttrs) a.s = 'p'; // known to Pulumi only (added after the Terraform schema, or removed from it)
          if (!p.opt) a.r = 1;
        }
        const inMajors = majors.filter((m) => byMajor[m]);
        const classMajors = majors.filter((m) => x[m]);
        if (inMajors.length !== classMajors.length) a.v = inMajors[0];
        // required: Terraform required but optional in Pulumi (auto-naming, defaults)
        const pc = byMajor[cur] || byMajor[prev];
        if (a.r && pc.opt) a.r = 2;
        if (!a.r && !pc.opt) a.r = 3;
        const d7 = byMajor[cur]?.dep;
        const d6 = byMajor[prev]?.dep;
        if (d7) a.d = d7;
        if (d6 && d6 !== d7) a.d6 = d6;
        else if (d7 && byMajor[prev] && !d6) a.d6 = '';
        if (!d7 && d6) {
          a.d = d6;
          delete a.d6;
          if (byMajor[cur]) a.d7 = '';
        }
        const er = enumRef(pc.type);
        if (er) {
          const name = `${er[1]}.${er[2]}`;
          const vals = pul[cur].enums[name] || pul[prev].enums[name];
          if (vals) {
            enums[name] = vals;
            a.e = name;
          }
        }
      }
      // Terraform attributes that no Pulumi major has (e.g. `region` before provider 7): mark them
      for (const [k, a] of Object.entries(attrs)) if (!present[k] && !IGNORED_TF.has(k)) a.v = 0;
      // nested blocks: deprecations of nested Pulumi input types
      annotateNested(attrs, x, majors, pul);
    }
    resources[tf] = out;
  }
  // random: Pulumi-only schema
  for (const [tok, e] of rnd.classes) {
    const attrs = {};
    for (const [prop, p] of Object.entries(e.args)) {
      const a = pulumiAttr(p);
      if (!p.opt) a.r = 1;
      if (p.dep) a.d = p.dep;
      attrs[camelToSnake(prop)] = a;
    }
    resources[camelToSnake(e.class)] = { attrs, src: 'pulumi', pulumi: [{ token: tok, class: e.path }] };
  }

  const dataSources = {};
  const invokes = {};
  for (const tok of [...invMap.keys()].sort()) {
    const r = invMap.get(tok);
    const x = invMerged.get(tok);
    const e = x[cur] || x[prev];
    const o = {};
    if (r.tf) o.tf = r.tf;
    if (r.tf && r.status !== 'certain') o.certain = false;
    const ms = majors.filter((m) => x[m]);
    if (ms.length !== majors.length) o.v = ms[0];
    const dep = {};
    for (const m of majors) if (x[m]?.dep) dep[m] = x[m].dep;
    if (Object.keys(dep).length) o.deprecatedIn = dep;
    o.args = Object.fromEntries(
      Object.entries(e.args).map(([k, p]) => {
        const a = { t: pulumiTypeLetter(p.type) };
        if (!p.opt) a.r = 1;
        return [k, a];
      }),
    );
    invokes[e.path] = { token: tok, ...o };
  }
  for (const [tf, attrs] of [...tfs.data].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    const fns = Object.entries(invokes)
      .filter(([, v]) => v.tf === tf)
      .map(([k]) => k);
    dataSources[tf] = fns.length ? { attrs, pulumi: fns } : { attrs };
  }

  const schema = {
    source: {
      ...source,
      format: {
        attrs: 'name -> { t, r?, d?, d6?, d7?, e?, b?, v?, s? }',
        t: 's string, n number, b boolean, a any, l<x> list of x, s<x> set of x, m<x> map of x, B1 single nested block, Bl list of blocks, Bs set of blocks, mB map of objects',
        r: '1 required, 2 required in Terraform but optional in Pulumi (auto-named or defaulted), 3 required in Pulumi only',
        d: 'deprecation text in the current Pulumi major (or the only one that has it); d6/d7: text in that major when it differs, "" = not deprecated there',
        e: 'name of a Pulumi enum in `enums` (suggested values; Pulumi also accepts any string)',
        b: 'nested block attributes (same shape)',
        v: 'the only Pulumi major that has this argument; 0 = Terraform only (no Pulumi major has it)',
        s: '"p" = from Pulumi only (not in the Terraform schema of the cdktf package)',
        src: '"pulumi" = the type is not in the Terraform schema of the cdktf package; attributes come from Pulumi',
        pulumi:
          'classes mapped to this type: token, class path, certain:false when derived with doubt, majors when not in all, deprecatedIn per major',
        invokes: 'Pulumi invoke path -> token, tf data source, v = only major that has it, args',
      },
      majors,
    },
    resources,
    dataSources,
    invokes,
    enums,
  };

  fs.mkdirSync(OUT, { recursive: true });
  // compare with the previous table (or --compare FILE, e.g. the hand-written seed) before replacing it
  const prevFile = COMPARE || path.join(OUT, 'pulumi-types.json');
  let comparison = [];
  if (fs.existsSync(prevFile)) {
    const old = JSON.parse(fs.readFileSync(prevFile, 'utf8')).types || {};
    for (const [tok, o] of Object.entries(old)) {
      const n = types[tok];
      const st = n ? (n.certain === false ? 'uncertain' : 'certain') : 'missing';
      comparison.push({ tok, old: o.tf, now: n?.tf, st, same: n?.tf === o.tf });
    }
    const diff = comparison.filter((c) => !c.same);
    console.log(`comparison with ${path.relative(ROOT, prevFile)}: ${comparison.length - diff.length} of ${comparison.length} agree`);
    for (const c of comparison) console.log(`  ${c.same ? 'ok  ' : 'DIFF'} ${c.tok} previous=${c.old} generated=${c.now ?? '-'} (${c.st})`);
  }
  fs.writeFileSync(path.join(OUT, 'pulumi-types.json'), JSON.stringify(typesOut) + '\n');
  fs.writeFileSync(path.join(OUT, 'aws-schema.json'), JSON.stringify(schema) + '\n');
  // The types that take tags, apart: rules asking only that need not load the 1.5 MB schema at server start.
  const taggable = Object.keys(schema.resources)
    .filter((t) => schema.resources[t].attrs?.tags)
    .sort();
  fs.writeFileSync(path.join(OUT, 'taggable-types.json'), JSON.stringify(taggable) + '\n');

  // ---- report
  const report = buildReport({
    resources,
    versions,
    tfs,
    pul,
    majors,
    resMap,
    invMap,
    merged,
    types,
    date,
    cur,
    prev,
    aliases,
    comparison,
    prevFile,
  });
  fs.writeFileSync(path.join(OUT, 'schema-report.md'), report);
  log(`done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

/** Renames inside nested blocks: { "<tf block path>": { pulumiProp: tf_attr } } where not plain camelToSnake. */
function nestedRenames(tfAttrs, props, inputs, pathPrefix, out, topRenames, depth = 0) {
  if (!props || depth > 8) return;
  for (const [prop, p] of Object.entries(props)) {
    const snake = (depth === 0 && topRenames?.[prop]) || camelToSnake(prop);
    const k = tfAttrs[snake] ? snake : Object.keys(tfAttrs).find((t) => pluralKey(t) === pluralKey(snake));
    const a = k && tfAttrs[k];
    if (!a) continue;
    if (depth > 0 && k !== camelToSnake(prop)) (out[pathPrefix] ||= {})[prop] = k;
    const ref = p.type.match(/inputs\.(\w+)\.(\w+)/);
    if (a.b && ref)
      nestedRenames(a.b, inputs.get(`${ref[1]}.${ref[2]}`), inputs, pathPrefix ? `${pathPrefix}.${k}` : k, out, undefined, depth + 1);
  }
}

/** Deprecation texts of nested Pulumi input types, walked along the Terraform block tree. */
function annotateNested(attrs, x, majors, pul) {
  for (const m of majors) {
    const e = x[m];
    if (!e) continue;
    const walk = (tfAttrs, props, depth) => {
      if (!props || depth > 8) return;
      for (const [prop, p] of Object.entries(props)) {
        const snake = camelToSnake(prop);
        const k = tfAttrs[snake] ? snake : Object.keys(tfAttrs).find((t) => pluralKey(t) === pluralKey(snake));
        const a = k && tfAttrs[k];
        if (!a) continue;
        if (depth > 0 && p.dep) {
          if (m === majors[1]) a.d = p.dep;
          else if (!a.d) a.d = p.dep;
        }
        const ref = p.type.match(/inputs\.(\w+)\.(\w+)/);
        if (a.b && ref) walk(a.b, pul[m].inputs.get(`${ref[1]}.${ref[2]}`), depth + 1);
      }
    };
    walk(attrs, e.args, 0);
  }
}

function buildReport({ resources, versions, tfs, pul, resMap, invMap, merged, types, date, cur, prev, comparison, prevFile }) {
  const by = (s) => [...resMap.values()].filter((r) => r.status === s);
  const certain = by('certain');
  const uncertain = by('uncertain');
  const nameOnly = by('name-only');
  const unmapped = by('unmapped');
  const curCount = [...merged.values()].filter((x) => x[cur]).length;
  const prevCount = [...merged.values()].filter((x) => x[prev]).length;
  const onlyPrev = [...merged.entries()].filter(([, x]) => !x[cur]).map(([t]) => t);
  const onlyCur = [...merged.entries()].filter(([, x]) => !x[prev]).map(([t]) => t);
  const mappedTf = new Set([...resMap.values()].filter((r) => r.tf).map((r) => r.tf));
  const tfUnclaimed = [...tfs.resources.keys()].filter((t) => !mappedTf.has(t)).sort();
  const invBy = (s) => [...invMap.values()].filter((r) => r.status === s).length;
  const L = [];
  L.push('# AWS provider schema: generation report', '');
  L.push(`Generated ${date} by \`scripts/gen-schema.mjs\` (\`npm run gen:schema\`).`, '');
  L.push('| package | version | contents |', '|---|---|---|');
  L.push(
    `| @cdktf/provider-aws | ${versions['@cdktf/provider-aws']} | terraform-provider-aws ${tfs.providerVersion}: ${tfs.resources.size} resources, ${tfs.data.size} data sources |`,
  );
  for (const m of [cur, prev])
    L.push(`| @pulumi/aws | ${versions['@pulumi/aws'][m]} | ${pul[m].classes.size} resource classes, ${pul[m].invokes.size} invokes |`);
  L.push(`| @pulumi/random | ${versions['@pulumi/random']} | random_* types (name rule: class RandomX -> random_x) |`, '');
  L.push('## Pulumi resource classes -> Terraform types', '');
  L.push(`Classes in ${cur}.x: ${curCount}; in ${prev}.x: ${prevCount}; union: ${merged.size}.`, '');
  L.push(`| status | count |`, '|---|---|');
  L.push(`| certain (name and property set agree) | ${certain.length} |`);
  L.push(`| uncertain (written with \`certain: false\`) | ${uncertain.length} |`);
  L.push(
    `| name-only (no Terraform schema to compare: newer than the cdktf package, or only in ${prev}.x; Terraform name from the learned module prefix; written with certain: false) | ${nameOnly.length} |`,
  );
  L.push(`| unmapped (not written) | ${unmapped.length} |`, '');
  L.push(`Terraform resource types that no Pulumi class maps to: ${tfUnclaimed.length}.`, '');
  L.push('### Uncertain', '', '| token | chosen | Jaccard | margin | runner-up |', '|---|---|---|---|---|');
  for (const r of uncertain.sort((a, b) => (a.entry.token < b.entry.token ? -1 : 1)))
    L.push(`| \`${r.entry.token}\` | ${r.tf} | ${r.jaccard} | ${r.margin} | ${r.runnerUp || ''} |`);
  L.push('', '### Unmapped', '', '| token | best guess | Jaccard |', '|---|---|---|');
  for (const r of unmapped.sort((a, b) => (a.entry.token < b.entry.token ? -1 : 1)))
    L.push(`| \`${r.entry.token}\` | ${r.guess || ''} | ${r.jaccard ?? ''} |`);
  L.push('', '### Name-only', '');
  L.push(nameOnly.map((r) => `\`${r.entry.token}\` -> ${r.tf}`).join(', ') || '(none)', '');
  L.push(
    `### Classes only in ${prev}.x (${onlyPrev.length})`,
    '',
    onlyPrev
      .sort()
      .map((t) => `\`${t}\``)
      .join(', ') || '(none)',
    '',
  );
  L.push(
    `### Classes only in ${cur}.x (${onlyCur.length})`,
    '',
    onlyCur
      .sort()
      .map((t) => `\`${t}\``)
      .join(', ') || '(none)',
    '',
  );
  L.push('### Terraform resource types with no Pulumi class', '', tfUnclaimed.join(', ') || '(none)', '');
  if (comparison.length) {
    const diff = comparison.filter((c) => !c.same);
    L.push(`## Comparison with the previous table (${path.relative(ROOT, prevFile)})`, '');
    L.push(`${comparison.length - diff.length} of ${comparison.length} tokens map to the same Terraform type.`, '');
    if (diff.length) {
      L.push('| token | previous | generated |', '|---|---|---|');
      for (const c of diff) L.push(`| \`${c.tok}\` | ${c.old} | ${c.now ?? '(absent)'} |`);
      L.push('');
    }
  }
  {
    const only = { [prev]: [], [cur]: [] };
    const depOnlyCur = [];
    const depDiff = [];
    for (const [t, x] of Object.entries(resources))
      for (const [k, a] of Object.entries(x.attrs)) {
        if (a.v === prev) only[prev].push(`${t}.${k}`);
        if (a.v === cur && k !== 'region') only[cur].push(`${t}.${k}`);
        if (a.d6 === '') depOnlyCur.push(`${t}.${k}`);
        else if (a.d6 || a.d7 === '') depDiff.push(`${t}.${k}`);
      }
    const regionCur = Object.values(resources).filter((x) => x.attrs.region?.v === cur).length;
    L.push('## Per-major differences (top-level arguments of the primary class of each type)', '');
    L.push(`- \`region\` argument only in ${cur}.x: ${regionCur} types.`);
    L.push(`- Arguments only in ${prev}.x (${only[prev].length}): ${only[prev].join(', ')}`);
    L.push(`- Arguments only in ${cur}.x, other than region (${only[cur].length}).`);
    L.push(`- Deprecated in ${cur}.x but not in ${prev}.x (${depOnlyCur.length}): ${depOnlyCur.join(', ')}`);
    L.push(`- Other deprecation differences (${depDiff.length}): ${depDiff.join(', ') || '(none)'}`, '');
  }
  L.push('## Invokes -> data sources', '');
  L.push(
    `Invokes (union of majors): ${invMap.size}; certain ${invBy('certain')}, uncertain ${invBy('uncertain')}, name-only ${invBy('name-only')}, unmapped ${invBy('unmapped')}.`,
    '',
  );
  L.push('## Renames found', '');
  const ren = Object.entries(types).filter(([, v]) => Object.keys(v.renames).length);
  L.push(`${ren.length} types have renames. Examples:`, '');
  for (const [tok, v] of ren.slice(0, 0)) L.push(`- ${tok}: ${JSON.stringify(v.renames)}`);
  for (const tok of [
    'aws:lambda/function:Function',
    'aws:cloudwatch/metricAlarm:MetricAlarm',
    'aws:s3/bucket:Bucket',
    'aws:ec2/securityGroup:SecurityGroup',
  ])
    if (types[tok]) L.push(`- \`${tok}\`: ${JSON.stringify(types[tok].renames)}`);
  L.push('');
  return L.join('\n');
}

main();
