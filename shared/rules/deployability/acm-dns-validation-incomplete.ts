import { asObject, evalString, getProperty } from '../../model/evaluate';
import type { Resource, Value } from '../../model/types';
import { ALL_LANGUAGES, defineRule } from '../../engine/rule';
import { describe, referencedResource } from '../util';

/** Where a certificate is put to use: the property that holds its ARN, per consumer type. */
const CONSUMERS: [string, string][] = [
  ['aws_lb_listener', 'certificate_arn'],
  ['aws_alb_listener', 'certificate_arn'],
  ['aws_lb_listener_certificate', 'certificate_arn'],
  ['aws_api_gateway_domain_name', 'certificate_arn'],
  ['aws_api_gateway_domain_name', 'regional_certificate_arn'],
];

export default defineRule({
  meta: {
    id: 'acm-dns-validation-incomplete',
    title: 'DNS-validated certificate used before it is validated',
    category: 'deployability',
    severity: 'medium',
    profiles: 'all',
    languages: ALL_LANGUAGES,
    impact:
      'A DNS-validated ACM certificate stays "Pending validation" until its CNAME record exists and ACM has seen it. A listener or distribution that uses it directly is created while it is still pending and the apply fails (UnsupportedCertificate), or hangs for up to 75 minutes waiting; without a validation resource nothing in the program waits for the record.',
    fix: "Create the validation records (`aws_route53_record` for each `domain_validation_options`) and an `aws_acm_certificate_validation` (`aws.acm.CertificateValidation`), and give listeners its `certificate_arn` output rather than the certificate's.",
    links: [
      'https://docs.aws.amazon.com/acm/latest/userguide/dns-validation.html',
      'https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/acm_certificate_validation',
    ],
  },
  program(ctx) {
    const certs = ctx.resourcesOf('aws_acm_certificate').filter((c) => {
      const method = getProperty(c, 'validation_method');
      return method !== undefined && evalString(method.value, ctx.program)?.toUpperCase() === 'DNS';
    });
    if (certs.length === 0) return;
    const validated = new Set<Resource>();
    for (const v of ctx.resourcesOf('aws_acm_certificate_validation')) {
      const cert = referencedResource(getProperty(v, 'certificate_arn')?.value, certs);
      // A validation whose certificate cannot be told may validate any of them.
      if (!cert || v.multiplicity !== 'one') return;
      validated.add(cert);
    }
    const uses: { cert: Resource; by: Resource; value: Value }[] = [];
    for (const [type, key] of CONSUMERS) {
      for (const by of ctx.resourcesOf(type)) {
        const value = getProperty(by, key)?.value;
        const cert = referencedResource(value, certs);
        if (cert && value) uses.push({ cert, by, value });
      }
    }
    for (const by of ctx.resourcesOf('aws_cloudfront_distribution')) {
      const viewer = asObject(getProperty(by, 'viewer_certificate')?.value, ctx.program);
      const value = viewer && getProperty(viewer, 'acm_certificate_arn')?.value;
      const cert = referencedResource(value, certs);
      if (cert && value) uses.push({ cert, by, value });
    }
    for (const { cert, by, value } of uses) {
      if (validated.has(cert)) continue;
      ctx.report({
        resource: by,
        loc: value.loc,
        message: `${describe(by)} uses the DNS-validated certificate ${describe(cert)}, but no certificate validation ${validated.size ? 'for it ' : ''}exists in the program: the certificate is still pending when ${describe(by)} is created, and the apply fails or waits until it times out`,
        related: [{ loc: cert.headLoc, message: 'the certificate, validated by DNS' }],
      });
    }
  },
});
