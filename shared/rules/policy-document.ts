import { asList, deref, evaluate, getProperty } from '../model/evaluate';
import type { Known, Program } from '../model/program';
import type { Loc, Property, Resource, Value } from '../model/types';

/** A part of a policy document the engine cannot know (an interpolated ARN, an Output, a variable without default). */
export const UNKNOWN: unique symbol = Symbol('unknown');
export type Doc = string | number | boolean | null | typeof UNKNOWN | Doc[] | { [k: string]: Doc };

/** Policy-document arguments per resource type (canonical paths; `[]` marks a list of blocks). */
export const POLICY_PROPS: Record<string, string[]> = {
  aws_iam_policy: ['policy'],
  aws_iam_role_policy: ['policy'],
  aws_iam_user_policy: ['policy'],
  aws_iam_group_policy: ['policy'],
  aws_iam_role: ['assume_role_policy', 'inline_policy[].policy'],
  aws_s3_bucket_policy: ['policy'],
  aws_s3_bucket: ['policy'],
  aws_sns_topic_policy: ['policy'],
  aws_sns_topic: ['policy'],
  aws_sqs_queue_policy: ['policy'],
  aws_sqs_queue: ['policy'],
  aws_kms_key: ['policy'],
  aws_kms_replica_key: ['policy'],
  aws_ecr_repository_policy: ['policy'],
  aws_ecr_registry_policy: ['policy'],
  aws_secretsmanager_secret_policy: ['policy'],
  aws_secretsmanager_secret: ['policy'],
  aws_efs_file_system_policy: ['policy'],
  aws_backup_vault_policy: ['policy'],
  aws_glacier_vault: ['access_policy'],
  aws_opensearch_domain: ['access_policies'],
  aws_opensearch_domain_policy: ['access_policies'],
  aws_elasticsearch_domain: ['access_policies'],
  aws_elasticsearch_domain_policy: ['access_policies'],
  aws_api_gateway_rest_api: ['policy'],
  aws_api_gateway_rest_api_policy: ['policy'],
  aws_vpc_endpoint: ['policy'],
  aws_vpc_endpoint_policy: ['policy'],
  aws_cloudwatch_log_resource_policy: ['policy_document'],
  aws_cloudwatch_event_bus_policy: ['policy'],
};

export interface PolicyDocument {
  resource: Resource;
  /** The property as written (`policy`, `inline_policy.policy`, `assumeRolePolicy`). */
  key: string;
  /** True for an assume-role (trust) policy. */
  trust: boolean;
  value: Value;
  /** Where the document is written (the literal, the jsonencode call, the object), for messages. */
  loc: Loc;
  /** How it is written. */
  form: 'json' | 'object';
  /** The parsed document (UNKNOWN leaves where the engine cannot know); undefined when it does not parse. */
  doc?: Doc;
  /** For a JSON string that does not parse: the parser's message. Only set when the whole text is known. */
  parseError?: string;
}

/** Where each object of a document written as an object was written, and which objects may hold keys the engine cannot see. */
export const docLocs = new WeakMap<object, Loc>();
export const partialDocs = new WeakSet<object>();

const MARK = '\u0001faultline-unknown\u0001';

/** Whether a document string has parts the engine cannot know (`logs.${region}.amazonaws.com`). */
export function hasUnknownPart(s: string): boolean {
  return s.includes(MARK);
}

function fromKnown(k: Known): Doc {
  if (Array.isArray(k)) return k.map(fromKnown);
  if (k && typeof k === 'object') return Object.fromEntries(Object.entries(k).map(([a, b]) => [a, fromKnown(b)]));
  return k;
}

function unmark(d: unknown): Doc {
  if (d === MARK) return UNKNOWN;
  if (Array.isArray(d)) return d.map(unmark);
  if (d && typeof d === 'object') return Object.fromEntries(Object.entries(d).map(([a, b]) => [a, unmark(b)]));
  return d as Doc;
}

function stripQuotes(k: string): string {
  return k.replace(/^["'`]|["'`]$/g, '');
}

/** A value as a document node (objects and lists structurally, leaves evaluated). */
export function toDoc(v: Value | undefined, program: Program, depth = 0): Doc {
  if (!v || depth > 40) return UNKNOWN;
  const d = deref(v, program) ?? v;
  switch (d.kind) {
    case 'object': {
      const out: { [k: string]: Doc } = {};
      for (const p of d.props) out[stripQuotes(p.keyAsWritten)] = toDoc(p.value, program, depth + 1);
      docLocs.set(out, d.loc);
      if (d.partial) partialDocs.add(out);
      return out;
    }
    case 'list':
      return d.items.map((i) => toDoc(i, program, depth + 1));
    case 'template': {
      const e = evaluate(d, program);
      if (e.state === 'known' && typeof e.value === 'string') return e.value;
      // Keep the known parts: "arn:aws:s3:::${bucket}/*" is not "*".
      let s = '';
      for (const p of d.parts) {
        const pe = evaluate(p, program);
        s += pe.state === 'known' && typeof pe.value === 'string' ? pe.value : MARK;
      }
      return s === MARK ? UNKNOWN : s;
    }
    default: {
      const e = evaluate(d, program);
      return e.state === 'known' ? fromKnown(e.value) : UNKNOWN;
    }
  }
}

/** The document a policy argument holds: a JSON string (literal, heredoc, template), jsonencode()/JSON.stringify()/json.dumps(), or an object. */
export function readDocument(r: Resource, key: string, trust: boolean, value: Value, program: Program): PolicyDocument | undefined {
  const d = deref(value, program) ?? value;
  const base = { resource: r, key, trust, value };
  if (d.kind === 'call' && d.name === 'jsonencode' && d.args.length === 1) {
    const arg = deref(d.args[0], program);
    if (arg?.kind !== 'object') return undefined;
    return { ...base, loc: d.loc, form: 'object', doc: toDoc(arg, program) };
  }
  if (d.kind === 'object') return { ...base, loc: d.loc, form: 'object', doc: toDoc(d, program) };
  if (d.kind === 'string' || d.kind === 'template') {
    const e = evaluate(d, program);
    if (e.state === 'known' && typeof e.value === 'string') {
      try {
        return { ...base, loc: d.loc, form: 'json', doc: fromKnown(JSON.parse(e.value) as Known) };
      } catch (err) {
        return { ...base, loc: d.loc, form: 'json', parseError: describeJsonError(e.value, err as Error) };
      }
    }
    if (d.kind !== 'template') return undefined;
    // Unknown interpolations (ARNs, ids): parse with a marker in their place; a failure here proves nothing.
    let text = '';
    for (const p of d.parts) {
      const pe = evaluate(p, program);
      if (pe.state === 'known' && typeof pe.value === 'string') text += pe.value;
      else text += MARK;
    }
    try {
      return { ...base, loc: d.loc, form: 'json', doc: unmark(JSON.parse(text)) };
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** Every policy document the resource holds, in the arguments of POLICY_PROPS. */
export function policyDocuments(r: Resource, program: Program): PolicyDocument[] {
  const out: PolicyDocument[] = [];
  for (const path of POLICY_PROPS[r.type] ?? []) {
    const trust = path === 'assume_role_policy';
    if (path.includes('[]')) {
      const [listKey, inner] = path.split('[].') as [string, string];
      const listProp = getProperty(r, listKey);
      for (const item of asList(listProp?.value, program) ?? []) {
        const obj = deref(item, program);
        if (obj?.kind !== 'object') continue;
        const p = obj.props.find((x) => x.key === inner);
        if (!p) continue;
        const doc = readDocument(r, `${listProp!.keyAsWritten}.${p.keyAsWritten}`, trust, p.value, program);
        if (doc) out.push(doc);
      }
      continue;
    }
    const prop: Property | undefined = getProperty(r, path);
    if (!prop) continue;
    const doc = readDocument(r, prop.keyAsWritten, trust, prop.value, program);
    if (doc) out.push(doc);
  }
  return out;
}

/** A document field by case-insensitive name (`Statement`, `statement`). */
export function field(o: Doc | undefined, name: string): Doc | undefined {
  if (!o || typeof o !== 'object' || Array.isArray(o)) return undefined;
  const want = name.toLowerCase();
  for (const [k, v] of Object.entries(o)) if (k.toLowerCase() === want) return v;
  return undefined;
}

export function hasField(o: Doc | undefined, name: string): boolean {
  return field(o, name) !== undefined;
}

/** The statements of a document (Statement may be one object or a list); UNKNOWN items are skipped. */
export function statements(doc: Doc | undefined): { [k: string]: Doc }[] {
  const s = field(doc, 'Statement');
  const list = Array.isArray(s) ? s : s && typeof s === 'object' ? [s] : [];
  return list.filter((x): x is { [k: string]: Doc } => !!x && typeof x === 'object' && !Array.isArray(x));
}

/** A field as a list of known strings, and whether every item was known. */
export function stringsOf(d: Doc | undefined): { values: string[]; complete: boolean } {
  const list = Array.isArray(d) ? d : d === undefined ? [] : [d];
  const values = list.filter((x): x is string => typeof x === 'string');
  return { values, complete: values.length === list.length };
}

/** Where JSON.parse failed, independent of the engine's wording: "at line 7, column 5, near `...`". */
function describeJsonError(text: string, err: Error): string {
  const m = /position (\d+)/.exec(err.message);
  let pos = m ? Number(m[1]) : undefined;
  if (pos === undefined) {
    if (/end of (JSON|data) input|Unterminated/i.test(err.message)) pos = text.length;
    else return 'it does not parse';
  }
  const before = text.slice(0, pos);
  const line = before.split('\n').length;
  const column = pos - before.lastIndexOf('\n');
  const near = text
    .slice(Math.max(0, pos - 12), pos + 8)
    .replace(/\s+/g, ' ')
    .trim();
  return pos >= text.trimEnd().length ? 'it ends too early' : `at line ${line}, column ${column}, near \`${near}\``;
}
