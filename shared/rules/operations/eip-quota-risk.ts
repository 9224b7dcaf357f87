import { ALL_LANGUAGES, defineRule } from '../../engine/rule';
import { describe } from '../util';

/** The default Elastic IP quota per Region. */
const QUOTA = 5;

export default defineRule({
  meta: {
    id: 'eip-quota-risk',
    title: 'More Elastic IPs than the default quota',
    category: 'operations',
    severity: 'low',
    profiles: 'all',
    languages: ALL_LANGUAGES,
    impact: `An account may allocate ${QUOTA} Elastic IPs per Region by default: the deploy fails with AddressLimitExceeded (and stacks that share the account and Region compete for the same quota).`,
    fix: 'Request a quota increase before deploying, or allocate fewer addresses (one NAT gateway per stack in non-production, IPv6, or public IPs assigned at launch).',
    links: ['https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html#vpc-limits-eips'],
  },
  program(ctx) {
    const eips = ctx.resourcesOf('aws_eip').filter((r) => r.kind === 'resource');
    if (eips.length <= QUOTA || eips.some((r) => r.multiplicity !== 'one')) return;
    const first = eips[QUOTA]!;
    ctx.report({
      resource: first,
      loc: first.headLoc,
      message: `the program allocates ${eips.length} Elastic IPs, more than the default quota of ${QUOTA} per Region; ${describe(first)} is number ${QUOTA + 1}`,
      related: eips.filter((e) => e !== first).map((e) => ({ loc: e.headLoc, message: `Elastic IP ${describe(e)}` })),
    });
  },
});
