import { asList, asObject, evalBool, evalString, getProperty } from '../../model/evaluate';
import type { FixIntent, Resource } from '../../model/types';
import { ALL_LANGUAGES, defineRule, type Fix, type RuleContext } from '../../engine/rule';
import { describe, keyName, referencedResource } from '../util';

/** 'yes' when the load balancer is internet-facing, 'no' when internal or not an application load balancer, 'unknown' otherwise. */
function internetFacingAlb(lb: Resource, ctx: RuleContext): 'yes' | 'no' | 'unknown' {
  const typeProp = getProperty(lb, 'load_balancer_type');
  if (typeProp) {
    const t = evalString(typeProp.value, ctx.program);
    if (t === undefined) return 'unknown';
    if (t !== 'application') return 'no';
  }
  const internal = evalBool(getProperty(lb, 'internal')?.value, ctx.program);
  if (internal === undefined) return 'unknown';
  return internal === true ? 'no' : 'yes';
}

function redirectFix(r: Resource, ctx: RuleContext, actionsKey: string): Fix | undefined {
  const actions = asList(getProperty(r, 'default_action')?.value, ctx.program);
  const action = actions?.length === 1 ? asObject(actions[0], ctx.program) : undefined;
  if (!action || action.partial) return undefined;
  const intents: FixIntent[] = [
    { kind: 'setProperty', target: action, key: 'type', value: { kind: 'literal', value: 'redirect' } },
    {
      kind: 'addBlock',
      target: action,
      key: 'redirect',
      fields: {
        protocol: { kind: 'literal', value: 'HTTPS' },
        port: { kind: 'literal', value: '443' },
        status_code: { kind: 'literal', value: 'HTTP_301' },
      },
    },
  ];
  for (const k of ['target_group_arn', 'forward', 'fixed_response', 'authenticate_cognito', 'authenticate_oidc']) {
    const p = getProperty(action, k, ctx.program);
    if (p && action.props.includes(p)) intents.push({ kind: 'removeProperty', property: p });
  }
  return { title: `Make the ${actionsKey} a redirect to HTTPS on port 443`, intents, safe: false };
}

/** Whether a listener rule of the listener redirects to HTTPS (`/*` to HTTPS at priority 1 is the same as a default redirect). */
function redirectedByRule(listener: Resource, ctx: RuleContext): boolean {
  return ctx.resourcesOf('aws_lb_listener_rule', 'aws_alb_listener_rule').some((rule) => {
    if (!referencedResource(getProperty(rule, 'listener_arn')?.value, [listener])) return false;
    return (asList(getProperty(rule, 'action')?.value, ctx.program) ?? []).some((item) => {
      const a = asObject(item, ctx.program);
      if (!a || evalString(getProperty(a, 'type', ctx.program)?.value, ctx.program) !== 'redirect') return false;
      return evalString(getProperty(a, 'redirect.protocol', ctx.program)?.value, ctx.program)?.toUpperCase() === 'HTTPS';
    });
  });
}

export default defineRule({
  meta: {
    id: 'alb-http-without-redirect',
    title: 'Internet-facing HTTP listener without a redirect to HTTPS',
    category: 'security',
    severity: 'medium',
    profiles: 'all',
    languages: ALL_LANGUAGES,
    impact:
      'Users reach the application over plain HTTP: sessions, cookies and form data cross the internet unencrypted and can be read or altered on the way.',
    fix: "Make the HTTP listener's default action a redirect to HTTPS on port 443 (status HTTP_301) and serve the application from an HTTPS listener.",
    links: ['https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-listeners.html#redirect-actions'],
    equivalents: { checkov: ['CKV_AWS_2', 'CKV2_AWS_20'], tfsec: ['aws-elb-http-not-used'], trivy: ['AVD-AWS-0054'] },
  },
  resourceTypes: ['aws_lb_listener', 'aws_alb_listener'],
  resource(r, ctx) {
    const lb = referencedResource(getProperty(r, 'load_balancer_arn')?.value, ctx.resourcesOf('aws_lb', 'aws_alb'));
    if (!lb || internetFacingAlb(lb, ctx) !== 'yes') return;
    const protocolProp = getProperty(r, 'protocol');
    const protocol = protocolProp ? evalString(protocolProp.value, ctx.program) : 'HTTP'; // ALB listeners default to HTTP
    if (protocol?.toUpperCase() !== 'HTTP') return;
    const actionsProp = getProperty(r, 'default_action');
    const actions = asList(actionsProp?.value, ctx.program);
    if (!actionsProp || !actions) return;
    const types: string[] = [];
    for (const item of actions) {
      const a = asObject(item, ctx.program);
      if (!a) return;
      const type = evalString(getProperty(a, 'type', ctx.program)?.value, ctx.program);
      if (type === undefined) return;
      if (type === 'redirect') {
        const proto = getProperty(a, 'redirect.protocol', ctx.program);
        if (!proto) continue; // "#{protocol}": stays on HTTP
        const p = evalString(proto.value, ctx.program);
        if (p === undefined || p.toUpperCase() === 'HTTPS') return;
      }
      types.push(type);
    }
    if (redirectedByRule(r, ctx)) return;
    const actionsKey = keyName(r, 'default_action', actionsProp);
    const fix = redirectFix(r, ctx, actionsKey);
    ctx.report({
      resource: r,
      loc: protocolProp ? protocolProp.value.loc : r.headLoc,
      message: `listener ${describe(r)} of internet-facing load balancer ${describe(lb)} serves HTTP and its ${actionsKey} (${types.join(', ')}) does not redirect to HTTPS`,
      related: [{ loc: lb.headLoc, message: 'the internet-facing load balancer' }],
      fixes: fix ? [fix] : [],
    });
  },
});
