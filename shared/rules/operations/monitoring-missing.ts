import { evalString, getProperty, walkValues } from '../../model/evaluate';
import type { Resource } from '../../model/types';
import { ALL_LANGUAGES, defineRule } from '../../engine/rule';
import { describe, referencedResource } from '../util';

const WATCHED: Record<string, string> = {
  aws_db_instance: 'database',
  aws_rds_cluster: 'database cluster',
  aws_lb: 'load balancer',
  aws_alb: 'load balancer',
  aws_ecs_service: 'ECS service',
};

/** Arguments whose value names the resource in CloudWatch dimensions. */
const NAME_KEYS = ['identifier', 'cluster_identifier', 'name'];

export default defineRule({
  meta: {
    id: 'monitoring-missing',
    title: 'Database, load balancer or service without an alarm',
    category: 'operations',
    severity: 'low',
    profiles: ['production'],
    languages: ALL_LANGUAGES,
    impact:
      'Nobody learns that the database is out of connections, the load balancer returns 5xx or the service has no running tasks until customers say so: the outage lasts as long as it takes someone to notice.',
    fix: 'Add CloudWatch metric alarms with actions on the key metrics: RDS CPU, free storage and connections; load balancer 5xx and unhealthy hosts; ECS running task count and CPU/memory.',
    links: ['https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Best_Practice_Recommended_Alarms_AWS_Services.html'],
  },
  companions: ['aws_cloudwatch_metric_alarm', 'aws_cloudwatch_composite_alarm'],
  program(ctx) {
    const candidates = ctx.resourcesOf(...Object.keys(WATCHED)).filter((r) => r.kind === 'resource' && r.multiplicity === 'one');
    if (candidates.length === 0) return;
    const byName = new Map<string, Resource>();
    for (const c of candidates)
      for (const k of NAME_KEYS) {
        const n = evalString(getProperty(c, k)?.value, ctx.program);
        if (n !== undefined) byName.set(n, c);
      }
    const watched = new Set<Resource>();
    for (const alarm of ctx.resourcesOf('aws_cloudwatch_metric_alarm')) {
      if (alarm.multiplicity !== 'one') return; // alarms made in a loop may watch anything
      for (const key of ['dimensions', 'metric_query']) {
        for (const v of walkValues(getProperty(alarm, key)?.value)) {
          if (v.kind === 'ref') {
            const r = referencedResource(v, candidates);
            const known = r ? undefined : evalString(v, ctx.program);
            if (r) watched.add(r);
            else if (known !== undefined) {
              if (byName.has(known)) watched.add(byName.get(known)!);
            } else if (v.ref.kind !== 'resource') return; // a variable or config value may name any of them
          } else if (v.kind === 'string' && byName.has(v.value)) watched.add(byName.get(v.value)!);
          else if (v.kind === 'unknown') return;
        }
      }
    }
    for (const c of candidates) {
      if (watched.has(c)) continue;
      const type = evalString(getProperty(c, 'load_balancer_type')?.value, ctx.program);
      if (type === 'gateway') continue;
      ctx.report({
        resource: c,
        loc: c.headLoc,
        message: `no CloudWatch alarm watches ${WATCHED[c.type]} ${describe(c)}: when it fails or saturates, nobody is told`,
      });
    }
  },
});
