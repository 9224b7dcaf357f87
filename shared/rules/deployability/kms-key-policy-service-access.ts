import { getProperty } from '../../model/evaluate';
import type { Resource } from '../../model/types';
import { ALL_LANGUAGES, defineRule } from '../../engine/rule';
import {
  field,
  hasUnknownPart,
  partialDocs,
  policyDocuments,
  readDocument,
  statements,
  stringsOf,
  type PolicyDocument,
} from '../policy-document';
import { describe, referencedResource } from '../util';

/** Services that use a customer managed key with their own principal, which the key policy must admit. */
const CONSUMERS: { type: string; key: string; service: string; principal: RegExp; what: string }[] = [
  {
    type: 'aws_cloudwatch_log_group',
    key: 'kms_key_id',
    service: 'CloudWatch Logs',
    principal: /^logs\.([a-z0-9-]+\.)?amazonaws\.com$/,
    what: 'log group',
  },
  { type: 'aws_cloudtrail', key: 'kms_key_id', service: 'CloudTrail', principal: /^cloudtrail\.amazonaws\.com$/, what: 'trail' },
];

/** Whether the key policy grants the service principal: true, false, or undefined when the policy cannot be read. */
function grants(doc: PolicyDocument | undefined, principal: RegExp): boolean | undefined {
  if (!doc?.doc || partialDocs.has(doc.doc as object)) return undefined;
  const raw = field(doc.doc, 'Statement');
  if (raw !== undefined && typeof raw !== 'object') return undefined;
  let complete = !Array.isArray(raw) || raw.every((x) => !!x && typeof x === 'object' && !Array.isArray(x));
  for (const s of statements(doc.doc)) {
    const effect = field(s, 'Effect');
    if (effect === 'Deny') continue;
    if (effect !== 'Allow') complete = false;
    const who = field(s, 'Principal');
    if (who === '*' || field(who, 'AWS') === '*') return true;
    const services = stringsOf(field(who, 'Service'));
    if (services.values.some((p) => principal.test(p))) return true;
    if (services.values.some(hasUnknownPart)) complete = false;
    if (!services.complete || (who !== undefined && (typeof who !== 'object' || partialDocs.has(who as object)))) complete = false;
  }
  return complete ? false : undefined;
}

export default defineRule({
  meta: {
    id: 'kms-key-policy-service-access',
    title: 'KMS key policy does not admit the service that uses the key',
    category: 'deployability',
    severity: 'high',
    profiles: 'all',
    languages: ALL_LANGUAGES,
    impact:
      'CloudWatch Logs and CloudTrail encrypt with a customer managed key as their own service principal, not as the caller: unless the key policy allows that principal, creating the log group or trail fails ("The specified KMS key does not exist or is not allowed to be used", InsufficientEncryptionPolicyException). The default key policy only admits the account.',
    fix: 'Add a key policy statement that allows the service principal (`logs.<region>.amazonaws.com`, `cloudtrail.amazonaws.com`) `kms:Encrypt*`, `kms:Decrypt*`, `kms:ReEncrypt*`, `kms:GenerateDataKey*` and `kms:Describe*`, scoped with an encryption-context condition.',
    links: [
      'https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html',
      'https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-kms-key-policy-for-cloudtrail.html',
    ],
  },
  program(ctx) {
    const keys = ctx.resourcesOf('aws_kms_key');
    if (keys.length === 0) return;
    // A key's policy: its own `policy`, or an aws_kms_key_policy resource attached to it.
    const separate = new Map<Resource, PolicyDocument | undefined>();
    for (const kp of ctx.resourcesOf('aws_kms_key_policy')) {
      const key = referencedResource(getProperty(kp, 'key_id')?.value, keys);
      if (!key) return; // a policy attached to a key the engine cannot tell may be any key's
      const prop = getProperty(kp, 'policy');
      separate.set(key, prop && readDocument(kp, prop.keyAsWritten, false, prop.value, ctx.program));
    }
    for (const c of CONSUMERS) {
      for (const user of ctx.resourcesOf(c.type)) {
        const ref = getProperty(user, c.key);
        const key = referencedResource(ref?.value, keys);
        if (!key || !ref) continue;
        const own = getProperty(key, 'policy');
        let verdict: boolean | undefined;
        let how: string;
        if (separate.has(key)) {
          verdict = grants(separate.get(key), c.principal);
          how = 'its key policy';
        } else if (!own) {
          verdict = false;
          how = 'it has the default key policy, which admits only the account';
        } else {
          verdict = grants(policyDocuments(key, ctx.program)[0], c.principal);
          how = 'its key policy';
        }
        if (verdict !== false) continue;
        ctx.report({
          resource: user,
          loc: ref.value.loc,
          message: `${c.what} ${describe(user)} is encrypted with KMS key ${describe(key)}, but ${how === 'its key policy' ? 'its key policy does not allow the' : `${how}, not the`} ${c.service} service principal: creating the ${c.what} fails`,
          related: [{ loc: own ? own.value.loc : key.headLoc, message: `the key policy of ${describe(key)}` }],
        });
      }
    }
  },
});
