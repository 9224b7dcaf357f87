import { evalNumber, evalString, getProperty, walkValues } from '../../model/evaluate';
import type { Resource, Value } from '../../model/types';
import { ALL_LANGUAGES, defineRule } from '../../engine/rule';
import { describe, referencedResource } from '../util';

/** The resources among `candidates` that a value refers to anywhere inside it (`service/${cluster.name}/${svc.name}`). */
function referencesIn(v: Value | undefined, candidates: Resource[]): { found: Set<Resource>; opaque: boolean } {
  const found = new Set<Resource>();
  let opaque = false;
  for (const x of walkValues(v)) {
    if (x.kind === 'ref') {
      const r = referencedResource(x, candidates);
      if (r) found.add(r);
    } else if (x.kind === 'unknown') opaque = true;
  }
  return { found, opaque };
}

export default defineRule({
  meta: {
    id: 'autoscaling-policy-missing',
    title: 'Scalable capacity that nothing scales',
    category: 'reliability',
    severity: 'low',
    profiles: ['production'],
    languages: ALL_LANGUAGES,
    impact:
      'An Auto Scaling group with room between its minimum and maximum, or an ECS service, but no scaling policy stays at its starting size: a traffic peak overloads it, and the headroom paid for in the maximum is never used.',
    fix: 'Attach a target tracking policy (`aws_autoscaling_policy` for groups; `aws_appautoscaling_target` plus `aws_appautoscaling_policy` for ECS services) on CPU, request count or queue depth.',
    links: [
      'https://docs.aws.amazon.com/autoscaling/ec2/userguide/as-scaling-target-tracking.html',
      'https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-auto-scaling.html',
    ],
  },
  companions: ['aws_appautoscaling_target', 'aws_appautoscaling_policy', 'aws_autoscaling_policy'],
  program(ctx) {
    const groups = ctx.resourcesOf('aws_autoscaling_group').filter((g) => g.kind === 'resource');
    const scaledGroups = new Set<Resource>();
    let groupsOpaque = false;
    for (const p of ctx.resourcesOf('aws_autoscaling_policy', 'aws_autoscaling_schedule')) {
      const g = referencedResource(getProperty(p, 'autoscaling_group_name')?.value, groups);
      if (g && p.multiplicity === 'one') scaledGroups.add(g);
      else groupsOpaque = true; // a policy for a group the engine cannot tell may be any group's
    }
    if (!groupsOpaque) {
      for (const g of groups) {
        const min = evalNumber(getProperty(g, 'min_size')?.value, ctx.program);
        const max = evalNumber(getProperty(g, 'max_size')?.value, ctx.program);
        if (min === undefined || max === undefined || min >= max || scaledGroups.has(g)) continue;
        ctx.report({
          resource: g,
          loc: g.headLoc,
          message: `Auto Scaling group ${describe(g)} may run ${min} to ${max} instances, but no scaling policy is attached: it stays at its desired capacity under any load`,
        });
      }
    }

    const services = ctx.resourcesOf('aws_ecs_service').filter((s) => s.kind === 'resource');
    if (services.length === 0) return;
    const scaledServices = new Set<Resource>();
    for (const t of ctx.resourcesOf('aws_appautoscaling_target')) {
      const ns = evalString(getProperty(t, 'service_namespace')?.value, ctx.program);
      if (ns !== undefined && ns !== 'ecs') continue;
      const { found, opaque } = referencesIn(getProperty(t, 'resource_id')?.value, services);
      if (found.size === 0 && (opaque || ns === undefined || t.multiplicity !== 'one')) return;
      for (const s of found) scaledServices.add(s);
      if (found.size === 0) return; // a target whose service cannot be told may be any service's
    }
    for (const s of services) {
      if (scaledServices.has(s) || s.multiplicity !== 'one') continue;
      ctx.report({
        resource: s,
        loc: s.headLoc,
        message: `ECS service ${describe(s)} has no Application Auto Scaling target: its task count stays at desired_count under any load`,
      });
    }
  },
});
