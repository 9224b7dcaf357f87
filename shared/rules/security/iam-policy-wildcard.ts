import { walkValues } from '../../model/evaluate';
import type { Loc, Resource } from '../../model/types';
import { ALL_LANGUAGES, defineRule, type RuleContext } from '../../engine/rule';
import { describe, referencedResource } from '../util';
import {
  POLICY_PROPS,
  UNKNOWN,
  docLocs,
  field,
  hasField,
  policyDocuments,
  statements,
  stringsOf,
  toDoc,
  type Doc,
} from '../policy-document';

const WILDCARD_ACTION = /^([a-z0-9-]+:)?\*$/i;
const ROOT_PRINCIPAL = /^(arn:aws[\w-]*:iam::[^:]*:root|\d{12})$/;

/** Whether the statement names the account root as its principal (the standard first statement of a key policy). */
function rootPrincipal(st: { [k: string]: Doc }): boolean {
  const aws = field(field(st, 'Principal'), 'AWS');
  const { values } = stringsOf(aws);
  return values.length > 0 && values.every((v) => ROOT_PRINCIPAL.test(v));
}

function scope(action: string): string {
  if (action === '*') return 'every action on every resource: full administrator access';
  const service = action.split(':')[0]!;
  return `every ${service} action on every ${service} resource of the account`;
}

function checkStatement(
  ctx: RuleContext,
  r: Resource,
  st: { [k: string]: Doc },
  index: number,
  where: string,
  loc: Loc,
  keys: { effect: string; action: string; resource: string },
): void {
  const effect = field(st, keys.effect);
  if (effect === UNKNOWN) return;
  if (effect !== undefined && (typeof effect !== 'string' || effect.toLowerCase() !== 'allow')) return;
  if (effect === undefined && keys.effect !== 'effect') return; // JSON statements need an Effect (malformed otherwise)
  const actions = stringsOf(field(st, keys.action)).values.filter((a) => WILDCARD_ACTION.test(a));
  if (actions.length === 0) return;
  const resources = stringsOf(field(st, keys.resource)).values;
  if (!resources.includes('*')) return;
  if (
    (r.type === 'aws_kms_key' || r.type === 'aws_kms_replica_key') &&
    rootPrincipal(st) &&
    actions.every((a) => a === 'kms:*' || a === '*')
  )
    return;
  // A statement with principals belongs to a resource policy: "kms:*" on "*" in a key policy means this key only (the
  // standard first statement of every key policy, whether the document is a data source or JSON).
  if (hasField(st, 'Principal') || hasField(st, 'principals')) {
    if (actions.every((a) => a.toLowerCase() === 'kms:*')) return;
  }
  // Asked last: it looks at every resource of the program, and only for a statement about to be reported.
  if (boundaryOnly(r, ctx)) return;
  const sid = field(st, 'Sid');
  const which = typeof sid === 'string' && sid ? `statement "${sid}"` : `statement ${index + 1}`;
  const action = actions.includes('*') ? '*' : actions[0]!;
  ctx.report({
    resource: r,
    loc: docLocs.get(st) ?? loc,
    message: `${where} allows ${actions.map((a) => `"${a}"`).join(', ')} on Resource "*" (${which}): ${scope(action)}`,
  });
}

/**
 * Whether the policy (or the document only such policies use) serves only as a permissions boundary of roles and
 * users: a boundary caps what they may do and grants nothing, so "*" on "*" with denies is the documented pattern.
 */
function boundaryOnly(r: Resource, ctx: RuleContext): boolean {
  const users = ctx.program.resources.filter((u) => u !== r && walkValues(u.props).some((v) => referencedResource(v, [r]) === r));
  if (!users.length) return false;
  if (r.type === 'aws_iam_policy_document') return users.every((u) => u.type === 'aws_iam_policy' && boundaryOnly(u, ctx));
  return (
    r.type === 'aws_iam_policy' &&
    users.every(
      (u) =>
        (u.type === 'aws_iam_role' || u.type === 'aws_iam_user') &&
        u.props.props.every(
          (p) => (p.key === 'permissions_boundary') === walkValues(p.value).some((v) => referencedResource(v, [r]) === r),
        ),
    )
  );
}

export default defineRule({
  meta: {
    id: 'iam-policy-wildcard',
    title: 'IAM policy allows every action on every resource',
    category: 'security',
    severity: 'high',
    profiles: 'all',
    languages: ALL_LANGUAGES,
    impact:
      'An Allow of "*" or "service:*" on Resource "*" grants far more than the workload needs: a compromised function, instance or CI job can read every secret, delete every bucket or, with "*" or "iam:*", make itself administrator.',
    fix: 'List the actions the workload calls and scope Resource to the ARNs it uses (the bucket, the table, the queue); keep "*" only for the actions that support nothing else.',
    links: [
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege',
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html',
    ],
    equivalents: { tfsec: ['aws-iam-no-policy-wildcards'], trivy: ['AVD-AWS-0057'] },
  },
  resourceTypes: [...Object.keys(POLICY_PROPS), 'aws_iam_policy_document'],
  dataSources: true,
  resource(r, ctx) {
    if (r.type === 'aws_iam_policy_document') {
      if (r.kind !== 'data') return;
      const blocks = r.props.props.filter((p) => p.key === 'statement');
      let i = 0;
      for (const b of blocks) {
        const docs = b.value.kind === 'list' ? b.value.items : [b.value];
        for (const item of docs) {
          const st = toDoc(item, ctx.program);
          if (!st || typeof st !== 'object' || Array.isArray(st)) continue;
          checkStatement(ctx, r, st, i++, `policy document ${describe(r)}`, item.loc, {
            effect: 'effect',
            action: 'actions',
            resource: 'resources',
          });
        }
      }
      return;
    }
    for (const d of policyDocuments(r, ctx.program)) {
      if (d.trust || !d.doc) continue;
      statements(d.doc).forEach((st, i) =>
        checkStatement(ctx, r, st, i, `${describe(r)} ${d.key}`, d.loc, { effect: 'Effect', action: 'Action', resource: 'Resource' }),
      );
    }
  },
});
