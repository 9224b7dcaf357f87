import { evalNumber, getProperty } from '../../model/evaluate';
import { ALL_LANGUAGES, defineRule } from '../../engine/rule';
import { flowLogIntervals } from '../../knowledge/facts';
import { describe, keyName, setFix } from '../util';

export default defineRule({
  meta: {
    id: 'vpc-flow-log-interval-invalid',
    title: 'Flow log aggregation interval other than 60 or 600 seconds',
    category: 'deployability',
    severity: 'high',
    profiles: 'all',
    languages: ALL_LANGUAGES,
    impact:
      'EC2 accepts only 60 or 600 seconds as the maximum aggregation interval of a flow log; any other value fails CreateFlowLogs and the deploy.',
    fix: 'Set `max_aggregation_interval` to 600 (the default) or 60 (one-minute records, more log volume).',
    links: [
      'https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateFlowLogs.html',
      'https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs.html#flow-logs-basics',
    ],
  },
  resourceTypes: ['aws_flow_log'],
  resource(r, ctx) {
    const prop = getProperty(r, 'max_aggregation_interval');
    const seconds = evalNumber(prop?.value, ctx.program);
    if (!prop || seconds === undefined) return;
    const { values, default: fallback } = flowLogIntervals();
    if (values.includes(seconds)) return;
    const key = keyName(r, 'max_aggregation_interval', prop);
    ctx.report({
      resource: r,
      loc: prop.value.loc,
      message: `flow log ${describe(r)} sets ${key} to ${seconds}, but EC2 accepts only ${values.join(' or ')} seconds${seconds === 1 || seconds === 10 ? ` (the value is in seconds, not minutes)` : ''}`,
      evaluation: `${key} evaluates to ${seconds}`,
      fixes: [setFix(r, 'max_aggregation_interval', { kind: 'literal', value: fallback }, true)],
    });
  },
});
