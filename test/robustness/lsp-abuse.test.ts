/**
 * The language server under abuse, through the real protocol (out/server.js; `npm run build` first): random
 * incremental edit storms with undo storms, close/reopen, a sibling variables.tf deleted while main.tf is open,
 * hovers and code actions at random (and invalid) positions. Afterwards the diagnostics must equal those of a fresh
 * server given the final texts. Then the server's memory after opening and closing many documents.
 * FAULTLINE_FUZZ=long runs thousands of edit sequences.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Diagnostic, TextDocumentContentChangeEvent } from 'vscode-languageserver-protocol';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { generateProgram } from '../../bench/generate';
import { TestClient } from '../server/lsp-client';

const LONG = process.env.FAULTLINE_FUZZ === 'long';
const SEQUENCES = Number(process.env.FAULTLINE_LSP_SEQUENCES ?? (LONG ? 2000 : 200));
const MEMORY_DOCS = Number(process.env.FAULTLINE_LSP_MEMORY_DOCS ?? (LONG ? 2000 : 120));
const SEED = Number(process.env.FAULTLINE_FUZZ_SEED ?? 20261123);

/** A small deterministic PRNG (mulberry32): the storm is the same on every run. */
function rng(seed: number): { next: () => number; int: (n: number) => number; pick: <T>(a: readonly T[]) => T } {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (n) => Math.floor(next() * n), pick: (arr) => arr[Math.floor(next() * arr.length)]! };
}

const VARIABLES_TF = 'variable "environment" {\n  type    = string\n  default = "prod"\n}\n\nvariable "ha" {\n  default = false\n}\n';
const MAIN_TF = `resource "aws_db_instance" "orders" {
  identifier        = "orders-\${var.environment}"
  engine            = "postgres"
  instance_class    = "db.t4g.medium"
  allocated_storage = 50
  multi_az          = var.ha
}

resource "aws_security_group" "db" {
  ingress {
    from_port   = 5432
    to_port     = 5432
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_cloudwatch_log_group" "app" {
  name = "/app/\${var.environment}"
}
`;
const INDEX_TS = `import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';

const config = new pulumi.Config();
const env = config.require('environment');
const logs = new aws.cloudwatch.LogGroup('app-logs', {});
const db = new aws.rds.Instance('orders', { engine: 'postgres', instanceClass: 'db.t4g.medium', allocatedStorage: 50, multiAz: false, password: 'hunter2hunter2' });
const bucket = new aws.s3.BucketV2('assets', { bucket: 'assets-prod' });
export const policyArn = \`\${bucket.arn}/*\`;
`;
const MAIN_PY = `import pulumi
import pulumi_aws as aws

logs = aws.cloudwatch.LogGroup("app-logs")
db = aws.rds.Instance("orders", engine="postgres", instance_class="db.t4g.medium", allocated_storage=50, multi_az=False)
bucket = aws.s3.BucketV2("assets", bucket="assets-prod")
pulumi.export("url", f"https://{bucket.bucket_domain_name}/x")
`;

const SNIPPETS = [
  '{',
  '}',
  '"',
  "'",
  '`',
  '${',
  '[',
  ']',
  '(',
  ')',
  '\n',
  '\r\n',
  '\t',
  '  ',
  '#',
  '//',
  '/*',
  '"""',
  '=',
  ':',
  ',',
  'resource "aws_s3_bucket" "x" {\n}\n',
  'multi_az = true\n',
  "new aws.s3.BucketV2('y', {});\n",
  'aws.s3.BucketV2("z")\n',
  'é',
  '\u{1F600}',
  '\0',
  'var.',
  'pulumi.',
  'x'.repeat(300),
];

let ws: string;
let client: TestClient;

const uriOf = (f: string): string => 'file://' + f;

/** Waits until the diagnostics of `uri` are for `version` and nothing new arrived for `quietMs`. */
async function settled(c: TestClient, uri: string, version: number, timeoutMs = 20_000): Promise<Diagnostic[]> {
  const t0 = Date.now();
  let last: unknown;
  let since = Date.now();
  for (;;) {
    const p = c.diagnostics.get(uri);
    if (p !== last) {
      last = p;
      since = Date.now();
    }
    if (p && (p.version === undefined || p.version === version) && Date.now() - since > 150) return p.diagnostics;
    if (Date.now() - t0 > timeoutMs)
      throw new Error(`diagnostics of ${uri} did not settle on version ${version}; last version ${p?.version}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const key = (d: Diagnostic): string =>
  `${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character} ${String(d.code)} ${d.message}`;

/** The answer of the server's `faultline.server.status` command. */
interface ServerStatus {
  memory: NodeJS.MemoryUsage;
  open: number;
  models: number;
  results: number;
  parses: number;
  timers: number;
  published: number;
}

beforeAll(async () => {
  ws = fs.mkdtempSync(path.join(os.tmpdir(), 'faultline-abuse-'));
  fs.mkdirSync(path.join(ws, 'mod'));
  fs.writeFileSync(path.join(ws, 'mod', 'variables.tf'), VARIABLES_TF);
  fs.writeFileSync(path.join(ws, 'mod', 'main.tf'), MAIN_TF);
  fs.mkdirSync(path.join(ws, 'app'));
  fs.writeFileSync(path.join(ws, 'app', 'Pulumi.yaml'), 'name: app\nruntime: nodejs\n');
  fs.writeFileSync(path.join(ws, 'app', 'index.ts'), INDEX_TS);
  fs.mkdirSync(path.join(ws, 'py'));
  fs.writeFileSync(path.join(ws, 'py', 'Pulumi.yaml'), 'name: py\nruntime: python\n');
  fs.writeFileSync(path.join(ws, 'py', '__main__.py'), MAIN_PY);
  client = new TestClient();
  await client.initialize(ws);
});

afterAll(async () => {
  await client?.stop();
  fs.rmSync(ws, { recursive: true, force: true });
});

interface Doc {
  file: string;
  languageId: string;
  doc: TextDocument;
  open: boolean;
  /** Inverse edits, for undo storms. */
  undo: TextDocumentContentChangeEvent[][];
}

describe('the language server under abuse', () => {
  it(
    `survives ${SEQUENCES} random edit sequences and ends with the diagnostics of a fresh analysis`,
    async () => {
      const r = rng(SEED);
      const docs: Doc[] = [
        {
          file: path.join(ws, 'mod', 'main.tf'),
          languageId: 'terraform',
          doc: TextDocument.create('', 'terraform', 1, MAIN_TF),
          open: false,
          undo: [],
        },
        {
          file: path.join(ws, 'mod', 'variables.tf'),
          languageId: 'terraform',
          doc: TextDocument.create('', 'terraform', 1, VARIABLES_TF),
          open: false,
          undo: [],
        },
        {
          file: path.join(ws, 'app', 'index.ts'),
          languageId: 'typescript',
          doc: TextDocument.create('', 'typescript', 1, INDEX_TS),
          open: false,
          undo: [],
        },
        {
          file: path.join(ws, 'py', '__main__.py'),
          languageId: 'python',
          doc: TextDocument.create('', 'python', 1, MAIN_PY),
          open: false,
          undo: [],
        },
      ];
      const requests: Promise<unknown>[] = [];
      const failures: string[] = [];
      const ask = (method: string, params: unknown): void => {
        const t0 = Date.now();
        requests.push(
          Promise.race([
            client.conn.sendRequest(method, params).then(() => {
              if (Date.now() - t0 > 15_000) failures.push(`${method} answered after ${Date.now() - t0} ms`);
            }),
            new Promise((_, rej) => setTimeout(() => rej(new Error(`${method} not answered in 30 s`)), 30_000)),
          ]).catch((e: Error) => failures.push(`${method} ${JSON.stringify(params).slice(0, 200)}: ${e.message}`)),
        );
      };
      const openDoc = async (d: Doc, text = d.doc.getText()): Promise<void> => {
        d.doc = TextDocument.create(uriOf(d.file), d.languageId, d.doc.version + 1, text);
        d.open = true;
        d.undo = [];
        await client.conn.sendNotification('textDocument/didOpen', {
          textDocument: { uri: uriOf(d.file), languageId: d.languageId, version: d.doc.version, text },
        });
      };
      const change = async (d: Doc, changes: TextDocumentContentChangeEvent[], record = true): Promise<void> => {
        // the inverse of each change, computed against the text it applies to
        const inverse: TextDocumentContentChangeEvent[] = [];
        let doc = d.doc;
        for (const c of changes) {
          if (!('range' in c)) continue;
          const start = doc.offsetAt(c.range.start);
          const end = doc.offsetAt(c.range.end);
          const removed = doc.getText().slice(start, end);
          const next = TextDocument.update(TextDocument.create(doc.uri, doc.languageId, doc.version, doc.getText()), [c], doc.version + 1);
          inverse.unshift({ range: { start: next.positionAt(start), end: next.positionAt(start + c.text.length) }, text: removed });
          doc = next;
        }
        d.doc = TextDocument.update(d.doc, changes, d.doc.version + 1);
        if (record) d.undo.push(inverse);
        await client.conn.sendNotification('textDocument/didChange', {
          textDocument: { uri: uriOf(d.file), version: d.doc.version },
          contentChanges: changes,
        });
      };
      const randomChange = (d: Doc): TextDocumentContentChangeEvent => {
        const text = d.doc.getText();
        const a = r.int(text.length + 1);
        const kind = r.int(4);
        const b = kind === 0 ? a : Math.min(text.length, a + r.int(kind === 3 ? text.length + 1 : 40));
        const insert = kind === 1 ? '' : kind === 2 ? text.slice(r.int(text.length + 1), r.int(text.length + 1)) : r.pick(SNIPPETS);
        return { range: { start: d.doc.positionAt(a), end: d.doc.positionAt(b) }, text: insert };
      };

      for (const d of docs) await openDoc(d);
      for (let s = 0; s < SEQUENCES; s++) {
        const d = r.pick(docs);
        const action = r.int(100);
        if (!d.open) {
          await openDoc(d, r.next() < 0.5 ? d.doc.getText() : fs.existsSync(d.file) ? fs.readFileSync(d.file, 'utf8') : '');
        } else if (action < 55) {
          // a burst of edits, some sent as one notification with several changes
          const n = 1 + r.int(8);
          for (let i = 0; i < n; i++) {
            if (r.next() < 0.3) {
              const batch: TextDocumentContentChangeEvent[] = [];
              let tmp = d.doc;
              for (let k = 0; k < 1 + r.int(4); k++) {
                const c = randomChange({ ...d, doc: tmp });
                batch.push(c);
                tmp = TextDocument.update(TextDocument.create(tmp.uri, tmp.languageId, tmp.version, tmp.getText()), [c], tmp.version + 1);
              }
              await change(d, batch);
            } else await change(d, [randomChange(d)]);
          }
        } else if (action < 70) {
          // undo storm: unwind many edits quickly
          for (let i = 0; i < 1 + r.int(30) && d.undo.length; i++) await change(d, d.undo.pop()!, false);
        } else if (action < 85) {
          const text = d.doc.getText();
          const pos = r.next() < 0.1 ? { line: 10_000 + r.int(10), character: r.int(5000) } : d.doc.positionAt(r.int(text.length + 1));
          ask('textDocument/hover', { textDocument: { uri: uriOf(d.file) }, position: pos });
          const diags = client.diagnostics.get(uriOf(d.file))?.diagnostics ?? [];
          ask('textDocument/codeAction', {
            textDocument: { uri: uriOf(d.file) },
            range: { start: pos, end: d.doc.positionAt(r.int(text.length + 1)) },
            context: { diagnostics: r.next() < 0.5 ? diags : diags.map((x) => ({ ...x, data: { index: r.int(1000) - 1 } })) },
          });
          ask('textDocument/codeAction', {
            textDocument: { uri: uriOf(d.file) },
            range: { start: { line: 0, character: 0 }, end: pos },
            context: { diagnostics: [], only: ['source.fixAll'] },
          });
        } else if (action < 93) {
          await client.conn.sendNotification('textDocument/didClose', { textDocument: { uri: uriOf(d.file) } });
          d.open = false;
        } else {
          // the sibling variables.tf deleted on disk (or restored) while main.tf is open
          const vars = path.join(ws, 'mod', 'variables.tf');
          const exists = fs.existsSync(vars);
          if (exists) fs.rmSync(vars);
          else fs.writeFileSync(vars, VARIABLES_TF);
          await client.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf(vars), type: exists ? 3 : 1 }] });
        }
        if (s % 25 === 0) await new Promise((res) => setTimeout(res, r.int(60)));
      }
      for (const d of docs) if (!d.open) await openDoc(d);
      await Promise.all(requests);
      expect(failures).toEqual([]);

      // the final state, analysed by a fresh server with the same disk and the same open buffers
      const finalDiags = new Map<string, string[]>();
      for (const d of docs) finalDiags.set(d.file, (await settled(client, uriOf(d.file), d.doc.version)).map(key).sort());
      const fresh = new TestClient();
      try {
        await fresh.initialize(ws);
        for (const d of docs)
          await fresh.conn.sendNotification('textDocument/didOpen', {
            textDocument: { uri: uriOf(d.file), languageId: d.languageId, version: 1, text: d.doc.getText() },
          });
        for (const d of docs) {
          const expected = (await settled(fresh, uriOf(d.file), 1)).map(key).sort();
          expect(finalDiags.get(d.file), `${path.relative(ws, d.file)} after the storm:\n${d.doc.getText().slice(0, 2000)}`).toEqual(
            expected,
          );
        }
        expect(client.logs.filter((l) => /failed|uncaught|unhandled/.test(l))).toEqual([]);
      } finally {
        await fresh.stop();
      }
    },
    LONG ? 3_600_000 : 120_000,
  );

  it(
    `returns near its baseline memory after opening and closing ${MEMORY_DOCS} documents`,
    async () => {
      const c = new TestClient(); // the status command collects garbage first
      const status = (): Promise<ServerStatus> =>
        c.conn.sendRequest('workspace/executeCommand', { command: 'faultline.server.status', arguments: [] });
      try {
        await c.initialize(ws);
        const dir = path.join(ws, 'many');
        fs.mkdirSync(dir, { recursive: true });
        const texts = {
          tf: generateProgram('terraform', 400, 3),
          ts: generateProgram('typescript', 400, 3),
          py: generateProgram('python', 400, 3),
        };
        fs.writeFileSync(path.join(dir, 'Pulumi.yaml'), 'name: many\nruntime: nodejs\n');
        const cycle = async (from: number, to: number): Promise<void> => {
          for (let i = from; i < to; i++) {
            const ext = (['tf', 'ts', 'py'] as const)[i % 3]!;
            const sub = path.join(dir, `m${i}`);
            fs.mkdirSync(sub, { recursive: true });
            const file = path.join(sub, ext === 'py' ? '__main__.py' : `main.${ext}`);
            const text = texts[ext] + `\n${ext === 'tf' ? '#' : ext === 'py' ? '#' : '//'} ${i}\n`;
            fs.writeFileSync(file, text); // on disk too: the cache must not keep closed files forever
            const uri = uriOf(file);
            await c.open(uri, ext === 'tf' ? 'terraform' : ext === 'ts' ? 'typescript' : 'python', text);
            await c.waitFor(uri, () => true, 30_000);
            await c.conn.sendNotification('textDocument/didClose', { textDocument: { uri } });
          }
        };
        await cycle(0, 30); // warm up: parsers, grammars, rule tables
        await new Promise((res) => setTimeout(res, 500));
        const baseline = await status();
        const t0 = performance.now();
        await cycle(30, 30 + MEMORY_DOCS);
        const ms = performance.now() - t0;
        await new Promise((res) => setTimeout(res, 500));
        const after = await status();
        const mb = (n: number): string => (n / 1e6).toFixed(1);
        console.log(
          `lsp memory after ${MEMORY_DOCS} documents opened and closed: heap ${mb(baseline.memory.heapUsed)} -> ${mb(after.memory.heapUsed)} MB ` +
            `(${mb(((after.memory.heapUsed - baseline.memory.heapUsed) / MEMORY_DOCS) * 1000)} MB per 1,000), resident ` +
            `${mb(baseline.memory.rss)} -> ${mb(after.memory.rss)} MB, ${(ms / MEMORY_DOCS).toFixed(1)} ms per document`,
        );
        // Nothing of a closed document stays: no buffer, result, timer or kept parse; only the bounded model cache.
        expect({
          open: after.open,
          results: after.results,
          parses: after.parses,
          timers: after.timers,
          published: after.published,
        }).toEqual({
          open: 0,
          results: 0,
          parses: 0,
          timers: 0,
          published: 0,
        });
        // The heap after a full collection is back near its baseline: a retained model per closed document (about
        // 1 MB each here) would be far past this.
        expect(after.memory.heapUsed - baseline.memory.heapUsed).toBeLessThan(15e6);
        // Resident memory is the allocator's business (freed pages are not always returned), but it must stay bounded.
        expect(after.memory.rss - baseline.memory.rss).toBeLessThan(Math.max(150e6, baseline.memory.rss));
      } finally {
        await c.stop();
      }
    },
    LONG ? 3_600_000 : 180_000,
  );
});
