import { evalString, getProperty, walkValues } from '../../model/evaluate';
import type { Resource } from '../../model/types';
import { PULUMI_LANGUAGES, defineRule } from '../../engine/rule';
import { describe } from '../util';

function isAwsProvider(r: Resource): boolean {
  return r.type === 'provider' || r.token === 'aws:provider:Provider' || r.typeAsWritten === 'aws.Provider';
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export default defineRule({
  meta: {
    id: 'pulumi-provider-unused',
    title: 'AWS provider that no resource uses',
    category: 'pulumi',
    severity: 'medium',
    profiles: 'all',
    languages: PULUMI_LANGUAGES,
    impact:
      'An explicit provider only applies to resources that receive it through their `provider` option: every other resource silently uses the default provider, in the default region and account.',
    fix: 'Pass the provider to the resources meant for it (`{ provider: p }` / `opts=pulumi.ResourceOptions(provider=p)`), or remove it.',
    links: ['https://www.pulumi.com/docs/iac/concepts/resources/providers/#explicit-provider-configuration'],
  },
  program(ctx) {
    const { program } = ctx;
    const providers = program.resources.filter((r) => r.language !== 'terraform' && isAwsProvider(r));
    if (!providers.length) return;
    const used = new Set<string>();
    for (const r of program.resources) {
      for (const v of walkValues(r.options.provider)) if (v.kind === 'ref') used.add(v.ref.name);
    }
    for (const p of providers) {
      // Unbound or created in a loop: it may be passed inline or collected; stay silent.
      if (!p.symbol || p.multiplicity !== 'one' || used.has(p.symbol)) continue;
      // Any other mention of the symbol (a `providers` map, a function argument, an export) may pass it on.
      const word = new RegExp(`(?<![\\w$.])${escape(p.symbol)}(?![\\w$])`, 'g');
      let mentions = 0;
      for (const f of program.files) {
        if (f.language === 'terraform') continue;
        for (const m of f.text.matchAll(word)) {
          const at = m.index;
          if (f.path === p.loc.file && at >= p.loc.start && at < p.loc.end) continue;
          if (f.comments.some((c) => at >= c.loc.start && at < c.loc.end)) continue;
          mentions++;
        }
      }
      if (mentions > 1) continue; // the binding itself is the one expected mention
      const region = evalString(getProperty(p, 'region')?.value, program);
      ctx.report({
        resource: p,
        loc: p.headLoc,
        message: `${describe(p)}${region ? ` (region ${region})` : ''} is not passed to any resource through the \`provider\` option: every resource uses the default provider${region ? ' and its region' : ''}`,
      });
    }
  },
});
