import { evalBool, evalString, getProperty } from '../../model/evaluate';
import { ALL_LANGUAGES, defineRule } from '../../engine/rule';
import { describe, keyName, locFor, setFix } from '../util';

const SWITCH: Record<string, { key: string; what: string }> = {
  aws_db_instance: { key: 'deletion_protection', what: 'RDS instance' },
  aws_rds_cluster: { key: 'deletion_protection', what: 'RDS cluster' },
  aws_dynamodb_table: { key: 'deletion_protection_enabled', what: 'DynamoDB table' },
  aws_lb: { key: 'enable_deletion_protection', what: 'load balancer' },
  aws_alb: { key: 'enable_deletion_protection', what: 'load balancer' },
};

export default defineRule({
  meta: {
    id: 'deletion-protection-disabled',
    title: 'Production resource without deletion protection',
    category: 'reliability',
    severity: 'low',
    profiles: ['production'],
    languages: ALL_LANGUAGES,
    impact:
      'A mistaken `destroy`, a renamed resource that Terraform or Pulumi replaces, or a console click deletes the database, table or load balancer with nothing to stop it.',
    fix: 'Set the deletion protection switch (`deletion_protection`, `deletion_protection_enabled`, `enable_deletion_protection`) to true.',
    links: ['https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_DeleteInstance.html#USER_DeletionProtection'],
    equivalents: {
      checkov: ['CKV_AWS_293', 'CKV_AWS_139', 'CKV_AWS_150'],
      tfsec: ['aws-rds-enable-deletion-protection', 'aws-rds-enable-cluster-deletion-protection'],
      trivy: ['AVD-AWS-0177', 'AVD-AWS-0343'],
    },
  },
  resourceTypes: Object.keys(SWITCH),
  resource(r, ctx) {
    const sw = SWITCH[r.type]!;
    if (r.type === 'aws_db_instance') {
      const engineProp = getProperty(r, 'engine');
      const engine = evalString(engineProp?.value, ctx.program);
      if (engine?.startsWith('aurora') || (engineProp && engine === undefined)) return; // protected through the cluster
    }
    const prop = getProperty(r, sw.key);
    const v = evalBool(prop?.value, ctx.program);
    if (v === true || v === undefined) return;
    const key = keyName(r, sw.key, prop);
    ctx.report({
      resource: r,
      loc: locFor(r, prop),
      message:
        v === 'absent'
          ? `${sw.what} ${describe(r)} does not set ${key}: nothing prevents deleting it`
          : `${sw.what} ${describe(r)} sets ${key} to false: nothing prevents deleting it`,
      evaluation: prop ? `${key} evaluates to false` : `${key} is absent (the default is false)`,
      fixes: [setFix(r, sw.key, { kind: 'literal', value: true }, true)],
    });
  },
});
