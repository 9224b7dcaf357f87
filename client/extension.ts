import * as path from 'node:path';
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { showReport, type AuditSummary } from './report';

let client: LanguageClient | undefined;
let lastAudit: AuditSummary | undefined;

const SELECTOR = [
  { scheme: 'file', language: 'terraform' },
  { scheme: 'file', pattern: '**/*.{tf,tfvars}' },
  { scheme: 'file', language: 'typescript' },
  { scheme: 'file', language: 'javascript' },
  { scheme: 'file', language: 'python' },
  { scheme: 'file', pattern: '**/faultline.json' },
];

function settings(): Record<string, unknown> {
  const c = vscode.workspace.getConfiguration('faultline');
  return {
    enable: c.get('enable', true),
    profile: c.get('profile', 'auto'),
    run: c.get('run', 'onType'),
    rules: c.get('rules', {}),
    debounceMs: c.get('debounceMs', 150),
  };
}

function createClient(context: vscode.ExtensionContext, output: vscode.LogOutputChannel): LanguageClient {
  const module = context.asAbsolutePath(path.join('out', 'server.js'));
  // glibc gives every thread its own malloc arena and keeps what it freed there: after Audit Workspace (worker
  // threads) the server kept ~35 MB more resident with the default of 8 arenas per core than with 2.
  const env = { ...process.env, MALLOC_ARENA_MAX: '2' };
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc, options: { env } },
    debug: { module, transport: TransportKind.ipc, options: { env, execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: SELECTOR,
    outputChannel: output,
    initializationOptions: settings(),
    synchronize: {
      configurationSection: 'faultline',
      fileEvents: vscode.workspace.createFileSystemWatcher('**/{*.tf,*.tfvars,*.tf.json,Pulumi.yaml,Pulumi.*.yaml,faultline.json}'),
    },
  };
  return new LanguageClient('faultline', 'Faultline', serverOptions, clientOptions);
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel('Faultline', { log: true });
  const status = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Left, 10);
  status.command = 'faultline.showReport';
  status.name = 'Faultline';
  context.subscriptions.push(output, status);

  const updateStatus = (): void => {
    let errors = 0;
    let warnings = 0;
    for (const [, ds] of vscode.languages.getDiagnostics()) {
      for (const d of ds) {
        if (d.source !== 'faultline') continue;
        if (d.severity === vscode.DiagnosticSeverity.Error) errors++;
        else warnings++;
      }
    }
    status.text = `$(shield) Faultline ${errors} $(error) ${warnings} $(warning)`;
    status.tooltip = 'Faultline findings: click for the report';
    status.show();
  };
  context.subscriptions.push(vscode.languages.onDidChangeDiagnostics(updateStatus));
  updateStatus();

  client = createClient(context, output);
  await client.start();

  const audit = async (): Promise<AuditSummary | undefined> =>
    vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Faultline: auditing the workspace', cancellable: true },
      async (_progress, token) => {
        const folders = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);
        const result = (await client!.sendRequest(
          'workspace/executeCommand',
          { command: 'faultline.server.auditWorkspace', arguments: [folders] },
          token,
        )) as AuditSummary | null;
        if (result) lastAudit = result;
        return result ?? undefined;
      },
    );

  context.subscriptions.push(
    vscode.commands.registerCommand('faultline.auditWorkspace', async () => {
      const result = await audit();
      if (result) showReport(context, result);
      return result;
    }),
    vscode.commands.registerCommand('faultline.showReport', async () => {
      const result = lastAudit ?? (await audit());
      if (result) showReport(context, result);
    }),
    vscode.commands.registerCommand('faultline.exportSarif', async () => {
      const target = await vscode.window.showSaveDialog({
        filters: { SARIF: ['sarif', 'json'] },
        defaultUri: vscode.Uri.file(path.join(vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? '.', 'faultline.sarif')),
      });
      if (!target) return;
      const folders = (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath);
      const sarif = (await client!.sendRequest('workspace/executeCommand', {
        command: 'faultline.server.sarif',
        arguments: [folders],
      })) as unknown;
      await vscode.workspace.fs.writeFile(target, Buffer.from(JSON.stringify(sarif, null, 2)));
      void vscode.window.showInformationMessage(`Faultline: SARIF written to ${target.fsPath}`);
    }),
    vscode.commands.registerCommand('faultline.restartServer', async () => {
      await client?.restart();
      output.appendLine('[faultline] server restarted');
    }),
  );
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
