import { basename } from 'node:path';
import { deref, evaluate } from '../../model/evaluate';
import type { Known } from '../../model/program';
import type { Loc, Resource, Value } from '../../model/types';
import { ALL_LANGUAGES, defineRule, type RuleContext } from '../../engine/rule';
import { describe } from '../util';

/** The placeholders, each a pattern over a whole token of the value, and what it is. */
const PATTERNS: { re: RegExp; what: string }[] = [
  { re: /(?<![A-Za-z0-9])(replace[_-]?me|change[_-]?me|update[_-]?me|fill[_-]?me(?:[_-]?in)?)(?![A-Za-z0-9])/i, what: 'a placeholder' },
  { re: /(?<![A-Za-z0-9])(YOUR|your)[_-][A-Za-z0-9_-]*[_-](HERE|here)(?![A-Za-z0-9])/, what: 'a placeholder' },
  { re: /<\s*(your|my|insert|enter|replace|put|add)[ _-][^<>]{1,60}>/i, what: 'a placeholder' },
  { re: /<\s*(account[ _-]?id|aws[ _-]account[ _-]id|region|bucket[ _-]name|vpc[ _-]id|subnet[ _-]id|domain)\s*>/i, what: 'a placeholder' },
  { re: /^\s*(TODO|FIXME|TBD|XXX)\s*$|^\s*(TODO|FIXME|TBD)\s*[:(]/, what: 'a TODO marker' },
  { re: /(?<![A-Za-z0-9])[xX]{4,}(?![A-Za-z0-9])/, what: 'a placeholder' },
  { re: /(?<!\d)123456789012(?!\d)/, what: 'the example account id from the AWS documentation' },
  {
    re: /(?<![A-Za-z0-9-])(ami|vpc|sg|subnet|igw|nat|rtb|eni|vol|snap|i|lt|acl|eipalloc|pl|tgw|vpce)-(12345678|123456789|1234567890|0123456789abcdef0?|1234567890abcdef0?|123456789abcdef0?|abcdef12|abcd1234|0{8}|0{17})(?![A-Za-z0-9])/,
    what: 'an example resource id from the documentation',
  },
];

const EXAMPLE_EMAIL = /^[^@\s]+@([a-z0-9-]+\.)*(example\.(com|org|net)|yourdomain\.com|mydomain\.com|domain\.com|your-domain\.com)$/i;

/** Verdicts per string: the editor analyses the same values on every keystroke (bounded: strings come from user files). */
const MAX_MEMO = 20_000;
const memo = new Map<string, [string, string] | null>();

/** The first placeholder in `s`, as [matched text, description]. */
export function findPlaceholder(s: string): [string, string] | undefined {
  const known = memo.get(s);
  if (known !== undefined) return known ?? undefined;
  let found: [string, string] | null = null;
  for (const { re, what } of PATTERNS) {
    const m = re.exec(s);
    if (m) {
      found = [m[0].trim(), what];
      break;
    }
  }
  if (memo.size >= MAX_MEMO) memo.clear();
  memo.set(s, found);
  return found ?? undefined;
}

function* strings(k: Known): Generator<string> {
  if (typeof k === 'string') yield k;
  else if (Array.isArray(k)) for (const x of k) yield* strings(x);
  else if (k && typeof k === 'object') for (const x of Object.values(k)) yield* strings(x);
}

interface Hit {
  loc: Loc;
  path: string;
  value: string;
  match: string;
  what: string;
  /** Where the value is written, when a reference leads there from elsewhere (a tfvars file, a constant). */
  writtenAt?: Loc;
}

const unquoted = (key: string): string => key.replace(/^["']|["']$/g, '');

/** How a hit names its property: `ingress[0].cidr_blocks`. Built only for a hit, from the keys and indexes walked. */
function pathText(path: (string | number)[]): string {
  let out = '';
  path.forEach((s, i) => (out += typeof s === 'number' ? `[${s}]` : i > 0 ? `.${unquoted(s)}` : unquoted(s)));
  return out;
}

/**
 * Every placeholder in the value at `path` (keys and list indexes from the resource's top level, pushed and popped
 * as the walk goes): literals where written, references and templates where they evaluate.
 */
function scan(v: Value, path: (string | number)[], ctx: RuleContext, out: Hit[], depth = 0): void {
  if (depth > 40) return;
  const check = (s: string, loc: Loc, writtenAt?: Loc): boolean => {
    const p = findPlaceholder(s);
    if (!p) return false;
    out.push({ loc, path: pathText(path), value: s, match: p[0], what: p[1], ...(writtenAt ? { writtenAt } : {}) });
    return true;
  };
  switch (v.kind) {
    case 'string':
      check(v.value, v.loc);
      return;
    case 'object':
      for (const p of v.props) {
        path.push(p.keyAsWritten);
        scan(p.value, path, ctx, out, depth + 1);
        path.pop();
      }
      return;
    case 'list':
      for (let i = 0; i < v.items.length; i++) {
        path.push(i);
        scan(v.items[i]!, path, ctx, out, depth + 1);
        path.pop();
      }
      return;
    case 'template': {
      // Literal parts first (where they are written); then the whole string when it evaluates.
      const before = out.length;
      for (const p of v.parts) scan(p, path, ctx, out, depth + 1);
      if (out.length > before) return;
      const e = evaluate(v, ctx.program);
      if (e.state === 'known' && typeof e.value === 'string') check(e.value, v.loc);
      return;
    }
    case 'call': {
      const before = out.length;
      for (const a of v.args) scan(a, path, ctx, out, depth + 1);
      if (out.length > before) return;
      const e = evaluate(v, ctx.program);
      if (e.state === 'known') for (const s of strings(e.value)) if (check(s, v.loc)) return;
      return;
    }
    case 'ref': {
      const e = evaluate(v, ctx.program);
      if (e.state !== 'known') return;
      const end = deref(v, ctx.program);
      // A value a calling module passes is reported there, at its module block.
      if (end && !ctx.program.files.some((f) => f.path === end.loc.file)) return;
      // Where it is written when that is another file: a tfvars file, a constant elsewhere.
      const at = end && end !== v && end.kind === 'string' && end.loc.file !== v.loc.file ? end.loc : undefined;
      for (const s of strings(e.value)) if (check(s, v.loc, at)) return;
      return;
    }
    default:
      return;
  }
}

function emailPlaceholder(r: Resource, ctx: RuleContext): Hit | undefined {
  if (r.type !== 'aws_sns_topic_subscription') return undefined;
  const protocol = r.props.props.find((p) => p.key === 'protocol');
  const endpoint = r.props.props.find((p) => p.key === 'endpoint');
  if (!endpoint) return undefined;
  const proto = protocol ? evaluate(protocol.value, ctx.program) : undefined;
  if (proto?.state === 'known' && typeof proto.value === 'string' && !proto.value.startsWith('email')) return undefined;
  const e = evaluate(endpoint.value, ctx.program);
  if (e.state !== 'known' || typeof e.value !== 'string' || !EXAMPLE_EMAIL.test(e.value.trim())) return undefined;
  return { loc: endpoint.value.loc, path: endpoint.keyAsWritten, value: e.value, match: e.value, what: 'an example address nobody reads' };
}

export default defineRule({
  meta: {
    id: 'placeholder-value',
    title: 'Placeholder value left in the program',
    category: 'deployability',
    severity: 'medium',
    profiles: 'all',
    languages: ALL_LANGUAGES,
    impact:
      'Values copied from documentation or templates (REPLACE_ME, <your-bucket>, account 123456789012, ami-12345678, vpc-12345678, user@example.com) name things that do not exist in your account: the deploy fails with "not found" or "invalid id", or succeeds and sends alarms and access to nobody.',
    fix: 'Replace the placeholder with the real value, or read it from configuration (a variable, a config value, a data source lookup such as the AMI or VPC data sources, the caller identity for the account id).',
    links: ['https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html'],
  },
  resource(r, ctx) {
    if (r.kind === 'data') return;
    const hits: Hit[] = [];
    for (const p of r.props.props) scan(p.value, [p.keyAsWritten], ctx, hits);
    const email = emailPlaceholder(r, ctx);
    if (email) hits.push(email);
    const seen = new Set<string>();
    for (const h of hits) {
      const k = `${h.loc.file}:${h.loc.start}:${h.loc.end}`;
      if (seen.has(k)) continue;
      seen.add(k);
      const shown = h.value.length > 80 ? `${h.value.slice(0, 77)}...` : h.value;
      const where = h.writtenAt ? ` in ${basename(h.writtenAt.file)}` : '';
      ctx.report({
        resource: r,
        loc: h.loc,
        message:
          h.match === h.value
            ? `${describe(r)} sets ${h.path} to "${shown}", ${h.what}: replace it with the real value${where}`
            : `${describe(r)} sets ${h.path} to "${shown}", which contains ${h.match} (${h.what}): replace it with the real value${where}`,
        ...(h.writtenAt ? { related: [{ loc: h.writtenAt, message: 'the value is written here' }] } : {}),
      });
    }
  },
});
