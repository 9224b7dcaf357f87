import type { Hover, Position } from 'vscode-languageserver';
import { describeEvaluation, evaluate } from '../shared/model/evaluate';
import type { Loc, Property, Value } from '../shared/model/types';
import { ruleById } from '../shared/rules';
import { ruleUrl } from '../shared/rules/docs';
import type { Analysis } from './analysis';
import { lspRange } from './convert';

const contains = (loc: Loc, p: Position): boolean => {
  const { start, end } = loc.range;
  if (p.line < start.line || p.line > end.line) return false;
  if (p.line === start.line && p.character < start.character) return false;
  return !(p.line === end.line && p.character > end.character);
};

/** Findings at the position explained; otherwise, on a property the engine could not evaluate, why. */
export function hover(analysis: Analysis, file: string, pos: Position): Hover | null {
  const result = analysis.results.get(file);
  if (!result) return null;
  const here = (result.byFile.get(file) ?? []).filter((f) => contains(f.loc, pos));
  if (here.length) {
    const parts = here.map((f) => {
      const meta = ruleById(f.ruleId)?.meta;
      return [
        `**${meta?.title ?? f.ruleId}** · \`${f.ruleId}\` · ${f.severity}`,
        '',
        f.message,
        ...(meta ? ['', `*Why it fails:* ${meta.impact}`, '', `*How to fix:* ${meta.fix}`] : []),
        ...(f.evaluation ? ['', `*Evaluated:* ${f.evaluation}`] : []),
        ...(f.profile ? ['', `*Profile:* ${f.profile.name} (${f.profile.reason})`] : []),
        '',
        `[Rule documentation](${ruleUrl(f.ruleId)})`,
      ].join('\n');
    });
    return { contents: { kind: 'markdown', value: parts.join('\n\n---\n\n') }, range: lspRange(here[0]!.loc.range) };
  }
  for (const r of result.program.resources) {
    if (r.loc.file !== file || !contains(r.loc, pos)) continue;
    const prop = innermost(r.props.props, pos);
    if (!prop) continue;
    const e = evaluate(prop.value, result.program);
    if (e.state !== 'unknown') return null;
    return {
      contents: {
        kind: 'markdown',
        value: `\`${prop.keyAsWritten}\` = ${sourceOf(prop.value)} → ${describeEvaluation(prop.value, result.program)}\n\nFaultline reports nothing it cannot evaluate.`,
      },
      range: lspRange(prop.value.loc.range),
    };
  }
  return null;
}

function innermost(props: Property[], pos: Position): Property | undefined {
  for (const p of props) {
    if (!contains(p.loc, pos)) continue;
    if (p.value.kind === 'object') return innermost(p.value.props, pos) ?? p;
    if (p.value.kind === 'list') {
      for (const item of p.value.items) if (item.kind === 'object' && contains(item.loc, pos)) return innermost(item.props, pos) ?? p;
    }
    return p;
  }
  return undefined;
}

function sourceOf(v: Value): string {
  if (v.kind === 'ref') return `\`${v.ref.text}\``;
  if (v.kind === 'unknown') return `\`${v.text.length > 60 ? v.text.slice(0, 57) + '...' : v.text}\``;
  return `a ${v.kind}`;
}
