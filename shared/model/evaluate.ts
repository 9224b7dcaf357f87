import type { Evaluated, Known, Program } from './program';
import type { ObjectValue, Property, Resource, ResourceOptions, Value } from './types';

const MAX_DEPTH = 64;

const unknown = (reason: string, v?: Value): Evaluated => ({ state: 'unknown', reason, loc: v?.loc });

/**
 * Three-valued evaluation: known (a JSON-like value), unknown (with the reason) or absent.
 * Follows const bindings, variable defaults, tfvars, locals, config defaults and folds templates and
 * the pure functions whose result is certain. Anything else stays unknown.
 */
export function evaluate(v: Value | undefined, program?: Program, depth = 0): Evaluated {
  if (!v) return { state: 'absent' };
  if (depth > MAX_DEPTH) return unknown('the value is nested too deeply to evaluate', v);
  switch (v.kind) {
    case 'string':
    case 'number':
    case 'bool':
      return { state: 'known', value: v.value };
    case 'null':
      return { state: 'known', value: null };
    case 'unknown':
      return unknown(v.reason, v);
    case 'template': {
      let s = '';
      for (const p of v.parts) {
        const e = evaluate(p, program, depth + 1);
        if (e.state !== 'known') return e.state === 'absent' ? unknown('a part of the string has no value', p) : e;
        s += stringify(e.value);
      }
      return { state: 'known', value: s };
    }
    case 'list': {
      const out: Known[] = [];
      for (const item of v.items) {
        const e = evaluate(item, program, depth + 1);
        if (e.state !== 'known') return e.state === 'absent' ? unknown('a list item has no value', item) : e;
        out.push(e.value);
      }
      return { state: 'known', value: out };
    }
    case 'object': {
      const out: Record<string, Known> = {};
      for (const p of v.props) {
        const e = evaluate(p.value, program, depth + 1);
        if (e.state !== 'known') return e.state === 'absent' ? unknown('a field has no value', p.value) : e;
        out[p.key] = e.value;
      }
      return { state: 'known', value: out };
    }
    case 'ref': {
      if (v.resolved) return evaluate(v.resolved, program, depth + 1);
      const target = program?.resolve(v.ref);
      if (target) return evaluate(target, program, depth + 1);
      if (v.fallback) return evaluate(v.fallback, program, depth + 1);
      return unknown(program ? program.explainUnknown(v.ref) : `${v.ref.text} is not known before deployment`, v);
    }
    case 'call': {
      if (v.name !== '?:') return evaluateCall(v.name, v.args, program, depth, v);
      // Only the branch the condition picks has to be known.
      const c = evaluate(v.args[0], program, depth + 1);
      if (c.state === 'unknown') return c;
      if (c.state !== 'known' || typeof c.value !== 'boolean') return unknown('the condition is not a known bool', v.args[0] ?? v);
      return evaluate(v.args[c.value ? 1 : 2], program, depth + 1);
    }
  }
}

function stringify(k: Known): string {
  if (typeof k === 'string') return k;
  if (k === null) return '';
  if (typeof k === 'object') return JSON.stringify(k);
  return String(k);
}

type Fn = (args: Known[]) => Known | undefined;
const str = (k: Known | undefined): string | undefined =>
  typeof k === 'string' ? k : typeof k === 'number' || typeof k === 'boolean' ? String(k) : undefined;

/** Terraform's format verbs %s %d %v %q %%; anything fancier stays unknown. */
function format(fmt: string, args: Known[]): string | undefined {
  let i = 0;
  let failed = false;
  const out = fmt.replace(/%(%|[sdvq])/g, (_, verb: string) => {
    if (verb === '%') return '%';
    const a = args[i++];
    if (a === undefined) {
      failed = true;
      return '';
    }
    return verb === 'q' ? JSON.stringify(stringify(a)) : stringify(a);
  });
  return failed ? undefined : out;
}

const FUNCTIONS: Record<string, Fn> = {
  format: ([f, ...rest]) => (typeof f === 'string' ? format(f, rest) : undefined),
  lower: ([s]) => str(s)?.toLowerCase(),
  upper: ([s]) => str(s)?.toUpperCase(),
  title: ([s]) => str(s)?.replace(/\b\w/g, (c) => c.toUpperCase()),
  trimspace: ([s]) => str(s)?.trim(),
  tostring: ([s]) => str(s),
  tonumber: ([s]) => (typeof s === 'number' ? s : typeof s === 'string' && s.trim() !== '' && !isNaN(Number(s)) ? Number(s) : undefined),
  tobool: ([s]) => (typeof s === 'boolean' ? s : s === 'true' ? true : s === 'false' ? false : undefined),
  join: ([sep, list]) => (typeof sep === 'string' && Array.isArray(list) ? list.map(stringify).join(sep) : undefined),
  split: ([sep, s]) => (typeof sep === 'string' && typeof s === 'string' ? s.split(sep) : undefined),
  replace: ([s, a, b]) =>
    typeof s === 'string' && typeof a === 'string' && typeof b === 'string' && !a.startsWith('/') ? s.split(a).join(b) : undefined,
  substr: ([s, o, l]) =>
    typeof s === 'string' && typeof o === 'number' && typeof l === 'number' ? (l < 0 ? s.slice(o) : s.slice(o, o + l)) : undefined,
  concat: (lists) => (lists.every(Array.isArray) ? (lists as Known[][]).flat() : undefined),
  merge: (maps) => (maps.every(isMap) ? Object.assign({}, ...(maps as object[])) : undefined),
  lookup: ([m, k, d]) => (isMap(m) && typeof k === 'string' ? (k in m ? m[k] : d) : undefined),
  coalesce: (xs) => xs.find((x) => x !== null && x !== ''),
  length: ([x]) => (Array.isArray(x) ? x.length : typeof x === 'string' ? x.length : isMap(x) ? Object.keys(x).length : undefined),
  min: (xs) => (xs.every((x) => typeof x === 'number') ? Math.min(...(xs as number[])) : undefined),
  max: (xs) => (xs.every((x) => typeof x === 'number') ? Math.max(...(xs as number[])) : undefined),
  jsonencode: ([x]) => (x === undefined ? undefined : JSON.stringify(x)),
  element: ([l, i]) => (Array.isArray(l) && typeof i === 'number' && l.length > 0 ? l[i % l.length] : undefined),
  tolist: ([l]) => (Array.isArray(l) ? l : undefined),
  toset: ([l]) => (Array.isArray(l) ? [...new Set(l.map((x) => JSON.stringify(x)))].map((x) => JSON.parse(x) as Known) : undefined),
  tomap: ([m]) => (isMap(m) ? m : undefined),
  // `m[k]` and `m.k` on a variable or local (lowered to calls by the frontend); a missing key is an error in Terraform.
  index: ([c, k]) =>
    Array.isArray(c) && typeof k === 'number' ? c[k] : isMap(c) && typeof k === 'string' && Object.hasOwn(c, k) ? c[k] : undefined,
  // Terraform's operators (lowered to calls by the frontend): equality compares type and value, as Terraform does.
  '==': ([a, b]) => JSON.stringify(a) === JSON.stringify(b),
  '!=': ([a, b]) => JSON.stringify(a) !== JSON.stringify(b),
  '<': numeric((a, b) => a < b),
  '>': numeric((a, b) => a > b),
  '<=': numeric((a, b) => a <= b),
  '>=': numeric((a, b) => a >= b),
  '+': numeric((a, b) => a + b),
  '-': numeric((a, b) => a - b),
  '*': numeric((a, b) => a * b),
  '/': numeric((a, b) => (b === 0 ? undefined : a / b)),
  '%': numeric((a, b) => (b === 0 ? undefined : a % b)),
  '&&': ([a, b]) => (typeof a === 'boolean' && typeof b === 'boolean' ? a && b : undefined),
  '||': ([a, b]) => (typeof a === 'boolean' && typeof b === 'boolean' ? a || b : undefined),
  '!': ([a]) => (typeof a === 'boolean' ? !a : undefined),
  negate: ([a]) => (typeof a === 'number' ? -a : undefined),
  cidrsubnet: ([prefix, newbits, netnum]) =>
    typeof prefix === 'string' && typeof newbits === 'number' && typeof netnum === 'number'
      ? cidrsubnet(prefix, newbits, netnum)
      : undefined,
};

/** A binary operator on numbers; Terraform converts numeric strings ("5") as it does here. */
function numeric(op: (a: number, b: number) => Known | undefined): Fn {
  const num = (k: Known | undefined): number | undefined =>
    typeof k === 'number' ? k : typeof k === 'string' && k.trim() !== '' && !isNaN(Number(k)) ? Number(k) : undefined;
  return ([a, b]) => {
    const x = num(a);
    const y = num(b);
    return x === undefined || y === undefined ? undefined : op(x, y);
  };
}

/** Terraform's cidrsubnet for IPv4: the netnum-th subnet of `prefix` with `newbits` more prefix bits. */
function cidrsubnet(prefix: string, newbits: number, netnum: number): string | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(prefix.trim());
  if (!m) return undefined;
  const octets = m.slice(1, 5).map(Number);
  const bits = Number(m[5]);
  const len = bits + newbits;
  if (
    octets.some((o) => o > 255) ||
    bits > 32 ||
    newbits < 0 ||
    len > 32 ||
    netnum < 0 ||
    netnum >= 2 ** newbits ||
    !Number.isInteger(netnum)
  )
    return undefined;
  const base = ((octets[0]! << 24) | (octets[1]! << 16) | (octets[2]! << 8) | octets[3]!) >>> 0;
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  const ip = ((base & mask) + netnum * 2 ** (32 - len)) >>> 0;
  return `${ip >>> 24}.${(ip >>> 16) & 255}.${(ip >>> 8) & 255}.${ip & 255}/${len}`;
}

function isMap(k: Known | undefined): k is { [key: string]: Known } {
  return typeof k === 'object' && k !== null && !Array.isArray(k);
}

function callText(name: string): string {
  return /^\w/.test(name) ? `${name}(...)` : `the ${name} operation`;
}

function evaluateCall(name: string, args: Value[], program: Program | undefined, depth: number, v: Value): Evaluated {
  const fn = Object.hasOwn(FUNCTIONS, name) ? FUNCTIONS[name] : undefined;
  if (!fn) return unknown(`${name}(...) is not evaluated by Faultline`, v);
  const known: Known[] = [];
  for (const a of args) {
    const e = evaluate(a, program, depth + 1);
    if (e.state !== 'known')
      return e.state === 'absent'
        ? unknown(/^\w/.test(name) ? `an argument of ${name}() has no value` : `an operand of ${name} has no value`, a)
        : e;
    known.push(e.value);
  }
  try {
    const r = fn(known);
    return r === undefined ? unknown(`${callText(name)} could not be evaluated with these arguments`, v) : { state: 'known', value: r };
  } catch {
    return unknown(`${callText(name)} failed to evaluate`, v);
  }
}

/** Follows const bindings and refs the frontend resolved, to the value written at the end of the chain. */
export function deref(v: Value | undefined, program?: Program, depth = 0): Value | undefined {
  if (!v || depth > MAX_DEPTH) return v;
  if (v.kind === 'ref') {
    const next = v.resolved ?? program?.resolve(v.ref);
    if (next) return deref(next, program, depth + 1);
  }
  return v;
}

/**
 * The property at a dotted path. An object and a list of exactly one object are treated alike
 * (`server_side_encryption_configuration.rule` works for a Terraform block and a Pulumi args object).
 */
export function getProperty(obj: ObjectValue | Resource | undefined, path: string, program?: Program): Property | undefined {
  let cur: Value | undefined = obj && 'props' in obj && obj.kind !== 'object' ? obj.props : (obj as ObjectValue | undefined);
  let found: Property | undefined;
  // the rules ask for top-level keys most of the time: no split for them (this runs for every rule and resource)
  for (let start = 0; start <= path.length;) {
    const dot = path.indexOf('.', start);
    const key = dot < 0 ? (start === 0 ? path : path.slice(start)) : path.slice(start, dot);
    const o = asObject(cur, program);
    if (!o) return undefined;
    found = findLast(o.props, key) ?? (o.partial ? unseen(o, key) : undefined);
    if (!found) return undefined;
    cur = found.value;
    if (dot < 0) break;
    start = dot + 1;
  }
  return found;
}

/** A key of a partial object that the frontend could not see: present for all we know, value unknown. */
function unseen(o: ObjectValue, key: string): Property {
  const value: Value = {
    kind: 'unknown',
    reason: 'the arguments include values Faultline cannot follow (a spread, **kwargs or a variable)',
    text: key,
    loc: o.loc,
  };
  return { key, keyAsWritten: key, keyLoc: o.loc, value, loc: o.loc };
}

function findLast(props: Property[], key: string): Property | undefined {
  for (let i = props.length - 1; i >= 0; i--) if (props[i]!.key === key) return props[i];
  return undefined;
}

export function get(obj: ObjectValue | Resource | undefined, path: string, program?: Program): Value | undefined {
  return getProperty(obj, path, program)?.value;
}

/** The value as an object: an object, a list of one object, or a ref to one. */
export function asObject(v: Value | undefined, program?: Program): ObjectValue | undefined {
  const d = deref(v, program);
  if (!d) return undefined;
  if (d.kind === 'object') return d;
  if (d.kind === 'list' && d.items.length === 1) return asObject(d.items[0], program);
  return undefined;
}

/** The value as a list of values (a list, or a single non-list value as a list of one); undefined if unknown. */
export function asList(v: Value | undefined, program?: Program): Value[] | undefined {
  const d = deref(v, program);
  if (!d) return undefined;
  if (d.kind === 'list') return d.items;
  if (d.kind === 'object') return [d];
  return undefined;
}

/** true / false / undefined when unknown / 'absent' when missing. */
export function evalBool(v: Value | undefined, program?: Program): boolean | undefined | 'absent' {
  const e = evaluate(v, program);
  if (e.state === 'absent') return 'absent';
  if (e.state !== 'known') return undefined;
  if (typeof e.value === 'boolean') return e.value;
  if (e.value === 'true') return true;
  if (e.value === 'false') return false;
  return undefined;
}

export function evalString(v: Value | undefined, program?: Program): string | undefined {
  const e = evaluate(v, program);
  if (e.state !== 'known') return undefined;
  return typeof e.value === 'string' ? e.value : typeof e.value === 'number' ? String(e.value) : undefined;
}

export function evalNumber(v: Value | undefined, program?: Program): number | undefined {
  const e = evaluate(v, program);
  if (e.state !== 'known') return undefined;
  if (typeof e.value === 'number') return e.value;
  if (typeof e.value === 'string' && /^-?\d+(\.\d+)?$/.test(e.value.trim())) return Number(e.value);
  return undefined;
}

/** Every value inside `v` (itself included), depth-first, following nothing. */
export function walkValues(v: Value | undefined): Value[] {
  // An explicit stack: a recursive generator passes every value up through each enclosing level (`yield*`), which made
  // the rules that scan all values (hardcoded-secret, missing-local-file) a fifth of the rules' time. An array, not a
  // generator: a generator allocates a result object per value, the largest allocation of the rules.
  const out: Value[] = [];
  const values: (Value | undefined)[] = [v];
  const depths: number[] = [0];
  const push = (children: readonly (Value | undefined)[], depth: number): void => {
    for (let i = children.length - 1; i >= 0; i--) {
      values.push(children[i]);
      depths.push(depth);
    }
  };
  while (values.length) {
    const x = values.pop();
    const depth = depths.pop()!;
    if (!x || depth > 10_000) continue;
    out.push(x);
    switch (x.kind) {
      case 'template':
        push(x.parts, depth + 1);
        break;
      case 'list':
        push(x.items, depth + 1);
        break;
      case 'object':
        for (let i = x.props.length - 1; i >= 0; i--) {
          values.push(x.props[i]!.value);
          depths.push(depth + 1);
        }
        break;
      case 'call':
        push(x.args, depth + 1);
        break;
      case 'ref':
        if (x.fallback) push([x.fallback], depth + 1);
        break;
      default:
        break;
    }
  }
  return out;
}

/** The resource options that hold values (`written` says how they were written; it is no value). */
export function optionValues(options: ResourceOptions): [string, Value][] {
  const out: [string, Value][] = [];
  for (const [k, v] of Object.entries(options)) if (k !== 'written' && v !== undefined) out.push([k, v as Value]);
  return out;
}

/** A short description of how a value evaluates, for hovers: "var.ha -> unknown: no default". */
export function describeEvaluation(v: Value | undefined, program?: Program): string {
  const e = evaluate(v, program);
  if (e.state === 'absent') return 'absent (the provider default applies)';
  if (e.state === 'unknown') return `unknown: ${e.reason}`;
  return JSON.stringify(e.value);
}

/** Whether Terraform's `count` is known to be 0 or `for_each` known to be empty: the block creates no instance. */
export function createsNothing(count: Value | undefined, forEach: Value | undefined, program?: Program): boolean {
  const c = count && evaluate(count, program);
  if (c && c.state === 'known' && (c.value === 0 || c.value === '0')) return true;
  const e = forEach && evaluate(forEach, program);
  return !!e && e.state === 'known' && typeof e.value === 'object' && e.value !== null && Object.keys(e.value).length === 0;
}
