/**
 * The example systems in examples/: one realistic project per seed post-mortem (shared seeds 000-004), each with
 * the failures its seed describes, and a fixed variant beside it. The exact findings are listed here, inline, so a
 * change in what a rule reports on a real program shows up in review.
 */
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { audit } from '../shared/engine/audit';

const EXAMPLES = path.resolve(__dirname, '../examples');

/** "file:line ruleId" for every finding, file relative to the example, line 1-based; sorted by file, line, rule. */
async function findingsOf(example: string): Promise<{ lines: string[]; profiles: Set<string> }> {
  const root = path.join(EXAMPLES, example);
  const result = await audit([root], { jobs: 1 });
  const rows = result.findings.map((f) => ({
    file: path.relative(root, f.loc.file).split(path.sep).join('/'),
    line: f.loc.range.start.line + 1,
    rule: f.ruleId,
  }));
  rows.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0)));
  return { lines: rows.map((r) => `${r.file}:${r.line} ${r.rule}`), profiles: new Set(result.findings.map((f) => f.profile?.name ?? '?')) };
}

const EXPECTED: Record<string, { profile: 'production' | 'ephemeral'; findings: string[] }> = {
  // Seed 000: Pulumi JavaScript web application (ALB, Auto Scaling, RDS MySQL); stacks prod and dev.
  'webapp-js': {
    profile: 'production',
    findings: [
      'index.js:21 vpc-flow-logs-missing',
      'index.js:88 vpc-s3-endpoint-missing',
      'index.js:103 sg-ingress-open-to-world',
      'index.js:104 sg-ingress-open-to-world',
      'index.js:138 iam-broad-managed-policy',
      'index.js:150 access-logging-disabled',
      'index.js:184 deletion-protection-disabled',
      'index.js:184 monitoring-missing',
      'index.js:189 rds-storage-autoscaling-disabled',
      'index.js:207 pulumi-resource-in-apply',
      'index.js:207 tags-required-missing',
      'index.js:208 hardcoded-unique-name',
      'index.js:234 ec2-imdsv2-not-required',
      'index.js:241 encryption-at-rest-disabled',
      'index.js:250 access-logging-disabled',
      'index.js:250 alb-waf-missing',
      'index.js:250 deletion-protection-disabled',
      'index.js:250 monitoring-missing',
      'index.js:269 alb-http-without-redirect',
      'index.js:323 encryption-at-rest-disabled',
    ],
  },
  // Seed 001: Pulumi TypeScript Aurora PostgreSQL platform (KMS, ECR); one short-lived dev stack.
  'aurora-ts': {
    profile: 'ephemeral',
    findings: [
      'lib/database-stack.ts:21 kms-key-rotation-disabled',
      'lib/database-stack.ts:31 hardcoded-unique-name',
      'lib/database-stack.ts:54 hardcoded-unique-name',
      'lib/database-stack.ts:68 hardcoded-unique-name',
      'lib/database-stack.ts:84 encryption-at-rest-disabled',
      'lib/database-stack.ts:90 resource-not-destroyable',
      'lib/database-stack.ts:96 rds-engine-version-unknown',
      'lib/database-stack.ts:99 hardcoded-secret',
      'lib/database-stack.ts:107 resource-not-destroyable',
      'lib/ecr-stack.ts:16 ecr-scan-on-push-disabled',
      'lib/ecr-stack.ts:19 hardcoded-unique-name',
    ],
  },
  // Seed 002: Pulumi Python ECS Fargate payment service; stacks prod and dev.
  'payments-py': {
    profile: 'production',
    findings: [
      'lib/tap_stack.py:34 vpc-flow-logs-missing',
      'lib/tap_stack.py:91 vpc-s3-endpoint-missing',
      'lib/tap_stack.py:106 sg-ingress-open-to-world',
      'lib/tap_stack.py:107 sg-ingress-open-to-world',
      'lib/tap_stack.py:128 access-logging-disabled',
      'lib/tap_stack.py:128 alb-waf-missing',
      'lib/tap_stack.py:155 alb-http-without-redirect',
      'lib/tap_stack.py:175 encryption-at-rest-disabled',
      'lib/tap_stack.py:177 hardcoded-unique-name',
      'lib/tap_stack.py:216 container-image-unpinned',
      'lib/tap_stack.py:241 fargate-spot-without-fallback',
      'lib/tap_stack.py:285 encryption-at-rest-disabled',
      'lib/tap_stack.py:306 pulumi-output-in-string',
    ],
  },
  // Seed 003: Terraform production web stack (ACM, CloudTrail, RDS); terraform.tfvars sets environment = "production".
  'web-stack-tf': {
    profile: 'production',
    findings: [
      'main.tf:26 vpc-flow-logs-missing',
      'main.tf:97 vpc-s3-endpoint-missing',
      'main.tf:118 sg-ingress-open-to-world',
      'main.tf:125 sg-ingress-open-to-world',
      'main.tf:235 cloudtrail-not-integrated',
      'main.tf:249 acm-certificate-placeholder-domain',
      'main.tf:257 alb-waf-missing',
      'main.tf:257 deletion-protection-disabled',
      'main.tf:308 acm-dns-validation-incomplete',
      'main.tf:381 autoscaling-policy-missing',
      'main.tf:397 alarm-without-actions',
      'main.tf:413 alarm-without-actions',
      'main.tf:436 monitoring-missing',
      'main.tf:436 rds-multi-az-disabled',
      'main.tf:439 rds-engine-version-unknown',
      'main.tf:441 rds-storage-autoscaling-disabled',
      'main.tf:454 deletion-protection-disabled',
    ],
  },
  // Seed 004: Pulumi Python multi-environment platform (ECS, RDS, ElastiCache); stacks dev, staging and prod.
  'platform-py': {
    profile: 'production',
    findings: [
      '__main__.py:19 vpc-flow-logs-missing',
      '__main__.py:56 sg-ingress-open-to-world',
      '__main__.py:57 sg-ingress-open-to-world',
      '__main__.py:68 sg-ingress-open-to-world',
      '__main__.py:69 sg-ingress-open-to-world',
      '__main__.py:83 deletion-protection-disabled',
      '__main__.py:83 encryption-at-rest-disabled',
      '__main__.py:83 monitoring-missing',
      '__main__.py:83 rds-multi-az-disabled',
      '__main__.py:85 hardcoded-unique-name',
      '__main__.py:87 rds-engine-version-unknown',
      '__main__.py:93 hardcoded-secret',
      '__main__.py:96 rds-publicly-accessible',
      '__main__.py:97 rds-backup-retention-low',
      '__main__.py:109 encryption-at-rest-disabled',
      '__main__.py:109 encryption-in-transit-disabled',
      '__main__.py:111 hardcoded-unique-name',
      '__main__.py:125 hardcoded-unique-name',
      '__main__.py:125 insights-disabled',
      '__main__.py:127 encryption-at-rest-disabled',
      '__main__.py:127 log-retention-missing',
      '__main__.py:147 iam-broad-managed-policy',
      '__main__.py:152 iam-broad-managed-policy',
      '__main__.py:191 access-logging-disabled',
      '__main__.py:191 alb-waf-missing',
      '__main__.py:191 deletion-protection-disabled',
      '__main__.py:191 monitoring-missing',
      '__main__.py:214 alb-http-without-redirect',
      '__main__.py:218 autoscaling-policy-missing',
      '__main__.py:218 monitoring-missing',
    ],
  },
};

describe('example systems', () => {
  for (const [example, expected] of Object.entries(EXPECTED)) {
    it(`${example}: reports the seed's failures`, async () => {
      const { lines, profiles } = await findingsOf(example);
      expect(lines).toEqual(expected.findings);
      expect([...profiles]).toEqual([expected.profile]);
    });

    it(`${example}-fixed: is clean`, async () => {
      const { lines } = await findingsOf(`${example}-fixed`);
      expect(lines).toEqual([]);
    });
  }
});
