import { asList, asObject, evalNumber, evalString, getProperty } from '../../model/evaluate';
import type { ObjectValue, Resource } from '../../model/types';
import { ALL_LANGUAGES, defineRule, type RuleContext } from '../../engine/rule';
import { describe } from '../util';

/** S3's transition waterfall: an object only ever moves to a class further down this list. */
const WATERFALL = ['STANDARD_IA', 'INTELLIGENT_TIERING', 'ONEZONE_IA', 'GLACIER_IR', 'GLACIER', 'DEEP_ARCHIVE'];
/** Classes an object must stay in STANDARD for 30 days before entering. */
const MIN_30_DAYS = new Set(['STANDARD_IA', 'ONEZONE_IA']);

interface Transition {
  days: number;
  storageClass: string;
  obj: ObjectValue;
}

function transitions(rule: ObjectValue, ctx: RuleContext): Transition[] | undefined {
  const out: Transition[] = [];
  for (const item of asList(getProperty(rule, 'transition')?.value, ctx.program) ?? []) {
    const obj = asObject(item, ctx.program);
    const days = evalNumber(obj && getProperty(obj, 'days')?.value, ctx.program);
    const storageClass = evalString(obj && getProperty(obj, 'storage_class')?.value, ctx.program);
    // One transition the engine cannot read makes the order of all of them unknown.
    if (!obj || days === undefined || storageClass === undefined) return undefined;
    out.push({ days, storageClass: storageClass.toUpperCase(), obj });
  }
  return out.sort((a, b) => a.days - b.days);
}

function checkRule(r: Resource, rule: ObjectValue, label: string, separate: boolean, ctx: RuleContext): void {
  const id = evalString(getProperty(rule, 'id')?.value, ctx.program);
  const name = `${label}${id ? ` "${id}"` : ''} of ${describe(r)}`;
  if (separate && !getProperty(rule, 'filter') && !getProperty(rule, 'prefix') && !rule.partial) {
    ctx.report({
      resource: r,
      loc: rule.loc,
      message: `${name} has neither filter nor prefix: the provider rejects the rule (or warns and applies it to every object, depending on its version); add an empty filter to apply it to the whole bucket`,
      fixes: [
        {
          title: 'Add an empty filter (the rule applies to the whole bucket)',
          intents: [{ kind: 'addBlock', target: rule, key: 'filter', fields: {} }],
          safe: true,
        },
      ],
    });
  }
  const ts = transitions(rule, ctx);
  if (!ts) return;
  for (const t of ts) {
    if (MIN_30_DAYS.has(t.storageClass) && t.days < 30)
      ctx.report({
        resource: r,
        loc: t.obj.loc,
        message: `${name} moves objects to ${t.storageClass} after ${t.days} day${t.days === 1 ? '' : 's'}: S3 requires at least 30 days in STANDARD first, and the apply fails`,
      });
  }
  for (let i = 1; i < ts.length; i++) {
    const prev = ts[i - 1]!;
    const cur = ts[i]!;
    const a = WATERFALL.indexOf(prev.storageClass);
    const b = WATERFALL.indexOf(cur.storageClass);
    if (a >= 0 && b >= 0 && b <= a)
      ctx.report({
        resource: r,
        loc: cur.obj.loc,
        message: `${name} moves objects to ${cur.storageClass} after ${cur.days} days, after moving them to ${prev.storageClass} at ${prev.days}: S3 only transitions down ${WATERFALL.join(' > ')}, so the apply fails`,
      });
  }
  const expiration = asObject(getProperty(rule, 'expiration')?.value, ctx.program);
  const expDays = evalNumber(expiration && getProperty(expiration, 'days')?.value, ctx.program);
  const last = ts[ts.length - 1];
  if (expiration && expDays !== undefined && last && expDays <= last.days)
    ctx.report({
      resource: r,
      loc: expiration.loc,
      message: `${name} expires objects after ${expDays} days, not after their last transition (${last.storageClass} at ${last.days} days): S3 rejects the configuration`,
    });
}

export default defineRule({
  meta: {
    id: 's3-lifecycle-rule-invalid',
    title: 'S3 lifecycle rule S3 rejects',
    category: 'deployability',
    severity: 'medium',
    profiles: 'all',
    languages: ALL_LANGUAGES,
    impact:
      'S3 validates a lifecycle configuration as a whole: one transition too early, out of order, or an expiration before the last transition fails the apply (InvalidArgument), and no rule of the bucket takes effect. A rule without a filter or prefix is rejected or, depending on the provider version, silently applied to every object.',
    fix: 'Give each rule a `filter` (empty for the whole bucket); keep STANDARD_IA and ONEZONE_IA transitions at 30 days or more, transitions in waterfall order, and expiration after the last transition.',
    links: [
      'https://docs.aws.amazon.com/AmazonS3/latest/userguide/lifecycle-transition-general-considerations.html',
      'https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/s3_bucket_lifecycle_configuration',
    ],
  },
  resourceTypes: ['aws_s3_bucket_lifecycle_configuration', 'aws_s3_bucket'],
  resource(r, ctx) {
    const separate = r.type === 'aws_s3_bucket_lifecycle_configuration';
    const key = separate ? 'rule' : 'lifecycle_rule';
    for (const item of asList(getProperty(r, key)?.value, ctx.program) ?? []) {
      const rule = asObject(item, ctx.program);
      if (rule) checkRule(r, rule, separate ? 'lifecycle rule' : 'inline lifecycle rule', separate, ctx);
    }
  },
});
