import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import ignore, { type Ignore } from 'ignore';
import { buildTerraformProgram } from '../frontends/terraform/module';
import { buildPulumiProgram, type PulumiProjectFiles } from '../frontends/pulumi/project';
import type { ModuleCaller, Program } from '../model/program';
import type { FileModel, TfModuleCall } from '../model/types';
import { languageOf, parseSource } from './frontends';
import { resolveProfile } from './profile';

/** Folders never analysed: dependencies, provider caches, VCS data and virtualenvs. */
const SKIP_DIRS = new Set([
  'node_modules',
  '.terraform',
  '.git',
  '.hg',
  '.svn',
  '.venv',
  'venv',
  '__pycache__',
  '.tox',
  '.mypy_cache',
  '.pytest_cache',
  '.tools',
]);
/** Why a skipped folder that may hold .tf/.ts/.py files is not analysed (listed in `skipped`); the others hold none. */
const SKIP_REASONS: Record<string, string> = {
  node_modules: 'dependency folder (node_modules) is not analysed',
  '.terraform': 'Terraform provider and module cache (.terraform) is not analysed',
  '.venv': 'Python virtual environment is not analysed',
  venv: 'Python virtual environment is not analysed',
  '.tox': 'tox environments are not analysed',
  '.tools': 'tool folder (.tools) is not analysed',
};

export interface Skipped {
  path: string;
  reason: string;
}

export interface Discovery {
  files: string[];
  skipped: Skipped[];
}

export interface DiscoverOptions {
  /** Extra gitignore-style patterns (faultline.json `ignore`), relative to the first path's folder. */
  ignore?: string[];
  /** Largest file analysed, in bytes. */
  maxFileBytes?: number;
}

const DEFAULT_MAX_FILE_BYTES = 5 * 1024 * 1024;

/**
 * The analysable files under `paths`, honouring .gitignore files and the configured ignores. Symlinked folders are
 * not followed (no loops); unreadable entries and oversized files are listed in `skipped` with the reason.
 */
export function discoverFiles(paths: string[], opts: DiscoverOptions = {}): Discovery {
  const files: string[] = [];
  const skipped: Skipped[] = [];
  const maxBytes = opts.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const seen = new Set<string>();

  const consider = (file: string, size: number): void => {
    if (!languageOf(file) || seen.has(file)) return;
    if (size > maxBytes) {
      skipped.push({ path: file, reason: `larger than ${Math.round(maxBytes / 1024 / 1024)} MB` });
      return;
    }
    seen.add(file);
    files.push(file);
  };

  for (const input of paths) {
    const abs = path.resolve(input);
    let st: fs.Stats;
    try {
      st = fs.statSync(abs);
    } catch (e) {
      skipped.push({ path: abs, reason: errorReason(e) });
      continue;
    }
    if (st.isFile()) {
      consider(abs, st.size);
      continue;
    }
    const matchers: { base: string; ig: Ignore }[] = [];
    if (opts.ignore?.length) matchers.push({ base: abs, ig: ignore().add(opts.ignore) });
    walk(abs, matchers);
  }
  return { files, skipped };

  function ignored(p: string, isDir: boolean, matchers: { base: string; ig: Ignore }[]): boolean {
    for (const m of matchers) {
      const rel = path.relative(m.base, p).split(path.sep).join('/');
      if (rel && !rel.startsWith('..') && m.ig.ignores(isDir ? rel + '/' : rel)) return true;
    }
    return false;
  }

  function walk(dir: string, parentMatchers: { base: string; ig: Ignore }[]): void {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch (e) {
      skipped.push({ path: dir, reason: errorReason(e) });
      return;
    }
    let matchers = parentMatchers;
    if (entries.some((e) => e.name === '.gitignore' && e.isFile())) {
      try {
        matchers = [...parentMatchers, { base: dir, ig: ignore().add(fs.readFileSync(path.join(dir, '.gitignore'), 'utf8')) }];
      } catch (e) {
        skipped.push({ path: path.join(dir, '.gitignore'), reason: errorReason(e) });
      }
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const p = path.join(dir, e.name);
      if (e.isSymbolicLink()) {
        // Never follow links (loops and escapes from the workspace), but say so when one leads to something analysable.
        if (!ignored(p, false, matchers)) symlink(p);
        continue;
      }
      if (e.isDirectory()) {
        if (ignored(p, true, matchers)) continue;
        if (SKIP_DIRS.has(e.name)) {
          if (SKIP_REASONS[e.name]) skipped.push({ path: p, reason: SKIP_REASONS[e.name]! });
          continue;
        }
        if (isVirtualenv(p)) {
          skipped.push({ path: p, reason: 'Python virtual environment is not analysed' });
          continue;
        }
        walk(p, matchers);
      } else if (e.isFile() && e.name.toLowerCase().endsWith('.tf.json') && !ignored(p, false, matchers)) {
        skipped.push({ path: p, reason: 'Terraform JSON syntax (.tf.json) is not analysed' });
      } else if (e.isFile() && languageOf(e.name) && !ignored(p, false, matchers)) {
        try {
          consider(p, fs.statSync(p).size);
        } catch (err) {
          skipped.push({ path: p, reason: errorReason(err) });
        }
      }
    }
  }

  function symlink(p: string): void {
    let target: fs.Stats;
    try {
      target = fs.statSync(p);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ELOOP') skipped.push({ path: p, reason: 'symbolic link loop, not followed' });
      else if (code === 'ENOENT') {
        if (languageOf(p)) skipped.push({ path: p, reason: 'broken symbolic link' });
      } else skipped.push({ path: p, reason: `symbolic link not followed: ${errorReason(e)}` });
      return;
    }
    if (target.isDirectory()) skipped.push({ path: p, reason: 'symbolic link to a folder, not followed' });
    else if (languageOf(p)) skipped.push({ path: p, reason: 'symbolic link to a file, not followed' });
  }
}

function isVirtualenv(dir: string): boolean {
  return fs.existsSync(path.join(dir, 'pyvenv.cfg'));
}

/** A short reason for a file-system error (shown in `skipped`). */
export function errorReason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'ENOENT') return 'does not exist';
  if (code === 'ELOOP') return 'symbolic link loop';
  return e instanceof Error ? e.message : String(e);
}

/** A unit of analysis before parsing. */
export interface ProgramUnit {
  kind: Program['kind'];
  root: string;
  files: string[];
}

const pulumiRootCache = new Map<string, string | null>();

/** The folder of the nearest Pulumi.yaml above `dir`, or undefined. */
export function findPulumiRoot(dir: string): string | undefined {
  const chain: string[] = [];
  let cur = dir;
  for (;;) {
    const cached = pulumiRootCache.get(cur);
    if (cached !== undefined) {
      for (const c of chain) pulumiRootCache.set(c, cached);
      return cached ?? undefined;
    }
    chain.push(cur);
    if (fs.existsSync(path.join(cur, 'Pulumi.yaml')) || fs.existsSync(path.join(cur, 'Pulumi.yml'))) {
      for (const c of chain) pulumiRootCache.set(c, cur);
      return cur;
    }
    const up = path.dirname(cur);
    if (up === cur) {
      for (const c of chain) pulumiRootCache.set(c, null);
      return undefined;
    }
    cur = up;
  }
}

/** Forget cached Pulumi roots (a Pulumi.yaml was created or deleted). */
export function clearProjectCache(): void {
  pulumiRootCache.clear();
}

/** Groups files: a Terraform module per folder, a Pulumi project per Pulumi.yaml, otherwise one program per file. */
export function groupPrograms(files: string[]): ProgramUnit[] {
  const units = new Map<string, ProgramUnit>();
  for (const f of files) {
    const lang = languageOf(f);
    if (!lang) continue;
    let key: string;
    let unit: ProgramUnit;
    if (lang === 'terraform') {
      const root = path.dirname(f);
      key = `tf:${root}`;
      unit = units.get(key) ?? { kind: 'terraform-module', root, files: [] };
    } else {
      const root = findPulumiRoot(path.dirname(f));
      key = root ? `pulumi:${root}` : `file:${f}`;
      unit = units.get(key) ?? (root ? { kind: 'pulumi-project', root, files: [] } : { kind: 'file', root: f, files: [] });
    }
    unit.files.push(f);
    units.set(key, unit);
  }
  return [...units.values()];
}

/** The .tf and .tfvars files of a Terraform module folder, read now (none when it cannot be read). */
export function terraformModuleFiles(dir: string): string[] {
  try {
    return fs
      .readdirSync(dir)
      .filter((n) => n.endsWith('.tf') || n.endsWith('.tfvars'))
      .map((n) => path.join(dir, n));
  } catch {
    return [];
  }
}

/** Reads a file's text; open editor buffers override the disk through `overlay`. */
export type ReadText = (file: string) => string | undefined;

export const readFromDisk: ReadText = (file) => {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
};

/** Whether a file or folder exists (rules that check local paths ask here, never the file system directly). */
export function pathExists(p: string): boolean {
  try {
    fs.statSync(p);
    return true;
  } catch {
    return false;
  }
}

/** Pulumi.yaml and the stack files of a project folder. */
export function readPulumiProjectFiles(root: string, read: ReadText = readFromDisk): PulumiProjectFiles {
  const stacks: Record<string, string> = {};
  let names: string[] = [];
  try {
    names = fs.readdirSync(root);
  } catch {
    // an unreadable project folder has no stacks
  }
  for (const n of names) {
    const m = /^Pulumi\.(.+)\.ya?ml$/.exec(n);
    if (!m) continue;
    const text = read(path.join(root, n));
    if (text !== undefined) stacks[m[1]!] = text;
  }
  return {
    projectYaml: read(path.join(root, 'Pulumi.yaml')) ?? read(path.join(root, 'Pulumi.yml')),
    stacks,
    dependencies: () => ({
      packageJson: read(path.join(root, 'package.json')),
      packageLock: read(path.join(root, 'package-lock.json')),
      requirements: read(path.join(root, 'requirements.txt')),
      pyproject: read(path.join(root, 'pyproject.toml')),
    }),
  };
}

let lastLock: { path: string; text: string; model: FileModel } | undefined;

/** Parses the unit's files (through `parse`, which may cache) and builds its Program. */
export function loadProgram(
  unit: ProgramUnit,
  read: ReadText = readFromDisk,
  parse: (file: string, text: string) => FileModel = parseSource,
): Program {
  const models: FileModel[] = [];
  for (const f of unit.files) {
    const text = read(f);
    if (text !== undefined) models.push(parse(f, text));
  }
  if (unit.kind === 'terraform-module') {
    // The lockfile holds the provider versions `terraform init` chose; it is HCL, read by the Terraform frontend.
    const lockPath = path.join(unit.root, '.terraform.lock.hcl');
    const lockfile = (): FileModel | undefined => {
      const lock = read(lockPath);
      if (lock === undefined) return undefined;
      // The editor rebuilds the program on every keystroke: parse a lockfile again only when its text changed.
      if (lastLock?.path !== lockPath || lastLock.text !== lock)
        lastLock = { path: lockPath, text: lock, model: parseSource(lockPath, lock, 'terraform') };
      return lastLock.model;
    };
    const called = looksCalled(models);
    const program = buildTerraformProgram(
      unit.root,
      models,
      lockfile,
      called ? findModuleCallers(unit.root, read, parse) : [],
      called ? [] : nestedVarFiles(unit.root, read, parse),
      (caller) => resolveProfile(caller).name === 'production',
    );
    const json = listing(unit.root).json;
    return json.length ? { ...program, unreadFiles: json } : program;
  }
  if (unit.kind === 'pulumi-project') return buildPulumiProgram(unit.root, models, readPulumiProjectFiles(unit.root, read));
  return buildPulumiProgram(path.dirname(unit.root), models, undefined, 'file');
}

/**
 * A module that configures no provider, no backend and reads no tfvars is written to be called: only then are
 * callers looked for (a root module's variables come from its tfvars and defaults).
 */
function looksCalled(models: FileModel[]): boolean {
  return (
    models.length > 0 && models.every((m) => !m.path.endsWith('.tfvars') && !m.terraform?.providers.length && !m.terraform?.backends.length)
  );
}

/**
 * The .tfvars files of the module's subfolders that hold no .tf file, two levels down at most (`env/prod.tfvars`,
 * `environments/prod/terraform.tfvars`): what `-var-file` passes to this module.
 */
function nestedVarFiles(root: string, read: ReadText, parse: (file: string, text: string) => FileModel): FileModel[] {
  const out: FileModel[] = [];
  const visit = (dir: string, depth: number): void => {
    const l = listing(dir);
    if (l.tf.length) return;
    for (const f of l.tfvars) {
      const text = read(f);
      if (text !== undefined) out.push(parse(f, text));
    }
    if (depth > 1) for (const d of l.dirs) visit(d, depth - 1);
  };
  for (const d of listing(root).dirs) visit(d, 2);
  return out;
}

/** How far up and then down from a module its callers are looked for (`envs/prod` calling `../../modules/db`). */
const CALLER_LEVELS_UP = 3;
const CALLER_LEVELS_DOWN = 3;
const MAX_CALLER_DIRS = 200;

/**
 * A folder's subfolders (dependency, VCS and hidden ones left out), .tf, .tfvars and .tf.json files, read once per
 * process: caller searches, var-file folders and JSON files are looked up on every analysis (every keystroke).
 */
interface Listing {
  dirs: string[];
  tf: string[];
  tfvars: string[];
  json: string[];
}
const listings = new Map<string, Listing>();
/** The local module calls of each .tf file read (a file without `module` is not parsed); the server clears it on saves. */
const callScans = new Map<string, { call: TfModuleCall; target: string }[]>();
const MAX_CALL_SCANS = 5000;

/** Forget the folder listings and module calls read so far (Terraform files were created, deleted or saved). */
export function clearTerraformFolderCache(): void {
  listings.clear();
  callScans.clear();
}

function listing(dir: string): Listing {
  let l = listings.get(dir);
  if (!l) {
    l = { dirs: [], tf: [], tfvars: [], json: [] };
    try {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        if (e.isDirectory() && !SKIP_DIRS.has(e.name) && !e.name.startsWith('.')) l.dirs.push(path.join(dir, e.name));
        else if (e.isFile() && e.name.endsWith('.tf')) l.tf.push(path.join(dir, e.name));
        else if (e.isFile() && e.name.endsWith('.tfvars')) l.tfvars.push(path.join(dir, e.name));
        else if (e.isFile() && e.name.toLowerCase().endsWith('.tf.json')) l.json.push(path.join(dir, e.name));
      }
    } catch {
      // an unreadable folder holds no callers
    }
    listings.set(dir, l);
  }
  return l;
}

function callsIn(file: string, read: ReadText, parse: (file: string, text: string) => FileModel): { call: TfModuleCall; target: string }[] {
  const hit = callScans.get(file);
  if (hit) return hit;
  const text = read(file);
  const calls =
    text === undefined || !text.includes('module')
      ? []
      : (parse(file, text).terraform?.modules ?? []).flatMap((call) =>
          call.source && (call.source.startsWith('./') || call.source.startsWith('../'))
            ? [{ call, target: path.resolve(path.dirname(file), call.source) }]
            : [],
        );
  if (callScans.size >= MAX_CALL_SCANS) callScans.delete(callScans.keys().next().value!);
  callScans.set(file, calls);
  return calls;
}

/**
 * The `module` blocks whose local `source` is `root`, in the folders around it: its ancestors up to three levels (not
 * above the repository) and their subfolders up to three levels down (at most 200 folders, dependency and VCS folders
 * skipped). Folder listings and each file's calls are kept, so the modules of one workspace share one scan.
 */
export function findModuleCallers(
  root: string,
  read: ReadText,
  parse: (file: string, text: string) => FileModel = parseSource,
): ModuleCaller[] {
  const target = path.resolve(root);
  const dirs: string[] = [];
  const seen = new Set<string>([target]);
  const visit = (dir: string, depth: number): void => {
    if (dirs.length >= MAX_CALLER_DIRS || seen.has(dir)) return;
    seen.add(dir);
    dirs.push(dir);
    if (depth > 0) for (const d of listing(dir).dirs) visit(d, depth - 1);
  };
  // Not above the repository (the folder holding .git), nor into the file system's root, home or temp folders.
  const stops = new Set([os.homedir(), os.tmpdir()].map((d) => path.resolve(d)));
  let up = target;
  for (let i = 0; i < CALLER_LEVELS_UP && !fs.existsSync(path.join(up, '.git')); i++) {
    up = path.dirname(up);
    if (path.dirname(up) === up || stops.has(up)) break;
    visit(up, CALLER_LEVELS_DOWN);
  }
  const out: ModuleCaller[] = [];
  for (const dir of dirs) {
    const files = listing(dir).tf;
    const calls = files.flatMap((file) =>
      callsIn(file, read, parse)
        .filter((c) => c.target === target)
        .map((c) => ({ call: c.call, file })),
    );
    if (!calls.length) continue;
    const callerFiles = [...files, ...listing(dir).tfvars].flatMap((f) => {
      const text = read(f);
      return text === undefined ? [] : [parse(f, text)];
    });
    for (const c of calls) out.push({ ...c, callerFiles });
  }
  return out;
}
