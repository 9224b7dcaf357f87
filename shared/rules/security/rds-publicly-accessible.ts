import { asList, evalBool, getProperty } from '../../model/evaluate';
import type { Resource } from '../../model/types';
import { ALL_LANGUAGES, defineRule, type RuleContext } from '../../engine/rule';
import { describe, keyName, referencedResource, setFix } from '../util';

/** A subnet of the database's subnet group that certainly gives public IPs (`map_public_ip_on_launch = true`). */
function publicSubnetOf(db: Resource, ctx: RuleContext): { group: Resource; subnet: Resource } | undefined {
  const group = referencedResource(getProperty(db, 'db_subnet_group_name')?.value, ctx.resourcesOf('aws_db_subnet_group'));
  if (!group) return undefined;
  const subnets = ctx.resourcesOf('aws_subnet');
  for (const id of asList(getProperty(group, 'subnet_ids')?.value, ctx.program) ?? []) {
    const subnet = referencedResource(id, subnets);
    if (subnet && evalBool(getProperty(subnet, 'map_public_ip_on_launch')?.value, ctx.program) === true) return { group, subnet };
  }
  return undefined;
}

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
    fix: 'Set `publicly_accessible = false`, place the database in a DB subnet group of private subnets, and reach it from inside the VPC (application subnets, a bastion or SSM port forwarding).',
    links: ['https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_VPC.WorkingWithRDSInstanceinaVPC.html#USER_VPC.Hiding'],
    equivalents: { checkov: ['CKV_AWS_17'], tfsec: ['aws-rds-enable-public-access'], trivy: ['AVD-AWS-0180'] },
  },
  resourceTypes: ['aws_db_instance', 'aws_rds_cluster_instance', 'aws_rds_cluster'],
  resource(r, ctx) {
    const prop = getProperty(r, 'publicly_accessible');
    const value = evalBool(prop?.value, ctx.program);
    const key = keyName(r, 'publicly_accessible', prop);
    const kind = r.type === 'aws_rds_cluster' ? 'RDS cluster' : r.type === 'aws_rds_cluster_instance' ? 'Aurora instance' : 'RDS instance';
    if (value === false || value === 'absent') {
      // Not exposed today, but placed where one flag (or a console click) exposes it.
      const pub = r.type === 'aws_rds_cluster_instance' ? undefined : publicSubnetOf(r, ctx);
      if (pub)
        ctx.report({
          resource: r,
          loc: getProperty(r, 'db_subnet_group_name')!.value.loc,
          severity: 'medium',
          message: `${kind} ${describe(r)} uses DB subnet group ${describe(pub.group)}, which contains the public subnet ${describe(pub.subnet)} (${keyName(pub.subnet, 'map_public_ip_on_launch', getProperty(pub.subnet, 'map_public_ip_on_launch'))} = true): one change of ${key} puts it on the internet`,
          related: [{ loc: pub.subnet.headLoc, message: 'a public subnet of the group' }],
        });
      return;
    }
    if (!prop || value !== true) return;
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
