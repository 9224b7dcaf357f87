import { evalNumber, getProperty } from '../../model/evaluate';
import { ALL_LANGUAGES, defineRule } from '../../engine/rule';
import { logRetentionValues, nearest } from '../../knowledge/facts';
import { describe, keyName, setFix } from '../util';
import { listText } from './rds-common';

export default defineRule({
  meta: {
    id: 'log-retention-invalid',
    title: 'Log retention CloudWatch Logs does not accept',
    category: 'deployability',
    severity: 'high',
    profiles: 'all',
    languages: ALL_LANGUAGES,
    impact:
      'CloudWatch Logs accepts only a fixed set of retention periods; any other value fails the PutRetentionPolicy call ("Invalid value for retentionInDays") and with it the deploy.',
    fix: 'Use one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653 days (the nearest one keeps the intent).',
    links: ['https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutRetentionPolicy.html'],
  },
  resourceTypes: ['aws_cloudwatch_log_group'],
  resource(r, ctx) {
    const prop = getProperty(r, 'retention_in_days');
    const days = evalNumber(prop?.value, ctx.program);
    // 0 (never expire) is Terraform's and Pulumi's way to say "no policy": log-retention-missing reports it.
    if (!prop || days === undefined || days === 0) return;
    const allowed = logRetentionValues();
    if (allowed.includes(days)) return;
    const key = keyName(r, 'retention_in_days', prop);
    const best = nearest(allowed, days);
    const below = [...allowed].reverse().find((v) => v < days);
    const above = allowed.find((v) => v > days);
    const around =
      below !== undefined && above !== undefined
        ? `: the nearest allowed values are ${below} and ${above}`
        : `: allowed values are ${listText(allowed.map(String), 22)}`;
    ctx.report({
      resource: r,
      loc: prop.value.loc,
      message: `log group ${describe(r)} sets ${key} to ${days}, which CloudWatch Logs does not accept${around}`,
      evaluation: `${key} evaluates to ${days}`,
      fixes: [setFix(r, 'retention_in_days', { kind: 'literal', value: best }, true)],
    });
  },
});
