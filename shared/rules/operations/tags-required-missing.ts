import { deref, evaluate, getProperty } from '../../model/evaluate';
import type { Program } from '../../model/program';
import type { FileModel, FixIntent, FixValue, ObjectValue, Property, Resource, Value } from '../../model/types';
import { isTaggable } from '../../knowledge/schema';
import { ALL_LANGUAGES, defineRule, languageFamily, type Fix } from '../../engine/rule';
import { describe, exprIn, referencedResource } from '../util';

/**
 * Inference: a tag key is required when at least MIN_SHARE of the taggable resources whose tags are fully known
 * carry it, and there are at least MIN_RESOURCES of those. `Name` is a per-resource label, never inferred.
 */
const MIN_RESOURCES = 4;
const MIN_SHARE = 0.75;
const NOT_INFERRED = new Set(['Name']);
const PLACEHOLDER = 'TODO';

/** The tag keys a value certainly holds, and whether those are all of them. */
interface TagKeys {
  keys: Map<string, Value | undefined>;
  complete: boolean;
}

const NONE: TagKeys = { keys: new Map(), complete: true };
const UNKNOWN: TagKeys = { keys: new Map(), complete: false };

/** The keys of a tags map: an object (through const bindings, locals and variable defaults), `merge(...)` of such, or null. */
function tagKeys(v: Value | undefined, program: Program, depth = 0): TagKeys {
  if (!v) return NONE;
  const d = deref(v, program);
  if (!d || depth > 20) return UNKNOWN;
  if (d.kind === 'null') return NONE;
  if (d.kind === 'object') return { keys: new Map(d.props.map((p) => [p.key, p.value])), complete: !d.partial };
  if (d.kind === 'call' && d.name === 'merge') {
    const keys = new Map<string, Value | undefined>();
    let complete = true;
    for (const a of d.args) {
      const k = tagKeys(a, program, depth + 1);
      for (const [key, value] of k.keys) keys.set(key, value);
      complete &&= k.complete;
    }
    return { keys, complete };
  }
  if (d.kind === 'ref' && d.fallback) return tagKeys(d.fallback, program, depth + 1);
  return UNKNOWN;
}

function union(parts: TagKeys[]): TagKeys {
  const keys = new Map<string, Value | undefined>();
  for (const p of parts) for (const [k, v] of p.keys) keys.set(k, v);
  return { keys, complete: parts.every((p) => p.complete) };
}

/** Keys every candidate provider adds for sure; any unknown candidate makes the whole unknown. */
function providedByAll(candidates: TagKeys[]): TagKeys {
  if (!candidates.length) return NONE;
  if (candidates.some((c) => !c.complete)) return UNKNOWN;
  // A key is missing only when no candidate provider can add it: take the union (the conservative side).
  return union(candidates);
}

/** Default tags per provider of the program, computed once per program. */
interface Defaults {
  /** Tags the provider(s) of `r` add, or unknown. */
  of(r: Resource): TagKeys;
  /** The program registers stack transformations: any resource may get any tag. */
  transformed: boolean;
}

const cache = new WeakMap<Program, Defaults>();

function defaultsOf(program: Program): Defaults {
  let d = cache.get(program);
  if (!d) {
    d = { of: terraformDefaults(program), transformed: program.files.some(hasTransformations) };
    const pulumi = pulumiDefaults(program);
    const tf = d.of;
    d.of = (r) => (r.language === 'terraform' ? tf(r) : pulumi(r));
    cache.set(program, d);
  }
  return d;
}

/**
 * Terraform: the `default_tags` of the provider configuration the resource uses (`provider = aws.west`, else the
 * unaliased one). A module that configures no aws provider inherits its caller's, whose default tags are unknown.
 */
function terraformDefaults(program: Program): (r: Resource) => TagKeys {
  const providers = program.files.flatMap((f) => f.terraform?.providers ?? []).filter((p) => p.name === 'aws');
  const tagsOf = (props: ObjectValue): TagKeys => {
    const block = getProperty(props, 'default_tags', program);
    if (!block) return NONE;
    if (deref(block.value, program)?.kind !== 'object' && deref(block.value, program)?.kind !== 'list') return UNKNOWN;
    return tagKeys(getProperty(props, 'default_tags.tags', program)?.value, program);
  };
  return (r) => {
    if (!providers.length) return UNKNOWN;
    const opt = r.options.provider;
    if (!opt) {
      const dflt = providers.find((p) => !p.alias);
      return dflt ? tagsOf(dflt.props) : NONE;
    }
    if (opt.kind !== 'ref' || opt.ref.kind !== 'provider' || opt.ref.resourceType !== 'aws')
      return providedByAll(providers.map((p) => tagsOf(p.props)));
    const alias = opt.ref.name || undefined;
    const p = providers.find((x) => (x.alias ?? undefined) === alias);
    return p ? tagsOf(p.props) : UNKNOWN;
  };
}

/**
 * Pulumi: the `defaultTags` of the explicit provider the resource names, else the default provider's
 * `aws:defaultTags` from the stack files (only keys set in every stack count). A resource inside a component may
 * inherit any provider passed to the component, so every explicit provider is a candidate there.
 */
function pulumiDefaults(program: Program): (r: Resource) => TagKeys {
  const explicit = program.resources.filter((r) => r.language !== 'terraform' && isAwsProvider(r));
  const tagsOfProvider = (p: Resource): TagKeys => {
    if (p.props.partial) return UNKNOWN;
    return tagKeys(getProperty(p, 'default_tags.tags', program)?.value, program);
  };
  const stackDefault = ((): TagKeys => {
    const stacks = Object.values(program.stackConfig);
    let common: Set<string> | undefined;
    for (const config of stacks) {
      const raw = config['aws:defaultTags'];
      if (raw === undefined) return NONE;
      const tags = (raw as { tags?: unknown } | null)?.tags;
      if (typeof tags !== 'object' || tags === null || Array.isArray(tags)) return UNKNOWN;
      const keys = Object.keys(tags);
      common = new Set(common ? keys.filter((k) => common!.has(k)) : keys);
    }
    return { keys: new Map([...(common ?? [])].map((k) => [k, undefined])), complete: true };
  })();
  return (r) => {
    const opt = r.options.provider;
    if (opt) {
      const p = referencedResource(opt, explicit);
      return p ? tagsOfProvider(p) : UNKNOWN;
    }
    if (r.inComponent || r.options.parent) return providedByAll([stackDefault, ...explicit.map(tagsOfProvider)]);
    return stackDefault;
  };
}

function isAwsProvider(r: Resource): boolean {
  return r.type === 'provider' || r.token === 'aws:provider:Provider' || r.typeAsWritten === 'aws.Provider';
}

/** Stack transformations and transforms (or helpers such as registerAutoTags) may add tags to any resource. */
function hasTransformations(f: FileModel): boolean {
  return f.pulumi?.transforms === true;
}

interface Taggable {
  r: Resource;
  prop: Property | undefined;
  /** The keys the resource ends up with: its own tags and its provider's default tags. */
  effective: TagKeys;
  /** Whether its own tags hold no key at all (absent, null or empty). */
  untagged: boolean;
}

function taggables(program: Program, defaults: Defaults): Taggable[] {
  const out: Taggable[] = [];
  for (const r of program.resources) {
    if (r.kind !== 'resource' || !isTaggable(r.type)) continue;
    const prop = getProperty(r, 'tags');
    const own = r.props.partial && !prop ? UNKNOWN : tagKeys(prop?.value, program);
    out.push({ r, prop, effective: union([own, defaults.of(r)]), untagged: own.complete && own.keys.size === 0 });
  }
  return out;
}

/** The value most resources carrying `key` give it (a literal, or the same reference in a scope the resource shares). */
function suggestedValue(t: Taggable, key: string, all: Taggable[], program: Program): FixValue {
  const values = all.flatMap((o) => {
    const v = o !== t ? o.effective.keys.get(key) : undefined;
    return v ? [{ o, v }] : [];
  });
  const known = new Set<string>();
  for (const { v } of values) {
    const e = evaluate(v, program);
    known.add(e.state === 'known' && typeof e.value === 'string' ? e.value : '\u0000');
  }
  if (values.length && known.size === 1 && !known.has('\u0000')) return { kind: 'literal', value: [...known][0]! };
  const texts = new Set<string>();
  for (const { o, v } of values) {
    const sameScope =
      t.r.language === 'terraform'
        ? o.r.language === 'terraform'
        : o.r.loc.file === t.r.loc.file && o.r.inComponent === t.r.inComponent && o.r.inCallback === t.r.inCallback;
    const text = v.kind === 'ref' ? v.ref.text : undefined;
    texts.add(sameScope && text && v.kind === 'ref' && v.ref.kind !== 'call' ? text : '\u0000');
  }
  if (texts.size === 1 && !texts.has('\u0000')) return exprIn(t.r, [...texts][0]!);
  return { kind: 'literal', value: PLACEHOLDER };
}

function objectText(t: Taggable, entries: [string, FixValue][]): FixValue {
  const lang = languageFamily(t.r.language);
  const str = (s: string): string => (lang === 'typescript' ? `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'` : JSON.stringify(s));
  const val = (v: FixValue): string =>
    v.kind === 'literal' ? (typeof v.value === 'string' ? str(v.value) : String(v.value)) : (v[lang] ?? str(PLACEHOLDER));
  const key = (k: string): string =>
    lang === 'python' ? JSON.stringify(k) : /^[A-Za-z_][A-Za-z0-9_]*$/.test(k) && (lang === 'typescript' || !k.includes('-')) ? k : str(k);
  const sep = lang === 'terraform' ? ' = ' : ': ';
  const body = entries.map(([k, v]) => `${key(k)}${sep}${val(v)}`).join(', ');
  // Each language's formatter: `{ a: 'b' }` (Prettier), `{"a": "b"}` (Black), `{ a = "b" }` (terraform fmt).
  return exprIn(t.r, lang === 'python' ? `{${body}}` : `{ ${body} }`);
}

/** The object literal new tags go into: the `tags` object itself, or the last literal argument of `merge(...)`. */
function tagsObject(prop: Property): ObjectValue | undefined {
  const v = prop.value;
  if (v.kind === 'object' && !v.partial) return v;
  if (v.kind === 'call' && v.name === 'merge') {
    const last = v.args[v.args.length - 1];
    if (last?.kind === 'object' && !last.partial) return last;
  }
  return undefined;
}

function fixes(t: Taggable, missing: string[], all: Taggable[], program: Program): Fix[] {
  // A key with a dot cannot be named in a setProperty path.
  if (missing.some((k) => k.includes('.'))) return [];
  const entries = missing.map((k): [string, FixValue] => [k, suggestedValue(t, k, all, program)]);
  const filled = entries.every(([, v]) => !(v.kind === 'literal' && v.value === PLACEHOLDER));
  const title = (keys: string[]): string =>
    `Add the tag${keys.length > 1 ? 's' : ''} ${keys.join(', ')}${filled ? '' : ' (fill in the values)'}`;
  if (!t.prop) {
    if (t.r.props.partial) return [];
    return [
      {
        title: title(missing),
        intents: [{ kind: 'setProperty', target: t.r.props, key: 'tags', value: objectText(t, entries) }],
        safe: false,
      },
    ];
  }
  const obj = tagsObject(t.prop);
  if (!obj) return [];
  const intent = ([k, v]: [string, FixValue]): FixIntent => ({ kind: 'setProperty', target: obj, key: k, value: v });
  // An empty or one-line object is rewritten by each insertion: one key per fix there.
  const oneLine = obj.loc.range.start.line === obj.loc.range.end.line;
  if (entries.length > 1 && (oneLine || obj.props.length === 0)) {
    if (obj.props.length === 0) {
      return [
        {
          title: title(missing),
          intents: [{ kind: 'replaceValue', value: obj, with: objectText(t, entries) }],
          safe: false,
        },
      ];
    }
    return entries.map((e) => ({ title: title([e[0]]), intents: [intent(e)], safe: false }));
  }
  return [{ title: title(missing), intents: entries.map(intent), safe: false }];
}

export default defineRule({
  meta: {
    id: 'tags-required-missing',
    title: 'Taggable resource without the required tags',
    category: 'operations',
    severity: 'low',
    profiles: 'all',
    languages: ALL_LANGUAGES,
    impact:
      'Untagged resources drop out of cost allocation, ownership and environment reports, tag-based IAM conditions and automation (backups, clean-up of short-lived stacks); nobody can tell whose they are or whether they can be deleted.',
    fix: 'Add the missing tag keys to the resource, or better, set them once for every resource: Terraform `default_tags` in the aws provider, Pulumi `defaultTags` on the provider or `aws:defaultTags` in the stack configuration. The required keys come from `requiredTags` in faultline.json, or are inferred from the keys most taggable resources carry.',
    links: [
      'https://docs.aws.amazon.com/whitepapers/latest/tagging-best-practices/tagging-best-practices.html',
      'https://www.hashicorp.com/blog/default-tags-in-the-terraform-aws-provider',
      'https://github.com/terraform-linters/tflint-ruleset-aws/blob/master/docs/rules/aws_resource_missing_tags.md',
    ],
  },
  program(ctx) {
    const { program } = ctx;
    const defaults = defaultsOf(program);
    if (defaults.transformed) return;
    const all = taggables(program, defaults);
    const configured = ctx.settings.requiredTags;
    let required: { key: string; carriers?: number }[];
    let judged = 0;
    if (configured.length) {
      required = configured.map((key) => ({ key }));
    } else {
      const known = all.filter((t) => t.effective.complete);
      judged = known.length;
      if (judged < MIN_RESOURCES) return;
      const counts = new Map<string, number>();
      for (const t of known) for (const k of t.effective.keys.keys()) counts.set(k, (counts.get(k) ?? 0) + 1);
      required = [...counts]
        .filter(([k, c]) => !NOT_INFERRED.has(k) && !k.startsWith('aws:') && c / judged >= MIN_SHARE && c < judged)
        .map(([key, carriers]) => ({ key, carriers }));
    }
    if (!required.length) return;
    for (const t of all) {
      // A key is only certainly missing when all the resource's keys are known (no spread, variable or unknown provider).
      if (!t.effective.complete) continue;
      const missing = required.filter((q) => !t.effective.keys.has(q.key));
      if (!missing.length) continue;
      // Inferred: a resource without any tag of its own is only a slip when the program tags its type elsewhere;
      // types it never tags (listeners, alarms, instance profiles...) are a choice, not an oversight.
      if (
        !configured.length &&
        t.untagged &&
        !all.some((o) => o !== t && o.r.type === t.r.type && missing.some((m) => o.effective.keys.has(m.key)))
      )
        continue;
      const keys = missing.map((m) => m.key);
      const list = keys.length > 1 ? `tags ${keys.slice(0, -1).join(', ')} and ${keys[keys.length - 1]}` : `tag ${keys[0]}`;
      const why = configured.length
        ? 'required by faultline.json (requiredTags)'
        : missing.length === 1
          ? `which ${missing[0]!.carriers} of the ${judged} taggable resources in this program carry`
          : `which most taggable resources in this program carry (${missing.map((m) => `${m.key}: ${m.carriers} of ${judged}`).join(', ')})`;
      ctx.report({
        resource: t.r,
        loc: t.prop ? t.prop.keyLoc : t.r.headLoc,
        message: `${describe(t.r)} has no ${list}, ${why}`,
        fixes: fixes(t, keys, all, program),
      });
    }
  },
});
