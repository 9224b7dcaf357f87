import { getProperty } from '../../model/evaluate';
import type { Program } from '../../model/program';
import type { Loc, Property, Reference, Resource, Value } from '../../model/types';
import { ALL_LANGUAGES, defineRule, type RuleContext } from '../../engine/rule';
import { appendSuffixFix, constantUniqueName, describe, exprIn, keyName, UNIQUE_NAME_ARGS } from '../util';

/**
 * Physical names that are unique per account and region besides those of `hardcoded-unique-name`: a second
 * deployment in the same account collides with them (or, for alarms, dashboards and parameters, silently overwrites).
 */
const MORE_NAME_ARGS: Record<string, string> = {
  aws_cloudwatch_metric_alarm: 'alarm_name',
  aws_cloudwatch_composite_alarm: 'alarm_name',
  aws_cloudwatch_dashboard: 'dashboard_name',
  aws_cloudwatch_event_rule: 'name',
  aws_cloudwatch_event_bus: 'name',
  aws_ssm_parameter: 'name',
  aws_sfn_state_machine: 'name',
  aws_kinesis_stream: 'name',
  aws_kinesis_firehose_delivery_stream: 'name',
  aws_elasticache_subnet_group: 'name',
  aws_elasticache_parameter_group: 'name',
  aws_elasticache_serverless_cache: 'name',
  aws_memorydb_cluster: 'name',
  aws_db_option_group: 'name',
  aws_docdb_cluster: 'cluster_identifier',
  aws_neptune_cluster: 'cluster_identifier',
  aws_redshift_cluster: 'cluster_identifier',
  aws_opensearch_domain: 'domain_name',
  aws_launch_template: 'name',
  aws_autoscaling_group: 'name',
  aws_eks_cluster: 'name',
  aws_ecs_task_definition: 'family',
  aws_codebuild_project: 'name',
  aws_wafv2_web_acl: 'name',
  aws_backup_vault: 'name',
  aws_athena_workgroup: 'name',
  aws_glue_catalog_database: 'name',
};

const NAME_KEY: Record<string, string> = {
  ...Object.fromEntries(Object.entries(UNIQUE_NAME_ARGS).map(([t, s]) => [t, s.key])),
  ...MORE_NAME_ARGS,
};

/**
 * Inference: a naming convention is the key (variable, config key, environment variable, component argument,
 * local, or the stack name) that at least MIN_FOLLOWERS named resources reference, and at least MIN_SHARE of the
 * named resources whose names Faultline can judge. Only keys whose name says environment, stage, suffix, stack or
 * workspace are candidates: a project or application name that every name carries is not an environment suffix.
 */
const MIN_FOLLOWERS = 3;
const MIN_SHARE = 0.6;
const ENV_LIKE = /env|stage|suffix|stack|workspace/;

/** Reference kinds whose value is an input of the program, named by `ref.name`. */
const INPUT_KINDS = new Set<Reference['kind']>(['variable', 'config', 'env', 'arg']);

/**
 * The identity of a key across languages and spellings: `var.environment_suffix`, `config.require('environmentSuffix')`,
 * `process.env.ENVIRONMENT_SUFFIX` and `args.environmentSuffix` are all `environmentsuffix`; the stack name is `stack`.
 */
function identityOf(ref: Reference): string | undefined {
  if (ref.kind === 'stack') return 'stack';
  if (!INPUT_KINDS.has(ref.kind) && ref.kind !== 'local' && ref.kind !== 'const') return undefined;
  const last = ref.name.split(/[.:]/).pop() ?? '';
  return normalize(last) || undefined;
}

const normalize = (s: string): string => s.toLowerCase().replace(/[^a-z0-9]/g, '');

/** The identity of a configured `naming.convention`: `var.x`, `local.x`, `config:x`, `env:X`, `args.x`, `stack` or a bare name. */
function configuredIdentity(convention: string): string | undefined {
  const s = convention.trim();
  if (/^(stack|pulumi\.getStack\(\)|pulumi\.get_stack\(\)|terraform\.workspace)$/i.test(s)) return 'stack';
  const last = s
    .replace(/^(var|local|args|self|process\.env)\./, '')
    .replace(/^(config|env):/, '')
    .split(/[.:]/)
    .pop();
  return last ? normalize(last) || undefined : undefined;
}

interface Use {
  /** The reference as written where the name uses it (the outermost one of this identity in a chain). */
  text: string;
  loc: Loc;
}

/** What a physical name is made of, as far as Faultline can tell. */
interface NameParts {
  /** Each key the name references (through const bindings, locals and templates), with how it is written. */
  ids: Map<string, Use>;
  /** A part Faultline cannot see into: a component argument, a resource attribute, an unknown call or value. */
  opaque: boolean;
  /** A random suffix: the name is unique whatever its convention. */
  random: boolean;
  /** The whole name is one input (`var.queue_name`): whoever sets it chooses the entire name. */
  wholeInput: boolean;
}

const PURE_CALLS = new Set(['format', 'lower', 'upper', 'join', 'concat', 'replace', 'trimspace', 'substr', 'title', 'tostring']);

function nameParts(v: Value, program: Program): NameParts {
  const out: NameParts = { ids: new Map(), opaque: false, random: false, wholeInput: false };
  const seen = new Set<Value>();
  const walk = (x: Value | undefined, depth: number): void => {
    if (!x || depth > 50 || seen.has(x)) return;
    seen.add(x);
    switch (x.kind) {
      case 'string':
      case 'number':
      case 'bool':
      case 'null':
        return;
      case 'unknown':
        out.opaque = true;
        return;
      case 'template':
        for (const p of x.parts) walk(p, depth + 1);
        return;
      case 'list':
        for (const p of x.items) walk(p, depth + 1);
        return;
      case 'object':
        for (const p of x.props) walk(p.value, depth + 1);
        return;
      case 'call':
        if (!PURE_CALLS.has(x.name)) out.opaque = true;
        for (const a of x.args) walk(a, depth + 1);
        return;
      case 'ref': {
        const ref = x.ref;
        const id = identityOf(ref);
        if (id && !out.ids.has(id)) out.ids.set(id, { text: ref.text, loc: x.loc });
        if (ref.kind === 'random') out.random = true;
        if (ref.kind === 'stack' || ref.kind === 'project' || ref.kind === 'account' || ref.kind === 'random') return;
        // An input's name is what matters, not the value it may have in one stack; an argument could hold anything.
        if (INPUT_KINDS.has(ref.kind)) {
          if (ref.kind === 'arg') out.opaque = true;
          return;
        }
        const next = x.resolved ?? program.resolve(ref);
        if (next) walk(next, depth + 1);
        else if (x.fallback) walk(x.fallback, depth + 1);
        else out.opaque = true;
        return;
      }
    }
  };
  walk(v, 0);
  // `name = var.queue_name`, `name: queueName` bound to one config value: the caller chooses the whole name.
  let cur: Value | undefined = v;
  for (let i = 0; cur?.kind === 'ref' && i < 50; i++) {
    if (INPUT_KINDS.has(cur.ref.kind)) out.wholeInput = true;
    cur = cur.resolved ?? (cur.ref.kind === 'local' || cur.ref.kind === 'const' ? program.resolve(cur.ref) : undefined);
  }
  return out;
}

interface Named {
  r: Resource;
  prop: Property;
  parts: NameParts;
}

/** Named resources of the program: declared resources whose physical name is written. */
function namedResources(program: Program): Named[] {
  const out: Named[] = [];
  for (const r of program.resources) {
    const key = NAME_KEY[r.type];
    if (r.kind !== 'resource' || !key) continue;
    const prop = getProperty(r, key);
    if (!prop || prop.value.loc.start === prop.value.loc.end) continue;
    out.push({ r, prop, parts: nameParts(prop.value, program) });
  }
  return out;
}

/** A name that certainly does not reference `id` (and is not made unique by a random part). */
function misses(n: Named, id: string): boolean {
  return !n.parts.ids.has(id) && !n.parts.random && !n.parts.opaque && !n.parts.wholeInput;
}

interface Convention {
  id: string;
  /** How the convention is shown in messages. */
  shown: string;
  /** Where it came from: inferred from `followers` of `judged` names, or configured. */
  followers?: Named[];
  judged?: number;
}

function inferConvention(named: Named[]): Convention | undefined {
  const counts = new Map<string, Named[]>();
  for (const n of named) {
    for (const id of n.parts.ids.keys()) {
      if (!ENV_LIKE.test(id)) continue;
      const list = counts.get(id);
      if (list) list.push(n);
      else counts.set(id, [n]);
    }
  }
  let best: Convention | undefined;
  for (const [id, followers] of [...counts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (followers.length < MIN_FOLLOWERS) continue;
    const judged = followers.length + named.filter((n) => misses(n, id)).length;
    if (followers.length / judged < MIN_SHARE) continue;
    if (!best || followers.length > best.followers!.length) best = { id, shown: mostCommonText(followers, id), followers, judged };
  }
  return best;
}

function mostCommonText(followers: Named[], id: string): string {
  if (id === 'stack') return 'the stack name';
  const counts = new Map<string, number>();
  for (const n of followers) {
    const t = n.parts.ids.get(id)!.text;
    counts.set(t, (counts.get(t) ?? 0) + 1);
  }
  let best = '';
  let max = 0;
  for (const [t, c] of counts) if (c > max) [best, max] = [t, c];
  return best;
}

/** Whether the program mentions the configured key at all: otherwise the convention is for another program. */
function programUses(program: Program, id: string, named: Named[]): boolean {
  if (named.some((n) => n.parts.ids.has(id))) return true;
  if (id === 'stack') return false;
  return program.files.some(
    (f) =>
      f.terraform?.variables.some((v) => normalize(v.name) === id) ||
      f.terraform?.locals.some((l) => normalize(l.name) === id) ||
      f.pulumi?.configReads.some((c) => normalize(c.key.split(':').pop() ?? '') === id),
  );
}

/**
 * The convention written as the names around `n` write it, for the fix: Terraform variables and locals are visible
 * in the whole module; in a Pulumi program, only a name in the same file and the same component class (or both at
 * top level) is sure to see the same binding.
 */
function suffixText(n: Named, c: Convention, named: Named[], program: Program): string | undefined {
  const candidates = named.filter(
    (o) =>
      o !== n &&
      o.parts.ids.has(c.id) &&
      (n.r.language === 'terraform'
        ? o.r.language === 'terraform'
        : o.r.loc.file === n.r.loc.file && o.r.inComponent === n.r.inComponent && o.r.inCallback === n.r.inCallback),
  );
  const counts = new Map<string, { count: number; distance: number }>();
  for (const o of candidates) {
    const text = o.parts.ids.get(c.id)!.text;
    const distance = Math.abs(o.r.loc.start - n.r.loc.start) + (o.r.loc.file === n.r.loc.file ? 0 : 1e9);
    const cur = counts.get(text);
    if (cur) counts.set(text, { count: cur.count + 1, distance: Math.min(cur.distance, distance) });
    else counts.set(text, { count: 1, distance });
  }
  let best: string | undefined;
  let bestScore: { count: number; distance: number } | undefined;
  for (const [t, s] of counts) {
    if (!bestScore || s.count > bestScore.count || (s.count === bestScore.count && s.distance < bestScore.distance)) {
      best = t;
      bestScore = s;
    }
  }
  // Terraform: a configured variable or local the module declares, even when no name uses it yet.
  if (!best && n.r.language === 'terraform') {
    const declared = (kind: 'variables' | 'locals'): string | undefined =>
      program.files.flatMap((f) => f.terraform?.[kind].map((d) => d.name) ?? []).find((name) => normalize(name) === c.id);
    const v = declared('variables');
    if (v) return `var.${v}`;
    const l = declared('locals');
    if (l) return `local.${l}`;
    if (c.id === 'stack') return 'terraform.workspace';
  }
  return best;
}

function shownName(n: Named, ctx: RuleContext): string {
  const e = ctx.evaluate(n.prop.value);
  if (e.state === 'known' && typeof e.value === 'string') return JSON.stringify(e.value);
  const loc = n.prop.value.loc;
  const source = ctx.program.files.find((f) => f.path === loc.file)?.text.slice(loc.start, loc.end);
  return source ?? 'value';
}

export default defineRule({
  meta: {
    id: 'name-missing-environment-suffix',
    title: 'Physical name without the environment suffix the other names carry',
    category: 'naming',
    severity: 'medium',
    profiles: 'all',
    languages: ALL_LANGUAGES,
    impact:
      'The program keeps deployments apart by putting an environment suffix in every physical name; a name without it is the same in every deployment, so the second one in the account (a parallel CI run, a staging copy) fails with "already exists" or takes over the first one\'s resource.',
    fix: 'Append the suffix the other names use (the variable, config key or argument, as the file writes it). The convention is read from `naming.convention` in faultline.json, or inferred when most named resources reference the same key.',
    links: [
      'https://www.pulumi.com/docs/iac/concepts/resources/names/',
      'https://developer.hashicorp.com/terraform/language/values/variables',
    ],
  },
  program(ctx) {
    const { program } = ctx;
    const named = namedResources(program);
    if (!named.length) return;
    let convention: Convention | undefined;
    const configured = ctx.settings.namingConvention;
    if (configured) {
      const id = configuredIdentity(configured);
      if (!id || !programUses(program, id, named)) return;
      convention = { id, shown: configured };
    } else {
      convention = inferConvention(named);
    }
    if (!convention) return;
    const example = convention.followers?.[0];
    for (const n of named) {
      if (!misses(n, convention.id)) continue;
      // A constant unique name is hardcoded-unique-name's finding, with its own fixes: one finding per name.
      if (constantUniqueName(n.r, program)) continue;
      const key = keyName(n.r, NAME_KEY[n.r.type]!, n.prop);
      const why = convention.followers
        ? `which ${convention.followers.length} of the ${convention.judged} named resources in this program include`
        : 'which faultline.json requires in every physical name (naming.convention)';
      const stackNote =
        convention.id !== 'stack' && n.parts.ids.has('stack')
          ? ' (the stack name alone does not keep two deployments of one stack apart)'
          : '';
      const text = suffixText(n, convention, named, program);
      ctx.report({
        resource: n.r,
        loc: n.prop.value.loc,
        message: `${describe(n.r)} has the ${key} ${shownName(n, ctx)} without ${convention.shown}, ${why}: another deployment in this account gets the same name${stackNote}`,
        related: example ? [{ loc: example.prop.value.loc, message: `${describe(example.r)} includes ${convention.shown}` }] : undefined,
        fixes: text ? [appendSuffixFix(n.prop.value, exprIn(n.r, text), `Append ${text} to the ${key}`)] : undefined,
      });
    }
  },
});
