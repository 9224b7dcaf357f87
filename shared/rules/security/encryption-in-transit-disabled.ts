import { asObject, evalBool, evalString, getProperty } from '../../model/evaluate';
import { ALL_LANGUAGES, defineRule } from '../../engine/rule';
import { describe, keyName, locFor, setFix } from '../util';

export default defineRule({
  meta: {
    id: 'encryption-in-transit-disabled',
    title: 'Traffic to a data store travels unencrypted',
    category: 'security',
    severity: 'high',
    profiles: 'all',
    languages: ALL_LANGUAGES,
    impact:
      'Clients talk to the cache or the Kafka brokers in clear text: credentials, tokens and data can be read by anything on the network path, and compliance baselines fail.',
    fix: 'Set `transit_encryption_enabled = true` on ElastiCache replication groups; use `client_broker = "TLS"` on MSK clusters.',
    links: [
      'https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/in-transit-encryption.html',
      'https://docs.aws.amazon.com/msk/latest/developerguide/msk-encryption.html',
    ],
    equivalents: {
      checkov: ['CKV_AWS_30', 'CKV_AWS_81'],
      tfsec: ['aws-elasticache-enable-in-transit-encryption', 'aws-msk-enable-in-transit-encryption'],
      trivy: ['AVD-AWS-0051', 'AVD-AWS-0073'],
    },
  },
  resourceTypes: ['aws_elasticache_replication_group', 'aws_msk_cluster'],
  resource(r, ctx) {
    if (r.type === 'aws_elasticache_replication_group') {
      const prop = getProperty(r, 'transit_encryption_enabled');
      const v = evalBool(prop?.value, ctx.program);
      if (v === true || v === undefined) return;
      const key = keyName(r, 'transit_encryption_enabled', prop);
      ctx.report({
        resource: r,
        loc: locFor(r, prop),
        message:
          v === 'absent'
            ? `ElastiCache replication group ${describe(r)} does not set ${key}: clients connect without TLS`
            : `ElastiCache replication group ${describe(r)} sets ${key} to false: clients connect without TLS`,
        evaluation: prop ? `${key} evaluates to false` : `${key} is absent (the default is false)`,
        // Clients must switch to TLS connections; older engine versions replace the group.
        fixes: [setFix(r, 'transit_encryption_enabled', { kind: 'literal', value: true }, false)],
      });
      return;
    }
    const inTransit = getProperty(r, 'encryption_info.encryption_in_transit');
    const prop = getProperty(r, 'encryption_info.encryption_in_transit.client_broker');
    if (!prop) return; // the default is TLS
    const mode = evalString(prop.value, ctx.program);
    if (mode !== 'PLAINTEXT' && mode !== 'TLS_PLAINTEXT') return;
    const target = asObject(inTransit?.value, ctx.program);
    ctx.report({
      resource: r,
      severity: mode === 'PLAINTEXT' ? 'high' : 'medium',
      loc: prop.value.loc,
      message:
        mode === 'PLAINTEXT'
          ? `MSK cluster ${describe(r)} sets ${prop.keyAsWritten} to "PLAINTEXT": clients and brokers talk without TLS`
          : `MSK cluster ${describe(r)} sets ${prop.keyAsWritten} to "TLS_PLAINTEXT": brokers still accept clients without TLS`,
      evaluation: `${prop.keyAsWritten} evaluates to "${mode}"`,
      fixes: target
        ? [
            {
              title: `Set ${prop.keyAsWritten} = "TLS" (clients must connect to the TLS bootstrap brokers)`,
              intents: [{ kind: 'setProperty', target, key: 'client_broker', value: { kind: 'literal', value: 'TLS' } }],
              safe: false,
            },
          ]
        : [],
    });
  },
});
