import * as fs from 'node:fs';
import * as path from 'node:path';
import { createTwoFilesPatch } from 'diff';
import type { AuditResult, ReportedFinding } from '../shared/engine/audit';
import { applyEdits } from '../shared/engine/fixes';
import type { TextEdit } from '../shared/model/types';

export interface FixPlan {
  files: Map<string, { before: string; after: string; fixed: ReportedFinding[] }>;
}

/** The safe fix of every finding that has one, applied per file (overlapping edits: the first wins). */
export function planFixes(result: AuditResult): FixPlan {
  const byFile = new Map<string, { edits: TextEdit[]; fixed: ReportedFinding[] }>();
  for (const f of result.findings) {
    const fix = f.fixes.find((x) => x.safe);
    if (!fix?.edits.length) continue;
    for (const e of fix.edits) {
      const entry = byFile.get(e.file) ?? { edits: [], fixed: [] };
      entry.edits.push(e);
      if (!entry.fixed.includes(f)) entry.fixed.push(f);
      byFile.set(e.file, entry);
    }
  }
  const plan: FixPlan = { files: new Map() };
  for (const [file, { edits, fixed }] of byFile) {
    const before = result.texts.get(file);
    if (before === undefined) continue;
    const after = applyEdits(before, edits).text;
    if (after !== before) plan.files.set(file, { before, after, fixed });
  }
  return plan;
}

export function writeFixes(plan: FixPlan): void {
  for (const [file, { after }] of plan.files) fs.writeFileSync(file, after);
}

/** A unified diff of the plan, paths relative to the current directory. */
export function diffOf(plan: FixPlan): string {
  let out = '';
  for (const [file, { before, after }] of plan.files) {
    const rel = path.relative(process.cwd(), file);
    out += createTwoFilesPatch(`a/${rel}`, `b/${rel}`, before, after, undefined, undefined, { context: 3 });
  }
  return out;
}
