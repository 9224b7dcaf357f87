import { asObject, evalBool, getProperty, walkValues } from '../../model/evaluate';
import type { Resource } from '../../model/types';
import { ALL_LANGUAGES, defineRule, type RuleContext } from '../../engine/rule';
import { describe, keyName, referencedResource } from '../util';

/** Buckets with server access logging (inline or separate), buckets that receive logs, and whether some logging config is unreadable. */
function bucketLogging(ctx: RuleContext, buckets: Resource[]): { logged: Set<Resource>; targets: Set<Resource>; opaque: boolean } {
  const logged = new Set<Resource>();
  const targets = new Set<Resource>();
  let opaque = false;
  for (const b of buckets) {
    const inline = asObject(getProperty(b, 'logging')?.value, ctx.program);
    if (!inline) continue;
    logged.add(b);
    const t = referencedResource(getProperty(inline, 'target_bucket')?.value, buckets);
    if (t) targets.add(t);
  }
  // Buckets that receive logs (trails, load balancer and CDN access logs) are log archives, not sources.
  for (const t of ctx.resourcesOf('aws_cloudtrail')) {
    const b = referencedResource(getProperty(t, 's3_bucket_name')?.value, buckets);
    if (b) targets.add(b);
  }
  for (const r of ctx.resourcesOf('aws_lb', 'aws_alb', 'aws_cloudfront_distribution')) {
    const block = asObject(getProperty(r, r.type === 'aws_cloudfront_distribution' ? 'logging_config' : 'access_logs')?.value, ctx.program);
    const b = referencedResource(block && getProperty(block, 'bucket')?.value, buckets);
    if (b) targets.add(b);
  }
  for (const l of ctx.resourcesOf('aws_s3_bucket_logging')) {
    const b = referencedResource(getProperty(l, 'bucket')?.value, buckets);
    const t = referencedResource(getProperty(l, 'target_bucket')?.value, buckets);
    if (t) targets.add(t);
    if (b && l.multiplicity === 'one') logged.add(b);
    else opaque = true;
  }
  // A bucket handed to a module as its log destination (`log_bucket = aws_s3_bucket.logs.id`) receives logs there.
  for (const f of ctx.program.files) {
    for (const m of f.terraform?.modules ?? []) {
      for (const p of m.props.props) {
        if (!/log/i.test(p.key)) continue;
        for (const v of walkValues(p.value)) {
          const b = referencedResource(v, buckets);
          if (b) targets.add(b);
        }
      }
    }
  }
  return { logged, targets, opaque };
}

export default defineRule({
  meta: {
    id: 'access-logging-disabled',
    title: 'Access logging not configured',
    category: 'security',
    severity: 'low',
    profiles: ['production'],
    languages: ALL_LANGUAGES,
    impact:
      'Without access logs there is no record of who read or changed what: a data leak from a bucket, an abusive client behind the load balancer or a credential used against the API cannot be investigated or proven afterwards.',
    fix: 'S3: `aws_s3_bucket_logging` to a log bucket; load balancers: `access_logs { bucket = ..., enabled = true }`; CloudFront: `logging_config`; API Gateway stages: `access_log_settings` to a log group.',
    links: [
      'https://docs.aws.amazon.com/AmazonS3/latest/userguide/ServerLogs.html',
      'https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html',
      'https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-logging.html',
    ],
    equivalents: { checkov: ['CKV_AWS_18', 'CKV_AWS_91', 'CKV_AWS_86', 'CKV_AWS_76'] },
  },
  program(ctx) {
    const buckets = ctx.resourcesOf('aws_s3_bucket').filter((b) => b.kind === 'resource');
    const { logged, targets, opaque } = bucketLogging(ctx, buckets);
    if (!opaque)
      for (const b of buckets) {
        if (logged.has(b) || targets.has(b)) continue;
        ctx.report({
          resource: b,
          loc: b.headLoc,
          message: `S3 bucket ${describe(b)} has no server access logging: reads and writes of its objects leave no record`,
        });
      }
    for (const lb of ctx.resourcesOf('aws_lb', 'aws_alb')) {
      if (lb.kind !== 'resource') continue;
      const logs = asObject(getProperty(lb, 'access_logs')?.value, ctx.program);
      const enabled = logs ? evalBool(getProperty(logs, 'enabled')?.value, ctx.program) : 'absent';
      if (enabled === true || enabled === undefined) continue;
      ctx.report({
        resource: lb,
        loc: logs ? logs.loc : lb.headLoc,
        message: `load balancer ${describe(lb)} ${logs ? `does not enable its ${keyName(lb, 'access_logs')} (enabled defaults to false)` : 'has no access logs'}: requests and their clients leave no record`,
      });
    }
    const missing = (r: Resource, key: string, what: string): void => {
      if (r.kind !== 'resource' || getProperty(r, key)) return;
      ctx.report({ resource: r, loc: r.headLoc, message: `${what} ${describe(r)} has no ${keyName(r, key)}: requests leave no record` });
    };
    for (const d of ctx.resourcesOf('aws_cloudfront_distribution')) missing(d, 'logging_config', 'CloudFront distribution');
    for (const s of ctx.resourcesOf('aws_api_gateway_stage', 'aws_apigatewayv2_stage'))
      missing(s, 'access_log_settings', 'API Gateway stage');
  },
});
