// The long robustness run: thousands of fuzz cases through every frontend and the engine, thousands of LSP edit
// sequences, 10 MB files, 50,000-file workspaces. Counterexamples are saved to test/fixtures/regressions/.
//   npm run fuzz                      all robustness suites, incremental lowering and the tree copy, long
//   npm run fuzz -- fuzz              only test/robustness/fuzz.test.ts
//   FAULTLINE_FUZZ_RUNS=20000 FAULTLINE_FUZZ_SEED=7 npm run fuzz -- fuzz
//   FAULTLINE_FUZZ_TRACE=/tmp/cases npm run fuzz -- fuzz   each case is written there before it runs (a hang names it)
// A long run stops at its first failing case and saves it; it does not shrink it (slow cases shrink for hours).
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const only = process.argv.slice(2);
// By default every robustness suite, and the differential tests of incremental lowering and of the tree copy (3,000
// edit sequences each).
const files = only.length
  ? only.map((f) => `test/robustness/${f.replace(/(\.test)?\.ts$/, '')}.test.ts`)
  : ['test/robustness/', 'test/frontends/incremental.test.ts', 'test/frontends/syntax-tree.test.ts'];
const env = { ...process.env, FAULTLINE_FUZZ: 'long' };
const build = spawnSync(process.execPath, [path.join(root, 'scripts/build.mjs')], { cwd: root, stdio: 'inherit', env });
if (build.status !== 0) process.exit(build.status ?? 1);
const vitest = path.join(root, 'node_modules/vitest/vitest.mjs');
const r = spawnSync(process.execPath, [vitest, 'run', ...files, '--testTimeout=14400000'], { cwd: root, stdio: 'inherit', env });
process.exit(r.status ?? 1);
