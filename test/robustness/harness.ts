/**
 * The robustness harness: seed programs (fixtures and generated examples), mutations of them, and the invariants
 * every analysis must keep whatever the input — no exception escapes, every location lies inside its document,
 * every rendered fix parses without new syntax errors.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { generateProgram, type BenchLanguage } from '../../bench/generate';
import { analyzeProgram } from '../../shared/engine/analyze';
import { applyEdits, renderFix } from '../../shared/engine/fixes';
import { languageOf, parseSource } from '../../shared/engine/frontends';
import type { Finding } from '../../shared/engine/rule';
import { buildPulumiProgram, type PulumiProjectFiles } from '../../shared/frontends/pulumi/project';
import { buildTerraformProgram } from '../../shared/frontends/terraform/module';
import type { Program } from '../../shared/model/program';
import { LineIndex } from '../../shared/model/text';
import type { FileModel } from '../../shared/model/types';

export * from './mutations';
import type { Seed } from './mutations';

export const ROOT = path.resolve(__dirname, '../..');
export const FIXTURES = path.join(ROOT, 'test/fixtures');
export const REGRESSIONS = path.join(FIXTURES, 'regressions');

function walk(dir: string, out: string[] = []): string[] {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (e.isFile() && languageOf(p)) out.push(p);
  }
  return out;
}

const EXT: Record<BenchLanguage, string> = { terraform: 'tf', typescript: 'ts', javascript: 'js', python: 'py' };

/** Every fixture (except the regression corpus, which has its own test), every example, and a generated program per language. */
export function seeds(): Seed[] {
  const out: Seed[] = walk(FIXTURES)
    .filter((f) => !f.startsWith(REGRESSIONS + path.sep))
    .map((f) => ({ name: path.relative(FIXTURES, f).split(path.sep).join('__'), text: fs.readFileSync(f, 'utf8') }));
  for (const f of walk(path.join(ROOT, 'examples')))
    out.push({
      name: 'examples__' + path.relative(path.join(ROOT, 'examples'), f).split(path.sep).join('__'),
      text: fs.readFileSync(f, 'utf8'),
    });
  for (const lang of Object.keys(EXT) as BenchLanguage[]) out.push({ name: `generated.${EXT[lang]}`, text: generateProgram(lang, 120, 1) });
  return out;
}

/** The analysis of one text as its own program, like the LSP and the fixtures do. */
export function programOf(file: string, text: string): { model: FileModel; program: Program } {
  const model = parseSource(file, text);
  const program =
    model.language === 'terraform'
      ? buildTerraformProgram(path.dirname(file), [model])
      : buildPulumiProgram(path.dirname(file), [model], undefined, 'file');
  return { model, program };
}

export interface Violation {
  invariant: string;
  detail: string;
}

export interface CheckResult {
  violations: Violation[];
  parseMs: number;
  analyzeMs: number;
  fixMs: number;
  findings: Finding[];
  parseErrors: number;
}

interface LocLike {
  file: string;
  start: number;
  end: number;
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
}

function isLoc(v: unknown): v is LocLike {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  return typeof o.file === 'string' && 'start' in o && 'end' in o && typeof o.range === 'object' && o.range !== null;
}

/**
 * Every Loc reachable from `root` (a FileModel, finding, edit...) checked against the text of its file:
 * integer offsets, 0 <= start <= end <= text.length, and a range equal to the offsets' line/column positions.
 */
export function checkLocs(
  root: unknown,
  texts: Map<string, { text: string; lines: LineIndex }>,
  where: string,
  out: Violation[],
  limit = 20,
): void {
  const seen = new Set<unknown>();
  const stack: { v: unknown; p: string }[] = [{ v: root, p: where }];
  while (stack.length) {
    const { v, p } = stack.pop()!;
    if (typeof v !== 'object' || v === null || seen.has(v)) continue;
    seen.add(v);
    if (isLoc(v)) {
      const doc = texts.get(v.file);
      if (!doc) {
        // Locations in files outside this analysis (Pulumi.yaml, another module) are not checked here.
      } else {
        const { start, end, range } = v;
        const len = doc.text.length;
        const bad = (msg: string): void => {
          if (out.length < limit)
            out.push({ invariant: 'loc-inside-document', detail: `${p}: ${msg} (start ${start}, end ${end}, length ${len})` });
        };
        if (!Number.isInteger(start) || !Number.isInteger(end)) bad('offsets are not integers');
        else if (!(start >= 0 && start <= end && end <= len)) bad('offsets outside the document');
        else {
          const s = doc.lines.position(start);
          const e = doc.lines.position(end);
          if (
            range.start?.line !== s.line ||
            range.start?.character !== s.character ||
            range.end?.line !== e.line ||
            range.end?.character !== e.character
          ) {
            bad(`range ${JSON.stringify(range)} does not match offsets (expected ${s.line}:${s.character}-${e.line}:${e.character})`);
          }
        }
      }
    }
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ v: v[i], p: `${p}[${i}]` });
    } else {
      for (const [k, x] of Object.entries(v)) {
        if (k === 'text' || typeof x !== 'object' || x === null) continue;
        stack.push({ v: x, p: `${p}.${k}` });
      }
    }
  }
}

/** Parses, analyses and renders every fix of one text; returns the broken invariants (never throws). */
export function checkText(file: string, text: string, opts: { fixes?: boolean; maxFixes?: number } = {}): CheckResult {
  const violations: Violation[] = [];
  const res: CheckResult = { violations, parseMs: 0, analyzeMs: 0, fixMs: 0, findings: [], parseErrors: 0 };
  let model: FileModel;
  let program: Program;
  let t = performance.now();
  try {
    ({ model, program } = programOf(file, text));
  } catch (e) {
    violations.push({ invariant: 'no-exception', detail: `parseSource/build program threw: ${(e as Error)?.stack ?? String(e)}` });
    return res;
  }
  res.parseMs = performance.now() - t;
  res.parseErrors = model.parseErrors.length;
  if (model.text !== text) violations.push({ invariant: 'model-text', detail: 'FileModel.text differs from the parsed text' });
  for (const e of model.internalErrors ?? []) violations.push({ invariant: 'no-internal-error', detail: `frontend: ${e.message}` });
  const texts = new Map([[file, { text, lines: new LineIndex(text) }]]);
  checkLocs(model, texts, 'model', violations);

  t = performance.now();
  try {
    res.findings = analyzeProgram(program, { today: '2026-11-23' });
  } catch (e) {
    violations.push({ invariant: 'no-exception', detail: `analyzeProgram threw: ${(e as Error)?.stack ?? String(e)}` });
    return res;
  }
  res.analyzeMs = performance.now() - t;
  for (const f of res.findings) {
    if (f.ruleId === 'internal-error') violations.push({ invariant: 'no-internal-error', detail: f.message });
    if (f.loc.file !== file)
      violations.push({ invariant: 'loc-inside-document', detail: `finding ${f.ruleId} is located in ${f.loc.file}` });
  }
  checkLocs(res.findings, texts, 'findings', violations);

  if (opts.fixes === false) return res;
  t = performance.now();
  const files = new Map(program.files.map((f) => [f.path, f]));
  // Each fix costs a parse of the whole text: check a bounded sample, one per rule and fix title.
  const sampled = new Set<string>();
  for (const f of res.findings) {
    for (const [i, fix] of (f.fixes ?? []).entries()) {
      const kind = `${f.ruleId}\0${fix.title.replace(/"[^"]*"|'[^']*'|\d+/g, '')}`;
      if (sampled.has(kind) || sampled.size >= (opts.maxFixes ?? 12)) continue;
      sampled.add(kind);
      let edits;
      try {
        edits = renderFix(fix, (p) => files.get(p));
      } catch (e) {
        violations.push({
          invariant: 'no-exception',
          detail: `rendering fix ${i} of ${f.ruleId} threw: ${(e as Error)?.stack ?? String(e)}`,
        });
        continue;
      }
      if (!edits) continue;
      const own = edits.filter((e) => e.file === file);
      const before = violations.length;
      checkLocs(own, texts, `fix ${i} of ${f.ruleId}`, violations);
      if (violations.length > before) continue;
      const fixed = applyEdits(text, own).text;
      let after: FileModel;
      try {
        after = parseSource(file, fixed);
      } catch (e) {
        violations.push({ invariant: 'no-exception', detail: `parsing the fixed text threw: ${String(e)}` });
        continue;
      }
      if (
        after.parseErrors.length > model.parseErrors.length &&
        (model.parseErrors.length === 0 || after.parseErrors.length > model.parseErrors.length + 1)
      ) {
        violations.push({
          invariant: 'fix-parses',
          detail: `fix "${fix.title}" of ${f.ruleId} adds parse errors (${model.parseErrors.length} -> ${after.parseErrors.length}): ${after.parseErrors[0]?.message}\n--- edits: ${JSON.stringify(own.map((e) => ({ start: e.start, end: e.end, newText: e.newText })))}`,
        });
      }
    }
  }
  res.fixMs = performance.now() - t;
  return res;
}

/** Writes a failing case to the regression corpus (test/fixtures/regressions/<name>) and returns its path. */
export function saveRegression(name: string, text: string): string {
  fs.mkdirSync(REGRESSIONS, { recursive: true });
  const file = path.join(REGRESSIONS, name);
  fs.writeFileSync(file, text);
  return file;
}

/**
 * A whole program of several (mutated) files: a Terraform module, or a Pulumi project with its Pulumi.yaml and
 * stack files. Cross-file references, variables and stack config all see hostile text. Same invariants as checkText.
 */
export function checkProgram(root: string, files: { file: string; text: string }[], project?: PulumiProjectFiles): Violation[] {
  const violations: Violation[] = [];
  let program: Program;
  const models: FileModel[] = [];
  try {
    for (const f of files) models.push(parseSource(f.file, f.text));
    program = files.every((f) => languageOf(f.file) === 'terraform')
      ? buildTerraformProgram(root, models)
      : buildPulumiProgram(root, models, project);
  } catch (e) {
    return [{ invariant: 'no-exception', detail: `parse/build program threw: ${(e as Error)?.stack ?? String(e)}` }];
  }
  const texts = new Map(files.map((f) => [f.file, { text: f.text, lines: new LineIndex(f.text) }]));
  for (const m of models) checkLocs(m, texts, m.path, violations);
  let findings: Finding[];
  try {
    findings = analyzeProgram(program, { today: '2026-11-23' });
  } catch (e) {
    return [...violations, { invariant: 'no-exception', detail: `analyzeProgram threw: ${(e as Error)?.stack ?? String(e)}` }];
  }
  for (const f of findings) {
    if (f.ruleId === 'internal-error') violations.push({ invariant: 'no-internal-error', detail: f.message });
    if (!texts.has(f.loc.file) && !/Pulumi(\.[^/]+)?\.ya?ml$/.test(f.loc.file))
      violations.push({ invariant: 'loc-inside-document', detail: `finding ${f.ruleId} is located in ${f.loc.file}` });
  }
  checkLocs(findings, texts, 'findings', violations);
  const byPath = new Map(program.files.map((m) => [m.path, m]));
  let n = 0;
  for (const f of findings) {
    for (const fix of f.fixes ?? []) {
      if (n++ > 20) break;
      try {
        const edits = renderFix(fix, (p) => byPath.get(p));
        if (edits) checkLocs(edits, texts, `fix of ${f.ruleId}`, violations);
      } catch (e) {
        violations.push({ invariant: 'no-exception', detail: `rendering a fix of ${f.ruleId} threw: ${String(e)}` });
      }
    }
  }
  return violations;
}

/** Hostile Pulumi.yaml / Pulumi.<stack>.yaml texts. */
export const HOSTILE_YAML: string[] = [
  'name: app\nruntime: nodejs\n',
  'name: [unclosed\n',
  'name: 42\nconfig: "x"\n',
  '\uFEFFname: bom\r\nruntime: python\r\n',
  'a: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\ng: [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n',
  'config:\n  app:x: ' + '['.repeat(5000) + ']'.repeat(5000) + '\n',
  'config:\n' + Array.from({ length: 20_000 }, (_, i) => `  app:k${i}: v${i}`).join('\n') + '\n',
  'config:\n  app:environment: prod\n  app:ha:\n    secure: AAABA\n  aws:region: us-east-1\n',
  'config: !!binary aGVsbG8=\n',
  '\0\0\0',
  'config:\n  app:name: ' + 'x'.repeat(200_000) + '\n',
];
