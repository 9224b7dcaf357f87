import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { initEngine } from './frontends';
import { analyzeUnit, type ReportedFinding, type UnitOptions, type UnitReport } from './report';
import { sortFindings } from './analyze';
import { discoverFiles, groupPrograms, type ProgramUnit, type Skipped } from './workspace';

export interface AuditOptions extends UnitOptions {
  /** Worker threads; 1 analyses in this thread. Default: all cores when there is enough work. */
  jobs?: number;
  /** Time budget per file in a worker, in ms: a unit over budget is stopped and reported as `analysis-timeout`. */
  fileTimeoutMs?: number;
  /** Files larger than this are skipped (and listed as skipped); default 5 MB. */
  maxFileBytes?: number;
  /** Heap limit per worker, in MB. */
  workerMemoryMb?: number;
  onProgress?: (done: number, total: number) => void;
  /** Always analyse in worker threads, even a small audit: a long-lived process (the language server) whose heap must
   * not grow by what the audit allocates. */
  pool?: boolean;
  /** Each program's report as it completes; reports handed here are not collected in the result (only counts are). */
  stream?: (report: UnitReport) => void;
  /** Checked before each program: once true, no more programs are started. */
  cancelled?: () => boolean;
}

export interface AuditResult {
  files: number;
  findings: ReportedFinding[];
  texts: Map<string, string>;
  skipped: Skipped[];
  durationMs: number;
  jobs: number;
}

const WORKER = path.join(__dirname, 'worker.js');
/** Files above this size are analysed in a worker with a time budget even in small audits. */
const GUARD_BYTES = 256 * 1024;
/** Loading the engine in a worker takes ~100 ms; a worker that is not ready by then is broken. */
const WORKER_START_MS = 30_000;

function sizeOf(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
}

/** Analyses every IaC file under `paths`: the engine behind `faultline audit`. */
export async function audit(paths: string[], opts: AuditOptions = {}): Promise<AuditResult> {
  const t0 = performance.now();
  const { files, skipped } = discoverFiles(paths, { ignore: opts.config?.ignore, maxFileBytes: opts.maxFileBytes });
  const units = groupPrograms(files);
  const wanted = opts.jobs ?? Math.min(os.availableParallelism?.() ?? os.cpus().length, Math.ceil(files.length / 50));
  const jobs = Math.max(1, Math.min(wanted, units.length));
  // Only a worker can be stopped when a file takes too long: use one whenever a file is large enough to be a risk.
  const guarded = files.some((f) => sizeOf(f) > GUARD_BYTES);
  const pooled = (jobs > 1 || guarded || !!opts.pool) && fs.existsSync(WORKER);
  const reports = pooled ? await inWorkers(units, opts, jobs) : await inProcess(units, opts);
  const result: AuditResult = { files: 0, findings: [], texts: new Map(), skipped, durationMs: 0, jobs: pooled ? jobs : 1 };
  for (const r of reports) {
    if (!r) continue; // not started: the audit was cancelled
    result.files += r.files.length;
    for (const f of r.findings) result.findings.push(f); // no spread: a file may have 100,000+ findings
    for (const [f, t] of Object.entries(r.texts)) result.texts.set(f, t);
    for (const s of r.skipped ?? []) result.skipped.push(s);
  }
  sortFindings(result.findings);
  result.durationMs = performance.now() - t0;
  return result;
}

/** What the result keeps of a report: all of it, or only what it counts when the caller takes reports as they come. */
function kept(report: UnitReport, opts: AuditOptions): UnitReport {
  if (!opts.stream) return report;
  opts.stream(report);
  return { files: report.files, findings: [], texts: {}, ...(report.skipped ? { skipped: report.skipped } : {}) };
}

async function inProcess(units: ProgramUnit[], opts: AuditOptions): Promise<UnitReport[]> {
  await initEngine();
  const out: UnitReport[] = [];
  for (const [i, u] of units.entries()) {
    if (opts.cancelled?.()) break;
    out.push(kept(analyzeUnit(u, serializable(opts)), opts));
    opts.onProgress?.(i + 1, units.length);
  }
  return out;
}

/** What can be posted to a worker (no functions). */
function serializable(opts: AuditOptions): UnitOptions {
  return {
    profile: opts.profile,
    config: opts.config,
    only: opts.only,
    skip: opts.skip,
    today: opts.today,
    findingsOnly: opts.findingsOnly,
  };
}

function stopped(unit: ProgramUnit, ruleId: 'analysis-timeout' | 'internal-error', message: string): UnitReport {
  const file = unit.files[0]!;
  const zero = { line: 0, character: 0 };
  return {
    files: unit.files,
    findings: [
      {
        ruleId,
        severity: ruleId === 'analysis-timeout' ? 'medium' : 'low',
        message,
        loc: { file, start: 0, end: 0, range: { start: zero, end: zero } },
        fixes: [],
      },
    ],
    texts: {},
  };
}

/**
 * A pool of worker threads taking units from a shared queue. A unit that exceeds its time budget or the heap limit
 * costs its worker (it is terminated and replaced) and is reported; the audit goes on.
 */
function inWorkers(units: ProgramUnit[], opts: AuditOptions, jobs: number): Promise<UnitReport[]> {
  const perFile = opts.fileTimeoutMs ?? 10_000;
  const queue = units.map((u, i) => ({ u, i }));
  const results: UnitReport[] = new Array(units.length);
  let done = 0;
  return new Promise((resolve) => {
    let live = 0;
    const spawn = (): void => {
      const next = queue.shift();
      if (!next) {
        if (live === 0) resolve(results);
        return;
      }
      live++;
      const w = new Worker(WORKER, {
        workerData: { opts: serializable(opts) },
        resourceLimits: { maxOldGenerationSizeMb: opts.workerMemoryMb ?? 1024 },
      });
      let current = next;
      let timer: NodeJS.Timeout | undefined;
      const finish = (report: UnitReport): void => {
        clearTimeout(timer);
        results[current.i] = kept(report, opts);
        opts.onProgress?.(++done, units.length);
        if (opts.cancelled?.()) queue.length = 0;
      };
      const send = (): void => {
        const budget = perFile * Math.max(1, current.u.files.length);
        timer = setTimeout(() => {
          finish(
            stopped(current.u, 'analysis-timeout', `analysis took longer than ${budget} ms and was stopped; the file was not analysed`),
          );
          void w.terminate();
        }, budget);
        w.postMessage(current.u);
      };
      w.on('message', (report: UnitReport | 'ready') => {
        if (report === 'ready') {
          clearTimeout(timer);
          send();
          return;
        }
        finish(report);
        const n = queue.shift();
        if (!n) {
          void w.terminate();
          return;
        }
        current = n;
        send();
      });
      w.on('error', (e: Error & { code?: string }) => {
        if (results[current.i] !== undefined) return;
        // a heap limit is a budget, as time is: the file is too large to analyse, Faultline did not fail
        if (e.code === 'ERR_WORKER_OUT_OF_MEMORY')
          finish(
            stopped(
              current.u,
              'analysis-timeout',
              `analysis needed more than ${opts.workerMemoryMb ?? 1024} MB of memory and was stopped; the file was not analysed`,
            ),
          );
        else finish(stopped(current.u, 'internal-error', `analysis failed: ${e.message}`));
      });
      w.on('exit', (code) => {
        live--;
        clearTimeout(timer);
        // A worker that died without a word (killed, process.exit in a dependency) still accounts for its unit.
        if (results[current.i] === undefined)
          finish(stopped(current.u, 'internal-error', `analysis stopped: the worker exited with code ${code}`));
        if (queue.length) spawn();
        else if (live === 0) resolve(results);
      });
      timer = setTimeout(() => {
        finish(stopped(current.u, 'internal-error', `the analysis worker did not start within ${WORKER_START_MS} ms`));
        void w.terminate();
      }, WORKER_START_MS);
    };
    for (let k = 0; k < jobs; k++) spawn();
  });
}

export type { ReportedFinding };
