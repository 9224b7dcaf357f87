import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import { EXTENSION, generateProgram, type BenchLanguage } from './generate';

/** Edits per language: the first 100 after opening a file run while V8 still optimises the engine, the rest warm. */
const EDITS = 300;
const FIRST = 100;
const IDLE_MS = 10_000;
const pct = (xs: number[], p: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))]!;

/**
 * Starts out/server.js over stdio with a 0 ms debounce and measures: time to `initialize`, didChange ->
 * publishDiagnostics for a 1,000-line file per language, hover and code action answers, then resident memory after
 * Audit Workspace of `corpus`.
 */
export async function serverLatency(corpus: string): Promise<string[]> {
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'faultline-lsp-bench-'));
  const t0 = performance.now();
  // started as the extension starts it (client/extension.ts): with 2 malloc arenas
  const proc = spawn(process.execPath, [path.join(__dirname, 'server.js'), '--stdio'], {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { ...process.env, MALLOC_ARENA_MAX: '2' },
  });
  const conn = createMessageConnection(new StreamMessageReader(proc.stdout), new StreamMessageWriter(proc.stdin));
  let waiting: ((v: unknown) => void) | undefined;
  conn.onNotification('textDocument/publishDiagnostics', () => waiting?.(undefined));
  conn.onRequest('workspace/configuration', (p: { items: unknown[] }) => p.items.map(() => ({ debounceMs: 0 })));
  conn.onRequest('client/registerCapability', () => null);
  conn.listen();
  await conn.sendRequest('initialize', {
    processId: process.pid,
    rootUri: 'file://' + ws,
    capabilities: { workspace: { configuration: true } },
    initializationOptions: { debounceMs: 0 },
  });
  await conn.sendNotification('initialized', {});
  // The first analysis waits for the parsers: ready means a first diagnostics round trip.
  const readyUri = 'file://' + path.join(ws, 'ready.tf');
  const ready = new Promise((r) => (waiting = r));
  await conn.sendNotification('textDocument/didOpen', {
    textDocument: { uri: readyUri, languageId: 'terraform', version: 1, text: 'resource "aws_sqs_queue" "q" {}\n' },
  });
  await ready;
  const out = [
    `Server ready (spawn to first diagnostics): ${(performance.now() - t0).toFixed(0)} ms`,
    '',
    `${EDITS} edits per language, one after the other. The first ${FIRST} after opening the first file of a language run while V8 is still ` +
      `optimising the engine (their median falls from 1.5-2x the warm one over the first 100); the later ones are what typing in a warm server costs.`,
    '',
    `| language (1,000 lines) | didChange -> diagnostics: first ${FIRST} edits, median | p95 | edits ${FIRST + 1}-${EDITS}, median | p95 | hover median | code action median |`,
    '|---|---|---|---|---|---|---|',
  ];
  for (const lang of ['terraform', 'typescript', 'javascript', 'python'] as BenchLanguage[]) {
    const uri = 'file://' + path.join(ws, `main.${EXTENSION[lang]}`);
    const text = generateProgram(lang, 1000);
    let version = 1;
    let done = new Promise((r) => (waiting = r));
    await conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: lang, version, text } });
    await done;
    const lat: number[] = [];
    const hov: number[] = [];
    const act: number[] = [];
    const lines = text.split('\n');
    for (let i = 0; i < EDITS; i++) {
      const line = 30 + ((i * 7) % (lines.length - 40));
      const insert = i % 2 === 0;
      // an odd edit deletes the space the edit before it inserted, 7 lines up
      const change = insert
        ? { range: { start: { line, character: 0 }, end: { line, character: 0 } }, text: ' ' }
        : { range: { start: { line: line - 7, character: 0 }, end: { line: line - 7, character: 1 } }, text: '' };
      done = new Promise((r) => (waiting = r));
      const t = performance.now();
      await conn.sendNotification('textDocument/didChange', { textDocument: { uri, version: ++version }, contentChanges: [change] });
      await done;
      lat.push(performance.now() - t);
      const h = performance.now();
      await conn.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 40, character: 10 } });
      hov.push(performance.now() - h);
      const c = performance.now();
      await conn.sendRequest('textDocument/codeAction', {
        textDocument: { uri },
        range: { start: { line: 40, character: 0 }, end: { line: 41, character: 0 } },
        context: { diagnostics: [] },
      });
      act.push(performance.now() - c);
    }
    out.push(
      `| ${lang} | ${pct(lat.slice(0, FIRST), 50).toFixed(1)} ms | ${pct(lat.slice(0, FIRST), 95).toFixed(1)} ms | ` +
        `${pct(lat.slice(FIRST), 50).toFixed(1)} ms | ${pct(lat.slice(FIRST), 95).toFixed(1)} ms | ${pct(hov, 50).toFixed(1)} ms | ${pct(act, 50).toFixed(1)} ms |`,
    );
    await conn.sendNotification('textDocument/didClose', { textDocument: { uri } });
  }
  const rss = (): string => {
    const kb = fs.readFileSync(`/proc/${proc.pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/)?.[1];
    return kb ? `${(Number(kb) / 1024).toFixed(0)} MB` : '?';
  };
  out.push('', `Server resident memory after the runs above: ${rss()}`);
  const a0 = performance.now();
  const summary = (await conn.sendRequest('workspace/executeCommand', {
    command: 'faultline.server.auditWorkspace',
    arguments: [[corpus]],
  })) as { files: number; findings: unknown[] };
  const secs = (performance.now() - a0) / 1000;
  out.push(
    '',
    `Audit Workspace of the audit corpus in the server: ${summary.files} files, ${summary.findings.length} findings in ${secs.toFixed(1)} s; ` +
      `resident memory right after it: ${rss()}`,
  );
  // The server gives memory back a few seconds after its last work (server/memory.ts).
  await new Promise((r) => setTimeout(r, IDLE_MS));
  out.push('', `Resident memory ${IDLE_MS / 1000} s later, the server idle: ${rss()}`);
  conn.dispose();
  proc.kill();
  fs.rmSync(ws, { recursive: true, force: true });
  return out;
}
