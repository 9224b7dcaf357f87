import { evalBool, getProperty } from '../../model/evaluate';
import { ALL_LANGUAGES, defineRule } from '../../engine/rule';
import { describe, keyName, setFix } from '../util';

export default defineRule({
  meta: {
    id: 'rds-publicly-accessible',
    title: 'RDS database publicly accessible',
    category: 'security',
    severity: 'critical',
    profiles: 'all',
    languages: ALL_LANGUAGES,
    impact:
      'A publicly accessible database gets a public DNS name and IP address: with a permissive security group it is reachable from the internet and scanned and brute-forced within minutes.',
    fix: 'Set `publicly_accessible = false` and reach the database from inside the VPC (application subnets, a bastion or SSM port forwarding).',
    links: ['https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_VPC.WorkingWithRDSInstanceinaVPC.html#USER_VPC.Hiding'],
    equivalents: { checkov: ['CKV_AWS_17'], tfsec: ['aws-rds-enable-public-access'], trivy: ['AVD-AWS-0180'] },
  },
  resourceTypes: ['aws_db_instance', 'aws_rds_cluster_instance', 'aws_rds_cluster'],
  resource(r, ctx) {
    const prop = getProperty(r, 'publicly_accessible');
    if (!prop || evalBool(prop.value, ctx.program) !== true) return;
    const key = keyName(r, 'publicly_accessible', prop);
    const kind = r.type === 'aws_rds_cluster' ? 'RDS cluster' : r.type === 'aws_rds_cluster_instance' ? 'Aurora instance' : 'RDS instance';
    ctx.report({
      resource: r,
      loc: prop.value.loc,
      message: `${kind} ${describe(r)} sets ${key} to true: it gets a public IP address and is reachable from outside the VPC`,
      evaluation: `${key} evaluates to true`,
      // Clients that connect over the public endpoint lose access: not safe to apply blindly.
      fixes: [setFix(r, 'publicly_accessible', { kind: 'literal', value: false }, false)],
    });
  },
});
