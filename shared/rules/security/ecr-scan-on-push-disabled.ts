import { asObject, evalBool, getProperty } from '../../model/evaluate';
import { ALL_LANGUAGES, defineRule } from '../../engine/rule';
import { describe, keyName, locFor } from '../util';

export default defineRule({
  meta: {
    id: 'ecr-scan-on-push-disabled',
    title: 'ECR repository without scan on push',
    category: 'security',
    severity: 'low',
    profiles: 'all',
    languages: ALL_LANGUAGES,
    impact: 'Images with known vulnerabilities are pushed and deployed without anyone being told.',
    fix: 'Set `image_scanning_configuration { scan_on_push = true }`, or configure registry-wide scanning (`aws_ecr_registry_scanning_configuration`).',
    links: ['https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-scanning.html'],
    equivalents: { checkov: ['CKV_AWS_163'], tfsec: ['aws-ecr-enable-image-scans'], trivy: ['AVD-AWS-0030'] },
  },
  resourceTypes: ['aws_ecr_repository'],
  resource(r, ctx) {
    // Registry-level scanning configuration overrides the repository setting.
    if (ctx.resourcesOf('aws_ecr_registry_scanning_configuration').length) return;
    const block = getProperty(r, 'image_scanning_configuration');
    const prop = getProperty(r, 'image_scanning_configuration.scan_on_push');
    if (block && !prop && !asObject(block.value, ctx.program)) return; // a value Faultline cannot see into
    const v = evalBool(prop?.value, ctx.program);
    if (v === true || v === undefined) return;
    const key = keyName(r, 'image_scanning_configuration', block);
    const inner = asObject(block?.value, ctx.program);
    const fix = {
      title: `Set ${key}.${prop?.keyAsWritten ?? keyName(r, 'scan_on_push')} = ${r.language === 'python' ? 'True' : 'true'}`,
      intents: [
        inner
          ? { kind: 'setProperty' as const, target: inner, key: 'scan_on_push', value: { kind: 'literal' as const, value: true } }
          : {
              kind: 'setProperty' as const,
              target: r.props,
              key: 'image_scanning_configuration.scan_on_push',
              value: { kind: 'literal' as const, value: true },
            },
      ],
      safe: true,
    };
    ctx.report({
      resource: r,
      loc: locFor(r, prop ?? block),
      message:
        v === 'absent'
          ? `ECR repository ${describe(r)} does not enable scan on push: pushed images are never checked for known vulnerabilities`
          : `ECR repository ${describe(r)} sets scan_on_push to false: pushed images are never checked for known vulnerabilities`,
      evaluation: prop ? 'scan_on_push evaluates to false' : 'scan_on_push is absent (the default is false)',
      fixes: [fix],
    });
  },
});
