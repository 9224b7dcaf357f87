import { DiagnosticSeverity, DiagnosticTag, type Diagnostic, type Range as LspRange } from 'vscode-languageserver';
import { URI } from 'vscode-uri';
import type { Finding, Severity } from '../shared/engine/rule';
import { ruleById } from '../shared/rules';
import { ruleUrl } from '../shared/rules/docs';
import type { Range } from '../shared/model/types';

export const toUri = (file: string): string => URI.file(file).toString();
export const toPath = (uri: string): string => URI.parse(uri).fsPath;

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  critical: DiagnosticSeverity.Error,
  high: DiagnosticSeverity.Error,
  medium: DiagnosticSeverity.Warning,
  low: DiagnosticSeverity.Information,
};

export function lspRange(r: Range): LspRange {
  return { start: { ...r.start }, end: { ...r.end } };
}

/** A finding as an LSP diagnostic; `data.index` finds the finding again for hovers and code actions. */
export function toDiagnostic(f: Omit<Finding, 'fixes'>, index: number): Diagnostic {
  const meta = ruleById(f.ruleId)?.meta;
  const tags: DiagnosticTag[] = [];
  if (meta?.tags?.includes('unnecessary')) tags.push(DiagnosticTag.Unnecessary);
  if (meta?.tags?.includes('deprecated')) tags.push(DiagnosticTag.Deprecated);
  return {
    range: lspRange(f.loc.range),
    severity: SEVERITY[f.severity],
    source: 'faultline',
    code: f.ruleId,
    codeDescription: { href: ruleUrl(f.ruleId) },
    message: f.message,
    relatedInformation: f.related?.map((r) => ({ location: { uri: toUri(r.loc.file), range: lspRange(r.loc.range) }, message: r.message })),
    tags: tags.length ? tags : undefined,
    data: { index },
  };
}
