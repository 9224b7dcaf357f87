import { evalString, getProperty, optionValues, walkValues } from '../../model/evaluate';
import type { Resource } from '../../model/types';
import { PULUMI_LANGUAGES, defineRule } from '../../engine/rule';
import { describe } from '../util';

function isAwsProvider(r: Resource): boolean {
  return r.type === 'provider' || r.token === 'aws:provider:Provider' || r.typeAsWritten === 'aws.Provider';
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
    // What names an explicit provider: resource options, invoke options, and the options of component instances the
    // model has no resource for.
    const passed = [
      ...program.resources.map((r) => r.options.provider),
      ...program.files.flatMap((f) => [...(f.pulumi?.invokes ?? []).map((i) => i.provider), ...(f.pulumi?.optionProviders ?? [])]),
    ];
    for (const provider of passed) {
      for (const v of walkValues(provider)) {
        // A provider received as a parameter or computed: any provider may flow there, so stay silent.
        if (v.kind === 'unknown' || (v.kind === 'ref' && v.ref.kind !== 'resource' && v.ref.kind !== 'const')) return;
        if (v.kind === 'ref') used.add(v.ref.name);
      }
    }
    for (const p of providers) {
      // Unbound or created in a loop: it may be passed inline or collected; stay silent.
      if (!p.symbol || p.multiplicity !== 'one' || used.has(p.symbol)) continue;
      // Any other use of the symbol in the model (a `providers` map, a component's args) may pass it on.
      let mentions = 0;
      for (const r of program.resources) {
        if (r === p) continue;
        for (const v of [...walkValues(r.props), ...optionValues(r.options).flatMap(([, o]) => walkValues(o))]) {
          if (v.kind === 'ref' && v.ref.name === p.symbol) mentions++;
        }
      }
      if (mentions > 0) continue;
      const region = evalString(getProperty(p, 'region')?.value, program);
      ctx.report({
        resource: p,
        loc: p.headLoc,
        message: `${describe(p)}${region ? ` (region ${region})` : ''} is not passed to any resource through the \`provider\` option: every resource uses the default provider${region ? ' and its region' : ''}`,
      });
    }
  },
});
