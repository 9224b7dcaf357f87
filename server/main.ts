import * as path from 'node:path';
import {
  CodeActionKind,
  createConnection,
  DidChangeConfigurationNotification,
  FileChangeType,
  ProposedFeatures,
  ResponseError,
  TextDocuments,
  TextDocumentSyncKind,
  type Connection,
  type Diagnostic,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { initEngine } from '../shared/engine/frontends';
import { keepParsesForIncrementalParsing } from '../shared/frontends/incremental';
import { CONFIG_FILE } from '../shared/engine/config-file';
import { Analysis, DEFAULT_SETTINGS, type Settings } from './analysis';
import { codeActions } from './code-actions';
import { toDiagnostic, toPath, toUri, lspRange } from './convert';
import { hover } from './hover';
import { collectGarbage, IdleCollector } from './memory';
import { auditWorkspace } from './audit';
import { audit } from '../shared/engine/audit';
import { toSarif } from '../shared/engine/sarif';
import { VERSION } from '../shared/engine/version';

/**
 * The Faultline language server. Runs over IPC for our VS Code client and over stdio (`node out/server.js --stdio`)
 * for other editors. Every handler is wrapped: an exception is logged and answered with an error, never fatal.
 */
export function startServer(connection: Connection = createConnection(ProposedFeatures.all)): void {
  const documents = new TextDocuments(TextDocument);
  const analysis = new Analysis();
  /** Per document, how to cancel its pending analysis. */
  const timers = new Map<string, () => void>();
  const published = new Set<string>();
  const idle = new IdleCollector();
  let ready: Promise<void> = Promise.resolve();
  let supportsConfiguration = false;

  const log = (msg: string): void => connection.console.log(`[faultline] ${msg}`);

  function guard<A extends unknown[], R>(name: string, fn: (...a: A) => R | Promise<R>, fallback: R): (...a: A) => Promise<R> {
    return async (...a: A) => {
      try {
        await ready;
        return await fn(...a);
      } catch (e) {
        connection.console.error(`[faultline] ${name} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
        if (name.startsWith('request:')) throw new ResponseError(-32603, `Faultline ${name.slice(8)} failed: ${(e as Error).message}`);
        return fallback;
      }
    };
  }

  connection.onInitialize((params) => {
    supportsConfiguration = !!params.capabilities.workspace?.configuration;
    analysis.roots = (params.workspaceFolders ?? []).map((f) => toPath(f.uri));
    if (!analysis.roots.length && params.rootUri) analysis.roots = [toPath(params.rootUri)];
    const opts = params.initializationOptions as Partial<Settings> | undefined;
    if (opts) analysis.settings = { ...DEFAULT_SETTINGS, ...opts };
    ready = initEngine();
    // Keystrokes re-parse the few files being edited: keep their parses so only what changed is parsed again. A kept
    // tree-sitter tree holds wasm memory several times its text, and wasm memory never shrinks: keep few.
    keepParsesForIncrementalParsing(16);
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
        hoverProvider: true,
        codeActionProvider: {
          codeActionKinds: [CodeActionKind.QuickFix, CodeActionKind.SourceFixAll, 'source.fixAll.faultline'],
          resolveProvider: false,
        },
        // Not the palette commands' ids: the language client registers every command advertised here.
        executeCommandProvider: {
          commands: ['faultline.server.auditWorkspace', 'faultline.server.sarif', 'faultline.server.status'],
        },
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      },
      serverInfo: { name: 'faultline', version: VERSION },
    };
  });

  connection.onInitialized(() => {
    if (supportsConfiguration) void connection.client.register(DidChangeConfigurationNotification.type, undefined);
    void refreshSettings();
  });

  async function refreshSettings(): Promise<void> {
    if (!supportsConfiguration) return;
    try {
      const s = (await connection.workspace.getConfiguration('faultline')) as Partial<Settings> | null;
      if (s) analysis.settings = { ...DEFAULT_SETTINGS, ...s };
    } catch {
      // clients without configuration support keep the defaults
    }
  }

  /** Analyses a document's program and publishes diagnostics for each of its open files. */
  function validate(uri: string): void {
    const doc = documents.get(uri);
    if (!doc) return;
    const file = toPath(uri);
    if (!analysis.settings.enable) {
      void connection.sendDiagnostics({ uri, diagnostics: [] });
      return;
    }
    const version = doc.version;
    try {
      const result = analysis.analyze(file);
      // A newer edit arrived while analysing: its own run will publish.
      if (!result || documents.get(uri)?.version !== version) return;
      // positions by identity: indexOf per finding was quadratic in the findings of the program
      const index = new Map(result.findings.map((finding, i) => [finding, i]));
      for (const [f, fs] of result.byFile) {
        if (!analysis.isOpen(f)) continue;
        const target = toUri(f);
        const diagnostics: Diagnostic[] = fs.map((finding) => toDiagnostic(finding, index.get(finding)!));
        published.add(target);
        void connection.sendDiagnostics({ uri: target, version: documents.get(target)?.version, diagnostics });
      }
      const cfg = analysis.config(file);
      if (cfg.errors.length && documents.get(toUri(cfg.path))) {
        void connection.sendDiagnostics({
          uri: toUri(cfg.path),
          diagnostics: cfg.errors.map((e) => ({
            range: lspRange(e.loc.range),
            severity: 1,
            source: 'faultline',
            code: 'config-invalid',
            message: e.message,
          })),
        });
      }
    } finally {
      // Last, so that its scavenge runs after the connection's writes (queued as immediates) have sent the diagnostics.
      idle.busy();
    }
  }

  function schedule(uri: string, delay = analysis.settings.debounceMs): void {
    timers.get(uri)?.();
    const run = (): void => {
      timers.delete(uri);
      void guard('validate', async () => validate(uri), undefined)();
    };
    // A timer waits at least 1 ms even at 0: without a debounce, analyse once the pending messages are read.
    if (delay > 0) {
      const t = setTimeout(run, delay);
      timers.set(uri, () => clearTimeout(t));
    } else {
      const i = setImmediate(run);
      timers.set(uri, () => clearImmediate(i));
    }
  }

  const track = (doc: TextDocument): void => analysis.setOpen(toPath(doc.uri), doc.getText());

  documents.onDidOpen(
    guard(
      'open',
      (e) => {
        track(e.document);
        if (path.basename(toPath(e.document.uri)) === CONFIG_FILE) return reanalyseAll();
        schedule(e.document.uri, 0);
      },
      undefined,
    ),
  );
  documents.onDidChangeContent(
    guard(
      'change',
      (e) => {
        track(e.document);
        const file = toPath(e.document.uri);
        if (path.basename(file) === CONFIG_FILE) {
          analysis.configChanged(file, e.document.getText());
          return reanalyseAll();
        }
        if (analysis.settings.run === 'onType') schedule(e.document.uri);
      },
      undefined,
    ),
  );
  documents.onDidSave(guard('save', (e) => (analysis.settings.run === 'onSave' ? schedule(e.document.uri, 0) : undefined), undefined));
  documents.onDidClose(
    guard(
      'close',
      (e) => {
        timers.get(e.document.uri)?.();
        timers.delete(e.document.uri);
        analysis.close(toPath(e.document.uri));
        idle.busy();
        published.delete(e.document.uri);
        void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
      },
      undefined,
    ),
  );

  /** What the server holds and its memory, after a full collection. */
  function status(): object {
    collectGarbage();
    return { version: VERSION, memory: process.memoryUsage(), ...analysis.counts(), timers: timers.size, published: published.size };
  }

  function reanalyseAll(): void {
    for (const doc of documents.all()) schedule(doc.uri);
  }

  connection.onDidChangeConfiguration(
    guard(
      'configuration',
      async () => {
        await refreshSettings();
        reanalyseAll();
      },
      undefined,
    ),
  );

  connection.onDidChangeWatchedFiles(
    guard(
      'watched files',
      (e) => {
        for (const c of e.changes) {
          const file = toPath(c.uri);
          analysis.invalidate(file);
          if (path.basename(file) === CONFIG_FILE)
            analysis.configChanged(file, c.type === FileChangeType.Deleted ? undefined : analysis.read(file));
        }
        reanalyseAll();
      },
      undefined,
    ),
  );

  connection.onHover(guard('request:hover', (p) => hover(analysis, toPath(p.textDocument.uri), p.position), null));
  connection.onCodeAction(guard('request:codeAction', (p) => codeActions(analysis, p), []));

  connection.onExecuteCommand(
    guard(
      'request:executeCommand',
      async (p, token, progress) => {
        if (p.command === 'faultline.server.auditWorkspace') {
          const folders = (p.arguments?.[0] as string[] | undefined) ?? analysis.roots;
          // The summary goes to the client, which keeps it for its report; the server keeps nothing of an audit.
          try {
            return await auditWorkspace(connection, analysis, folders, token, progress, published);
          } finally {
            idle.busy();
          }
        }
        if (p.command === 'faultline.server.status') return status();
        if (p.command === 'faultline.server.sarif') {
          const folders = (p.arguments?.[0] as string[] | undefined) ?? analysis.roots;
          const result = await audit(folders, {
            pool: true, // in worker threads: the server's heap keeps nothing of it
            config: analysis.config(path.join(folders[0] ?? '.', CONFIG_FILE)).config,
            profile: analysis.settings.profile,
          });
          return toSarif(result, folders[0]);
        }
        throw new Error(`unknown command ${p.command}`);
      },
      null,
    ),
  );

  documents.listen(connection);
  connection.listen();
  process.on('uncaughtException', (e) => log(`uncaught exception: ${e.stack ?? e.message}`));
  process.on('unhandledRejection', (e) => log(`unhandled rejection: ${String(e)}`));
}

if (require.main === module) startServer();
