import { basename } from 'node:path';
import { deref, getProperty, walkValues } from '../../model/evaluate';
import type { Program } from '../../model/program';
import type { Loc, ObjectValue, Resource, Value } from '../../model/types';
import { ALL_LANGUAGES, defineRule, type Fix, type RuleContext } from '../../engine/rule';
import { describe, keyName, literalString } from '../util';

/** Secret-bearing properties per type (canonical paths). */
const SECRET_PROPS: Record<string, string[]> = {
  aws_db_instance: ['password'],
  aws_rds_cluster: ['master_password'],
  aws_docdb_cluster: ['master_password'],
  aws_neptune_cluster: ['master_password'],
  aws_redshift_cluster: ['master_password'],
  aws_elasticache_replication_group: ['auth_token'],
  aws_elasticache_user: ['passwords'],
  aws_mq_broker: ['user.password'],
  aws_secretsmanager_secret_version: ['secret_string'],
  aws_ssm_parameter: [],
  aws_iam_user_login_profile: ['password'],
  aws_opensearch_domain: ['advanced_security_options.master_user_options.master_user_password'],
};

const SECRET_NAME = /(pass(word|wd)?|secret|token|api[_-]?key|private[_-]?key|credential)/i;
const ACCESS_KEY = /\b(AKIA|ASIA)[0-9A-Z]{16}\b/;
/**
 * Variables that name, locate or tune a secret rather than hold it: DB_SECRET_ARN, TOKEN_TTL_SECONDS, API_KEY_HEADER,
 * TOKEN_ENDPOINT, SSM_SECRET_PREFIX, and the settings of AWS's Parameters and Secrets extension
 * (PARAMETERS_SECRETS_EXTENSION_HTTP_PORT, _LOG_LEVEL, SECRETS_MANAGER_TIMEOUT_MILLIS).
 */
const SECRET_METADATA =
  /(^|[_-])(arn|id|name|ttl|seconds|millis|ms|timeout|header|length|path|file|enabled|port|level|endpoint|url|uri|host|prefix|provider|audience|issuer|region|type|mode|version|scope|field|parameter|param|use|policy)$/i;
/**
 * Environment values that are settings whatever the variable is called: numbers, booleans, URLs without credentials,
 * absolute paths and SSM parameter names (`/orders/prod/jwt-signing-key`).
 */
const PLAIN_SETTING = /^(\d+|true|false|yes|no|on|off|https?:\/\/[^@\s]+|\/[\w./-]+)$/i;

function holdsSecret(...keys: string[]): boolean {
  return keys.some((k) => SECRET_NAME.test(k)) && !keys.some((k) => SECRET_METADATA.test(k));
}

/** A literal that looks like a real secret (not empty, not a placeholder reference to elsewhere). */
function secretLiteral(v: Value | undefined, program: Program): { value: string; loc: Loc } | undefined {
  const lit = literalString(v, program);
  if (!lit || lit.value.trim().length < 4) return undefined;
  return lit;
}

function managedPasswordFix(r: Resource, prop: string): Fix[] {
  if (r.type !== 'aws_db_instance' && r.type !== 'aws_rds_cluster') return [];
  const p = getProperty(r, prop);
  if (!p) return [];
  return [
    {
      title: `Let RDS manage the password in Secrets Manager (${keyName(r, 'manage_master_user_password')} = ${r.language === 'python' ? 'True' : 'true'})`,
      intents: [
        { kind: 'removeProperty', property: p },
        { kind: 'setProperty', target: r.props, key: 'manage_master_user_password', value: { kind: 'literal', value: true } },
      ],
      safe: false,
    },
  ];
}

/** Environment variable maps of Lambda functions and container definitions. */
function environmentMaps(r: Resource, program: Program): ObjectValue[] {
  const out: ObjectValue[] = [];
  const vars = deref(getProperty(r, 'environment.variables')?.value, program);
  if (vars?.kind === 'object') out.push(vars);
  return out;
}

/** ECS container definitions: `environment = [{ name, value }]` entries, inside jsonencode()/JSON.stringify(). */
function containerEnvironment(r: Resource, program: Program): { name: string; value: Value }[] {
  const out: { name: string; value: Value }[] = [];
  for (const v of walkValues(deref(getProperty(r, 'container_definitions')?.value, program))) {
    const obj = deref(v, program);
    if (obj?.kind !== 'object') continue;
    const name = literalString(obj.props.find((p) => p.key === 'name')?.value, program)?.value;
    const value = obj.props.find((p) => p.key === 'value')?.value;
    if (name && value && obj.props.length <= 3) out.push({ name, value });
  }
  return out;
}

export default defineRule({
  meta: {
    id: 'hardcoded-secret',
    title: 'Secret written in the source',
    category: 'security',
    severity: 'critical',
    profiles: 'all',
    languages: ALL_LANGUAGES,
    impact:
      'A password or key in the source is in every clone, fork, CI log and state file; it cannot be rotated without a code change and is the first thing a leaked repository gives away.',
    fix: 'Let RDS manage the master password (`manage_master_user_password`), or read the value from a secret config value / Secrets Manager.',
    links: [
      'https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-secrets-manager.html',
      'https://www.pulumi.com/docs/iac/concepts/secrets/',
    ],
    equivalents: { checkov: ['CKV_SECRET_2', 'CKV_SECRET_6'] },
  },
  resource(r, ctx) {
    const reported = new Set<number>();
    // A literal reached through a variable or a constant is also shown where it is written (terraform.tfvars, say).
    const report = (loc: Loc, message: string, fixes: Fix[] = [], lit?: { loc: Loc }): void => {
      if (reported.has(loc.start)) return;
      reported.add(loc.start);
      const elsewhere = lit && (lit.loc.file !== loc.file || lit.loc.start !== loc.start);
      const related = elsewhere ? [{ loc: lit.loc, message: 'the literal is written here' }] : undefined;
      ctx.report({ resource: r, loc, message, fixes, related });
    };
    for (const path of SECRET_PROPS[r.type] ?? []) {
      const prop = getProperty(r, path);
      const lit = secretLiteral(prop?.value, ctx.program);
      if (!prop || !lit) continue;
      report(
        prop.value.loc,
        `${describe(r)} sets ${keyName(r, path.split('.').pop()!, prop)} to a literal written in ${lit.loc.file === prop.value.loc.file ? 'the source' : basename(lit.loc.file)}`,
        managedPasswordFix(r, path),
        lit,
      );
    }
    for (const env of environmentMaps(r, ctx.program)) {
      for (const p of env.props) {
        if (!holdsSecret(p.key, p.keyAsWritten)) continue;
        const lit = secretLiteral(p.value, ctx.program);
        if (lit && !lit.value.startsWith('arn:') && !PLAIN_SETTING.test(lit.value.trim()))
          report(p.value.loc, `environment variable ${p.keyAsWritten} of ${describe(r)} holds a literal secret`, [], lit);
      }
    }
    for (const { name, value } of containerEnvironment(r, ctx.program)) {
      const lit = holdsSecret(name) ? secretLiteral(value, ctx.program) : undefined;
      if (lit && !PLAIN_SETTING.test(lit.value.trim()))
        report(value.loc, `container environment variable ${name} of ${describe(r)} holds a literal secret`, [], lit);
    }
    checkEverywhere(r, ctx, report);
  },
});

/** AWS access keys anywhere, and pulumi.secret("literal"). */
function checkEverywhere(r: Resource, ctx: RuleContext, report: (loc: Loc, message: string) => void): void {
  for (const v of walkValues(r.props)) {
    const d = deref(v, ctx.program);
    if (d?.kind !== 'string') continue;
    if (ACCESS_KEY.test(d.value)) report(d.loc, `${describe(r)} contains an AWS access key id written in the source`);
    else if ((d.secret || v.secret) && d.value.length >= 4)
      report(d.loc, `${describe(r)} wraps a literal in a secret: the value itself is still in the source`);
  }
}
