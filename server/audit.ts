import type { CancellationToken, Connection, Diagnostic, WorkDoneProgressReporter } from 'vscode-languageserver';
import { audit } from '../shared/engine/audit';
import type { Finding, Severity } from '../shared/engine/rule';
import type { ReportedFinding } from '../shared/engine/report';
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
 * diagnostics for every file (the Problems panel fills). The programs are analysed in worker threads: the server
 * stays responsive to typing meanwhile, and what the audit allocates goes with the workers (the server's heap would
 * otherwise grow by hundreds of MB on a large workspace and keep them). Open files are analysed from their buffers,
 * in the server, as when typing.
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
  const add = (f: Omit<Finding, 'fixes'>): void => {
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
  };
  const publish = (file: string, findings: Omit<Finding, 'fixes'>[], index: ReadonlyMap<Omit<Finding, 'fixes'>, number>): void => {
    const uri = toUri(file);
    if (!findings.length && !published.has(uri)) return;
    const diagnostics: Diagnostic[] = findings.map((f) => toDiagnostic(f, index.get(f)!));
    void connection.sendDiagnostics({ uri, diagnostics });
    if (findings.length) published.add(uri);
  };
  progress.begin('Faultline: auditing the workspace', 0, 'finding files', true);
  try {
    for (const folder of folders) {
      if (token.isCancellationRequested) break;
      const { config } = analysis.config(folder + '/faultline.json');
      const openHere = new Set<string>();
      const result = await audit([folder], {
        pool: true,
        findingsOnly: true,
        config: { ...config, rules: { ...config?.rules, ...analysis.settings.rules } },
        profile: analysis.settings.profile !== 'auto' ? analysis.settings.profile : config?.profile,
        cancelled: () => token.isCancellationRequested,
        onProgress: (done, total) => progress.report(Math.round((done / total) * 100), `${done} of ${total} programs`),
        stream: (report) => {
          const byFile = new Map<string, ReportedFinding[]>(report.files.map((f) => [f, []]));
          for (const f of report.findings) byFile.get(f.loc.file)?.push(f);
          // positions by identity: indexOf per finding was quadratic (a file may have 100,000 findings)
          const index = new Map(report.findings.map((f, i) => [f, i]));
          for (const [file, mine] of byFile) {
            // An open file's diagnostics come from its buffer, not from the disk the worker read.
            if (analysis.isOpen(file)) {
              openHere.add(file);
              continue;
            }
            publish(file, mine, index);
            for (const f of mine) add(f);
          }
        },
      });
      summary.files += result.files;
      for (const s of result.skipped) summary.skipped.push({ file: s.path, reason: s.reason });
      for (const file of openHere) {
        const live = analysis.analyze(file);
        for (const f of live?.byFile.get(file) ?? []) add(f);
      }
    }
    summary.cancelled = token.isCancellationRequested;
    return summary;
  } finally {
    summary.durationMs = Math.round(performance.now() - t0);
    progress.done();
  }
}
