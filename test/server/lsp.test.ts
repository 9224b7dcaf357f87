import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CodeAction, Hover, TextEdit } from 'vscode-languageserver-protocol';
import { CancellationTokenSource } from 'vscode-jsonrpc/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { TestClient } from './lsp-client';

const DB_TF = `variable "environment" {
  type = string
}

resource "aws_db_instance" "orders" {
  identifier          = "orders-\${var.environment}"
  engine              = "postgres"
  engine_version      = "16.4"
  instance_class      = "db.t4g.medium"
  allocated_storage   = 50
  storage_encrypted   = true
  skip_final_snapshot = false
}
`;

const BUCKET_TS = `import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';

const logs = new aws.cloudwatch.LogGroup('app-logs', { retentionInDays: 30 });
const bucket = new aws.s3.BucketV2('assets', {});
export const policyArn = \`\${bucket.arn}/*\`;
`;

let ws: string;
let client: TestClient;

beforeAll(async () => {
  ws = fs.mkdtempSync(path.join(os.tmpdir(), 'faultline-lsp-'));
  fs.mkdirSync(path.join(ws, 'prod'));
  client = new TestClient();
  const init = (await client.initialize(ws)) as { capabilities: { textDocumentSync: { change: number } } };
  expect(init.capabilities.textDocumentSync.change).toBe(2); // incremental
});

afterAll(async () => {
  await client.stop();
  fs.rmSync(ws, { recursive: true, force: true });
});

function applyLsp(text: string, edits: TextEdit[]): string {
  return TextDocument.applyEdits(TextDocument.create('file:///x', 'x', 1, text), edits);
}

describe('language server over stdio', () => {
  it('publishes diagnostics, hovers, quick-fixes and re-checks after an incremental edit', async () => {
    const file = path.join(ws, 'prod', 'db.tf');
    fs.writeFileSync(file, DB_TF);
    const uri = 'file://' + file;
    await client.open(uri, 'terraform', DB_TF);
    const diags = await client.waitFor(uri, (d) => d.some((x) => x.code === 'rds-multi-az-disabled'));
    const d = diags.find((x) => x.code === 'rds-multi-az-disabled')!;
    expect(d.source).toBe('faultline');
    expect(d.codeDescription?.href).toContain('rds-multi-az-disabled');
    expect(d.severity).toBe(2);

    const hover = (await client.conn.sendRequest('textDocument/hover', { textDocument: { uri }, position: d.range.start })) as Hover;
    const md = (hover.contents as { value: string }).value;
    expect(md).toContain('RDS database without Multi-AZ');
    expect(md).toContain('Profile:* production');

    const actions = (await client.conn.sendRequest('textDocument/codeAction', {
      textDocument: { uri },
      range: d.range,
      context: { diagnostics: [d] },
    })) as CodeAction[];
    const titles = actions.map((a) => a.title);
    expect(titles).toContain('Set multi_az = true');
    expect(titles).toContain('Ignore rds-multi-az-disabled here');
    expect(titles).toContain('Turn rds-multi-az-disabled off in faultline.json');
    const fix = actions.find((a) => a.title === 'Set multi_az = true')!;
    expect(fix.isPreferred).toBe(true);
    const fixed = applyLsp(DB_TF, fix.edit!.changes![uri]!);
    expect(fixed).toContain('multi_az');

    // Send the fix as one incremental change (the range of the whole text is not used: real ranges).
    const edit = fix.edit!.changes![uri]![0]!;
    await client.conn.sendNotification('textDocument/didChange', {
      textDocument: { uri, version: 2 },
      contentChanges: [{ range: edit.range, text: edit.newText }],
    });
    await client.waitFor(uri, (ds) => !ds.some((x) => x.code === 'rds-multi-az-disabled'));
  });

  it('says instead of analysing when an open document is over 1 MB, and analyses it again once it is smaller', async () => {
    const file = path.join(ws, 'huge', 'main.tf');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const uri = 'file://' + file;
    const unit = 'resource "aws_cloudwatch_log_group" "g" {\n  name = "/g"\n}\n';
    const huge = unit.repeat(Math.ceil((1.2 * 1024 * 1024) / unit.length));
    const t0 = performance.now();
    await client.open(uri, 'terraform', huge);
    const diags = await client.waitFor(uri, (d) => d.length > 0);
    expect(performance.now() - t0).toBeLessThan(5000);
    expect(diags.map((d) => [d.code, d.severity])).toEqual([['analysis-timeout', 3]]);
    expect(diags[0]!.message).toMatch(/1\.2 MB of text; Faultline analyses files up to 1 MB while typing/);
    await client.conn.sendNotification('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ text: unit }] });
    await client.waitFor(uri, (d) => d.some((x) => x.code === 'log-retention-missing'));
    await client.conn.sendNotification('textDocument/didClose', { textDocument: { uri } });
  });

  it('analyses Pulumi TypeScript and offers pulumi.interpolate', async () => {
    const file = path.join(ws, 'index.ts');
    const uri = 'file://' + file;
    await client.open(uri, 'typescript', BUCKET_TS);
    const diags = await client.waitFor(uri, (d) => d.some((x) => x.code === 'pulumi-output-in-string'));
    const d = diags.find((x) => x.code === 'pulumi-output-in-string')!;
    const actions = (await client.conn.sendRequest('textDocument/codeAction', {
      textDocument: { uri },
      range: d.range,
      context: { diagnostics: [d] },
    })) as CodeAction[];
    const fix = actions.find((a) => a.title.includes('interpolate'))!;
    expect(applyLsp(BUCKET_TS, fix.edit!.changes![uri]!)).toContain('pulumi.interpolate`${bucket.arn}/*`');
  });

  it('ignores files that are not Pulumi programs', async () => {
    const uri = 'file://' + path.join(ws, 'util.ts');
    await client.open(uri, 'typescript', 'export const add = (a: number, b: number) => a + b;\n');
    expect(await client.waitFor(uri, () => true)).toEqual([]);
  });

  it('answers hovers on unknown values with the reason', async () => {
    const file = path.join(ws, 'prod', 'ha.tf');
    const text = 'variable "ha" {}\n\nresource "aws_db_instance" "x" {\n  engine   = "mysql"\n  multi_az = var.ha\n}\n';
    const uri = 'file://' + file;
    await client.open(uri, 'terraform', text);
    await client.waitFor(uri, () => true);
    const hover = (await client.conn.sendRequest('textDocument/hover', {
      textDocument: { uri },
      position: { line: 4, character: 15 },
    })) as Hover;
    expect((hover.contents as { value: string }).value).toMatch(/var\.ha.*unknown/);
  });
});

describe('workspace commands', () => {
  it('stops Audit Workspace when the request is cancelled, and says so', async () => {
    const big = fs.mkdtempSync(path.join(os.tmpdir(), 'faultline-cancel-'));
    for (let i = 0; i < 400; i++) {
      fs.mkdirSync(path.join(big, `m${i}`));
      fs.writeFileSync(path.join(big, `m${i}`, 'main.tf'), `resource "aws_cloudwatch_log_group" "g" {\n  name = "/g/${i}"\n}\n`);
    }
    try {
      const source = new CancellationTokenSource();
      const pending = client.conn.sendRequest(
        'workspace/executeCommand',
        { command: 'faultline.server.auditWorkspace', arguments: [[big]] },
        source.token,
      );
      setTimeout(() => source.cancel(), 300);
      const summary = (await pending) as { files: number; cancelled: boolean };
      expect(summary.cancelled).toBe(true);
      expect(summary.files).toBeLessThan(400);
    } finally {
      fs.rmSync(big, { recursive: true, force: true });
    }
  });

  it('audits the workspace with a summary for the report, and exports SARIF', async () => {
    fs.writeFileSync(path.join(ws, 'prod', 'logs.tf'), 'resource "aws_cloudwatch_log_group" "audit" {\n  name = "/audit"\n}\n');
    // An open file is audited from its buffer (unsaved edits), not from the disk the audit workers read.
    const edited = path.join(ws, 'prod', 'edited.tf');
    fs.writeFileSync(edited, 'resource "aws_cloudwatch_log_group" "app" {\n  name              = "/app"\n  retention_in_days = 30\n}\n');
    await client.open('file://' + edited, 'terraform', 'resource "aws_cloudwatch_log_group" "app" {\n  name = "/app"\n}\n');
    const summary = (await client.conn.sendRequest('workspace/executeCommand', {
      command: 'faultline.server.auditWorkspace',
      arguments: [[ws]],
    })) as {
      files: number;
      cancelled: boolean;
      findings: { ruleId: string; file: string; category: string }[];
    };
    expect(summary.cancelled).toBe(false);
    expect(summary.files).toBeGreaterThanOrEqual(2);
    expect(
      summary.findings.some((f) => f.ruleId === 'log-retention-missing' && f.file.endsWith('logs.tf') && f.category === 'operations'),
    ).toBe(true);
    expect(summary.findings.some((f) => f.ruleId === 'log-retention-missing' && f.file === edited)).toBe(true);
    await client.conn.sendNotification('textDocument/didClose', { textDocument: { uri: 'file://' + edited } });
    // The audit fills the Problems panel: diagnostics arrive for files that are not open.
    await client.waitFor('file://' + path.join(ws, 'prod', 'logs.tf'), (d) => d.some((x) => x.code === 'log-retention-missing'));
    const sarif = (await client.conn.sendRequest('workspace/executeCommand', { command: 'faultline.server.sarif', arguments: [[ws]] })) as {
      version: string;
      runs: { results: unknown[] }[];
    };
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.runs[0]!.results.length).toBeGreaterThan(0);
  });

  it('answers an unknown command with an error and keeps serving', async () => {
    await expect(client.conn.sendRequest('workspace/executeCommand', { command: 'faultline.server.nope' })).rejects.toThrow(
      /unknown command/,
    );
    const hover = await client.conn.sendRequest('textDocument/hover', {
      textDocument: { uri: 'file://' + path.join(ws, 'prod', 'db.tf') },
      position: { line: 0, character: 0 },
    });
    expect(hover === null || typeof hover === 'object').toBe(true);
  });
});
