import { ALL_LANGUAGES, defineRule, type Fix } from '../../engine/rule';
import type { FixValue } from '../../model/types';
import { requiredKeys, type SchemaAttr } from '../../knowledge/schema';
import { describe } from '../util';
import { attrName, blockNote, checkedSchema, spelled, walkArgs } from './common';

export default defineRule({
  meta: {
    id: 'aws-argument-missing',
    title: 'Required argument missing',
    category: 'schema',
    severity: 'high',
    profiles: 'all',
    languages: ALL_LANGUAGES,
    impact:
      'The provider refuses a resource without its required arguments: `terraform plan` stops with "Missing required argument" and `pulumi up` with "Missing required property" before anything is created.',
    fix: 'Add the argument. The quick fix inserts it with a placeholder value that you must replace; required nested blocks are named in the message.',
    links: ['https://registry.terraform.io/providers/hashicorp/aws/latest/docs', 'https://www.pulumi.com/registry/packages/aws/api-docs/'],
  },
  dataSources: true,
  resource(r, ctx) {
    const c = checkedSchema(r, ctx.program);
    if (!c || r.kind !== 'resource') return;
    walkArgs(r, ctx.program, {
      onObject({ obj, attrs, path, holder }) {
        // Arguments passed through a spread, **kwargs or a value the engine cannot follow may hold the missing ones.
        if (obj.partial) return;
        const required = requiredKeys(attrs, c.use.majors, c.terraform);
        if (!required.length) return;
        const present = new Set(obj.props.map((p) => attrName(attrs, p.key, !c.terraform) ?? p.key));
        const missing = required.filter((k) => !present.has(k));
        for (const key of missing) {
          const attr = attrs[key]!;
          const name = spelled(r, key, path);
          const block = attr.t.startsWith('B');
          const placeholder = placeholderFor(attr, name);
          const fixes: Fix[] = placeholder
            ? [
                {
                  title: `Add ${name} (a placeholder to fill in)`,
                  intents: [{ kind: 'setProperty', target: obj, key, value: placeholder }],
                  safe: false,
                },
              ]
            : [];
          ctx.report({
            resource: r,
            loc: holder ? holder.keyLoc : (r.typeLoc ?? r.headLoc),
            message: `${blockNote(r, path)}${describe(r)} is missing the required ${block ? 'block' : 'argument'} "${name}"`,
            fixes,
          });
        }
      },
    });
  },
});

/** A value of the argument's type that says it must be replaced; none for blocks and structured values. */
function placeholderFor(attr: SchemaAttr, name: string): FixValue | undefined {
  if (attr.t === 's') return { kind: 'literal', value: `TODO-${name}` };
  if (attr.t === 'n') return { kind: 'literal', value: 0 };
  if (attr.t === 'b') return { kind: 'literal', value: false };
  return undefined;
}
