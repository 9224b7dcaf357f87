/**
 * Fuzzing of the three frontends and the whole engine. The default suite runs a short, fixed-seed run (about 20 s);
 * `npm run fuzz` runs thousands of cases (FAULTLINE_FUZZ=long, FAULTLINE_FUZZ_RUNS, FAULTLINE_FUZZ_SEED) and saves
 * every counterexample to test/fixtures/regressions/, which the last test here replays forever after.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeProgram } from '../../shared/engine/analyze';
import { loadConfigFile } from '../../shared/engine/config-file';
import { initEngine } from '../../shared/engine/frontends';
import { loadProgram } from '../../shared/engine/workspace';
import {
  applyMutations,
  caseFile,
  checkProgram,
  checkText,
  HOSTILE_YAML,
  monsters,
  mutatedCase,
  mutation,
  programOf,
  REGRESSIONS,
  saveRegression,
  seeds,
  type MutatedCase,
  type Seed,
} from './harness';

const LONG = process.env.FAULTLINE_FUZZ === 'long';
const RUNS = Number(process.env.FAULTLINE_FUZZ_RUNS ?? (LONG ? 5000 : 300));
const SEED = Number(process.env.FAULTLINE_FUZZ_SEED ?? 20261123);
/** Per-file budget in ms for ordinary documents (under ~200 KB); the monsters get their own below. */
const FILE_BUDGET_MS = Number(process.env.FAULTLINE_FUZZ_BUDGET_MS ?? 10_000);
/** Budget for pathological documents (10,000-deep nesting, 100,000-element lists, 1 MB lines, 10 MB files). */
const MONSTER_BUDGET_MS = Number(process.env.FAULTLINE_FUZZ_MONSTER_BUDGET_MS ?? 15_000);

const stats = { cases: 0, worstMs: 0, worst: '' };
const CLI = path.resolve(__dirname, '../../out/cli.js');

beforeAll(async () => {
  await initEngine();
});

function describeCase(c: MutatedCase): string {
  return `${c.seed.name}${c.ext ? ` as .${c.ext}` : ''} after ${c.mutations.map((m) => m.name).join(', ')}`;
}

describe('fuzzing the frontends and the engine', () => {
  it('keeps every invariant on the unmutated seeds', () => {
    const problems: string[] = [];
    for (const s of seeds()) {
      const r = checkText(path.join('/fuzz', s.name), s.text);
      for (const v of r.violations) problems.push(`${s.name}: [${v.invariant}] ${v.detail}`);
    }
    expect(problems).toEqual([]);
  });

  it(
    `keeps every invariant on ${RUNS} mutated programs (seed ${SEED})`,
    () => {
      const corpus = seeds();
      const result = fc.check(
        fc.property(mutatedCase(corpus), (c) => {
          const text = applyMutations(c.seed.text, c.mutations);
          // FAULTLINE_FUZZ_TRACE=<file>: each case is written there before it runs, so a hang names its case
          if (process.env.FAULTLINE_FUZZ_TRACE)
            fs.appendFileSync(process.env.FAULTLINE_FUZZ_TRACE, `case ${stats.cases + 1}: ${describeCase(c)}\n`);
          const t0 = performance.now();
          const r = checkText(caseFile(c), text);
          const ms = performance.now() - t0;
          stats.cases++;
          if (LONG && stats.cases % 250 === 0)
            process.stderr.write(`fuzz: ${stats.cases} of ${RUNS} cases, worst ${Math.round(stats.worstMs)} ms\n`);
          if (ms > stats.worstMs) Object.assign(stats, { worstMs: ms, worst: `${describeCase(c)} (${text.length} chars)` });
          if (r.violations.length) throw new Error(r.violations.map((v) => `[${v.invariant}] ${v.detail}`).join('\n'));
          if (ms > FILE_BUDGET_MS)
            throw new Error(`[per-file-budget] took ${Math.round(ms)} ms (budget ${FILE_BUDGET_MS} ms) on ${text.length} chars`);
        }),
        // no shrinking: a slow case shrunk on a loaded machine can run for hours; the case itself is saved
        { seed: SEED, numRuns: RUNS, endOnFailure: true, verbose: 0 },
      );
      if (result.failed) {
        const c = result.counterexample![0];
        const text = applyMutations(c.seed.text, c.mutations);
        let saved = '';
        if (LONG || process.env.FAULTLINE_FUZZ_SAVE) {
          const ext = path.extname(caseFile(c));
          const hash = (Array.from(text).reduce((h, ch) => (h * 31 + ch.codePointAt(0)!) >>> 0, 7) >>> 0).toString(16);
          saved = `\nsaved as ${saveRegression(`fuzz-${hash}${ext}`, text)}`;
        }
        throw new Error(
          `fuzz case failed after ${result.numRuns} runs (seed ${SEED}, path ${result.counterexamplePath}):\n${describeCase(c)}\n${String(result.errorInstance)}${saved}`,
        );
      }
      if (LONG) console.log(`fuzz: ${stats.cases} cases, worst ${Math.round(stats.worstMs)} ms on ${stats.worst}`);
    },
    LONG ? 4 * 3_600_000 : 60_000,
  );

  it(
    `keeps every invariant on ${Math.ceil(RUNS / 5)} mutated multi-file programs (modules, projects with stack files)`,
    () => {
      const corpus = seeds();
      const tf = corpus.filter((c) => /\.tf$/.test(c.name));
      const pulumi = corpus.filter((c) => /\.(ts|js|py)$/.test(c.name));
      const file = (seed: Seed, i: number): string => `f${i}-${seed.name}`;
      fc.assert(
        fc.property(
          fc.boolean(),
          fc.array(
            fc.record({ tfSeed: fc.constantFrom(...tf), pSeed: fc.constantFrom(...pulumi), ms: fc.array(mutation, { maxLength: 3 }) }),
            { minLength: 1, maxLength: 3 },
          ),
          fc.constantFrom(...HOSTILE_YAML),
          fc.dictionary(fc.constantFrom('dev', 'prod', 'pr-1', 'x'.repeat(300), 'ü'), fc.constantFrom(...HOSTILE_YAML), { maxKeys: 3 }),
          (isTf, parts, projectYaml, stacks) => {
            const root = isTf ? '/fuzz/module' : '/fuzz/project';
            const files = parts.map((p, i) => {
              const seed = isTf ? p.tfSeed : p.pSeed;
              return { file: path.join(root, file(seed, i)), text: applyMutations(seed.text, p.ms) };
            });
            const t0 = performance.now();
            const v = checkProgram(root, files, isTf ? undefined : { projectYaml, stacks });
            const ms = performance.now() - t0;
            if (v.length) throw new Error(v.map((x) => `[${x.invariant}] ${x.detail.slice(0, 800)}`).join('\n'));
            if (ms > FILE_BUDGET_MS * files.length)
              throw new Error(`[per-file-budget] took ${Math.round(ms)} ms for ${files.length} files`);
          },
        ),
        { seed: SEED + 1, numRuns: Math.ceil(RUNS / 5), endOnFailure: true },
      );
    },
    LONG ? 4 * 3_600_000 : 60_000,
  );

  for (const m of monsters().filter((x) => x.audit)) {
    it.skipIf(!m.short && !LONG)(
      `survives ${m.name} through faultline audit within a ${MONSTER_BUDGET_MS} ms budget`,
      () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'faultline-monster-'));
        try {
          fs.writeFileSync(path.join(dir, m.name), m.text());
          const t0 = performance.now();
          const r = spawnSync(
            process.execPath,
            [
              CLI,
              'audit',
              '.',
              '--format',
              'json',
              '--no-progress',
              '--file-timeout',
              String(MONSTER_BUDGET_MS),
              '--max-file-size',
              '20',
              '--rule',
              'parse-error',
            ],
            { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 30 },
          );
          const ms = performance.now() - t0;
          expect(r.status, r.stderr).toBeLessThan(2);
          const report = JSON.parse(r.stdout) as { files: number; findings: { ruleId: string; message: string }[]; skipped?: unknown[] };
          expect(report.skipped ?? []).toEqual([]);
          expect(report.files).toBe(1);
          const findings = report.findings;
          expect(findings.filter((f) => f.ruleId === 'internal-error')).toEqual([]);
          // Over budget is allowed, as a finding; the whole run (worker start, reading, JSON) must stay bounded.
          console.log(
            `${m.name}: ${Math.round(ms)} ms, ${
              findings.find((f) => f.ruleId === 'analysis-timeout' || f.ruleId === 'internal-error')?.message ?? 'analysed'
            }`,
          );
          expect(ms).toBeLessThan(MONSTER_BUDGET_MS + 15_000);
        } finally {
          fs.rmSync(dir, { recursive: true, force: true });
        }
      },
      (MONSTER_BUDGET_MS + 15_000) * 2,
    );
  }

  for (const m of monsters().filter((x) => !x.audit)) {
    it.skipIf(!m.short && !LONG)(
      `survives ${m.name} within ${MONSTER_BUDGET_MS} ms`,
      () => {
        const text = m.text();
        const t0 = performance.now();
        const r = checkText(path.join('/fuzz', m.name), text, { fixes: text.length < 2_000_000 });
        const ms = performance.now() - t0;
        expect(r.violations.map((v) => `[${v.invariant}] ${v.detail.slice(0, 500)}`)).toEqual([]);
        expect(ms).toBeLessThan(MONSTER_BUDGET_MS);
      },
      MONSTER_BUDGET_MS * 4,
    );
  }

  it('replays every regression fixture', () => {
    const files = fs.existsSync(REGRESSIONS)
      ? fs
          .readdirSync(REGRESSIONS, { withFileTypes: true })
          .filter((f) => f.isFile() && !f.name.endsWith('.md'))
          .map((f) => f.name)
      : [];
    const problems: string[] = [];
    for (const f of files) {
      const text = fs.readFileSync(path.join(REGRESSIONS, f), 'utf8');
      const t0 = performance.now();
      const r = checkText(path.join('/fuzz/regressions', f), text);
      const ms = performance.now() - t0;
      for (const v of r.violations) problems.push(`${f}: [${v.invariant}] ${v.detail.slice(0, 500)}`);
      if (ms > MONSTER_BUDGET_MS) problems.push(`${f}: took ${Math.round(ms)} ms`);
    }
    expect(problems).toEqual([]);
  });

  it('regression: a parse stopped at its time budget is an analysis-timeout, and leaves nothing behind for the next file', () => {
    // 14,000 blanks, an emoji and 9,000 quotes: tree-sitter's error recovery took 1.7 s on these 25 KB
    const slow = fs.readFileSync(path.join(REGRESSIONS, 'fuzz-123932b4.tf'), 'utf8');
    const { model, program } = programOf('/fuzz/slow.tf', slow);
    if (model.timedOut) {
      expect(model.timedOut).toMatch(/still parsing this file after \d+ ms/);
      const findings = analyzeProgram(program, {});
      expect(findings.map((f) => f.ruleId)).toEqual(['analysis-timeout']);
    }
    // a cancelled tree-sitter parser resumes its old parse on the next call unless reset: offsets of another text
    const text = 'resource "aws_s3_bucket" "b" {\n  bucket = "x"\n}\n';
    const { model: next } = programOf('/fuzz/next.tf', text);
    expect(next.resources.map((r) => r.loc.end)).toEqual([text.lastIndexOf('}') + 1]);
    expect(next.parseErrors).toEqual([]);
  });

  it('regression: a stack file with 20,000 config keys is read in linear time', () => {
    const dir = path.join(REGRESSIONS, 'stack-20k-config-keys');
    const t0 = performance.now();
    const program = loadProgram({ kind: 'pulumi-project', root: dir, files: [path.join(dir, 'index.ts')] });
    const findings = analyzeProgram(program, { today: '2026-11-23' });
    const ms = performance.now() - t0;
    expect(Object.keys(program.stackConfig.dev ?? {}).length).toBe(20_000);
    expect(findings.filter((f) => f.ruleId === 'internal-error')).toEqual([]);
    expect(ms).toBeLessThan(4000); // 5 s and more with the quadratic duplicate-key check
  });

  it('regression: a faultline.json nested 100,000 levels deep is refused with a located error, not a stack overflow', () => {
    const file = path.join(REGRESSIONS, 'config-deep-nesting', 'faultline.json');
    const { config, errors } = loadConfigFile(file);
    expect(config).toBeUndefined();
    expect(errors.map((e) => `${e.loc.range.start.line}:${e.loc.range.start.character} ${e.message}`)).toEqual([
      '0:75 invalid configuration: nested more than 64 levels deep',
    ]);
  });
});
