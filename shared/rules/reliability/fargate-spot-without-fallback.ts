import { asList, asObject, evalString, getProperty } from '../../model/evaluate';
import { ALL_LANGUAGES, defineRule } from '../../engine/rule';
import type { FixIntent } from '../../model/types';
import { describe, keyName } from '../util';

export default defineRule({
  meta: {
    id: 'fargate-spot-without-fallback',
    title: 'Fargate Spot capacity without an on-demand fallback',
    category: 'reliability',
    severity: 'medium',
    profiles: 'all',
    languages: ALL_LANGUAGES,
    impact:
      "When Fargate Spot has no capacity, or reclaims it with two minutes' notice, the service cannot start or replace tasks and runs below its desired count, possibly at zero.",
    fix: 'Add the FARGATE capacity provider to the strategy with `base = 1` (and a weight) so at least one task always runs on demand.',
    links: ['https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-capacity-providers.html'],
  },
  resourceTypes: ['aws_ecs_service', 'aws_ecs_cluster_capacity_providers'],
  resource(r, ctx) {
    const k = r.type === 'aws_ecs_service' ? 'capacity_provider_strategy' : 'default_capacity_provider_strategy';
    const prop = getProperty(r, k);
    const items = asList(prop?.value, ctx.program);
    if (!prop || !items?.length) return;
    const providers: string[] = [];
    for (const item of items) {
      const o = asObject(item, ctx.program);
      const name = o && evalString(getProperty(o, 'capacity_provider', ctx.program)?.value, ctx.program);
      if (name === undefined) return;
      providers.push(name);
    }
    if (!providers.includes('FARGATE_SPOT') || providers.includes('FARGATE')) return;
    if (providers.some((p) => p !== 'FARGATE_SPOT')) return; // another (EC2) provider can take the tasks
    const key = keyName(r, k, prop);
    const what = r.type === 'aws_ecs_service' ? 'ECS service' : 'ECS cluster capacity providers';
    const intents: FixIntent[] = [
      {
        kind: 'addListItem',
        resource: r,
        property: prop,
        fields: {
          capacity_provider: { kind: 'literal', value: 'FARGATE' },
          base: { kind: 'literal', value: 1 },
          weight: { kind: 'literal', value: 1 },
        },
      },
    ];
    // The cluster must offer FARGATE too; a list the engine cannot read gets no fix.
    const offered = getProperty(r, 'capacity_providers');
    if (r.type === 'aws_ecs_cluster_capacity_providers' && offered) {
      const e = ctx.evaluate(offered.value);
      if (e.state !== 'known' || !Array.isArray(e.value)) intents.length = 0;
      else if (!e.value.includes('FARGATE'))
        intents.push({ kind: 'addListItem', resource: r, property: offered, value: { kind: 'literal', value: 'FARGATE' } });
    }
    ctx.report({
      resource: r,
      loc: prop.keyLoc,
      message: `${what} ${describe(r)} uses only FARGATE_SPOT in its ${key}: when Spot capacity is short or reclaimed no task can start`,
      // On-demand tasks cost more than Spot: the user decides.
      fixes: intents.length ? [{ title: 'Add FARGATE with base 1 (one task always on demand)', intents, safe: false }] : [],
    });
  },
});
