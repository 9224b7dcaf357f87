import { evalBool, getProperty } from '../../model/evaluate';
import { ALL_LANGUAGES, defineRule } from '../../engine/rule';
import { describe, keyName, locFor, setFix } from '../util';

export default defineRule({
  meta: {
    id: 'cloudtrail-not-integrated',
    title: 'CloudTrail trail without CloudWatch Logs delivery or log file validation',
    category: 'security',
    severity: 'low',
    profiles: 'all',
    languages: ALL_LANGUAGES,
    impact:
      "Without CloudWatch Logs delivery no metric filter or alarm can react to API activity in real time; without log file validation nobody can prove the trail's files were not altered or deleted after an incident.",
    fix: 'Set `cloud_watch_logs_group_arn` (with `cloud_watch_logs_role_arn`) and `enable_log_file_validation = true`.',
    links: [
      'https://docs.aws.amazon.com/awscloudtrail/latest/userguide/send-cloudtrail-events-to-cloudwatch-logs.html',
      'https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-log-file-validation-intro.html',
    ],
    equivalents: {
      checkov: ['CKV2_AWS_10', 'CKV_AWS_36'],
      tfsec: ['aws-cloudtrail-ensure-cloudwatch-integration', 'aws-cloudtrail-enable-log-validation'],
      trivy: ['AVD-AWS-0162', 'AVD-AWS-0016'],
    },
  },
  resourceTypes: ['aws_cloudtrail'],
  resource(r, ctx) {
    if (!getProperty(r, 'cloud_watch_logs_group_arn')) {
      const key = keyName(r, 'cloud_watch_logs_group_arn');
      ctx.report({
        resource: r,
        loc: r.headLoc,
        message: `CloudTrail trail ${describe(r)} does not set ${key}: its events reach no log group, so no alarm can react to them`,
        evaluation: `${key} is absent`,
      });
    }
    const prop = getProperty(r, 'enable_log_file_validation');
    const v = evalBool(prop?.value, ctx.program);
    if (v === true || v === undefined) return;
    const key = keyName(r, 'enable_log_file_validation', prop);
    ctx.report({
      resource: r,
      loc: locFor(r, prop),
      message:
        v === 'absent'
          ? `CloudTrail trail ${describe(r)} does not set ${key}: tampering with its log files cannot be detected`
          : `CloudTrail trail ${describe(r)} sets ${key} to false: tampering with its log files cannot be detected`,
      evaluation: prop ? `${key} evaluates to false` : `${key} is absent (the default is false)`,
      fixes: [setFix(r, 'enable_log_file_validation', { kind: 'literal', value: true }, true)],
    });
  },
});
