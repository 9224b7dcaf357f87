/**
 * `npm run bench`: parse, lowering and rule cost per 1,000 lines per language, `audit` files per second, the
 * language server's didChange-to-diagnostics latency, and the schema's load cost. Prints a Markdown report and
 * writes it to bench/results/latest.md.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import ts from 'typescript';
import { analyzeProgram } from '../shared/engine/analyze';
import { audit } from '../shared/engine/audit';
import { initEngine, parseSource } from '../shared/engine/frontends';
import { buildPulumiProgram } from '../shared/frontends/pulumi/project';
import { buildTerraformProgram } from '../shared/frontends/terraform/module';
import { initTreeSitter, parserFor } from '../shared/frontends/treesitter';
import { pulumiClassPaths, resourceTypes, schemaSource } from '../shared/knowledge/schema';
import { EXTENSION, generateProgram, type BenchLanguage } from './generate';
import { serverLatency } from './server-latency';

const LANGS: BenchLanguage[] = ['terraform', 'typescript', 'javascript', 'python'];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function time(fn: () => void, runs: number): number {
  for (let i = 0; i < 10; i++) fn(); // warm up the JIT (the first 5 runs of a 2,000-line file take 2x to 8x longer)
  const xs: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    fn();
    xs.push(performance.now() - t);
  }
  return median(xs);
}

async function main(): Promise<void> {
  const out: string[] = [
    `# Faultline benchmarks`,
    '',
    `${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown CPU'})`,
    '',
  ];
  // First, in a quiet process: what the provider schema costs on its first use (the server loads it lazily).
  global.gc?.();
  const before = process.memoryUsage();
  const s0 = performance.now();
  const types = resourceTypes().length;
  pulumiClassPaths();
  const schemaMs = performance.now() - s0;
  global.gc?.();
  const after = process.memoryUsage();
  const mb = (n: number): string => (n / 1024 / 1024).toFixed(1);
  out.push(
    `Provider schema (${types} resource types, generated ${schemaSource().date}): loaded on first use in ${schemaMs.toFixed(0)} ms, +${mb(after.rss - before.rss)} MB resident (+${mb(after.heapUsed - before.heapUsed)} MB heap)`,
    '',
  );
  // The parsers' start in a quiet process too: timed after the references, it counted the collector still sweeping
  // their objects (44 to 85 ms, against 15 to 24 ms alone).
  const t0 = performance.now();
  await initTreeSitter();
  out.push(`Engine start (tree-sitter and both grammars): ${(performance.now() - t0).toFixed(0)} ms`, '');
  // The references before initEngine() tunes V8's collector, then their 2 million objects collected: left in the old
  // generation, they slowed the measurements below.
  const machine = referenceMs();
  const collector = gcReferenceMs();
  global.gc?.();
  await initEngine();
  out.push(
    `Machine reference (sorting 1,000,000 pseudo-random numbers, median of 5; compare runs on different days with it): ${machine.toFixed(0)} ms; ` +
      `garbage-collection reference (20 x 100,000 linked objects): ${collector.toFixed(0)} ms`,
    '',
  );

  out.push(
    '## Per 1,000 lines (medians of 30 runs on a generated ~2,000-line program, after 10 unmeasured runs)',
    '',
    '| language | parse | lowering | rules | total | rules / (parse+lowering) |',
    '|---|---|---|---|---|---|',
  );
  for (const lang of LANGS) {
    const text = generateProgram(lang, 2000);
    const lines = text.split('\n').length;
    const file = `/bench/prog.${EXTENSION[lang]}`;
    const parseOnly =
      lang === 'terraform' || lang === 'python'
        ? () => parserFor(lang).parse(text)!.delete()
        : // as the frontend parses: its own pass over the tree sets the parent links
          () => ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, lang === 'javascript' ? ts.ScriptKind.JS : ts.ScriptKind.TS);
    const parse = time(parseOnly, 30);
    const full = time(() => parseSource(file, text), 30);
    const model = parseSource(file, text);
    const program =
      lang === 'terraform' ? buildTerraformProgram('/bench', [model]) : buildPulumiProgram('/bench', [model], undefined, 'file');
    const rules = time(() => analyzeProgram(program, { profile: 'production' }), 30);
    const k = 1000 / lines;
    const lowering = Math.max(0, full - parse);
    out.push(
      `| ${lang} | ${(parse * k).toFixed(2)} ms | ${(lowering * k).toFixed(2)} ms | ${(rules * k).toFixed(2)} ms | ${((full + rules) * k).toFixed(2)} ms | ${((rules / full) * 100).toFixed(0)}% |`,
    );
  }

  const corpus = fs.mkdtempSync(path.join(os.tmpdir(), 'faultline-bench-'));
  let n = 0;
  for (let i = 0; i < 500; i++) {
    for (const lang of LANGS) {
      const dir = path.join(corpus, `${lang}-${i}`);
      fs.mkdirSync(dir);
      fs.writeFileSync(path.join(dir, `main.${EXTENSION[lang]}`), generateProgram(lang, 200, i * 10));
      n++;
    }
  }
  out.push(
    '',
    '## audit',
    '',
    `${n} files (~200 lines each, four languages, one program each):`,
    '',
    '| threads | wall | files/s | findings |',
    '|---|---|---|---|',
  );
  const cores = os.availableParallelism?.() ?? os.cpus().length;
  for (const jobs of [...new Set([1, 2, cores])]) {
    const a0 = performance.now();
    const result = await audit([corpus], { profile: 'production', jobs });
    const secs = (performance.now() - a0) / 1000;
    out.push(`| ${result.jobs} | ${secs.toFixed(1)} s | **${(result.files / secs).toFixed(0)}** | ${result.findings.length} |`);
  }

  const latency = await serverLatency(corpus);
  out.push('', '## Language server', '', ...latency);
  fs.rmSync(corpus, { recursive: true, force: true });

  const report = out.join('\n') + '\n';
  process.stdout.write(report);
  const dir = path.join(__dirname, '..', 'bench', 'results');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'latest.md'), report);
}

void main();

/**
 * A second reference, for what the sort does not see: the machine's speed at allocating and collecting garbage that
 * survives a while, as a parse makes (20 arrays of 100,000 small linked objects, each alive while the next is built and linked to it).
 * On 2026-12-07 the sort stayed at 86 to 91 ms while the engine ran 30 to 50% slower from one hour to the next.
 */
function gcReferenceMs(): number {
  const times: number[] = [];
  for (let run = 0; run < 5; run++) {
    const t = performance.now();
    let previous: unknown[] = [];
    for (let i = 0; i < 20; i++) {
      const nodes: { id: number; kids: unknown[] }[] = [];
      for (let j = 0; j < 100_000; j++) nodes.push({ id: j, kids: [nodes[j >> 1], previous[j]] });
      previous = nodes;
    }
    times.push(performance.now() - t);
  }
  return times.sort((a, b) => a - b)[2]!;
}

/** A fixed CPU-bound workload: the same code measured on another day is comparable only in units of this. */
function referenceMs(): number {
  const times: number[] = [];
  for (let run = 0; run < 5; run++) {
    let x = 12345;
    const xs = new Float64Array(1_000_000).map(() => (x = (x * 1103515245 + 12345) % 2 ** 31));
    const t = performance.now();
    xs.sort();
    times.push(performance.now() - t);
  }
  return times.sort((a, b) => a - b)[2]!;
}
