import { asList, evalString, getProperty } from '../../model/evaluate';
import type { Value } from '../../model/types';
import { ALL_LANGUAGES, defineRule } from '../../engine/rule';
import { describe, keyName } from '../util';

/** Domains that documentation and templates use as stand-ins: nobody can validate a certificate for them. */
const PLACEHOLDER_DOMAINS = new Set([
  'example.com',
  'example.org',
  'example.net',
  'example.edu',
  'yourdomain.com',
  'your-domain.com',
  'mydomain.com',
  'my-domain.com',
  'domain.com',
  'yoursite.com',
  'mysite.com',
  'yourcompany.com',
  'mycompany.com',
  'yourapp.com',
  'myapp.com',
  'your-company.com',
]);
/** Names reserved by RFC 2606 / RFC 6761 (no public DNS, so no DNS or email validation). */
const RESERVED_TLDS = new Set(['test', 'example', 'invalid', 'localhost', 'local']);

/** Why `domain` is a placeholder, or undefined. */
export function placeholderDomain(domain: string): string | undefined {
  const d = domain.trim().toLowerCase().replace(/\.$/, '').replace(/^\*\./, '');
  if (d === '') return undefined;
  const labels = d.split('.');
  if (labels.length === 1) return RESERVED_TLDS.has(d) || d === 'domain' ? 'a single-label name that is not a public domain' : undefined;
  const tld = labels[labels.length - 1]!;
  if (RESERVED_TLDS.has(tld)) return `the .${tld} top-level domain is reserved and never resolves publicly`;
  const apex = labels.slice(-2).join('.');
  if (PLACEHOLDER_DOMAINS.has(apex)) return `${apex} is a placeholder domain`;
  if (labels[labels.length - 2] === 'example') return `${apex} is a placeholder domain`;
  return undefined;
}

export default defineRule({
  meta: {
    id: 'acm-certificate-placeholder-domain',
    title: 'ACM certificate for a placeholder domain',
    category: 'deployability',
    severity: 'high',
    profiles: 'all',
    languages: ALL_LANGUAGES,
    impact:
      'ACM cannot validate a certificate for a domain you do not own (example.com, yourdomain.com, localhost): with DNS validation the certificate stays "Pending validation" and anything waiting for it (validation resource, listener, distribution) times out; with email validation the mail goes to someone else.',
    fix: 'Use the real domain, read from configuration (a variable or a config value) so each environment can set its own.',
    links: ['https://docs.aws.amazon.com/acm/latest/userguide/domain-ownership-validation.html', 'https://www.rfc-editor.org/rfc/rfc2606'],
  },
  resourceTypes: ['aws_acm_certificate'],
  resource(r, ctx) {
    const check = (v: Value, key: string, what: string): void => {
      const domain = evalString(v, ctx.program);
      if (domain === undefined) return;
      const why = placeholderDomain(domain);
      if (!why) return;
      ctx.report({
        resource: r,
        loc: v.loc,
        message: `ACM certificate ${describe(r)} ${what} "${domain}" (${why}): ACM can never validate it, so the certificate stays pending`,
        evaluation: `${key} evaluates to "${domain}"`,
      });
    };
    const domainProp = getProperty(r, 'domain_name');
    if (domainProp) check(domainProp.value, keyName(r, 'domain_name', domainProp), `requests ${keyName(r, 'domain_name', domainProp)}`);
    const sans = getProperty(r, 'subject_alternative_names');
    for (const item of asList(sans?.value, ctx.program) ?? []) {
      const key = keyName(r, 'subject_alternative_names', sans);
      check(item, key, `lists in ${key}`);
    }
  },
});
