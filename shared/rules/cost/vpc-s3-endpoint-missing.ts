import { evalString, getProperty } from '../../model/evaluate';
import type { Resource } from '../../model/types';
import { ALL_LANGUAGES, defineRule } from '../../engine/rule';
import { describe, natRoutes, referencedResource } from '../util';

export default defineRule({
  meta: {
    id: 'vpc-s3-endpoint-missing',
    title: 'Private subnets reach S3 through a NAT gateway',
    category: 'cost',
    severity: 'low',
    profiles: 'all',
    languages: ALL_LANGUAGES,
    impact:
      'Without an S3 gateway endpoint, traffic from private subnets to S3 (container image layers from ECR, backups, logs, data) goes through the NAT gateway, which charges about 0.045 USD per GB processed; the gateway endpoint is free and keeps the traffic off the internet path.',
    fix: 'Add an `aws_vpc_endpoint` for `com.amazonaws.<region>.s3` of type Gateway on the private route tables (`aws.ec2.VpcEndpoint`).',
    links: ['https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-s3.html', 'https://aws.amazon.com/vpc/pricing/'],
  },
  companions: ['aws_vpc_endpoint'],
  program(ctx) {
    const vpcs = ctx.resourcesOf('aws_vpc');
    const withEndpoint = new Set<Resource>();
    for (const e of ctx.resourcesOf('aws_vpc_endpoint')) {
      const service = evalString(getProperty(e, 'service_name')?.value, ctx.program);
      const vpc = referencedResource(getProperty(e, 'vpc_id')?.value, vpcs);
      // An endpoint the engine cannot read may be the S3 endpoint of any VPC.
      if (service === undefined || !vpc || e.multiplicity !== 'one') return;
      const type = evalString(getProperty(e, 'vpc_endpoint_type')?.value, ctx.program) ?? 'Gateway';
      if (/\.s3$/.test(service) && type.toLowerCase() === 'gateway') withEndpoint.add(vpc);
    }
    const reported = new Set<Resource>();
    for (const { table, via } of natRoutes(ctx)) {
      const vpc = referencedResource(getProperty(table, 'vpc_id')?.value, vpcs);
      if (!vpc || withEndpoint.has(vpc) || reported.has(vpc)) continue;
      reported.add(vpc);
      ctx.report({
        resource: table,
        loc: via.loc,
        message: `route table ${describe(table)} sends the private subnets of ${describe(vpc)} through a NAT gateway, and the VPC has no S3 gateway endpoint: every byte to S3 and ECR pays the NAT data processing charge`,
      });
    }
  },
});
