import * as path from 'node:path';
import { describeEvaluation, evaluate, optionValues } from '../shared/model/evaluate';
import type { Program } from '../shared/model/program';
import type { Loc, Property, Value } from '../shared/model/types';

const range = (l: Loc): { start: { line: number; column: number }; end: { line: number; column: number } } => ({
  start: { line: l.range.start.line + 1, column: l.range.start.character + 1 },
  end: { line: l.range.end.line + 1, column: l.range.end.character + 1 },
});

function prop(p: Property, program: Program): unknown {
  const e = evaluate(p.value, program);
  return {
    key: p.key,
    ...(p.keyAsWritten !== p.key ? { keyAsWritten: p.keyAsWritten } : {}),
    range: range(p.value.loc),
    ...(e.state === 'known' ? { value: e.value } : { unknown: describeEvaluation(p.value, program) }),
    ...(p.value.output ? { output: true } : {}),
    ...(p.value.kind === 'object' ? { properties: p.value.props.map((q) => prop(q, program)) } : {}),
    ...(p.value.kind === 'list' && p.value.items.some((i) => i.kind === 'object')
      ? { items: p.value.items.map((i) => item(i, program)) }
      : {}),
  };
}

function item(v: Value, program: Program): unknown {
  return v.kind === 'object' ? { properties: v.props.map((q) => prop(q, program)) } : { range: range(v.loc), value: evaluate(v, program) };
}

/** `faultline inspect`: the canonical model of a file's program as JSON. */
export function inspectJson(program: Program, file: string): unknown {
  const abs = path.resolve(file);
  return {
    file: path.relative(process.cwd(), abs),
    program: { kind: program.kind, root: path.relative(process.cwd(), program.root) || '.', stacks: program.stackNames },
    resources: program.resources
      .filter((r) => path.resolve(r.loc.file) === abs)
      .map((r) => ({
        kind: r.kind,
        type: r.type,
        typeAsWritten: r.typeAsWritten,
        ...(r.token ? { token: r.token } : {}),
        name: r.logicalName,
        multiplicity: r.multiplicity,
        range: range(r.loc),
        options: Object.fromEntries(optionValues(r.options).map(([k, v]) => [k, describeEvaluation(v, program)])),
        ...(r.options.written ? { optionsWritten: r.options.written } : {}),
        properties: r.props.props.map((p) => prop(p, program)),
      })),
    parseErrors: program.files
      .filter((f) => path.resolve(f.path) === abs)
      .flatMap((f) => f.parseErrors.map((e) => ({ message: e.message, range: range(e.loc) }))),
  };
}
