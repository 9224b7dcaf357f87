import type { AnalyzeOptions } from './analyze';
import { analyzeProgram } from './analyze';
import { renderFix } from './fixes';
import type { Finding } from './rule';
import { loadProgram, readFromDisk, type ProgramUnit } from './workspace';
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
}

/** Analyses one unit and renders its fixes; the per-unit work of `audit`, in a worker or in process. */
export function analyzeUnit(unit: ProgramUnit, opts: AnalyzeOptions): UnitReport {
  const program = loadProgram(unit, readFromDisk);
  const findings = analyzeProgram(program, opts);
  const models = new Map<string, FileModel>(program.files.map((f) => [f.path, f]));
  const texts: Record<string, string> = {};
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
  return { files: program.files.map((f) => f.path), findings: reported, texts };
}
