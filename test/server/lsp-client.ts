import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import type { Diagnostic, PublishDiagnosticsParams } from 'vscode-languageserver-protocol';

/** A minimal LSP client over stdio for tests: the real protocol against out/server.js. */
export class TestClient {
  readonly proc: ChildProcess;
  readonly conn: MessageConnection;
  readonly diagnostics = new Map<string, PublishDiagnosticsParams>();
  readonly logs: string[] = [];
  private waiters: { uri: string; pred: (d: Diagnostic[]) => boolean; resolve: (d: Diagnostic[]) => void }[] = [];

  constructor(root = path.resolve(__dirname, '../..')) {
    this.proc = spawn(process.execPath, [path.join(root, 'out/server.js'), '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.conn = createMessageConnection(new StreamMessageReader(this.proc.stdout!), new StreamMessageWriter(this.proc.stdin!));
    this.conn.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
      this.diagnostics.set(p.uri, p);
      this.waiters = this.waiters.filter((w) => {
        if (w.uri === p.uri && w.pred(p.diagnostics)) {
          w.resolve(p.diagnostics);
          return false;
        }
        return true;
      });
    });
    this.conn.onNotification('window/logMessage', (p: { message: string }) => {
      this.logs.push(p.message);
    });
    this.conn.onRequest('workspace/configuration', (p: { items: unknown[] }) => p.items.map(() => ({ debounceMs: 20 })));
    this.conn.onRequest('client/registerCapability', () => null);
    this.conn.onRequest('window/workDoneProgress/create', () => null);
    this.conn.listen();
  }

  async initialize(rootPath: string): Promise<unknown> {
    const res = await this.conn.sendRequest('initialize', {
      processId: process.pid,
      rootUri: 'file://' + rootPath,
      workspaceFolders: [{ uri: 'file://' + rootPath, name: 'ws' }],
      capabilities: {
        workspace: { configuration: true },
        window: { workDoneProgress: true },
        textDocument: { codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix', 'source'] } } } },
      },
      initializationOptions: { debounceMs: 20 },
    });
    await this.conn.sendNotification('initialized', {});
    return res;
  }

  waitFor(uri: string, pred: (d: Diagnostic[]) => boolean, timeoutMs = 10_000): Promise<Diagnostic[]> {
    const current = this.diagnostics.get(uri);
    if (current && pred(current.diagnostics)) return Promise.resolve(current.diagnostics);
    return new Promise((resolve, reject) => {
      const t = setTimeout(
        () =>
          reject(
            new Error(
              `timed out waiting for diagnostics of ${uri}; last: ${JSON.stringify(this.diagnostics.get(uri)?.diagnostics.map((d) => d.code))}`,
            ),
          ),
        timeoutMs,
      );
      this.waiters.push({ uri, pred, resolve: (d) => (clearTimeout(t), resolve(d)) });
    });
  }

  open(uri: string, languageId: string, text: string, version = 1): Promise<void> {
    this.diagnostics.delete(uri);
    return this.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version, text } });
  }

  async stop(): Promise<void> {
    try {
      await Promise.race([this.conn.sendRequest('shutdown'), new Promise((r) => setTimeout(r, 2000))]);
      await this.conn.sendNotification('exit');
    } catch {
      // the server may already be gone
    }
    this.conn.dispose();
    this.proc.kill();
  }
}
