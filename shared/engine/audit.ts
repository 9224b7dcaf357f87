import * as path from 'node:path';
import type { Program } from '../model/program';
import type { FileModel } from '../model/types';
import { analyzeProgram, type AnalyzeOptions } from './analyze';
import { initEngine } from './frontends';
import type { Finding } from './rule';
import { discoverFiles, groupPrograms, loadProgram, readFromDisk, type ReadText, type Skipped } from './workspace';

export interface AuditResult {
  files: number;
  programs: Program[];
  findings: Finding[];
  skipped: Skipped[];
  durationMs: number;
}

/** Analyses every IaC file under `paths`: the engine behind `faultline audit` and the workspace audit. */
export async function audit(paths: string[], opts: AnalyzeOptions & { read?: ReadText } = {}): Promise<AuditResult> {
  const t0 = performance.now();
  await initEngine();
  const { files, skipped } = discoverFiles(paths, { ignore: opts.config?.ignore });
  const programs: Program[] = [];
  const findings: Finding[] = [];
  for (const unit of groupPrograms(files)) {
    const program = loadProgram(unit, opts.read ?? readFromDisk);
    programs.push(program);
    findings.push(...analyzeProgram(program, opts));
  }
  return { files: files.length, programs, findings, skipped, durationMs: performance.now() - t0 };
}

/** A lookup of parsed files across programs, for rendering fixes. */
export function fileIndex(programs: Program[]): (p: string) => FileModel | undefined {
  const m = new Map<string, FileModel>();
  for (const p of programs) for (const f of p.files) m.set(path.resolve(f.path), f);
  return (p) => m.get(path.resolve(p));
}
