import { asList, evalString, evaluate, getProperty, walkValues } from '../../model/evaluate';
import type { Resource } from '../../model/types';
import { ALL_LANGUAGES, defineRule, type RuleContext } from '../../engine/rule';
import { describe, keyName, locFor, referencedResource } from '../util';

export default defineRule({
  meta: {
    id: 'alarm-without-actions',
    title: 'Alarm that notifies nobody',
    category: 'operations',
    severity: 'medium',
    profiles: 'all',
    languages: ALL_LANGUAGES,
    impact:
      'The alarm changes state in the console and nothing else happens: nobody is paged and no automation runs, so the incident it was written for goes unnoticed.',
    fix: 'Set `alarm_actions` to an SNS topic (or an Auto Scaling / EC2 / Systems Manager action) that reaches someone.',
    links: ['https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html#alarms-and-actions'],
  },
  resourceTypes: ['aws_cloudwatch_metric_alarm', 'aws_cloudwatch_composite_alarm'],
  resource(r, ctx) {
    if (r.type === 'aws_cloudwatch_metric_alarm' && feedsCompositeAlarm(r, ctx)) return;
    const prop = getProperty(r, 'alarm_actions');
    const key = keyName(r, 'alarm_actions', prop);
    const what = r.type === 'aws_cloudwatch_composite_alarm' ? 'composite alarm' : 'alarm';
    if (prop) {
      const items = asList(prop.value, ctx.program);
      const e = evaluate(prop.value, ctx.program);
      const empty =
        (items && items.length === 0) || (e.state === 'known' && (e.value === null || (Array.isArray(e.value) && e.value.length === 0)));
      if (!empty) return;
      ctx.report({
        resource: r,
        loc: locFor(r, prop),
        message: `${what} ${describe(r)} sets ${key} to an empty list: when it fires nobody is notified and nothing runs`,
        evaluation: `${key} evaluates to []`,
      });
      return;
    }
    ctx.report({
      resource: r,
      loc: r.headLoc,
      message: `${what} ${describe(r)} has no ${key}: when it fires nobody is notified and nothing runs`,
      evaluation: `${key} is absent`,
    });
  },
});

/** Whether a composite alarm's rule names the alarm: its inputs are silent on purpose, the composite notifies. */
function feedsCompositeAlarm(alarm: Resource, ctx: RuleContext): boolean {
  const alarmName = evalString(getProperty(alarm, 'alarm_name')?.value, ctx.program);
  const named = (text: string): boolean => !!alarmName && (text.includes(`"${alarmName}"`) || text.includes(`(${alarmName})`));
  return ctx
    .resourcesOf('aws_cloudwatch_composite_alarm')
    .some((c) =>
      walkValues(getProperty(c, 'alarm_rule')?.value).some(
        (v) => referencedResource(v, [alarm]) === alarm || (v.kind === 'string' && named(v.value)),
      ),
    );
}
