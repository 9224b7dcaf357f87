import { parentPort, workerData } from 'node:worker_threads';
import type { AnalyzeOptions } from './analyze';
import { initEngine } from './frontends';
import { analyzeUnit } from './report';
import type { ProgramUnit } from './workspace';

/** A worker of the audit pool: analyses the units it is sent, one at a time. */
const opts = (workerData as { opts: AnalyzeOptions }).opts;
const ready = initEngine();
parentPort?.on('message', (unit: ProgramUnit) => {
  void ready.then(() => parentPort?.postMessage(analyzeUnit(unit, opts)));
});
