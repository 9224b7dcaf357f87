import { distance as levenshtein } from 'fastest-levenshtein';
import { asList, asObject, deref, getProperty } from '../model/evaluate';
import type { Program } from '../model/program';
import type { FixValue, Loc, Property, Resource, Value } from '../model/types';
import type { Fix, RuleContext } from '../engine/rule';

/** `aws_db_instance "main"`: how messages name a resource. */
export function describe(r: Resource): string {
  // A computed logical name (`${name}-logs`, f"audit-{suffix}") is shown as written, without quotes around its quotes;
  // one held in a variable or built by a call says so (`name` alone would read as a word of the sentence).
  if (r.name.kind === 'string' || r.language === 'terraform') return `${r.typeAsWritten} "${r.logicalName}"`;
  return /^[`'"]|^f["']/.test(r.logicalName) ? `${r.typeAsWritten} ${r.logicalName}` : `${r.typeAsWritten} named by \`${r.logicalName}\``;
}

/** Where a finding about property `key` goes: the value when present, else the resource head. */
export function locFor(r: Resource, prop: Property | undefined): Loc {
  return prop ? prop.value.loc : r.headLoc;
}

/** The property as the user wrote it in this resource's language (`multiAz` / `multi_az`). */
export function keyName(r: Resource, key: string, prop?: Property): string {
  if (prop) return prop.keyAsWritten;
  if (r.language === 'typescript' || r.language === 'javascript') return key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
  return key;
}

/** A fix that sets `key` on the resource's arguments (replacing the value if present). */
export function setFix(r: Resource, key: string, value: FixValue, safe: boolean, title?: string): Fix {
  const shown = value.kind === 'literal' ? literalText(r, value.value) : (value[langKey(r)] ?? '');
  return {
    title: title ?? `Set ${keyName(r, key, getProperty(r, key))} = ${shown}`,
    intents: [{ kind: 'setProperty', target: r.props, key, value }],
    safe,
  };
}

function langKey(r: Resource): 'terraform' | 'typescript' | 'python' {
  return r.language === 'javascript' ? 'typescript' : r.language;
}

function literalText(r: Resource, v: string | number | boolean): string {
  if (typeof v === 'boolean' && r.language === 'python') return v ? 'True' : 'False';
  return typeof v === 'string' ? JSON.stringify(v) : String(v);
}

export type Parameterization = 'constant' | 'parameterized' | 'unknown';

/** Reference kinds that make a name differ between stacks, environments or deployments. */
const VARYING = new Set(['stack', 'env', 'config', 'arg', 'random', 'account', 'variable', 'resource', 'data', 'module']);

/**
 * Whether a name is a constant (the same in every stack), varies per stack/environment/deployment, or is
 * beyond evaluation. Follows const bindings and Terraform locals; a project name alone is constant across stacks.
 */
export function parameterization(v: Value | undefined, program: Program, depth = 0): Parameterization {
  if (!v || depth > 50) return 'unknown';
  switch (v.kind) {
    case 'string':
    case 'number':
    case 'bool':
    case 'null':
      return 'constant';
    case 'unknown':
      return 'unknown';
    case 'ref': {
      if (VARYING.has(v.ref.kind)) return 'parameterized';
      if (v.ref.kind === 'project') return 'constant';
      const next = v.resolved ?? program.resolve(v.ref);
      if (next) return parameterization(next, program, depth + 1);
      return v.fallback ? parameterization(v.fallback, program, depth + 1) : 'unknown';
    }
    case 'template':
    case 'list':
    case 'call':
    case 'object': {
      const parts =
        v.kind === 'template' ? v.parts : v.kind === 'list' ? v.items : v.kind === 'call' ? v.args : v.props.map((p) => p.value);
      let sawUnknown = false;
      for (const p of parts) {
        const k = parameterization(p, program, depth + 1);
        if (k === 'parameterized') return 'parameterized';
        if (k === 'unknown') sawUnknown = true;
      }
      if (v.kind === 'call' && !KNOWN_PURE.has(v.name)) return 'unknown';
      return sawUnknown ? 'unknown' : 'constant';
    }
  }
}

const KNOWN_PURE = new Set([
  'format',
  'lower',
  'upper',
  'join',
  'concat',
  'replace',
  'trimspace',
  'substr',
  'title',
  'tostring',
  'coalesce',
]);

/** True when the value is a Pulumi Output, through const bindings. */
export function isOutput(v: Value | undefined): boolean {
  let cur: Value | undefined = v;
  for (let i = 0; cur && i < 50; i++) {
    if (cur.output) return true;
    if (cur.kind !== 'ref' || !cur.resolved) return false;
    cur = cur.resolved;
  }
  return false;
}

/** The literal string behind a value (through const bindings, locals and variable defaults), with where it was written. */
export function literalString(v: Value | undefined, program: Program): { value: string; loc: Loc } | undefined {
  const d = deref(v, program);
  if (!d) return undefined;
  if (d.kind === 'string') return { value: d.value, loc: d.loc };
  if (d.kind === 'template' && d.parts.every((p) => deref(p, program)?.kind === 'string')) {
    return { value: d.parts.map((p) => (deref(p, program) as { value: string }).value).join(''), loc: d.loc };
  }
  return undefined;
}

/**
 * The resource of `candidates` a value refers to (`aws_lb.web.arn`, `lb.arn`, `random_password.db.result`,
 * `data.aws_iam_policy_document.d.json` for a data source), through const bindings and locals; undefined when it
 * refers to none of them, or to more than one of the same name.
 */
export function referencedResource(v: Value | undefined, candidates: Resource[]): Resource | undefined {
  let cur = v;
  for (let i = 0; cur?.kind === 'ref' && i < 50; i++) {
    const ref = cur.ref;
    if (ref.kind === 'resource' || ref.kind === 'random' || ref.kind === 'data') {
      const named = candidates.filter(
        (c) =>
          (c.symbol ?? c.logicalName) === ref.name &&
          (!ref.resourceType || c.type === ref.resourceType) &&
          (ref.kind === 'data') === (c.kind === 'data'),
      );
      return named.length === 1 ? named[0] : undefined;
    }
    cur = cur.resolved;
  }
  return undefined;
}

/**
 * "Did you mean": the candidate closest to `name` by edit distance, when it is close enough to be a typo (at most a
 * third of the name's length, and at least one edit). Case differences count as a single edit.
 */
export function closest(name: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(1, Math.floor(name.length / 3)) + 1;
  for (const c of candidates) {
    if (c === name) continue;
    const d = c.toLowerCase() === name.toLowerCase() ? 1 : levenshtein(name, c);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

/**
 * Up to three "did you mean" candidates: the closest by edit distance, then the shortest that extend the name
 * (`inline` -> `inline_policy`, `key_spec` -> `customer_master_key_spec`), words joined by `sep`.
 */
export function suggestNames(name: string, candidates: string[], sep: string): string[] {
  const out: string[] = [];
  const near = closest(name, candidates);
  if (near) out.push(near);
  const extending = candidates
    .filter((c) => c !== near && c.length > name.length && (c.startsWith(name + sep) || c.endsWith(sep + name)))
    .sort((a, b) => a.length - b.length || (a < b ? -1 : 1));
  out.push(...extending.slice(0, 3 - out.length));
  return out;
}

/**
 * The physical-name argument of each type whose name must be unique per account or region (per account and
 * globally for `global`), and its prefix form: the types `hardcoded-unique-name` checks.
 */
export const UNIQUE_NAME_ARGS: Record<string, { key: string; prefix?: string; global?: boolean }> = {
  aws_s3_bucket: { key: 'bucket', prefix: 'bucket_prefix', global: true },
  aws_iam_role: { key: 'name', prefix: 'name_prefix', global: true },
  aws_iam_policy: { key: 'name', prefix: 'name_prefix', global: true },
  aws_iam_user: { key: 'name', global: true },
  aws_iam_group: { key: 'name', global: true },
  aws_iam_instance_profile: { key: 'name', prefix: 'name_prefix', global: true },
  aws_kms_alias: { key: 'name', prefix: 'name_prefix' },
  aws_db_instance: { key: 'identifier', prefix: 'identifier_prefix' },
  aws_rds_cluster: { key: 'cluster_identifier', prefix: 'cluster_identifier_prefix' },
  aws_rds_cluster_instance: { key: 'identifier', prefix: 'identifier_prefix' },
  aws_db_subnet_group: { key: 'name', prefix: 'name_prefix' },
  aws_db_parameter_group: { key: 'name', prefix: 'name_prefix' },
  aws_rds_cluster_parameter_group: { key: 'name', prefix: 'name_prefix' },
  aws_lambda_function: { key: 'function_name' },
  aws_sqs_queue: { key: 'name', prefix: 'name_prefix' },
  aws_sns_topic: { key: 'name', prefix: 'name_prefix' },
  aws_dynamodb_table: { key: 'name' },
  aws_ecr_repository: { key: 'name' },
  aws_cloudwatch_log_group: { key: 'name', prefix: 'name_prefix' },
  aws_secretsmanager_secret: { key: 'name', prefix: 'name_prefix' },
  aws_elasticache_replication_group: { key: 'replication_group_id' },
  aws_elasticache_cluster: { key: 'cluster_id' },
  aws_lb: { key: 'name' },
  aws_alb: { key: 'name' },
  aws_lb_target_group: { key: 'name' },
  aws_alb_target_group: { key: 'name' },
  aws_ecs_cluster: { key: 'name' },
};

/**
 * The name property `hardcoded-unique-name` reports: a unique physical name that is a constant (the same in every
 * stack) on a resource declared once. Other naming rules use it so as not to report the same name twice.
 */
export function constantUniqueName(r: Resource, program: Program): Property | undefined {
  const spec = UNIQUE_NAME_ARGS[r.type];
  if (!spec || r.multiplicity === 'unknown') return undefined; // names built per count/for_each item usually carry the index or key
  const prop = getProperty(r, spec.key);
  return prop && parameterization(prop.value, program) === 'constant' ? prop : undefined;
}

/** An expression written in the language of `r` (`var.environment_suffix`, `environmentSuffix`, `self.suffix`). */
export function exprIn(r: Resource, text: string): FixValue {
  return { kind: 'expr', [langKey(r)]: text };
}

/**
 * An attribute of another resource as an expression in that resource's language (`aws_s3_bucket.logs.arn`,
 * `logs.arn`); undefined when it cannot be named: a resource per count/for_each item, a Pulumi resource bound to no
 * variable.
 */
export function attributeRef(target: Resource, attribute: 'id' | 'arn'): FixValue | undefined {
  if (target.multiplicity !== 'one') return undefined;
  if (target.language === 'terraform') return exprIn(target, `${target.type}.${target.logicalName}.${attribute}`);
  return target.symbol ? exprIn(target, `${target.symbol}.${attribute}`) : undefined;
}

/** A fix that appends `suffix` to a string value after a dash: `"app-logs"` -> `"app-logs-${var.environment}"`. */
export function appendSuffixFix(value: Value, suffix: FixValue, title: string): Fix {
  return { title, intents: [{ kind: 'appendToString', value, suffix, separator: '-' }], safe: false };
}

/**
 * Route tables that send traffic to a NAT gateway (inline `route` blocks and `aws_route` resources), with the
 * `nat_gateway_id` value that says so.
 */
export function natRoutes(ctx: RuleContext): { table: Resource; via: Value }[] {
  const tables = ctx.resourcesOf('aws_route_table');
  const out: { table: Resource; via: Value }[] = [];
  for (const table of tables) {
    for (const route of asList(getProperty(table, 'route')?.value, ctx.program) ?? []) {
      const obj = asObject(route, ctx.program);
      const nat = obj && getProperty(obj, 'nat_gateway_id');
      if (nat) out.push({ table, via: nat.value });
    }
  }
  for (const route of ctx.resourcesOf('aws_route')) {
    const nat = getProperty(route, 'nat_gateway_id');
    const table = referencedResource(getProperty(route, 'route_table_id')?.value, tables);
    if (nat && table) out.push({ table, via: nat.value });
  }
  return out;
}
