import { evalBool, evalString, evaluate, getProperty } from '../../model/evaluate';
import type { Known } from '../../model/program';
import type { Resource, Value } from '../../model/types';
import { ALL_LANGUAGES, defineRule, type Fix, type RuleContext } from '../../engine/rule';
import { attributeRef, describe, keyName } from '../util';

const SETTINGS = ['block_public_acls', 'block_public_policy', 'ignore_public_acls', 'restrict_public_buckets'];
const PUBLIC_ACLS = new Set(['public-read', 'public-read-write', 'authenticated-read']);

/**
 * Whether `v` names `bucket`: 'yes' (a reference to it, or its literal name), 'no' (another bucket), 'unknown'.
 */
function names(v: Value | undefined, bucket: Resource, ctx: RuleContext): 'yes' | 'no' | 'unknown' {
  let cur = v;
  for (let i = 0; cur?.kind === 'ref' && i < 50; i++) {
    if (cur.ref.kind === 'resource') {
      if (cur.ref.resourceType && cur.ref.resourceType !== 'aws_s3_bucket') return 'unknown';
      return cur.ref.name === (bucket.symbol ?? bucket.logicalName) ? 'yes' : 'no';
    }
    if (!cur.resolved) break;
    cur = cur.resolved;
  }
  const s = evalString(v, ctx.program);
  if (s === undefined) return 'unknown';
  const own = evalString(getProperty(bucket, 'bucket')?.value, ctx.program);
  if (own === undefined) return getProperty(bucket, 'bucket') ? 'unknown' : 'no';
  return own === s ? 'yes' : 'no';
}

/** Resources of `types` whose `bucket` names this bucket; undefined when one of them may and Faultline cannot tell. */
function attached(types: string[], bucket: Resource, ctx: RuleContext): Resource[] | undefined {
  const out: Resource[] = [];
  for (const x of ctx.resourcesOf(...types)) {
    const n = names(getProperty(x, 'bucket')?.value, bucket, ctx);
    if (n === 'unknown') return undefined;
    if (n === 'yes') out.push(x);
  }
  return out;
}

function allowsEveryone(doc: Known): boolean {
  const parsed = typeof doc === 'string' ? safeParse(doc) : doc;
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return false;
  const st = (parsed as Record<string, Known>)['Statement'];
  const statements = Array.isArray(st) ? st : st ? [st] : [];
  return statements.some((s) => {
    if (!s || typeof s !== 'object' || Array.isArray(s) || s['Effect'] !== 'Allow' || s['Condition']) return false;
    const p = s['Principal'];
    if (p === '*') return true;
    if (p && typeof p === 'object' && !Array.isArray(p)) {
      const aws = p['AWS'];
      return aws === '*' || (Array.isArray(aws) && aws.includes('*'));
    }
    return false;
  });
}

function safeParse(s: string): Known | undefined {
  try {
    return JSON.parse(s) as Known;
  } catch {
    return undefined;
  }
}

/** Why the bucket is public on purpose or by mistake: a public ACL or a policy allowing everyone. */
function publicGrant(bucket: Resource, ctx: RuleContext): string | undefined {
  const acls = [
    getProperty(bucket, 'acl')?.value,
    ...(attached(['aws_s3_bucket_acl'], bucket, ctx) ?? []).map((a) => getProperty(a, 'acl')?.value),
  ];
  for (const a of acls) {
    const acl = evalString(a, ctx.program);
    if (acl && PUBLIC_ACLS.has(acl)) return `its ACL is "${acl}"`;
  }
  const policies = [
    getProperty(bucket, 'policy')?.value,
    ...(attached(['aws_s3_bucket_policy'], bucket, ctx) ?? []).map((p) => getProperty(p, 'policy')?.value),
  ];
  for (const p of policies) {
    const e = evaluate(p, ctx.program);
    if (e.state === 'known' && allowsEveryone(e.value)) return 'its bucket policy allows everyone ("Principal": "*")';
  }
  return undefined;
}

/** A public access block for the bucket with the four settings on; none when the fix could not name the bucket. */
function addBlockFix(bucket: Resource): Fix[] {
  const id = attributeRef(bucket, 'id');
  if (!id) return [];
  const name =
    bucket.language === 'terraform'
      ? bucket.logicalName
      : `${bucket.name.kind === 'string' ? bucket.logicalName : bucket.symbol}-public-access`;
  const on = { kind: 'literal' as const, value: true };
  return [
    {
      title: 'Add a public access block for the bucket (all four settings on)',
      intents: [
        {
          kind: 'addResource',
          after: bucket,
          type: 'aws_s3_bucket_public_access_block',
          name,
          args: { bucket: id, ...Object.fromEntries(SETTINGS.map((k) => [k, on])) },
        },
      ],
      // A bucket that serves public content on purpose stops working.
      safe: false,
    },
  ];
}

export default defineRule({
  meta: {
    id: 's3-public-access-not-blocked',
    title: 'S3 bucket without a complete public access block',
    category: 'security',
    severity: 'high',
    profiles: 'all',
    languages: ALL_LANGUAGES,
    impact:
      "Without all four public access block settings a later ACL or bucket policy change can expose the bucket's objects to the internet; most S3 data leaks start this way.",
    fix: 'Add an `aws_s3_bucket_public_access_block` for the bucket with `block_public_acls`, `block_public_policy`, `ignore_public_acls` and `restrict_public_buckets` all true (serve public content through CloudFront instead).',
    links: ['https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html'],
    equivalents: { checkov: ['CKV2_AWS_6'], tfsec: ['aws-s3-specify-public-access-block'], trivy: ['AVD-AWS-0094'] },
  },
  resourceTypes: ['aws_s3_bucket'],
  resource(r, ctx) {
    // An account-wide block covers every bucket (unless it is known to be off).
    for (const acct of ctx.resourcesOf('aws_s3_account_public_access_block')) {
      if (SETTINGS.every((k) => evalBool(getProperty(acct, k)?.value, ctx.program) !== false && getProperty(acct, k))) return;
    }
    const blocks = attached(['aws_s3_bucket_public_access_block'], r, ctx);
    if (!blocks) return;
    const grant = publicGrant(r, ctx);
    const severity = grant ? 'high' : 'low';
    const why = grant ? `, and ${grant}` : '';
    if (blocks.length === 0) {
      ctx.report({
        resource: r,
        severity,
        loc: r.headLoc,
        message: `S3 bucket ${describe(r)} has no public access block${why}`,
        evaluation: 'no aws_s3_bucket_public_access_block in the program refers to this bucket',
        fixes: addBlockFix(r),
      });
      return;
    }
    for (const b of blocks) {
      const off: string[] = [];
      for (const k of SETTINGS) {
        const p = getProperty(b, k);
        const v = evalBool(p?.value, ctx.program);
        if (v === undefined) return;
        if (v !== true) off.push(keyName(b, k, p));
      }
      if (!off.length) return;
    }
    const b = blocks[0]!;
    const off = SETTINGS.filter((k) => evalBool(getProperty(b, k)?.value, ctx.program) !== true);
    const shown = off.map((k) => keyName(b, k, getProperty(b, k)));
    const firstOff = getProperty(b, off[0]!);
    ctx.report({
      resource: b,
      severity,
      loc: firstOff ? firstOff.value.loc : b.headLoc,
      message: `public access block ${describe(b)} of S3 bucket ${describe(r)} leaves ${shown.join(', ')} off${why}`,
      related: [{ loc: r.headLoc, message: 'the bucket' }],
      fixes: [
        {
          title: `Set ${shown.map((k) => `${k} = ${b.language === 'python' ? 'True' : 'true'}`).join(', ')}`,
          intents: off.map((k) => ({
            kind: 'setProperty' as const,
            target: b.props,
            key: k,
            value: { kind: 'literal' as const, value: true },
          })),
          // A bucket that serves public content on purpose stops working.
          safe: false,
        },
      ],
    });
  },
});
