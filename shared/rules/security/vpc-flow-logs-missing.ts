import { getProperty } from '../../model/evaluate';
import { ALL_LANGUAGES, defineRule } from '../../engine/rule';
import type { FixValue } from '../../model/types';
import { attributeRef, describe, referencedResource } from '../util';

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
  companions: ['aws_flow_log'],
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
    // The fix delivers to the program's log bucket when it has exactly one, else to a placeholder ARN to fill in.
    const logBuckets = ctx.resourcesOf('aws_s3_bucket').filter((b) => b.kind === 'resource' && /log/i.test(b.logicalName));
    const bucketArn = logBuckets.length === 1 ? attributeRef(logBuckets[0]!, 'arn') : undefined;
    for (const vpc of vpcs) {
      if (logged.has(vpc)) continue;
      const vpcId = attributeRef(vpc, 'id');
      const name = vpc.language === 'terraform' ? vpc.logicalName : `${vpc.name.kind === 'string' ? vpc.logicalName : vpc.symbol}-flow-log`;
      const destination: FixValue = bucketArn ?? { kind: 'literal', value: 'arn:aws:s3:::TODO-flow-log-bucket' };
      ctx.report({
        resource: vpc,
        loc: vpc.headLoc,
        message: `VPC ${describe(vpc)} has no flow log: the traffic in and out of it is not recorded, so a security incident in it cannot be reconstructed`,
        fixes: vpcId
          ? [
              {
                title: bucketArn
                  ? `Add a flow log delivering to ${describe(logBuckets[0]!)}`
                  : 'Add a flow log delivering to S3 (fill in the bucket ARN)',
                intents: [
                  {
                    kind: 'addResource',
                    after: vpc,
                    type: 'aws_flow_log',
                    name,
                    args: {
                      vpc_id: vpcId,
                      traffic_type: { kind: 'literal', value: 'ALL' },
                      log_destination_type: { kind: 'literal', value: 's3' },
                      log_destination: destination,
                    },
                  },
                ],
                safe: false,
              },
            ]
          : [],
      });
    }
  },
});
