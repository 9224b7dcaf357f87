import { deref, evaluate, getProperty } from '../../model/evaluate';
import type { Program } from '../../model/program';
import type { Resource, Value } from '../../model/types';
import { ALL_LANGUAGES, defineRule, type RuleContext } from '../../engine/rule';
import { describe, keyName } from '../util';

interface NameRule {
  /** What the name is, for messages: "S3 bucket name". */
  what: string;
  min?: number;
  max: number;
  /** Allowed characters, and how to say it. */
  chars: RegExp;
  charsText: string;
  /** Checks on the whole value: problem text or undefined. */
  whole?: (s: string, r: Resource, program: Program) => string | undefined;
  /** A lowercase-only name (S3 buckets, RDS and ElastiCache identifiers): an uppercase letter in a known part fires. */
  lowercase?: boolean;
  /** S3 buckets: interpolating the stack or project name without lowercasing fires at medium. */
  stackCase?: boolean;
}

const hyphenEnds = (s: string): string | undefined =>
  s.startsWith('-') || s.endsWith('-') ? 'it must not begin or end with a hyphen' : undefined;

const S3: NameRule = {
  what: 'S3 bucket name',
  min: 3,
  max: 63,
  chars: /^[a-z0-9.-]*$/,
  charsText: 'lowercase letters, digits, dots and hyphens',
  lowercase: true,
  stackCase: true,
  whole: (s) => {
    if (!/^[a-z0-9].*[a-z0-9]$/.test(s)) return 'it must begin and end with a letter or digit';
    if (s.includes('..')) return 'it must not contain two adjacent dots';
    if (/^\d+\.\d+\.\d+\.\d+$/.test(s)) return 'it must not be formatted as an IP address';
    const prefix = ['xn--', 'sthree-', 'amzn-s3-demo-'].find((p) => s.startsWith(p));
    if (prefix) return `the prefix "${prefix}" is reserved`;
    const suffix = ['-s3alias', '--ol-s3', '.mrap', '--x-s3', '--table-s3'].find((p) => s.endsWith(p));
    if (suffix) return `the suffix "${suffix}" is reserved`;
    return undefined;
  },
};
const S3_PREFIX: NameRule = {
  ...S3,
  what: 'S3 bucket name prefix',
  min: 0,
  max: 37,
  whole: (s) => (/^[a-z0-9]/.test(s) ? undefined : 'it must begin with a letter or digit'),
};

const LB = (what: string): NameRule => ({
  what,
  max: 32,
  chars: /^[A-Za-z0-9-]*$/,
  charsText: 'letters, digits and hyphens',
  whole: (s) => hyphenEnds(s) ?? (what.startsWith('load') && s.startsWith('internal-') ? 'the prefix "internal-" is reserved' : undefined),
});
const LB_PREFIX = (what: string): NameRule => ({ what, max: 6, chars: /^[A-Za-z0-9-]*$/, charsText: 'letters, digits and hyphens' });

const IAM = (what: string, max: number): NameRule => ({
  what,
  min: 1,
  max,
  chars: /^[\w+=,.@-]*$/,
  charsText: 'letters, digits and + = , . @ _ -',
});

const DB_ID = (what: string, max: number): NameRule => ({
  what,
  min: 1,
  max,
  chars: /^[a-z0-9-]*$/,
  charsText: 'lowercase letters, digits and hyphens',
  lowercase: true,
  whole: (s) =>
    !/^[a-z]/.test(s)
      ? 'it must begin with a letter'
      : s.includes('--')
        ? 'it must not contain two consecutive hyphens'
        : s.endsWith('-')
          ? 'it must not end with a hyphen'
          : undefined,
});

const fifo = (s: string, r: Resource, program: Program): string | undefined => {
  const f = evaluate(getProperty(r, 'fifo_queue')?.value ?? getProperty(r, 'fifo_topic')?.value, program);
  if (f.state !== 'known') return undefined;
  if (f.value === true && !s.endsWith('.fifo')) return 'a FIFO name must end with ".fifo"';
  if (f.value !== true && s.endsWith('.fifo')) return 'only FIFO names may end with ".fifo"';
  return undefined;
};

/** Physical-name arguments per type. */
const RULES: Record<string, Record<string, NameRule>> = {
  aws_s3_bucket: { bucket: S3, bucket_prefix: S3_PREFIX },
  aws_lb: { name: LB('load balancer name'), name_prefix: LB_PREFIX('load balancer name_prefix') },
  aws_alb: { name: LB('load balancer name'), name_prefix: LB_PREFIX('load balancer name_prefix') },
  aws_lb_target_group: { name: LB('target group name'), name_prefix: LB_PREFIX('target group name_prefix') },
  aws_alb_target_group: { name: LB('target group name'), name_prefix: LB_PREFIX('target group name_prefix') },
  aws_iam_role: { name: IAM('IAM role name', 64), name_prefix: IAM('IAM role name_prefix', 38) },
  aws_iam_user: { name: IAM('IAM user name', 64) },
  aws_iam_policy: { name: IAM('IAM policy name', 128), name_prefix: IAM('IAM policy name_prefix', 102) },
  aws_iam_group: { name: IAM('IAM group name', 128) },
  aws_iam_instance_profile: { name: IAM('instance profile name', 128) },
  aws_lambda_function: {
    function_name: {
      what: 'Lambda function name',
      min: 1,
      max: 64,
      chars: /^[A-Za-z0-9_-]*$/,
      charsText: 'letters, digits, hyphens and underscores',
    },
  },
  aws_db_instance: { identifier: DB_ID('RDS instance identifier', 63) },
  aws_rds_cluster: { cluster_identifier: DB_ID('RDS cluster identifier', 63) },
  aws_rds_cluster_instance: { identifier: DB_ID('RDS instance identifier', 63) },
  aws_elasticache_cluster: { cluster_id: DB_ID('ElastiCache cluster id', 50) },
  aws_elasticache_replication_group: { replication_group_id: DB_ID('ElastiCache replication group id', 40) },
  aws_kms_alias: {
    name: {
      what: 'KMS alias name',
      max: 256,
      chars: /^[A-Za-z0-9/_-]*$/,
      charsText: 'letters, digits, "/", "_" and "-"',
      whole: (s) =>
        !s.startsWith('alias/')
          ? 'it must begin with "alias/"'
          : s.startsWith('alias/aws/')
            ? 'the prefix "alias/aws/" is reserved for AWS managed keys'
            : undefined,
    },
  },
  aws_security_group: {
    name: {
      what: 'security group name',
      max: 255,
      chars: /^[\x20-\x7e]*$/,
      charsText: 'printable ASCII characters',
      whole: (s) => (s.toLowerCase().startsWith('sg-') ? 'it must not begin with "sg-"' : undefined),
    },
  },
  aws_sqs_queue: {
    name: {
      what: 'SQS queue name',
      min: 1,
      max: 80,
      chars: /^[A-Za-z0-9_.-]*$/,
      charsText: 'letters, digits, hyphens and underscores',
      whole: fifo,
    },
  },
  aws_sns_topic: {
    name: {
      what: 'SNS topic name',
      min: 1,
      max: 256,
      chars: /^[A-Za-z0-9_.-]*$/,
      charsText: 'letters, digits, hyphens and underscores',
      whole: fifo,
    },
  },
  aws_dynamodb_table: {
    name: { what: 'DynamoDB table name', min: 3, max: 255, chars: /^[A-Za-z0-9_.-]*$/, charsText: 'letters, digits, ".", "_" and "-"' },
  },
};

/** Problems with a fully known name. */
function wholeProblems(s: string, rule: NameRule, r: Resource, program: Program): string | undefined {
  if (s.length > rule.max) return `it has ${s.length} characters (at most ${rule.max})`;
  if (rule.min && s.length < rule.min) return `it has ${s.length} characters (at least ${rule.min})`;
  if (rule.lowercase && /[A-Z]/.test(s)) return `it has uppercase letters (only ${rule.charsText})`;
  const bad = [...new Set([...s].filter((c) => !rule.chars.test(c)))];
  if (bad.length) return `it contains ${bad.map((c) => (c === ' ' ? 'a space' : `"${c}"`)).join(', ')} (only ${rule.charsText})`;
  return rule.whole?.(s, r, program);
}

/** Whether a reference is the stack or project name, not lowercased on the way. */
function rawStackName(v: Value, program: Program, depth = 0): 'stack' | 'project' | undefined {
  if (depth > 20) return undefined;
  if (v.kind === 'ref') {
    if (v.ref.kind === 'stack' || v.ref.kind === 'project') return v.ref.kind;
    const next = v.resolved ?? program.resolve(v.ref);
    return next ? rawStackName(next, program, depth + 1) : undefined;
  }
  return undefined;
}

export default defineRule({
  meta: {
    id: 'aws-name-invalid',
    title: "Physical name that breaks the service's naming rules",
    category: 'deployability',
    severity: 'high',
    profiles: 'all',
    languages: ALL_LANGUAGES,
    impact:
      'Each service has its own rules for names (S3 buckets: 3-63 lowercase characters; load balancers and target groups: 32 letters, digits and hyphens; IAM roles: 64 characters; RDS identifiers: a letter first, no "--"): a name that breaks them fails validation at plan time or the create call at deploy time.',
    fix: "Shorten or rewrite the name to the service's rules; for S3, lowercase anything interpolated (`lower()`, `.toLowerCase()`, `.lower()`).",
    links: [
      'https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html',
      'https://docs.aws.amazon.com/elasticloadbalancing/latest/application/application-load-balancers.html',
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html',
      'https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/CHAP_Limits.html#RDS_Limits.Constraints',
    ],
  },
  resourceTypes: Object.keys(RULES),
  resource(r, ctx: RuleContext) {
    if (r.kind !== 'resource') return;
    for (const [key, rule] of Object.entries(RULES[r.type] ?? {})) {
      const prop = getProperty(r, key);
      if (!prop) continue;
      const name = keyName(r, key, prop);
      const e = evaluate(prop.value, ctx.program);
      if (e.state === 'known') {
        if (typeof e.value !== 'string') continue;
        const problem = wholeProblems(e.value, rule, r, ctx.program);
        if (problem)
          ctx.report({
            resource: r,
            loc: prop.value.loc,
            message: `${describe(r)} sets ${name} to "${e.value}", an invalid ${rule.what}: ${problem}`,
          });
        continue;
      }
      // Partly known: check the known parts alone.
      const v = deref(prop.value, ctx.program);
      if (v?.kind !== 'template') continue;
      let reported = false;
      for (const part of v.parts) {
        const pe = evaluate(part, ctx.program);
        if (pe.state !== 'known' || typeof pe.value !== 'string') continue;
        const s = pe.value;
        let problem: string | undefined;
        if (s.length > rule.max) problem = `its fixed part "${s}" alone has ${s.length} characters (at most ${rule.max})`;
        else if (rule.lowercase && /[A-Z]/.test(s)) problem = `its fixed part "${s}" has uppercase letters (only ${rule.charsText})`;
        else {
          const bad = [...new Set([...s].filter((c) => !rule.chars.test(c)))];
          if (bad.length)
            problem = `its fixed part "${s}" contains ${bad.map((c) => (c === ' ' ? 'a space' : `"${c}"`)).join(', ')} (only ${rule.charsText})`;
        }
        if (problem) {
          ctx.report({ resource: r, loc: prop.value.loc, message: `${describe(r)} sets ${name} to an invalid ${rule.what}: ${problem}` });
          reported = true;
          break;
        }
      }
      if (reported || !rule.stackCase) continue;
      const pulumi = r.language !== 'terraform';
      const stacksLower = pulumi && ctx.program.stackNames.length > 0 && ctx.program.stackNames.every((n) => n === n.toLowerCase());
      // The project name is known from Pulumi.yaml: a lowercase one that the name's rules accept needs no lowercasing.
      const project = ctx.program.projectName;
      const projectFits = pulumi && !!project && project === project.toLowerCase() && [...project].every((c) => rule.chars.test(c));
      const raw = v.parts
        .map((p) => rawStackName(p, ctx.program))
        .find((x) => x && !(x === 'stack' && stacksLower) && !(x === 'project' && projectFits));
      if (raw) {
        ctx.report({
          resource: r,
          loc: prop.value.loc,
          severity: 'medium',
          message: `${describe(r)} builds ${name} from the ${raw} name without lowercasing it: a ${raw} name with a capital letter (such as "${raw === 'stack' ? 'Dev' : 'WebShop'}") makes an invalid ${rule.what}`,
        });
      }
    }
  },
});
