import { asList, evalBool, evalNumber, evalString, getProperty, walkValues } from '../../model/evaluate';
import type { ObjectValue, Resource, Value } from '../../model/types';
import { ALL_LANGUAGES, defineRule, type RuleContext, type Severity } from '../../engine/rule';
import { describe } from '../util';

/** Administration and database ports: open to the world they are an incident waiting to happen. */
const SENSITIVE_PORTS = [22, 3389, 3306, 5432, 1433, 1521, 6379, 11211, 27017, 9200];
const WORLD = new Set(['0.0.0.0/0', '::/0']);
const ICMP = new Set(['icmp', 'icmpv6', '1', '58']);

interface Opening {
  cidr: string;
  cidrValue: Value;
  from?: number;
  to?: number;
  allPorts: boolean;
}

/** The world-open CIDRs of one rule object (inline ingress block, security_group_rule, ingress_rule). */
function openings(rule: ObjectValue | Resource, ctx: RuleContext): Opening[] {
  const out: Opening[] = [];
  const protocol = evalString(getProperty(rule, 'protocol')?.value ?? getProperty(rule, 'ip_protocol')?.value, ctx.program);
  // For ICMP, from_port and to_port are a type and a code, not ports; AWS recommends allowing some of it (path MTU).
  if (protocol !== undefined && ICMP.has(protocol.toLowerCase())) return out;
  const allPorts = protocol === '-1' || protocol === 'all';
  const from = evalNumber(getProperty(rule, 'from_port')?.value, ctx.program);
  const to = evalNumber(getProperty(rule, 'to_port')?.value, ctx.program);
  const candidates: Value[] = [];
  for (const key of ['cidr_blocks', 'ipv6_cidr_blocks']) candidates.push(...(asList(getProperty(rule, key)?.value, ctx.program) ?? []));
  for (const key of ['cidr_ipv4', 'cidr_ipv6']) {
    const v = getProperty(rule, key)?.value;
    if (v) candidates.push(v);
  }
  for (const c of candidates) {
    const s = evalString(c, ctx.program);
    if (s !== undefined && WORLD.has(s.trim())) out.push({ cidr: s.trim(), cidrValue: c, from, to, allPorts });
  }
  return out;
}

function severityOf(o: Opening, behindPublicLbOnly: boolean): { severity: Severity; ports: string } {
  if (o.allPorts || (o.from === 0 && (o.to === 0 || o.to === 65535))) return { severity: 'critical', ports: 'all ports' };
  if (o.from === undefined || o.to === undefined) return { severity: 'medium', ports: 'ports Faultline cannot evaluate' };
  const ports = o.from === o.to ? `port ${o.from}` : `ports ${o.from}-${o.to}`;
  const hit = SENSITIVE_PORTS.filter((p) => p >= o.from! && p <= o.to!);
  if (hit.length)
    return {
      severity: 'critical',
      ports: `${ports} (${hit.length === 1 ? 'an administration or database port' : `administration and database ports ${hit.join(', ')}`})`,
    };
  const webOnly = [80, 443].includes(o.from) && o.from === o.to;
  return { severity: webOnly && behindPublicLbOnly ? 'low' : 'medium', ports };
}

// awsx's load balancers are not mapped to a Terraform type: their class paths stand for them.
const LOAD_BALANCERS = new Set(['aws_lb', 'aws_alb', 'aws_elb', 'awsx.lb.ApplicationLoadBalancer', 'awsx.lb.NetworkLoadBalancer']);
/** Resources that name a group to add rules to it or to allow it as a peer: they do not attach it to anything. */
const GROUP_RULES = new Set([
  'aws_security_group',
  'aws_security_group_rule',
  'aws_vpc_security_group_ingress_rule',
  'aws_vpc_security_group_egress_rule',
]);

/**
 * True when the security group is attached only to internet-facing load balancers: web ports open to the world are
 * then the point of the group. A group also used by instances or tasks (or whose users are unknown) is not.
 */
function onlyPublicLoadBalancers(sg: Resource, ctx: RuleContext): boolean {
  const name = sg.symbol ?? sg.logicalName;
  const users = ctx.program.resources.filter(
    (r) =>
      r !== sg &&
      !GROUP_RULES.has(r.type) &&
      walkValues(r.props).some(
        (v) => v.kind === 'ref' && v.ref.kind === 'resource' && v.ref.resourceType === 'aws_security_group' && v.ref.name === name,
      ),
  );
  return (
    users.length > 0 && users.every((u) => LOAD_BALANCERS.has(u.type) && evalBool(getProperty(u, 'internal')?.value, ctx.program) !== true)
  );
}

function report(ctx: RuleContext, r: Resource, o: Opening, where: string, group: Resource | undefined): void {
  const { severity, ports } = severityOf(o, !!group && onlyPublicLoadBalancers(group, ctx));
  ctx.report({
    resource: r,
    loc: o.cidrValue.loc,
    severity,
    message: `${where} of ${describe(r)} allows ${ports} from ${o.cidr}, the whole internet`,
  });
}

export default defineRule({
  meta: {
    id: 'sg-ingress-open-to-world',
    title: 'Security group ingress open to the internet',
    category: 'security',
    severity: 'critical',
    profiles: 'all',
    languages: ALL_LANGUAGES,
    impact:
      'Anyone on the internet can reach the port: databases and SSH/RDP behind such a rule are scanned and brute-forced within minutes of deployment.',
    fix: 'Allow only the load balancer security group, a VPN or office CIDR, or use SSM Session Manager instead of SSH.',
    links: ['https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html'],
    equivalents: {
      checkov: ['CKV_AWS_24', 'CKV_AWS_25', 'CKV_AWS_260'],
      tfsec: ['aws-ec2-no-public-ingress-sgr'],
      trivy: ['AVD-AWS-0107'],
    },
  },
  resourceTypes: ['aws_security_group', 'aws_security_group_rule', 'aws_vpc_security_group_ingress_rule'],
  resource(r, ctx) {
    if (r.type === 'aws_security_group') {
      for (const item of asList(getProperty(r, 'ingress')?.value, ctx.program) ?? []) {
        if (item.kind !== 'object') continue;
        for (const o of openings(item, ctx)) report(ctx, r, o, 'an ingress rule', r);
      }
      return;
    }
    if (r.type === 'aws_security_group_rule' && evalString(getProperty(r, 'type')?.value, ctx.program) !== 'ingress') return;
    const target = getProperty(r, 'security_group_id')?.value;
    const group =
      target?.kind === 'ref' && target.ref.kind === 'resource'
        ? ctx.resourcesOf('aws_security_group').find((g) => (g.symbol ?? g.logicalName) === target.ref.name)
        : undefined;
    for (const o of openings(r, ctx)) report(ctx, r, o, 'the rule', group);
  },
});
