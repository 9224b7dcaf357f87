import { evalBool, evalString, getProperty } from '../../model/evaluate';
import { ALL_LANGUAGES, defineRule } from '../../engine/rule';
import { describe, keyName, locFor, setFix } from '../util';

export default defineRule({
  meta: {
    id: 'kms-key-rotation-disabled',
    title: 'KMS key without automatic rotation',
    category: 'security',
    severity: 'medium',
    profiles: 'all',
    languages: ALL_LANGUAGES,
    impact:
      "Without rotation the same key material protects the data for the key's whole life: a compromised key exposes everything ever encrypted with it, and most compliance baselines (CIS, PCI) fail the account.",
    fix: 'Set `enable_key_rotation = true` on symmetric keys (rotation is free and transparent to callers).',
    links: ['https://docs.aws.amazon.com/kms/latest/developerguide/rotate-keys.html'],
    equivalents: { checkov: ['CKV_AWS_7'], tfsec: ['aws-kms-auto-rotate-keys'], trivy: ['AVD-AWS-0065'] },
  },
  resourceTypes: ['aws_kms_key'],
  resource(r, ctx) {
    // Rotation exists only for symmetric encryption keys in the AWS key store.
    const specProp = getProperty(r, 'customer_master_key_spec');
    if (specProp) {
      const spec = evalString(specProp.value, ctx.program);
      if (spec !== 'SYMMETRIC_DEFAULT') return;
    }
    if (getProperty(r, 'custom_key_store_id')) return;
    // Signing and MAC keys (key_usage SIGN_VERIFY, GENERATE_VERIFY_MAC) are never rotated either.
    const usage = getProperty(r, 'key_usage');
    if (usage && evalString(usage.value, ctx.program) !== 'ENCRYPT_DECRYPT') return;
    const prop = getProperty(r, 'enable_key_rotation');
    const v = evalBool(prop?.value, ctx.program);
    if (v === true || v === undefined) return;
    const key = keyName(r, 'enable_key_rotation', prop);
    ctx.report({
      resource: r,
      loc: locFor(r, prop),
      message:
        v === 'absent'
          ? `KMS key ${describe(r)} does not set ${key}: its key material is never rotated`
          : `KMS key ${describe(r)} sets ${key} to false: its key material is never rotated`,
      evaluation: prop ? `${key} evaluates to false` : `${key} is absent (the default is false)`,
      fixes: [setFix(r, 'enable_key_rotation', { kind: 'literal', value: true }, true)],
    });
  },
});
