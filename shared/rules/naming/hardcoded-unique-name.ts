import { getProperty } from '../../model/evaluate';
import type { Program } from '../../model/program';
import type { FixValue, Resource } from '../../model/types';
import { ALL_LANGUAGES, defineRule, type Fix } from '../../engine/rule';
import { describe, keyName, parameterization } from '../util';

/** The physical-name argument of each type whose name must be unique per account or region, and its prefix form. */
const NAME_ARGS: Record<string, { key: string; prefix?: string; global?: boolean }> = {
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

/** Variable names that usually carry the environment or stack. */
const ENV_VARIABLES = ['environment_suffix', 'environment', 'env', 'stage', 'stack', 'suffix', 'name_suffix'];

function envVariable(program: Program): string | undefined {
  const declared = new Set(program.files.flatMap((f) => f.terraform?.variables.map((v) => v.name) ?? []));
  return ENV_VARIABLES.find((n) => declared.has(n));
}

function fixes(r: Resource, program: Program, spec: { key: string; prefix?: string }): Fix[] {
  const prop = getProperty(r, spec.key)!;
  const out: Fix[] = [];
  if (r.language === 'terraform') {
    const env = envVariable(program);
    if (env) {
      out.push({
        title: `Append var.${env} to the name`,
        intents: [{ kind: 'appendToString', value: prop.value, suffix: { kind: 'expr', terraform: `var.${env}` }, separator: '-' }],
        safe: false,
      });
    }
    if (spec.prefix) {
      out.push({
        title: `Use ${spec.prefix} so Terraform adds a unique suffix`,
        intents: [{ kind: 'renameKey', property: prop, newKey: spec.prefix }],
        safe: false,
      });
    }
    return out;
  }
  const stack: FixValue = { kind: 'expr', typescript: 'pulumi.getStack()', python: 'pulumi.get_stack()' };
  out.push({
    title: `Remove ${prop.keyAsWritten} and let Pulumi auto-name it (adds a random suffix)`,
    intents: [{ kind: 'removeProperty', property: prop }],
    safe: false,
  });
  out.push({
    title: 'Append the stack name',
    intents: [{ kind: 'appendToString', value: prop.value, suffix: stack, separator: '-' }],
    safe: false,
  });
  return out;
}

export default defineRule({
  meta: {
    id: 'hardcoded-unique-name',
    title: 'Constant physical name that must be unique',
    category: 'naming',
    severity: 'medium',
    profiles: 'all',
    languages: ALL_LANGUAGES,
    impact:
      'The second stack, the second region or a replacement of the resource fails with "already exists" (S3 bucket names are global across all AWS accounts; IAM names per account).',
    fix: 'Pulumi: drop the name and let auto-naming add a random suffix, or include the stack name. Terraform: use the `*_prefix` argument, or append the environment variable or a `random_id`.',
    links: [
      'https://www.pulumi.com/docs/iac/concepts/resources/names/#autonaming',
      'https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html',
    ],
  },
  resourceTypes: Object.keys(NAME_ARGS),
  resource(r, ctx) {
    if (r.multiplicity === 'unknown') return; // names built per count/for_each item usually carry the index or key
    const spec = NAME_ARGS[r.type]!;
    const prop = getProperty(r, spec.key);
    if (!prop || parameterization(prop.value, ctx.program) !== 'constant') return;
    const shown = ctx.evaluate(prop.value);
    // A constant Faultline cannot spell out (the project name from Pulumi.yaml): quote the source instead.
    const source = ctx.program.files.find((f) => f.path === prop.value.loc.file)?.text.slice(prop.value.loc.start, prop.value.loc.end);
    const value = shown.state === 'known' ? JSON.stringify(shown.value) : `${source ?? 'value'}, which is the same in every stack`;
    ctx.report({
      resource: r,
      loc: prop.value.loc,
      severity: spec.global ? 'high' : 'medium',
      message: `${describe(r)} has the fixed ${keyName(r, spec.key, prop)} ${value}: ${spec.global ? 'it must be unique across every stack (and for S3, every AWS account)' : 'a second stack or a replacement in this account and region collides with it'}`,
      fixes: fixes(r, ctx.program, spec),
    });
  },
});
