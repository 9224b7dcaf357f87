import type { CancellationToken, Connection, Diagnostic, WorkDoneProgressReporter } from 'vscode-languageserver';
import { analyzeProgram } from '../shared/engine/analyze';
import { parseSource } from '../shared/engine/frontends';
import type { Severity } from '../shared/engine/rule';
import { discoverFiles, groupPrograms, loadProgram } from '../shared/engine/workspace';
import { ruleById } from '../shared/rules';
import type { Analysis } from './analysis';
import { toDiagnostic, toUri } from './convert';

export interface AuditSummary {
  files: number;
  cancelled: boolean;
  durationMs: number;
  skipped: { file: string; reason: string }[];
  findings: {
    ruleId: string;
    title: string;
    severity: Severity;
    category: string;
    file: string;
    line: number;
    character: number;
    message: string;
  }[];
}

/**
 * Faultline: Audit Workspace. Analyses every IaC file of the folders with progress and cancellation, and publishes
 * diagnostics for every file (the Problems panel fills). Files are parsed without caching so memory stays flat.
 */
export async function auditWorkspace(
  connection: Connection,
  analysis: Analysis,
  folders: string[],
  token: CancellationToken,
  progress: WorkDoneProgressReporter,
  published: Set<string>,
): Promise<AuditSummary> {
  const t0 = performance.now();
  const summary: AuditSummary = { files: 0, cancelled: false, durationMs: 0, skipped: [], findings: [] };
  progress.begin('Faultline: auditing the workspace', 0, 'finding files', true);
  try {
    for (const folder of folders) {
      const { config } = analysis.config(folder + '/faultline.json');
      const { files, skipped } = discoverFiles([folder], { ignore: config?.ignore });
      for (const s of skipped) summary.skipped.push({ file: s.path, reason: s.reason });
      const units = groupPrograms(files);
      let done = 0;
      for (const unit of units) {
        if (token.isCancellationRequested) {
          summary.cancelled = true;
          return summary;
        }
        const program = loadProgram(unit, analysis.read, (f, t) => (analysis.isOpen(f) ? analysis.parse(f, t) : parseSource(f, t)));
        const findings = analyzeProgram(program, {
          config: { ...config, rules: { ...config?.rules, ...analysis.settings.rules } },
          profile: analysis.settings.profile !== 'auto' ? analysis.settings.profile : config?.profile,
        });
        summary.files += program.files.length;
        for (const file of program.files) {
          const mine = findings.filter((f) => f.loc.file === file.path);
          const uri = toUri(file.path);
          if (mine.length || published.has(uri)) {
            const diagnostics: Diagnostic[] = mine.map((f) => toDiagnostic(f, findings.indexOf(f)));
            void connection.sendDiagnostics({ uri, diagnostics });
            if (mine.length) published.add(uri);
          }
        }
        for (const f of findings) {
          const meta = ruleById(f.ruleId)?.meta;
          summary.findings.push({
            ruleId: f.ruleId,
            title: meta?.title ?? f.ruleId,
            severity: f.severity,
            category: meta?.category ?? 'analyser',
            file: f.loc.file,
            line: f.loc.range.start.line,
            character: f.loc.range.start.character,
            message: f.message,
          });
        }
        done++;
        progress.report(Math.round((done / units.length) * 100), `${done} of ${units.length} programs`);
        // Yield to the event loop so cancellation and other requests are served during long audits.
        await new Promise((r) => setImmediate(r));
      }
    }
    return summary;
  } finally {
    summary.durationMs = Math.round(performance.now() - t0);
    progress.done();
  }
}
