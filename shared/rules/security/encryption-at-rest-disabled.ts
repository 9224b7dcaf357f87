import { asList, asObject, evalBool, evalString, getProperty } from '../../model/evaluate';
import type { FixValue, ObjectValue, Property, Resource } from '../../model/types';
import { ALL_LANGUAGES, defineRule, type Fix, type RuleContext } from '../../engine/rule';
import { describe, keyName, locFor } from '../util';

/** The switch of each resource type: a boolean that must be true, where it lives, and whether turning it on replaces the resource. */
interface Switch {
  what: string;
  key: string;
  replaces: boolean;
}

const SWITCHES: Record<string, Switch> = {
  aws_db_instance: { what: 'RDS instance', key: 'storage_encrypted', replaces: true },
  aws_rds_cluster: { what: 'RDS cluster', key: 'storage_encrypted', replaces: true },
  aws_docdb_cluster: { what: 'DocumentDB cluster', key: 'storage_encrypted', replaces: true },
  aws_neptune_cluster: { what: 'Neptune cluster', key: 'storage_encrypted', replaces: true },
  aws_ebs_volume: { what: 'EBS volume', key: 'encrypted', replaces: true },
  aws_efs_file_system: { what: 'EFS file system', key: 'encrypted', replaces: true },
  aws_elasticache_replication_group: { what: 'ElastiCache replication group', key: 'at_rest_encryption_enabled', replaces: true },
  aws_redshift_cluster: { what: 'Redshift cluster', key: 'encrypted', replaces: false },
  aws_opensearch_domain: { what: 'OpenSearch domain', key: 'encrypt_at_rest.enabled', replaces: true },
  aws_elasticsearch_domain: { what: 'Elasticsearch domain', key: 'encrypt_at_rest.enabled', replaces: true },
};

const EBS_TYPES = new Set(['aws_ebs_volume', 'aws_instance', 'aws_launch_template']);

/** True when the program turns on EBS encryption by default (or may: an unknown `enabled`). */
function ebsEncryptedByDefault(ctx: RuleContext): boolean {
  return ctx.resourcesOf('aws_ebs_encryption_by_default').some((d) => evalBool(getProperty(d, 'enabled')?.value, ctx.program) !== false);
}

function setOn(target: ObjectValue, key: string, value: FixValue, shown: string, safe: boolean, note = ''): Fix {
  return { title: `Set ${shown}${note}`, intents: [{ kind: 'setProperty', target, key, value }], safe };
}

const lit = (r: Resource, v: boolean | string): string =>
  typeof v === 'string' ? JSON.stringify(v) : r.language === 'python' ? (v ? 'True' : 'False') : String(v);

/** Checks a boolean switch at `path` under `target`; reports when it is false or absent. */
function checkSwitch(
  ctx: RuleContext,
  r: Resource,
  target: ObjectValue,
  path: string,
  subject: string,
  replaces: boolean,
  where?: Property,
): void {
  const prop = getProperty(target, path, ctx.program);
  const v = evalBool(prop?.value, ctx.program);
  if (v === true || v === undefined) return;
  const segs = path.split('.');
  const last = segs[segs.length - 1]!;
  const parentProp = segs.length > 1 ? getProperty(target, segs.slice(0, -1).join('.'), ctx.program) : undefined;
  const lastKey = prop ? prop.keyAsWritten : keyName(r, last);
  const shownKey = segs.length > 1 ? `${parentProp ? parentProp.keyAsWritten : keyName(r, segs[0]!)}.${lastKey}` : lastKey;
  const parentObj = parentProp ? asObject(parentProp.value, ctx.program) : undefined;
  if (parentProp && !parentObj) return; // a nested value Faultline cannot see into
  const fixTarget = parentObj ?? target;
  const fixKey = parentObj ? last : path;
  const note = replaces ? ' (replaces the resource: migrate the data first)' : '';
  ctx.report({
    resource: r,
    loc: prop ? prop.value.loc : parentProp ? parentProp.keyLoc : where ? where.keyLoc : r.headLoc,
    message:
      v === 'absent'
        ? `${subject} does not set ${shownKey}: its data is stored unencrypted`
        : `${subject} sets ${shownKey} to false: its data is stored unencrypted`,
    evaluation: prop ? `${shownKey} evaluates to false` : `${shownKey} is absent (the default is false)`,
    fixes: [setOn(fixTarget, fixKey, { kind: 'literal', value: true }, `${parentObj ? lastKey : shownKey} = ${lit(r, true)}`, false, note)],
  });
}

/** Block devices of an instance or launch template that are written out: each must be encrypted. */
function checkBlockDevices(ctx: RuleContext, r: Resource): void {
  if (r.type === 'aws_instance') {
    const root = getProperty(r, 'root_block_device');
    const rootObj = asObject(root?.value, ctx.program);
    if (rootObj) checkSwitch(ctx, r, rootObj, 'encrypted', `the root block device of EC2 instance ${describe(r)}`, true, root);
    const devices = getProperty(r, 'ebs_block_device');
    for (const item of asList(devices?.value, ctx.program) ?? []) {
      const dev = asObject(item, ctx.program);
      if (!dev || getProperty(dev, 'snapshot_id', ctx.program)) continue; // encryption follows the snapshot
      const name = evalString(getProperty(dev, 'device_name', ctx.program)?.value, ctx.program);
      checkSwitch(ctx, r, dev, 'encrypted', `EBS block device ${name ? `${name} ` : ''}of EC2 instance ${describe(r)}`, true, devices);
    }
    return;
  }
  const mappings = getProperty(r, 'block_device_mappings');
  for (const item of asList(mappings?.value, ctx.program) ?? []) {
    const mapping = asObject(item, ctx.program);
    const ebs = asObject(mapping && getProperty(mapping, 'ebs', ctx.program)?.value, ctx.program);
    if (!mapping || !ebs || getProperty(ebs, 'snapshot_id', ctx.program)) continue;
    const name = evalString(getProperty(mapping, 'device_name', ctx.program)?.value, ctx.program);
    checkSwitch(ctx, r, ebs, 'encrypted', `block device ${name ? `${name} ` : ''}of launch template ${describe(r)}`, false, mappings);
  }
}

function present(r: Resource, key: string): Property | undefined {
  return getProperty(r, key);
}

export default defineRule({
  meta: {
    id: 'encryption-at-rest-disabled',
    title: 'Data stored without encryption at rest',
    category: 'security',
    severity: 'high',
    profiles: 'all',
    languages: ALL_LANGUAGES,
    impact:
      'Unencrypted storage fails most compliance baselines, and snapshots, backups and replicas inherit the setting; for most services encryption cannot be turned on later without recreating the resource and migrating its data.',
    fix: 'Turn the encryption switch on when the resource is created (`storage_encrypted`, `encrypted`, `at_rest_encryption_enabled`, `encrypt_at_rest`), or enable EBS encryption by default for the account; give SNS topics and log groups a KMS key.',
    links: [
      'https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Overview.Encryption.html',
      'https://docs.aws.amazon.com/ebs/latest/userguide/ebs-encryption.html',
    ],
    equivalents: {
      checkov: [
        'CKV_AWS_16',
        'CKV_AWS_96',
        'CKV_AWS_3',
        'CKV_AWS_8',
        'CKV_AWS_42',
        'CKV_AWS_29',
        'CKV_AWS_64',
        'CKV_AWS_5',
        'CKV_AWS_74',
        'CKV_AWS_44',
        'CKV_AWS_43',
        'CKV_AWS_26',
        'CKV_AWS_158',
      ],
      tfsec: [
        'aws-rds-encrypt-instance-storage-data',
        'aws-rds-encrypt-cluster-storage-data',
        'aws-ebs-enable-volume-encryption',
        'aws-ec2-enable-volume-encryption',
        'aws-ec2-enable-at-rest-encryption',
        'aws-efs-enable-at-rest-encryption',
        'aws-elasticache-enable-at-rest-encryption',
        'aws-elasticsearch-enable-domain-encryption',
        'aws-documentdb-enable-storage-encryption',
        'aws-neptune-enable-storage-encryption',
        'aws-kinesis-enable-in-transit-encryption',
        'aws-sns-enable-topic-encryption',
        'aws-cloudwatch-log-group-customer-key',
      ],
      trivy: [
        'AVD-AWS-0080',
        'AVD-AWS-0079',
        'AVD-AWS-0026',
        'AVD-AWS-0131',
        'AVD-AWS-0037',
        'AVD-AWS-0045',
        'AVD-AWS-0048',
        'AVD-AWS-0021',
        'AVD-AWS-0076',
        'AVD-AWS-0064',
        'AVD-AWS-0095',
        'AVD-AWS-0017',
      ],
    },
  },
  resourceTypes: [
    ...Object.keys(SWITCHES),
    'aws_instance',
    'aws_launch_template',
    'aws_kinesis_stream',
    'aws_sns_topic',
    'aws_cloudwatch_log_group',
  ],
  resource(r, ctx) {
    if (EBS_TYPES.has(r.type) && ebsEncryptedByDefault(ctx)) return;
    if (r.type === 'aws_instance' || r.type === 'aws_launch_template') return checkBlockDevices(ctx, r);

    if (r.type === 'aws_kinesis_stream') {
      const prop = present(r, 'encryption_type');
      if (prop) {
        const t = evalString(prop.value, ctx.program);
        if (t === undefined || t.toUpperCase() !== 'NONE') return;
      }
      const key = keyName(r, 'encryption_type', prop);
      const kms = present(r, 'kms_key_id');
      const intents: Fix['intents'] = [
        { kind: 'setProperty', target: r.props, key: 'encryption_type', value: { kind: 'literal', value: 'KMS' } },
      ];
      if (!kms)
        intents.push({ kind: 'setProperty', target: r.props, key: 'kms_key_id', value: { kind: 'literal', value: 'alias/aws/kinesis' } });
      ctx.report({
        resource: r,
        loc: locFor(r, prop),
        message: prop
          ? `Kinesis stream ${describe(r)} sets ${key} to "NONE": its records are stored unencrypted`
          : `Kinesis stream ${describe(r)} does not set ${key}: its records are stored unencrypted`,
        evaluation: prop ? `${key} evaluates to "NONE"` : `${key} is absent (the default is "NONE")`,
        // Producers and consumers need kms:GenerateDataKey / kms:Decrypt on the key once it is on.
        fixes: [{ title: `Set ${key} = ${lit(r, 'KMS')}${kms ? '' : ` with the AWS managed key`}`, intents, safe: false }],
      });
      return;
    }

    if (r.type === 'aws_sns_topic' || r.type === 'aws_cloudwatch_log_group') {
      const k = r.type === 'aws_sns_topic' ? 'kms_master_key_id' : 'kms_key_id';
      if (present(r, k)) return;
      const key = keyName(r, k);
      if (r.type === 'aws_sns_topic') {
        ctx.report({
          resource: r,
          severity: 'low',
          loc: r.headLoc,
          message: `SNS topic ${describe(r)} does not set ${key}: its messages are stored without server-side encryption`,
          evaluation: `${key} is absent (no server-side encryption)`,
          // AWS services publishing to the topic (CloudWatch alarms, EventBridge) cannot use the AWS managed key.
          fixes: [
            {
              title: `Set ${key} = ${lit(r, 'alias/aws/sns')} (AWS services that publish to the topic need a customer managed key instead)`,
              intents: [{ kind: 'setProperty', target: r.props, key: k, value: { kind: 'literal', value: 'alias/aws/sns' } }],
              safe: false,
            },
          ],
        });
      } else {
        ctx.report({
          resource: r,
          severity: 'low',
          loc: r.headLoc,
          message: `log group ${describe(r)} does not set ${key}: its logs are encrypted only with a key CloudWatch owns, not one you control`,
          evaluation: `${key} is absent`,
        });
      }
      return;
    }

    const sw = SWITCHES[r.type];
    if (!sw) return;
    const engine = evalString(present(r, 'engine')?.value, ctx.program);
    switch (r.type) {
      case 'aws_db_instance':
        // Aurora instances take encryption from their cluster; replicas and restores from their source.
        if (engine?.startsWith('aurora')) return;
        if (present(r, 'replicate_source_db') || present(r, 'snapshot_identifier') || present(r, 'kms_key_id')) return;
        if (present(r, 'engine') && engine === undefined) return;
        break;
      case 'aws_rds_cluster': {
        const mode = present(r, 'engine_mode');
        if (mode && evalString(mode.value, ctx.program) !== 'provisioned') return; // serverless v1 is always encrypted
        if (
          present(r, 'replication_source_identifier') ||
          present(r, 'snapshot_identifier') ||
          present(r, 'global_cluster_identifier') ||
          present(r, 'kms_key_id')
        )
          return;
        break;
      }
      case 'aws_docdb_cluster':
      case 'aws_neptune_cluster':
        if (
          present(r, 'snapshot_identifier') ||
          present(r, 'kms_key_arn') ||
          present(r, 'kms_key_id') ||
          present(r, 'global_cluster_identifier')
        )
          return;
        break;
      case 'aws_ebs_volume':
      case 'aws_efs_file_system':
        if (present(r, 'snapshot_id') || present(r, 'kms_key_id')) return;
        break;
      case 'aws_elasticache_replication_group': {
        // Valkey groups are encrypted at rest by default.
        const e = present(r, 'engine');
        if (e && evalString(e.value, ctx.program) !== 'redis') return;
        if (present(r, 'snapshot_arns') || present(r, 'snapshot_name') || present(r, 'global_replication_group_id')) return;
        break;
      }
      case 'aws_redshift_cluster': {
        // New provisioned clusters are encrypted by default: only an explicit false turns it off.
        const p = present(r, 'encrypted');
        if (!p || evalBool(p.value, ctx.program) !== false) return;
        break;
      }
      default:
        break;
    }
    checkSwitch(ctx, r, r.props, sw.key, `${sw.what} ${describe(r)}`, sw.replaces);
  },
});
