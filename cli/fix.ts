import * as fs from 'node:fs';
import * as path from 'node:path';
import { createTwoFilesPatch } from 'diff';
import type { AuditResult } from '../shared/engine/audit';
import { fileIndex } from '../shared/engine/audit';
import { applyEdits, renderFix } from '../shared/engine/fixes';
import type { Finding } from '../shared/engine/rule';
import type { TextEdit } from '../shared/model/types';

export interface FixPlan {
  /** file -> new text */
  files: Map<string, { before: string; after: string; fixed: Finding[] }>;
}

/** The safe fix of every finding that has one, rendered and applied per file (overlapping edits: first wins). */
export function planFixes(result: AuditResult): FixPlan {
  const files = fileIndex(result.programs);
  const byFile = new Map<string, { edits: TextEdit[]; fixed: Finding[] }>();
  for (const f of result.findings) {
    const fix = f.fixes?.find((x) => x.safe);
    if (!fix) continue;
    const edits = renderFix(fix, files);
    if (!edits?.length) continue;
    for (const [file, es] of groupBy(edits)) {
      const entry = byFile.get(file) ?? { edits: [], fixed: [] };
      entry.edits.push(...es);
      if (!entry.fixed.includes(f)) entry.fixed.push(f);
      byFile.set(file, entry);
    }
  }
  const plan: FixPlan = { files: new Map() };
  for (const [file, { edits, fixed }] of byFile) {
    const before = files(file)?.text;
    if (before === undefined) continue;
    const after = applyEdits(before, edits).text;
    if (after !== before) plan.files.set(file, { before, after, fixed });
  }
  return plan;
}

function groupBy(edits: TextEdit[]): Map<string, TextEdit[]> {
  const m = new Map<string, TextEdit[]>();
  for (const e of edits) m.set(e.file, [...(m.get(e.file) ?? []), e]);
  return m;
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
