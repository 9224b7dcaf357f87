import { evalNumber, evalString, getProperty } from '../../model/evaluate';
import { ALL_LANGUAGES, defineRule } from '../../engine/rule';
import { describe, keyName, locFor } from '../util';

export default defineRule({
  meta: {
    id: 'rds-storage-autoscaling-disabled',
    title: 'RDS storage without autoscaling',
    category: 'operations',
    severity: 'low',
    profiles: 'all',
    languages: ALL_LANGUAGES,
    impact:
      'When the allocated storage fills up the instance goes into the storage-full state and stops accepting writes: an outage that storage autoscaling would have avoided.',
    fix: 'Set `max_allocated_storage` above `allocated_storage` so RDS grows the volume when it runs low.',
    links: ['https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_PIOPS.Autoscaling.html'],
  },
  resourceTypes: ['aws_db_instance'],
  resource(r, ctx) {
    const engineProp = getProperty(r, 'engine');
    const engine = evalString(engineProp?.value, ctx.program);
    if (engine?.startsWith('aurora') || (engineProp && engine === undefined)) return; // Aurora storage grows by itself
    const allocated = getProperty(r, 'allocated_storage');
    if (!allocated) return;
    const size = evalNumber(allocated.value, ctx.program);
    const prop = getProperty(r, 'max_allocated_storage');
    const key = keyName(r, 'max_allocated_storage', prop);
    const sizeText = size !== undefined ? ` beyond its ${size} GiB` : '';
    if (!prop) {
      ctx.report({
        resource: r,
        loc: allocated.keyLoc,
        message: `RDS instance ${describe(r)} does not set ${key}: its storage never grows${sizeText}, and writes stop when it is full`,
        evaluation: `${key} is absent (storage autoscaling is off)`,
      });
      return;
    }
    const max = evalNumber(prop.value, ctx.program);
    if (max === undefined || size === undefined) return;
    if (max === 0 || max <= size) {
      ctx.report({
        resource: r,
        loc: locFor(r, prop),
        message: `RDS instance ${describe(r)} sets ${key} to ${max}${max === 0 ? ', which turns storage autoscaling off' : `, not above allocated storage (${size} GiB): storage autoscaling cannot grow it`}`,
        evaluation: `${key} evaluates to ${max}`,
      });
    }
  },
});
