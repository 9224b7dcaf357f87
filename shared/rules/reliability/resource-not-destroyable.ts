import { evalBool, evalString, getProperty } from '../../model/evaluate';
import type { Resource, Value } from '../../model/types';
import { ALL_LANGUAGES, defineRule, type Fix, type RuleContext } from '../../engine/rule';
import { describe, keyName, locFor, parameterization, setFix } from '../util';

const PROTECTION: Record<string, string> = {
  aws_db_instance: 'deletion_protection',
  aws_rds_cluster: 'deletion_protection',
  aws_docdb_cluster: 'deletion_protection',
  aws_neptune_cluster: 'deletion_protection',
  aws_dynamodb_table: 'deletion_protection_enabled',
  aws_lb: 'enable_deletion_protection',
  aws_alb: 'enable_deletion_protection',
};
const FINAL_SNAPSHOT = new Set(['aws_db_instance', 'aws_rds_cluster', 'aws_docdb_cluster', 'aws_neptune_cluster']);

function replaceWithFalse(r: Resource, v: Value, shown: string): Fix {
  return {
    title: `Set ${shown} = ${r.language === 'python' ? 'False' : 'false'}`,
    intents: [{ kind: 'replaceValue', value: v, with: { kind: 'literal', value: false } }],
    safe: false,
  };
}

function checkOptions(r: Resource, ctx: RuleContext): void {
  const opts: [Value | undefined, string, string][] = [
    [r.options.preventDestroy, 'prevent_destroy', 'Terraform refuses to plan its destruction, so `terraform destroy` fails'],
    [r.options.protect, 'protect', '`pulumi destroy` fails until the protection is removed'],
    [
      r.options.retainOnDelete,
      r.language === 'python' ? 'retain_on_delete' : 'retainOnDelete',
      '`pulumi destroy` leaves it behind in the account',
    ],
  ];
  for (const [v, name, why] of opts) {
    if (!v || evalBool(v, ctx.program) !== true) continue;
    ctx.report({
      resource: r,
      loc: v.loc,
      message: `${describe(r)} sets ${name} to true: ${why}`,
      evaluation: `${name} evaluates to true`,
      fixes: [replaceWithFalse(r, v, name)],
    });
  }
}

export default defineRule({
  meta: {
    id: 'resource-not-destroyable',
    title: 'Resource that blocks or survives the destroy of a short-lived stack',
    category: 'reliability',
    severity: 'high',
    profiles: ['ephemeral'],
    languages: ALL_LANGUAGES,
    impact:
      'Stacks that CI creates and destroys must go away completely: deletion protection, final snapshots, non-empty buckets, prevent_destroy/protect make the destroy fail; retained resources, snapshots and secrets in their recovery window stay behind, cost money and make the next deploy collide with their names.',
    fix: 'For short-lived stacks: deletion protection off, `skip_final_snapshot = true`, `force_destroy = true` on buckets, no prevent_destroy/protect/retainOnDelete, `recovery_window_in_days = 0` on secrets with fixed names.',
    links: [
      'https://developer.hashicorp.com/terraform/language/meta-arguments/lifecycle#prevent_destroy',
      'https://www.pulumi.com/docs/iac/concepts/options/protect/',
    ],
  },
  resource(r, ctx) {
    if (r.kind !== 'resource') return;
    checkOptions(r, ctx);
    const engineProp = getProperty(r, 'engine');
    const engine = evalString(engineProp?.value, ctx.program);
    const auroraInstance = r.type === 'aws_db_instance' && (engine?.startsWith('aurora') ?? false);

    const protKey = PROTECTION[r.type];
    if (protKey && !auroraInstance) {
      const prop = getProperty(r, protKey);
      if (prop && evalBool(prop.value, ctx.program) === true) {
        const key = keyName(r, protKey, prop);
        ctx.report({
          resource: r,
          loc: prop.value.loc,
          message: `${describe(r)} sets ${key} to true: destroying the stack fails until it is turned off`,
          evaluation: `${key} evaluates to true`,
          fixes: [setFix(r, protKey, { kind: 'literal', value: false }, false)],
        });
      }
    }

    if (FINAL_SNAPSHOT.has(r.type) && !auroraInstance && !(engineProp && engine === undefined) && !getProperty(r, 'replicate_source_db')) {
      const prop = getProperty(r, 'skip_final_snapshot');
      const v = evalBool(prop?.value, ctx.program);
      if (v === false || v === 'absent') {
        const key = keyName(r, 'skip_final_snapshot', prop);
        const snapshotId = getProperty(r, 'final_snapshot_identifier');
        ctx.report({
          resource: r,
          loc: locFor(r, prop),
          message:
            v === 'absent'
              ? `${describe(r)} does not set ${key}: ${snapshotId ? 'every destroy leaves a final snapshot behind' : 'destroying the stack fails because no final snapshot identifier is given'}`
              : `${describe(r)} sets ${key} to false: ${snapshotId ? 'every destroy leaves a final snapshot behind' : 'destroying the stack fails because no final snapshot identifier is given'}`,
          evaluation: prop ? `${key} evaluates to false` : `${key} is absent (the default is false)`,
          fixes: [setFix(r, 'skip_final_snapshot', { kind: 'literal', value: true }, true)],
        });
      }
    }

    if (r.type === 'aws_s3_bucket') {
      const prop = getProperty(r, 'force_destroy');
      const v = evalBool(prop?.value, ctx.program);
      if (v === false || v === 'absent') {
        const key = keyName(r, 'force_destroy', prop);
        ctx.report({
          resource: r,
          loc: locFor(r, prop),
          message:
            v === 'absent'
              ? `S3 bucket ${describe(r)} does not set ${key}: destroying the stack fails once the bucket holds objects`
              : `S3 bucket ${describe(r)} sets ${key} to false: destroying the stack fails once the bucket holds objects`,
          evaluation: prop ? `${key} evaluates to false` : `${key} is absent (the default is false)`,
          // Destroy then deletes every object in the bucket.
          fixes: [setFix(r, 'force_destroy', { kind: 'literal', value: true }, false)],
        });
      }
    }

    if (r.type === 'aws_secretsmanager_secret') {
      const name = getProperty(r, 'name');
      if (!name || parameterization(name.value, ctx.program) !== 'constant') return;
      const window = getProperty(r, 'recovery_window_in_days');
      if (window) return; // chosen explicitly
      const shown = evalString(name.value, ctx.program);
      const key = keyName(r, 'recovery_window_in_days');
      ctx.report({
        resource: r,
        loc: name.value.loc,
        message: `secret ${describe(r)} has the fixed name ${shown !== undefined ? `"${shown}"` : 'shown here'} and the default 30-day recovery window: after a destroy the name stays reserved and the next deploy fails`,
        evaluation: `${key} is absent (the default is 30 days)`,
        fixes: [setFix(r, 'recovery_window_in_days', { kind: 'literal', value: 0 }, true)],
      });
    }
  },
});
