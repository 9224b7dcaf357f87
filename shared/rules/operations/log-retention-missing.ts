import { evalNumber, getProperty } from '../../model/evaluate';
import { ALL_LANGUAGES, defineRule } from '../../engine/rule';
import { describe, keyName, locFor, setFix } from '../util';

export default defineRule({
  meta: {
    id: 'log-retention-missing',
    title: 'Log group without retention',
    category: 'operations',
    severity: 'medium',
    profiles: 'all',
    languages: ALL_LANGUAGES,
    impact: 'Without a retention period CloudWatch keeps logs forever: the storage bill grows every month and old data is never purged.',
    fix: 'Set `retention_in_days` to one of the values CloudWatch Logs accepts (30 unless configured otherwise).',
    links: ['https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/Working-with-log-groups-and-streams.html#SettingLogRetention'],
    equivalents: { checkov: ['CKV_AWS_66', 'CKV_AWS_338'] },
  },
  resourceTypes: ['aws_cloudwatch_log_group'],
  resource(r, ctx) {
    const prop = getProperty(r, 'retention_in_days');
    const key = keyName(r, 'retention_in_days', prop);
    const fix = setFix(r, 'retention_in_days', { kind: 'literal', value: ctx.settings.defaultLogRetentionDays }, true);
    if (!prop) {
      ctx.report({
        resource: r,
        loc: r.headLoc,
        message: `log group ${describe(r)} has no ${key}: its logs never expire`,
        evaluation: `${key} is absent (logs are kept forever)`,
        fixes: [fix],
      });
      return;
    }
    const days = evalNumber(prop.value, ctx.program);
    if (days === undefined) return;
    if (days === 0) {
      ctx.report({
        resource: r,
        loc: locFor(r, prop),
        message: `log group ${describe(r)} sets ${key} to 0: its logs never expire`,
        fixes: [fix],
      });
    } else if (days < ctx.settings.minLogRetentionDays) {
      ctx.report({
        resource: r,
        loc: locFor(r, prop),
        message: `log group ${describe(r)} keeps logs for ${days} days, below the configured minimum of ${ctx.settings.minLogRetentionDays}`,
        fixes: [setFix(r, 'retention_in_days', { kind: 'literal', value: ctx.settings.minLogRetentionDays }, true)],
      });
    }
  },
});
