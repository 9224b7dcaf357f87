import { evalBool, evalString, getProperty } from '../../model/evaluate';
import { ALL_LANGUAGES, defineRule } from '../../engine/rule';
import { describe, referencedResource } from '../util';

export default defineRule({
  meta: {
    id: 'alb-waf-missing',
    title: 'Internet-facing load balancer without a WAF',
    category: 'security',
    severity: 'low',
    profiles: ['production'],
    languages: ALL_LANGUAGES,
    impact:
      'An internet-facing application load balancer without a web ACL passes every request to the application: SQL injection and known-exploit probes, credential stuffing and request floods reach it unfiltered, and there is no rate limit to switch on during an attack.',
    fix: 'Associate an AWS WAF web ACL (at least the AWS managed common rule set and a rate-based rule) with the load balancer: `aws_wafv2_web_acl_association` / `aws.wafv2.WebAclAssociation`.',
    links: ['https://docs.aws.amazon.com/waf/latest/developerguide/web-acl-associating-aws-resource.html'],
    equivalents: { checkov: ['CKV2_AWS_28'] },
  },
  program(ctx) {
    const lbs = ctx.resourcesOf('aws_lb', 'aws_alb').filter((r) => r.kind === 'resource');
    if (lbs.length === 0) return;
    const protectedLbs = new Set();
    for (const a of ctx.resourcesOf('aws_wafv2_web_acl_association', 'aws_wafregional_web_acl_association')) {
      const lb = referencedResource(getProperty(a, 'resource_arn')?.value, lbs);
      // An association whose target cannot be told may protect any of them.
      if (!lb || a.multiplicity !== 'one') return;
      protectedLbs.add(lb);
    }
    for (const lb of lbs) {
      if (protectedLbs.has(lb)) continue;
      const type = getProperty(lb, 'load_balancer_type');
      if (type && evalString(type.value, ctx.program) !== 'application') continue;
      const internal = evalBool(getProperty(lb, 'internal')?.value, ctx.program);
      if (internal !== false && internal !== 'absent') continue;
      ctx.report({
        resource: lb,
        loc: lb.headLoc,
        message: `internet-facing application load balancer ${describe(lb)} has no WAF web ACL associated: every request reaches the targets unfiltered and there is no rate limit`,
      });
    }
  },
});
