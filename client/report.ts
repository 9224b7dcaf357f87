import * as vscode from 'vscode';

export interface AuditSummary {
  files: number;
  cancelled: boolean;
  durationMs: number;
  skipped: { file: string; reason: string }[];
  findings: {
    ruleId: string;
    title: string;
    severity: string;
    category: string;
    file: string;
    line: number;
    character: number;
    message: string;
  }[];
}

let panel: vscode.WebviewPanel | undefined;

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function counts<T>(items: T[], key: (t: T) => string): [string, number][] {
  const m = new Map<string, number>();
  for (const i of items) m.set(key(i), (m.get(key(i)) ?? 0) + 1);
  return [...m.entries()].sort((a, b) => b[1] - a[1]);
}

/** A horizontal bar chart in plain HTML/CSS so it follows the theme's colours (a zero draws no bar; the least, 2%). */
function chart(title: string, rows: [string, number][], cls = ''): string {
  const max = Math.max(1, ...rows.map((r) => r[1]));
  return `<section><h2>${esc(title)}</h2>${rows
    .map(
      ([k, n]) =>
        `<div class="row"><span class="label">${esc(k)}</span><span class="track"><span class="bar ${cls} ${cls ? esc(k) : ''}" style="width:${n === 0 ? 0 : Math.max(2, (n / max) * 100)}%"></span></span><span class="n">${n}</span></div>`,
    )
    .join('')}</section>`;
}

/** The audit report: counts by severity, category, rule and file, and a table whose rows open the finding. */
export function showReport(context: vscode.ExtensionContext, summary: AuditSummary): void {
  panel ??= vscode.window.createWebviewPanel('faultlineReport', 'Faultline Report', vscode.ViewColumn.Active, { enableScripts: true });
  panel.onDidDispose(() => (panel = undefined), undefined, context.subscriptions);
  panel.webview.onDidReceiveMessage(async (m: { file: string; line: number; character: number }) => {
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(m.file));
    const pos = new vscode.Position(m.line, m.character);
    await vscode.window.showTextDocument(doc, { selection: new vscode.Range(pos, pos) });
  });
  const root = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? '';
  const rel = (f: string): string => (root && f.startsWith(root) ? f.slice(root.length + 1) : f);
  const f = summary.findings;
  const nonce = Math.random().toString(36).slice(2);
  panel.webview.html = `<!DOCTYPE html><html><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'nonce-${nonce}';">
<style>
body { font-family: var(--vscode-font-family); color: var(--vscode-foreground); background: var(--vscode-editor-background); padding: 0 20px 20px; }
h1 { font-weight: 600; } h2 { font-size: 1.05em; margin: 0 0 8px; color: var(--vscode-descriptionForeground); }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(320px, 1fr)); gap: 20px; }
section { border: 1px solid var(--vscode-panel-border); border-radius: 6px; padding: 12px; }
.row { display: flex; align-items: center; gap: 8px; margin: 4px 0; }
.label { flex: 0 0 40%; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.track { flex: 1; } /* the bars of a chart start at one edge, their widths a share of the same track */
.bar { display: block; height: 12px; border-radius: 3px; background: var(--vscode-charts-blue); }
.bar.sev.critical { background: var(--vscode-charts-purple); } .bar.sev.high { background: var(--vscode-charts-red); }
.bar.sev.medium { background: var(--vscode-charts-yellow); } .bar.sev.low { background: var(--vscode-charts-blue); }
.n { flex: 0 0 3ch; text-align: right; font-variant-numeric: tabular-nums; }
table { width: 100%; border-collapse: collapse; margin-top: 20px; } td, th { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--vscode-panel-border); }
a { color: var(--vscode-textLink-foreground); cursor: pointer; }
</style></head><body>
<h1>Faultline report</h1>
<p>${f.length} finding${f.length === 1 ? '' : 's'} in ${summary.files} files, ${summary.durationMs} ms${summary.cancelled ? ' (cancelled: partial)' : ''}${summary.skipped.length ? `, ${summary.skipped.length} skipped` : ''}.</p>
<div class="grid">
${chart(
  'By severity',
  ['critical', 'high', 'medium', 'low'].map((s) => [s, f.filter((x) => x.severity === s).length] as [string, number]),
  'sev',
)}
${chart(
  'By category',
  counts(f, (x) => x.category),
)}
${chart('By rule', counts(f, (x) => x.ruleId).slice(0, 15))}
${chart('By file', counts(f, (x) => rel(x.file)).slice(0, 15))}
</div>
<table><thead><tr><th>Severity</th><th>Rule</th><th>Location</th><th>Message</th></tr></thead><tbody>
${f
  .map(
    (x, i) =>
      `<tr><td>${esc(x.severity)}</td><td>${esc(x.ruleId)}</td><td><a data-i="${i}">${esc(rel(x.file))}:${x.line + 1}</a></td><td>${esc(x.message)}</td></tr>`,
  )
  .join('\n')}
</tbody></table>
<script nonce="${nonce}">
const vscode = acquireVsCodeApi(); const findings = ${JSON.stringify(f.map((x) => ({ file: x.file, line: x.line, character: x.character })))};
document.querySelectorAll('a[data-i]').forEach((a) => a.addEventListener('click', () => vscode.postMessage(findings[Number(a.dataset.i)])));
</script></body></html>`;
  panel.reveal();
}
