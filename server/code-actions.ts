import * as fs from 'node:fs';
import * as path from 'node:path';
import { applyEdits as applyJsonEdits, modify } from 'jsonc-parser';
import {
  CodeActionKind,
  type CodeAction,
  type CodeActionParams,
  type TextEdit as LspTextEdit,
  type WorkspaceEdit,
} from 'vscode-languageserver';
import { renderFix } from '../shared/engine/fixes';
import { frontendFor } from '../shared/engine/frontends';
import type { Finding } from '../shared/engine/rule';
import { indentAt } from '../shared/model/text';
import type { FileModel, TextEdit } from '../shared/model/types';
import type { Analysis } from './analysis';
import { lspRange, toPath, toUri } from './convert';

function workspaceEdit(edits: TextEdit[]): WorkspaceEdit {
  const changes: Record<string, LspTextEdit[]> = {};
  for (const e of edits) (changes[toUri(e.file)] ??= []).push({ range: lspRange(e.range), newText: e.newText });
  return { changes };
}

/** Quick fixes, "ignore here", "turn off in faultline.json" for each diagnostic; fix-all of the safe fixes. */
export function codeActions(analysis: Analysis, params: CodeActionParams): CodeAction[] {
  const file = toPath(params.textDocument.uri);
  const result = analysis.results.get(file);
  if (!result) return [];
  const models = new Map<string, FileModel>(result.program.files.map((f) => [f.path, f]));
  const model = models.get(file);
  if (!model) return [];
  const only = params.context.only;
  const wants = (kind: string): boolean => !only || only.some((o) => kind === o || kind.startsWith(o + '.'));
  const actions: CodeAction[] = [];

  if (wants(CodeActionKind.QuickFix)) {
    for (const d of params.context.diagnostics) {
      if (d.source !== 'faultline') continue;
      const finding = result.findings[(d.data as { index?: number } | undefined)?.index ?? -1];
      if (!finding || finding.ruleId !== d.code) continue;
      for (const fix of finding.fixes ?? []) {
        const edits = renderFix(fix, (p) => models.get(p));
        if (!edits) continue;
        actions.push({
          title: fix.title,
          kind: CodeActionKind.QuickFix,
          diagnostics: [d],
          isPreferred: fix.safe,
          edit: workspaceEdit(edits),
        });
      }
      actions.push({
        title: `Ignore ${finding.ruleId} here`,
        kind: CodeActionKind.QuickFix,
        diagnostics: [d],
        edit: workspaceEdit([ignoreEdit(model, finding)]),
      });
      const off = turnOffEdit(analysis, file, finding.ruleId);
      if (off)
        actions.push({ title: `Turn ${finding.ruleId} off in faultline.json`, kind: CodeActionKind.QuickFix, diagnostics: [d], edit: off });
    }
  }
  // Fix-all renders every safe fix of the file: only when asked for (on save), not for every lightbulb request.
  if (only?.some((o) => o === CodeActionKind.Source || o === CodeActionKind.SourceFixAll || o === 'source.fixAll.faultline')) {
    const edits: TextEdit[] = [];
    for (const f of result.byFile.get(file) ?? []) {
      const safe = f.fixes?.find((x) => x.safe);
      const e = safe && renderFix(safe, (p) => models.get(p));
      for (const x of e ?? []) if (x.file === file) edits.push(x);
    }
    if (edits.length) {
      // Overlapping edits cannot be sent together: keep the first of each overlap, like applyEdits does.
      const kept = applyEditsKeepList(edits);
      actions.push({ title: 'Fix all safe Faultline problems', kind: 'source.fixAll.faultline', edit: workspaceEdit(kept) });
    }
  }
  return actions;
}

function applyEditsKeepList(edits: TextEdit[]): TextEdit[] {
  const sorted = [...edits].sort((a, b) => a.start - b.start);
  const out: TextEdit[] = [];
  let end = -1;
  for (const e of sorted) {
    if (e.start < end) continue;
    out.push(e);
    end = Math.max(e.end, e.start);
  }
  return out;
}

/** A suppression comment on its own line above the finding's line, in the file's comment style. */
function ignoreEdit(model: FileModel, f: Finding): TextEdit {
  const lineStart = f.loc.start - f.loc.range.start.character;
  const indent = indentAt(model.text, f.loc.start);
  const eol = model.text.includes('\r\n') ? '\r\n' : '\n';
  const prefix = frontendFor(model.language).commentPrefix;
  return {
    file: model.path,
    start: lineStart,
    end: lineStart,
    range: { start: { line: f.loc.range.start.line, character: 0 }, end: { line: f.loc.range.start.line, character: 0 } },
    newText: `${indent}${prefix} faultline:ignore:${f.ruleId} -- reason${eol}`,
  };
}

function turnOffEdit(analysis: Analysis, file: string, ruleId: string): WorkspaceEdit | undefined {
  const cfg = analysis.config(file);
  const existing = analysis.read(cfg.path);
  if (existing === undefined) {
    const text =
      JSON.stringify({ $schema: './node_modules/faultline/schemas/faultline.schema.json', rules: { [ruleId]: 'off' } }, null, 2) + '\n';
    return {
      documentChanges: [
        { kind: 'create', uri: toUri(cfg.path), options: { ignoreIfExists: true } },
        {
          textDocument: { uri: toUri(cfg.path), version: null },
          edits: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: text }],
        },
      ],
    };
  }
  if (cfg.errors.length && !fs.existsSync(path.dirname(cfg.path))) return undefined;
  try {
    const edits = modify(existing, ['rules', ruleId], 'off', { formattingOptions: { insertSpaces: true, tabSize: 2 } });
    const updated = applyJsonEdits(existing, edits);
    const lines = existing.split(/\r\n|\r|\n/);
    return {
      changes: {
        [toUri(cfg.path)]: [
          {
            range: { start: { line: 0, character: 0 }, end: { line: lines.length - 1, character: lines[lines.length - 1]!.length } },
            newText: updated,
          },
        ],
      },
    };
  } catch {
    return undefined;
  }
}
