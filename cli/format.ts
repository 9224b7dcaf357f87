import * as path from 'node:path';
import { LineIndex } from '../shared/model/text';
import type { Severity } from '../shared/engine/rule';
import type { AuditResult, ReportedFinding } from '../shared/engine/audit';

export { VERSION } from '../shared/engine/version';
import { VERSION } from '../shared/engine/version';

const rel = (f: string): string => path.relative(process.cwd(), f) || f;
const pos = (p: { line: number; character: number }): { line: number; column: number } => ({ line: p.line + 1, column: p.character + 1 });

/** The JSON other tools rely on (see the README): 1-based lines and columns, paths relative to the current directory. */
export function toJson(result: AuditResult): unknown {
  return {
    tool: { name: 'faultline', version: VERSION },
    files: result.files,
    findings: result.findings.map((f) => ({
      ruleId: f.ruleId,
      severity: f.severity,
      message: f.message,
      file: rel(f.loc.file),
      range: { start: pos(f.loc.range.start), end: pos(f.loc.range.end) },
      ...(f.resource ? { resource: { type: f.resource.type, name: f.resource.name } } : {}),
      fixes: f.fixes.map((fx) => ({
        title: fx.title,
        edits: fx.edits.map((e) => ({
          file: rel(e.file),
          range: { start: pos(e.range.start), end: pos(e.range.end) },
          newText: e.newText,
        })),
      })),
    })),
    skipped: result.skipped.map((s) => ({ file: rel(s.path), reason: s.reason })),
    durationMs: Math.round(result.durationMs),
  };
}

const COLORS: Record<Severity, string> = { critical: '\x1b[35m', high: '\x1b[31m', medium: '\x1b[33m', low: '\x1b[36m' };

/** ESLint "stylish"-like text: findings grouped by file with a code frame, then a summary line. */
export function toText(result: AuditResult, color: boolean): string {
  const c = (code: string, s: string): string => (color ? `${code}${s}\x1b[0m` : s);
  const byFile = new Map<string, ReportedFinding[]>();
  for (const f of result.findings) byFile.set(f.loc.file, [...(byFile.get(f.loc.file) ?? []), f]);
  const out: string[] = [];
  for (const [file, fs] of byFile) {
    out.push('', c('\x1b[4m', rel(file)));
    const text = result.texts.get(file);
    const lines = text !== undefined ? new LineIndex(text) : undefined;
    for (const f of fs) {
      const p = pos(f.loc.range.start);
      out.push(
        `  ${c('\x1b[2m', `${p.line}:${p.column}`.padEnd(8))} ${c(COLORS[f.severity], f.severity.padEnd(8))} ${f.message}  ${c('\x1b[2m', f.ruleId)}`,
      );
      if (lines && f.loc.range.start.line < lines.lineCount()) {
        const src = lines.lineText(f.loc.range.start.line);
        if (src.length <= 240) {
          const width = Math.max(
            1,
            (f.loc.range.end.line === f.loc.range.start.line ? f.loc.range.end.character : src.length) - f.loc.range.start.character,
          );
          out.push(c('\x1b[2m', `    ${String(p.line).padStart(4)} | `) + src.replace(/\t/g, ' '));
          out.push(
            c('\x1b[2m', '         | ') + ' '.repeat(f.loc.range.start.character) + c(COLORS[f.severity], '^'.repeat(Math.min(width, 200))),
          );
        }
      }
    }
  }
  const counts = { critical: 0, high: 0, medium: 0, low: 0 };
  for (const f of result.findings) counts[f.severity]++;
  const n = result.findings.length;
  out.push('');
  for (const s of result.skipped) out.push(c('\x1b[2m', `skipped ${rel(s.path)}: ${s.reason}`));
  out.push(
    n === 0
      ? c('\x1b[32m', `✔ no problems in ${result.files} file${result.files === 1 ? '' : 's'} (${Math.round(result.durationMs)} ms)`)
      : `✖ ${n} problem${n === 1 ? '' : 's'} (${counts.critical} critical, ${counts.high} high, ${counts.medium} medium, ${counts.low} low) in ${result.files} file${result.files === 1 ? '' : 's'} (${Math.round(result.durationMs)} ms)`,
  );
  return out.join('\n') + '\n';
}
