import { ALL_LANGUAGES, defineRule } from '../../engine/rule';
import { describe } from '../util';

export default defineRule({
  meta: {
    id: 'nat-gateway-cost-ephemeral',
    title: 'Several NAT gateways in a short-lived stack',
    category: 'cost',
    severity: 'low',
    profiles: ['ephemeral'],
    languages: ALL_LANGUAGES,
    impact:
      'Each NAT gateway costs about 33 USD a month plus data processing even when idle, and each needs an Elastic IP from a quota of five per Region: pull-request and test stacks with one per zone multiply both, and parallel stacks start failing on AddressLimitExceeded.',
    fix: 'In ephemeral stacks use a single NAT gateway (or none: VPC endpoints, public subnets for test tasks), keeping one per zone for production.',
    links: ['https://aws.amazon.com/vpc/pricing/', 'https://docs.aws.amazon.com/vpc/latest/userguide/vpc-nat-gateway.html'],
  },
  program(ctx) {
    const nats = ctx.resourcesOf('aws_nat_gateway').filter((r) => r.kind === 'resource' && r.multiplicity === 'one');
    if (nats.length < 2) return;
    const [first, ...others] = nats;
    ctx.report({
      resource: others[0],
      loc: others[0]!.headLoc,
      message: `this ${ctx.profile} stack creates ${nats.length} NAT gateways (${nats.map(describe).join(', ')}): each costs about 33 USD a month idle and takes an Elastic IP; one is enough for a short-lived stack`,
      related: [first!, ...others.slice(1)].map((n) => ({ loc: n.headLoc, message: `NAT gateway ${describe(n)}` })),
    });
  },
});
