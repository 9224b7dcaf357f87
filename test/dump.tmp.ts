import * as fs from 'node:fs';
import { parseTypeScript } from '../shared/frontends/typescript/parse';
import { evaluate } from '../shared/model/evaluate';
import type { Value } from '../shared/model/types';
const f = process.argv[2]!;
const m = parseTypeScript(fs.readFileSync(f, 'utf8'), f);
const show = (v: Value): string => {
  const e = evaluate(v);
  const at = `${v.loc.range.start.line + 1}:${v.loc.range.start.character + 1}`;
  return e.state === 'known' ? JSON.stringify(e.value) : `<${v.kind}${v.kind === 'ref' ? ' ' + v.ref.kind + ' ' + v.ref.name + (v.ref.attribute ? '.' + v.ref.attribute : '') : ''}${v.output ? ' out' : ''}${v.secret ? ' secret' : ''} ${at}: ${e.state === 'unknown' ? e.reason : ''}>`;
};
for (const r of m.resources) {
  console.log(r.id, r.type, r.token, r.symbol, r.multiplicity, r.inComponent, r.inCallback, Object.keys(r.options), r.logicalName);
  for (const p of r.props.props) console.log('   ', p.key, '=', show(p.value));
}
console.log('builds', m.stringBuilds.map((b) => `${b.kind} ${b.loc.range.start.line + 1}: ${b.parts.map(show).join(' | ')}`));
console.log('comments', m.comments);
console.log('errors', m.parseErrors, m.internalErrors);
console.log('pulumi', JSON.stringify({ ...m.pulumi, configReads: m.pulumi?.configReads.map((c) => [c.key, c.method, c.fallback && show(c.fallback)]) }));
