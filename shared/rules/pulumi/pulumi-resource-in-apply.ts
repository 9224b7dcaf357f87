import { PULUMI_LANGUAGES, defineRule } from '../../engine/rule';
import { describe } from '../util';

const WHERE: Record<string, string> = {
  apply: 'an `apply` callback',
  then: 'a `then` callback',
  catch: 'a `catch` callback',
  all: 'an `all(...).apply` callback',
};

export default defineRule({
  meta: {
    id: 'pulumi-resource-in-apply',
    title: 'Pulumi resource created inside a callback',
    category: 'pulumi',
    severity: 'high',
    profiles: 'all',
    languages: PULUMI_LANGUAGES,
    impact:
      'A resource constructed inside an `apply`, `then` or `catch` callback is registered only when the callback runs: `pulumi preview` does not show it, and whether it is created, updated or deleted depends on values known only during the deployment.',
    fix: 'Create the resource at the top level and pass the Output as an input (Outputs are accepted wherever inputs are); look up an existing resource with a `get` function instead of creating it when a lookup fails.',
    links: ['https://www.pulumi.com/docs/iac/concepts/inputs-outputs/apply/'],
  },
  resource(r, ctx) {
    if (!r.inCallback || r.language === 'terraform') return;
    ctx.report({
      resource: r,
      loc: r.headLoc,
      message: `${describe(r)} is created inside ${WHERE[r.inCallback] ?? `a \`${r.inCallback}\` callback`}: it is missing from previews and is created only when the callback runs`,
    });
  },
});
