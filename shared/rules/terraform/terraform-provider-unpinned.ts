import { getProperty } from '../../model/evaluate';
import type { Loc } from '../../model/types';
import { defineRule } from '../../engine/rule';

export default defineRule({
  meta: {
    id: 'terraform-provider-unpinned',
    title: 'Provider or Terraform version not constrained',
    category: 'terraform',
    severity: 'low',
    profiles: 'all',
    languages: ['terraform'],
    impact:
      'Without a version constraint `terraform init` takes the newest provider: a new major version (which renames and removes arguments) arrives unannounced on a fresh CI runner and the plan fails, or changes resources. Without `required_version`, a teammate on another Terraform version can upgrade the state file under everyone else.',
    fix: 'Give every provider in `required_providers` a `version` constraint (`~> 5.80`), and the root module a `required_version`; commit `.terraform.lock.hcl`.',
    links: [
      'https://developer.hashicorp.com/terraform/language/providers/requirements#version-constraints',
      'https://developer.hashicorp.com/terraform/language/terraform#terraform-required_version',
    ],
  },
  program(ctx) {
    const files = ctx.program.files.filter((f) => f.terraform);
    // Only a root module (it configures providers or a backend) decides the versions; child modules inherit them.
    let rootAt: Loc | undefined;
    for (const f of files) rootAt ??= f.terraform!.backends[0]?.loc ?? f.terraform!.providers[0]?.loc;
    let hasRequiredVersion = false;
    const required = new Set<string>();
    for (const f of files) {
      for (const b of f.terraform!.terraformBlocks) {
        if (getProperty(b.props, 'required_version')) hasRequiredVersion = true;
        const rp = getProperty(b.props, 'required_providers')?.value;
        if (rp?.kind !== 'object') continue;
        for (const p of rp.props) {
          required.add(p.key);
          // `aws = "~> 5.0"` is the old form of a constraint; an object needs `version`.
          if (rootAt && p.value.kind === 'object' && !p.value.partial && !getProperty(p.value, 'version'))
            ctx.report({
              loc: p.keyLoc,
              message: `provider "${p.keyAsWritten}" in required_providers has no version constraint: terraform init installs whatever version is newest that day`,
            });
        }
      }
    }
    for (const f of files) {
      const t = f.terraform!;
      for (const p of t.providers) {
        if (p.alias || required.has(p.name)) continue;
        ctx.report({
          loc: p.loc,
          message: `provider "${p.name}" is configured but not listed in required_providers: any version of it is installed`,
        });
      }
    }
    if (rootAt && !hasRequiredVersion)
      ctx.report({
        loc: rootAt,
        message: 'this root module sets no required_version: any Terraform version may run it and upgrade its state',
      });
  },
});
