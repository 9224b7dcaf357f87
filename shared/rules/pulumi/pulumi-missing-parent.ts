import type { Resource } from '../../model/types';
import { PULUMI_LANGUAGES, defineRule } from '../../engine/rule';
import { describe } from '../util';

/**
 * Whether the resource's options argument is absent, fully seen (an object literal / ResourceOptions(...) without
 * spreads), or something the model cannot see into (a variable, `{ ...opts }`, mergeOptions, `**kwargs`).
 * ResourceOptions has no `partial` flag, so the call's text decides.
 */
function optionsArgument(r: Resource, text: string): 'none' | 'seen' | 'opaque' {
  const call = text.slice(r.loc.start, r.loc.end);
  if (r.language === 'python') {
    if (call.includes('**')) return 'opaque';
    const m = /\bopts\s*=\s*/.exec(call);
    if (!m) {
      // A positional options argument follows the args object; an args object given as keywords has none.
      const tail = text.slice(Math.max(r.props.loc.end, r.headLoc.end), r.loc.end).replace(/[\s,)]/g, '');
      return tail === '' ? 'none' : 'opaque';
    }
    const rest = call.slice(m.index + m[0].length);
    return /^(pulumi\.)?ResourceOptions\(/.test(rest) && !/\bmerge\b/.test(rest) ? 'seen' : 'opaque';
  }
  const tail = text
    .slice(Math.max(r.props.loc.end, r.headLoc.end), r.loc.end)
    .trim()
    .replace(/^,/, '')
    .replace(/\)$/, '')
    .trim()
    .replace(/,$/, '')
    .trim();
  if (tail === '') return 'none';
  return tail.startsWith('{') && !tail.includes('...') ? 'seen' : 'opaque';
}

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
    fix: 'Pass `{ parent: this }` (TypeScript) or `opts=pulumi.ResourceOptions(parent=self)` (Python) to every resource the component creates.',
    links: ['https://www.pulumi.com/docs/iac/concepts/resources/components/#creating-child-resources'],
  },
  resource(r, ctx) {
    if (!r.inComponent || r.inCallback || r.language === 'terraform' || r.options.parent) return;
    const file = ctx.program.files.find((f) => f.path === r.loc.file);
    if (!file || optionsArgument(r, file.text) === 'opaque') return; // the options may carry the parent
    const how = r.language === 'python' ? 'parent=self' : 'parent: this';
    // No fix: the options argument is not in the model, so no intent can add `parent` to it.
    ctx.report({
      resource: r,
      loc: r.headLoc,
      message: `${describe(r)} is created in component ${r.inComponent} without \`${how}\`: it is not a child of the component`,
    });
  },
});
