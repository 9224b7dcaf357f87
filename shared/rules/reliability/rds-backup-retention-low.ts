import { evalNumber, evalString, getProperty } from '../../model/evaluate';
import { ALL_LANGUAGES, defineRule } from '../../engine/rule';
import { describe, keyName, locFor, setFix } from '../util';

export default defineRule({
  meta: {
    id: 'rds-backup-retention-low',
    title: 'RDS automated backups off or too short',
    category: 'reliability',
    severity: 'high',
    profiles: 'all',
    languages: ALL_LANGUAGES,
    impact:
      'With backups off there is no point-in-time recovery: a bad migration or a deleted table is permanent. A retention of a day or two is gone before most data problems are noticed.',
    fix: 'Set `backup_retention_period` to at least the configured minimum (7 days by default).',
    links: ['https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_WorkingWithAutomatedBackups.html'],
    equivalents: { checkov: ['CKV_AWS_133'], tfsec: ['aws-rds-specify-backup-retention'], trivy: ['AVD-AWS-0077'] },
  },
  resourceTypes: ['aws_db_instance', 'aws_rds_cluster'],
  resource(r, ctx) {
    const what = r.type === 'aws_rds_cluster' ? 'RDS cluster' : 'RDS instance';
    if (r.type === 'aws_db_instance') {
      // Aurora instances take backups from the cluster; read replicas need none of their own.
      const engineProp = getProperty(r, 'engine');
      const engine = evalString(engineProp?.value, ctx.program);
      if (engine?.startsWith('aurora') || (engineProp && engine === undefined)) return;
      if (getProperty(r, 'replicate_source_db')) return;
    }
    const min = ctx.settings.minBackupRetentionDays;
    const prop = getProperty(r, 'backup_retention_period');
    const key = keyName(r, 'backup_retention_period', prop);
    const fix = setFix(r, 'backup_retention_period', { kind: 'literal', value: min }, true);
    if (!prop) {
      if (min <= 1) return;
      ctx.report({
        resource: r,
        severity: 'medium',
        loc: r.headLoc,
        message: `${what} ${describe(r)} does not set ${key}: automated backups are kept for 1 day, below the configured minimum of ${min}`,
        evaluation: `${key} is absent (the default is 1 day)`,
        fixes: [fix],
      });
      return;
    }
    const days = evalNumber(prop.value, ctx.program);
    if (days === undefined || days >= min) return;
    ctx.report({
      resource: r,
      severity: days === 0 ? 'high' : 'medium',
      loc: locFor(r, prop),
      message:
        days === 0
          ? `${what} ${describe(r)} sets ${key} to 0: automated backups and point-in-time recovery are off`
          : `${what} ${describe(r)} keeps automated backups for ${days} day${days === 1 ? '' : 's'}, below the configured minimum of ${min}`,
      evaluation: `${key} evaluates to ${days}`,
      fixes: [fix],
    });
  },
});
