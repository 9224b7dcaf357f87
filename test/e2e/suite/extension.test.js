// Runs inside the real extension host against the Faultline extension installed from its .vsix.
const assert = require('assert');
const path = require('path');
const vscode = require('vscode');

const root = () => vscode.workspace.workspaceFolders[0].uri.fsPath;

async function diagnosticsOf(uri, predicate, timeoutMs = 30000) {
  const t0 = Date.now();
  for (;;) {
    const ds = vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'faultline');
    if (predicate(ds)) return ds;
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out; diagnostics: ${JSON.stringify(ds.map((d) => d.code))}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const code = (d) => (typeof d.code === 'object' ? d.code.value : d.code);

suite('Faultline extension', () => {
  suiteSetup(async () => {
    const ext = vscode.extensions.getExtension('faultline.faultline');
    assert.ok(ext, 'the extension installed from the .vsix is present');
    await ext.activate();
  });

  test('Terraform: Multi-AZ diagnostic, hover, quick fix applied', async () => {
    const uri = vscode.Uri.file(path.join(root(), 'prod', 'main.tf'));
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    const ds = await diagnosticsOf(uri, (d) => d.some((x) => code(x) === 'rds-multi-az-disabled'));
    const d = ds.find((x) => code(x) === 'rds-multi-az-disabled');
    const hovers = await vscode.commands.executeCommand('vscode.executeHoverProvider', uri, d.range.start);
    const text = hovers.map((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value)).join('\n')).join('\n');
    assert.match(text, /Multi-AZ/);
    const actions = await vscode.commands.executeCommand(
      'vscode.executeCodeActionProvider',
      uri,
      d.range,
      vscode.CodeActionKind.QuickFix.value,
    );
    const fix = actions.find((a) => a.title === 'Set multi_az = true');
    assert.ok(fix, `quick fix offered; got ${actions.map((a) => a.title).join(', ')}`);
    assert.ok(await vscode.workspace.applyEdit(fix.edit));
    assert.match(doc.getText(), /multi_az\s+= true/);
    await diagnosticsOf(uri, (d2) => !d2.some((x) => code(x) === 'rds-multi-az-disabled'));
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });

  test('TypeScript: Output in a template literal', async () => {
    const uri = vscode.Uri.file(path.join(root(), 'index.ts'));
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    await diagnosticsOf(uri, (d) => d.some((x) => code(x) === 'pulumi-output-in-string'));
  });

  test('Python: log group without retention', async () => {
    const uri = vscode.Uri.file(path.join(root(), '__main__.py'));
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    await diagnosticsOf(uri, (d) => d.some((x) => code(x) === 'log-retention-missing'));
  });

  test('Audit Workspace returns a summary and fills the Problems panel', async () => {
    const summary = await vscode.commands.executeCommand('faultline.auditWorkspace');
    assert.ok(summary && summary.files >= 3, `summary: ${JSON.stringify(summary && summary.files)}`);
    assert.ok(summary.findings.some((f) => f.ruleId === 'log-retention-missing'));
  });
});
