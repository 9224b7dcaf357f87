import { getProperty } from '../../model/evaluate';
import { ALL_LANGUAGES, defineRule } from '../../engine/rule';
import { describe, referencedResource } from '../util';

export default defineRule({
  meta: {
    id: 'vpc-flow-logs-missing',
    title: 'VPC without flow logs',
    category: 'security',
    severity: 'low',
    profiles: ['production'],
    languages: ALL_LANGUAGES,
    impact:
      'Without flow logs there is no record of which addresses talked to what: an incident (data leaving through a NAT gateway, a port scan, a misrouted connection) cannot be investigated afterwards, and many compliance frameworks require them.',
    fix: 'Add a flow log for the VPC (`aws_flow_log` with `vpc_id`, `aws.ec2.FlowLog` with `vpcId`) delivering to CloudWatch Logs or S3.',
    links: ['https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs.html'],
    equivalents: { checkov: ['CKV2_AWS_11'], tfsec: ['aws-ec2-require-vpc-flow-logs-for-all-vpcs'], trivy: ['AVD-AWS-0178'] },
  },
  program(ctx) {
    const vpcs = ctx.resourcesOf('aws_vpc').filter((r) => r.kind === 'resource');
    if (vpcs.length === 0) return;
    const logged = new Set();
    for (const log of ctx.resourcesOf('aws_flow_log')) {
      const prop = getProperty(log, 'vpc_id');
      if (!prop) continue; // a subnet or interface flow log covers part of a VPC only
      const vpc = referencedResource(prop.value, vpcs);
      // A flow log whose VPC cannot be told (a variable, a loop) may be the one each VPC needs.
      if (!vpc || log.multiplicity !== 'one') return;
      logged.add(vpc);
    }
    for (const vpc of vpcs) {
      if (logged.has(vpc)) continue;
      ctx.report({
        resource: vpc,
        loc: vpc.headLoc,
        message: `VPC ${describe(vpc)} has no flow log: the traffic in and out of it is not recorded, so a security incident in it cannot be reconstructed`,
      });
    }
  },
});
