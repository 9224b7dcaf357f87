import { asList, evalString, getProperty } from '../../model/evaluate';
import type { Resource, Value } from '../../model/types';
import { ALL_LANGUAGES, defineRule, type RuleContext } from '../../engine/rule';
import { describe } from '../util';

/** The AWS managed policy name when `arn` is one of the broad ones. */
function broadPolicy(arn: string): string | undefined {
  const m = /^arn:aws[\w-]*:iam::aws:policy\/(?:.*\/)?([\w+=,.@-]+)$/.exec(arn.trim());
  if (!m) return undefined;
  const name = m[1]!;
  if (['AdministratorAccess', 'PowerUserAccess', 'IAMFullAccess', 'AmazonS3ReadOnlyAccess'].includes(name) || name.endsWith('FullAccess'))
    return name;
  return undefined;
}

const PRINCIPAL: Record<string, string> = {
  aws_iam_role_policy_attachment: 'role',
  aws_iam_user_policy_attachment: 'user',
  aws_iam_group_policy_attachment: 'group',
};

function check(ctx: RuleContext, r: Resource, v: Value, where: string): void {
  const arn = evalString(v, ctx.program);
  if (arn === undefined) return;
  const name = broadPolicy(arn);
  if (!name) return;
  const scope =
    name === 'AdministratorAccess'
      ? 'full access to every action on every resource of the account'
      : name === 'PowerUserAccess'
        ? 'full access to every service except IAM user and group management'
        : name === 'AmazonS3ReadOnlyAccess'
          ? 'read access to every bucket of the account'
          : `full access to ${name === 'IAMFullAccess' ? 'IAM, which lets it grant itself anything' : `every resource of ${name.replace(/^(Amazon|AWS)/, '').replace(/FullAccess$/, '')}`}`;
  ctx.report({ resource: r, loc: v.loc, message: `${where} attaches the AWS managed policy ${name}: ${scope}` });
}

export default defineRule({
  meta: {
    id: 'iam-broad-managed-policy',
    title: 'Broad AWS managed policy attached',
    category: 'security',
    severity: 'medium',
    profiles: 'all',
    languages: ALL_LANGUAGES,
    impact:
      'AdministratorAccess, PowerUserAccess, IAMFullAccess and the *FullAccess policies grant far more than a workload needs: a leaked credential or a compromised process can read, change or delete everything the policy covers.',
    fix: 'Attach a customer managed or inline policy that lists the actions and resources the principal uses.',
    links: ['https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege'],
    equivalents: { checkov: ['CKV_AWS_274', 'CKV2_AWS_56'] },
  },
  resourceTypes: [...Object.keys(PRINCIPAL), 'aws_iam_policy_attachment', 'aws_iam_role', 'aws_iam_role_policy_attachments_exclusive'],
  resource(r, ctx) {
    if (r.type === 'aws_iam_role' || r.type === 'aws_iam_role_policy_attachments_exclusive') {
      const key = r.type === 'aws_iam_role' ? 'managed_policy_arns' : 'policy_arns';
      const what = r.type === 'aws_iam_role' ? `IAM role ${describe(r)}` : `${describe(r)}`;
      for (const item of asList(getProperty(r, key)?.value, ctx.program) ?? []) check(ctx, r, item, what);
      return;
    }
    const v = getProperty(r, 'policy_arn')?.value;
    if (!v) return;
    const principal = PRINCIPAL[r.type];
    const target = principal ? evalString(getProperty(r, principal)?.value, ctx.program) : undefined;
    check(ctx, r, v, `${describe(r)}${target ? ` (${principal} "${target}")` : ''}`);
  },
});
