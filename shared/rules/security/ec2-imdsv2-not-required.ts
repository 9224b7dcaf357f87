import { asObject, evalString, getProperty } from '../../model/evaluate';
import { ALL_LANGUAGES, defineRule } from '../../engine/rule';
import { describe, keyName } from '../util';

export default defineRule({
  meta: {
    id: 'ec2-imdsv2-not-required',
    title: 'EC2 instance metadata allows IMDSv1',
    category: 'security',
    severity: 'medium',
    profiles: 'all',
    languages: ALL_LANGUAGES,
    impact:
      "With IMDSv1 allowed, a server-side request forgery in any application on the instance can read the instance role's credentials from the metadata service (the Capital One breach).",
    fix: 'Set `metadata_options { http_tokens = "required" }` (the AWS SDKs of the last years use IMDSv2 already).',
    links: ['https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/configuring-IMDS-new-instances.html'],
    equivalents: { checkov: ['CKV_AWS_79'], tfsec: ['aws-ec2-enforce-http-token-imds'], trivy: ['AVD-AWS-0028'] },
  },
  resourceTypes: ['aws_instance', 'aws_launch_template'],
  resource(r, ctx) {
    const block = getProperty(r, 'metadata_options');
    const inner = asObject(block?.value, ctx.program);
    if (block && !inner) return; // a value Faultline cannot see into
    const endpoint = inner && getProperty(inner, 'http_endpoint', ctx.program);
    if (endpoint && evalString(endpoint.value, ctx.program) !== 'enabled') return; // metadata off, or unknown
    const prop = inner && getProperty(inner, 'http_tokens', ctx.program);
    if (!prop) {
      // An account-level default (aws_ec2_instance_metadata_defaults) may already require tokens.
      const defaults = ctx.resourcesOf('aws_ec2_instance_metadata_defaults');
      if (defaults.some((d) => evalString(getProperty(d, 'http_tokens')?.value, ctx.program) !== 'optional')) return;
    }
    const tokens = prop ? evalString(prop.value, ctx.program) : undefined;
    if (prop && (tokens === undefined || tokens === 'required')) return;
    const what = r.type === 'aws_instance' ? 'EC2 instance' : 'launch template';
    const blockKey = keyName(r, 'metadata_options', block);
    const tokensKey = prop?.keyAsWritten ?? keyName(r, 'http_tokens');
    ctx.report({
      resource: r,
      loc: prop ? prop.value.loc : block ? block.keyLoc : r.headLoc,
      message: prop
        ? `${what} ${describe(r)} sets ${blockKey}.${tokensKey} to "${tokens}": IMDSv1 stays available and role credentials can be read through SSRF`
        : block
          ? `${what} ${describe(r)} does not set ${blockKey}.${tokensKey}: IMDSv1 stays available unless the AMI or account default requires tokens`
          : `${what} ${describe(r)} has no ${blockKey}: IMDSv1 stays available unless the AMI or account default requires tokens`,
      evaluation: prop ? `${tokensKey} evaluates to "${tokens}"` : `${tokensKey} is absent (the default is "optional" for most AMIs)`,
      fixes: [
        {
          title: `Set ${blockKey}.${tokensKey} = "required" (applications on IMDSv1-only SDKs lose access to role credentials)`,
          intents: [
            inner
              ? { kind: 'setProperty', target: inner, key: 'http_tokens', value: { kind: 'literal', value: 'required' } }
              : {
                  kind: 'setProperty',
                  target: r.props,
                  key: 'metadata_options.http_tokens',
                  value: { kind: 'literal', value: 'required' },
                },
          ],
          safe: false,
        },
      ],
    });
  },
});
