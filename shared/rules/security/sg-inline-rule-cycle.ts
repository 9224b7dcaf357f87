import { asList, asObject, getProperty } from '../../model/evaluate';
import type { Resource } from '../../model/types';
import { defineRule } from '../../engine/rule';
import { describe, referencedResource } from '../util';

/** The groups a security group's inline rules name as sources or destinations. */
function referencedGroups(g: Resource, groups: Resource[]): Set<Resource> {
  const out = new Set<Resource>();
  for (const key of ['ingress', 'egress']) {
    for (const rule of asList(getProperty(g, key)?.value) ?? []) {
      const obj = asObject(rule);
      for (const v of asList(obj && getProperty(obj, 'security_groups')?.value) ?? []) {
        const target = referencedResource(v, groups);
        if (target) out.add(target);
      }
    }
  }
  return out;
}

/** Strongly connected components (Tarjan), iterative over the small graph of security groups. */
function cycles(nodes: Resource[], edges: Map<Resource, Set<Resource>>): Resource[][] {
  let next = 0;
  const index = new Map<Resource, number>();
  const low = new Map<Resource, number>();
  const stack: Resource[] = [];
  const onStack = new Set<Resource>();
  const out: Resource[][] = [];
  const visit = (v: Resource): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const scc: Resource[] = [];
      let w: Resource;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1 || edges.get(v)?.has(v)) out.push(scc.reverse());
    }
  };
  for (const n of nodes) if (!index.has(n)) visit(n);
  return out;
}

export default defineRule({
  meta: {
    id: 'sg-inline-rule-cycle',
    title: 'Security groups whose inline rules reference each other',
    category: 'security',
    severity: 'high',
    profiles: 'all',
    // Pulumi programs cannot write the cycle: a group must exist before another one's arguments can name it.
    languages: ['terraform'],
    impact:
      'Terraform must create each group before the other to fill in its inline rules: `plan` stops with "Cycle: aws_security_group.a, aws_security_group.b" (or a self-referential block error), and nothing deploys. The usual trigger is adding the return path between two tiers.',
    fix: 'Keep the groups without inline rules and write the rules as separate resources (`aws_vpc_security_group_ingress_rule` / `aws_vpc_security_group_egress_rule`, or `aws_security_group_rule`), which are created after both groups; inside one group use `self = true`.',
    links: [
      'https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/security_group',
      'https://developer.hashicorp.com/terraform/internals/graph',
    ],
  },
  program(ctx) {
    const groups = ctx.resourcesOf('aws_security_group').filter((g) => g.kind === 'resource' && g.language === 'terraform');
    const edges = new Map(groups.map((g) => [g, referencedGroups(g, groups)]));
    for (const cycle of cycles(groups, edges)) {
      const [first, ...rest] = cycle;
      ctx.report({
        resource: first,
        loc: first!.headLoc,
        message:
          cycle.length === 1
            ? `${describe(first!)} names itself in the security_groups of an inline rule: Terraform cannot create it (use self = true, or a separate rule resource)`
            : `the inline rules of ${cycle.map(describe).join(' and ')} reference each other: a dependency cycle Terraform cannot plan; move the rules into separate aws_vpc_security_group_ingress_rule / egress_rule resources`,
        related: rest.map((g) => ({ loc: g.headLoc, message: `${describe(g)}, part of the cycle` })),
      });
    }
  },
});
