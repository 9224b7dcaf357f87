import { parentPort, workerData } from 'node:worker_threads';
import { initEngine } from './frontends';
import { plainLocs } from '../model/text';
import { analyzeUnit, type UnitOptions } from './report';
import type { ProgramUnit } from './workspace';

/** A worker of the audit pool: analyses the units it is sent, one at a time. */
const opts = (workerData as { opts: UnitOptions }).opts;
// The pool starts a unit's time budget only after this 'ready': loading the engine is not the unit's time.
void initEngine().then(() => parentPort?.postMessage('ready'));
parentPort?.on('message', (unit: ProgramUnit) => {
  parentPort?.postMessage(plainLocs(analyzeUnit(unit, opts)));
});
