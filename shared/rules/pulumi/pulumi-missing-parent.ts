import { PULUMI_LANGUAGES, defineRule } from '../../engine/rule';
import { describe } from '../util';

export default defineRule({
  meta: {
    id: 'pulumi-missing-parent',
    title: 'Component child resource without a parent',
    category: 'pulumi',
    severity: 'medium',
    profiles: 'all',
    languages: PULUMI_LANGUAGES,
    impact:
      "A resource created in a component without `parent` is a sibling of the component in the state: it does not inherit the component's providers, aliases or protection, and renaming or refactoring the component later replaces it.",
    fix: 'Pass `{ parent: this }` (TypeScript) or `opts=pulumi.ResourceOptions(parent=self)` (Python) to every resource the component creates. For a resource already deployed, the new parent changes its URN: add an alias to the old one (`aliases: [{ parent: pulumi.rootStackResource }]`) or Pulumi replaces it.',
    links: ['https://www.pulumi.com/docs/iac/concepts/resources/components/#creating-child-resources'],
  },
  resource(r, ctx) {
    if (!r.inComponent || r.inCallback || r.language === 'terraform' || r.options.parent) return;
    if (r.options.written === 'opaque') return; // the options may carry the parent
    const how = r.language === 'python' ? 'parent=self' : 'parent: this';
    ctx.report({
      resource: r,
      loc: r.headLoc,
      message: `${describe(r)} is created in component ${r.inComponent} without \`${how}\`: it is not a child of the component`,
      fixes: [
        {
          title: `Add ${how}`,
          intents: [{ kind: 'setOption', resource: r, key: 'parent', value: { kind: 'expr', typescript: 'this', python: 'self' } }],
          // Parenting changes the resource's URN: Pulumi replaces it unless an alias keeps the old one.
          safe: false,
        },
      ],
    });
  },
});
