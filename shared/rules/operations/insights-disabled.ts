import { asList, asObject, evalBool, evalString, getProperty } from '../../model/evaluate';
import type { Resource } from '../../model/types';
import { ALL_LANGUAGES, defineRule, type Fix, type RuleContext } from '../../engine/rule';
import { describe, keyName, locFor } from '../util';

/** Classes Performance Insights does not support or whose support depends on size and engine: not judged. */
const NO_PI_CLASS = /^db\.t[234]g?\./;

function ecsCluster(r: Resource, ctx: RuleContext): void {
  const settings = getProperty(r, 'setting');
  const items = settings ? asList(settings.value, ctx.program) : [];
  if (!items) return;
  for (const item of items) {
    const s = asObject(item, ctx.program);
    const name = s && evalString(getProperty(s, 'name')?.value, ctx.program);
    if (name === undefined) return; // a setting the engine cannot read may be Container Insights
    if (name !== 'containerInsights') continue;
    const value = evalString(getProperty(s!, 'value')?.value, ctx.program);
    if (value === undefined || value === 'enabled' || value === 'enhanced') return;
    ctx.report({
      resource: r,
      loc: getProperty(s!, 'value')!.value.loc,
      message: `ECS cluster ${describe(r)} sets containerInsights to "${value}": no per-task CPU, memory and network metrics to find the task that misbehaves`,
    });
    return;
  }
  ctx.report({
    resource: r,
    loc: settings ? settings.value.loc : r.headLoc,
    message: `ECS cluster ${describe(r)} does not enable Container Insights: no per-service and per-task CPU, memory and network metrics to diagnose an incident`,
  });
}

function switchOff(r: Resource, key: string, what: string, ctx: RuleContext, fix: Fix): void {
  const prop = getProperty(r, key);
  const v = evalBool(prop?.value, ctx.program);
  if (v === true || v === undefined) return;
  ctx.report({
    resource: r,
    loc: locFor(r, prop),
    message: `${describe(r)} ${prop ? `sets ${keyName(r, key, prop)} to false` : `does not set ${keyName(r, key)}`}: ${what}`,
    fixes: [fix],
  });
}

function setTrue(r: Resource, key: string): Fix {
  const shown = r.language === 'python' ? 'True' : 'true';
  return {
    title: `Set ${keyName(r, key, getProperty(r, key))} = ${shown}`,
    intents: [{ kind: 'setProperty', target: r.props, key, value: { kind: 'literal', value: true } }],
    safe: true,
  };
}

export default defineRule({
  meta: {
    id: 'insights-disabled',
    title: 'Container Insights, Performance Insights or X-Ray off',
    category: 'operations',
    severity: 'low',
    profiles: ['production'],
    languages: ALL_LANGUAGES,
    impact:
      'When production slows down, these are the tools that say where: per-task metrics for ECS, the queries that load the database, the trace of a request through Lambda and API Gateway. Turned on after the incident, they have no data about it.',
    fix: 'ECS: `setting { name = "containerInsights" value = "enabled" }`; RDS: `performance_insights_enabled = true`; Lambda: `tracing_config { mode = "Active" }`; API Gateway stages: `xray_tracing_enabled = true`.',
    links: [
      'https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/ContainerInsights.html',
      'https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_PerfInsights.html',
      'https://docs.aws.amazon.com/lambda/latest/dg/services-xray.html',
    ],
    equivalents: { checkov: ['CKV_AWS_65', 'CKV_AWS_50', 'CKV_AWS_73'] },
  },
  resourceTypes: ['aws_ecs_cluster', 'aws_db_instance', 'aws_rds_cluster_instance', 'aws_lambda_function', 'aws_api_gateway_stage'],
  resource(r, ctx) {
    switch (r.type) {
      case 'aws_ecs_cluster':
        return ecsCluster(r, ctx);
      case 'aws_db_instance':
      case 'aws_rds_cluster_instance': {
        const cls = evalString(getProperty(r, 'instance_class')?.value, ctx.program);
        if (cls === undefined || NO_PI_CLASS.test(cls) || cls === 'db.serverless') return;
        return switchOff(
          r,
          'performance_insights_enabled',
          'without Performance Insights there is no record of which queries loaded the database',
          ctx,
          setTrue(r, 'performance_insights_enabled'),
        );
      }
      case 'aws_lambda_function': {
        const tracing = asObject(getProperty(r, 'tracing_config')?.value, ctx.program);
        const prop = tracing && getProperty(tracing, 'mode');
        const mode = prop ? evalString(prop.value, ctx.program) : 'PassThrough';
        if (mode === undefined || mode === 'Active') return;
        ctx.report({
          resource: r,
          loc: prop ? prop.value.loc : r.headLoc,
          message: `Lambda function ${describe(r)} does not trace with X-Ray (tracing mode ${mode}): a slow or failing invocation cannot be followed into the services it calls`,
          fixes: [
            {
              title: `Set ${keyName(r, 'tracing_config')}.mode = "Active"`,
              intents: [{ kind: 'setProperty', target: r.props, key: 'tracing_config.mode', value: { kind: 'literal', value: 'Active' } }],
              safe: true,
            },
          ],
        });
        return;
      }
      case 'aws_api_gateway_stage':
        return switchOff(
          r,
          'xray_tracing_enabled',
          'requests are not traced with X-Ray through the API to its integrations',
          ctx,
          setTrue(r, 'xray_tracing_enabled'),
        );
    }
  },
});
