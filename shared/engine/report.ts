import type { AnalyzeOptions } from './analyze';
import { analyzeProgram } from './analyze';
import { renderFix } from './fixes';
import type { Finding } from './rule';
import * as fs from 'node:fs';
import { errorReason, loadProgram, type ProgramUnit, type Skipped } from './workspace';
import type { FileModel, TextEdit } from '../model/types';

/** A finding with its fixes rendered to text edits: plain data that crosses worker threads and goes to reports. */
export interface ReportedFinding extends Omit<Finding, 'fixes'> {
  fixes: { title: string; safe: boolean; edits: TextEdit[] }[];
}

export interface UnitReport {
  files: string[];
  findings: ReportedFinding[];
  /** Texts of the files that have findings (code frames, fingerprints, fixes). */
  texts: Record<string, string>;
  /** Files of the unit that could not be read (permission denied, deleted since discovery...), with the reason. */
  skipped?: Skipped[];
}

/** What a unit's analysis is asked for: findings, and unless `findingsOnly`, rendered fixes and file texts. */
export interface UnitOptions extends AnalyzeOptions {
  /** Findings without rendered fixes or file texts (the language server publishes diagnostics only). */
  findingsOnly?: boolean;
}

/** Analyses one unit and renders its fixes; the per-unit work of `audit`, in a worker or in process. */
export function analyzeUnit(unit: ProgramUnit, opts: UnitOptions): UnitReport {
  const skipped: Skipped[] = [];
  const sources = new Set(unit.files);
  const read = (file: string): string | undefined => {
    try {
      return fs.readFileSync(file, 'utf8');
    } catch (e) {
      // Project files that may not exist (Pulumi.yml, lockfiles, package.json) are not sources the user asked for.
      if (sources.has(file)) skipped.push({ path: file, reason: `cannot be read: ${errorReason(e)}` });
      return undefined;
    }
  };
  const program = loadProgram(unit, read);
  const findings = analyzeProgram(program, opts);
  const models = new Map<string, FileModel>(program.files.map((f) => [f.path, f]));
  const texts: Record<string, string> = {};
  if (opts.findingsOnly) {
    const bare = findings.map((f) => ({ ...f, fixes: [] }));
    return { files: program.files.map((f) => f.path), findings: bare, texts, ...(skipped.length ? { skipped } : {}) };
  }
  const reported = findings.map((f) => {
    const model = models.get(f.loc.file);
    if (model) texts[f.loc.file] = model.text;
    return {
      ...f,
      fixes: (f.fixes ?? []).flatMap((fx) => {
        const edits = renderFix(fx, (p) => models.get(p));
        return edits ? [{ title: fx.title, safe: fx.safe, edits }] : [];
      }),
    };
  });
  return { files: program.files.map((f) => f.path), findings: reported, texts, ...(skipped.length ? { skipped } : {}) };
}
