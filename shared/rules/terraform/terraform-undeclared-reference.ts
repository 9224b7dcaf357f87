import type { FixIntent, TfReference } from '../../model/types';
import { defineRule } from '../../engine/rule';
import type { Program } from '../../model/program';
import { closest } from '../util';

const NOUN: Record<TfReference['kind'], string> = {
  variable: 'variable',
  local: 'local value',
  resource: 'resource',
  data: 'data source',
  module: 'module',
  provider: 'provider configuration',
};

/** What the module declares, per reference kind: names, and `type.name` for resources and data sources. */
function declarations(program: Program): Record<TfReference['kind'], Set<string>> & { aliasesFromCaller: boolean } {
  const d = {
    variable: new Set<string>(),
    local: new Set<string>(),
    resource: new Set<string>(),
    data: new Set<string>(),
    module: new Set<string>(),
    provider: new Set<string>(),
    aliasesFromCaller: false,
  };
  for (const f of program.files) {
    const t = f.terraform;
    if (!t) continue;
    for (const v of t.variables) d.variable.add(v.name);
    for (const l of t.locals) d.local.add(l.name);
    for (const m of t.modules) d.module.add(m.name);
    for (const p of t.providers) if (p.alias) d.provider.add(`${p.name}.${p.alias}`);
    // A child module can receive aliased providers from its caller (`configuration_aliases`).
    for (const b of t.terraformBlocks)
      for (const rp of b.props.props.filter((p) => p.key === 'required_providers'))
        if (
          rp.value.kind !== 'object' ||
          rp.value.props.some((p) => p.value.kind !== 'object' || p.value.props.some((x) => x.key === 'configuration_aliases'))
        )
          d.aliasesFromCaller = true;
  }
  for (const r of program.resources) {
    if (r.language !== 'terraform') continue;
    if (r.kind === 'resource') d.resource.add(`${r.type}.${r.logicalName}`);
    else if (r.kind === 'data') d.data.add(`${r.type}.${r.logicalName}`);
  }
  return d;
}

export default defineRule({
  meta: {
    id: 'terraform-undeclared-reference',
    title: 'Reference to something the module does not declare',
    category: 'terraform',
    severity: 'high',
    profiles: 'all',
    languages: ['terraform'],
    impact:
      '`terraform validate`, `plan` and `apply` stop with "Reference to undeclared input variable / resource / module": nothing deploys until every reference names something declared in the module (in any of its .tf files).',
    fix: 'Correct the name (usually a typo or a rename that missed a file), or declare the variable, local, resource, data source, module or aliased provider it means.',
    links: [
      'https://developer.hashicorp.com/terraform/language/expressions/references',
      'https://developer.hashicorp.com/terraform/language/providers/configuration#alias-multiple-provider-configurations',
    ],
  },
  program(ctx) {
    const files = ctx.program.files.filter((f) => f.language === 'terraform');
    // A file that does not parse (or a .tf.json file) may hide declarations: judge the module only when all of it was read.
    if (files.length === 0 || files.some((f) => f.parseErrors.length > 0) || ctx.program.unreadFiles?.length) return;
    const declared = declarations(ctx.program);
    for (const f of files) {
      for (const ref of f.terraform?.references ?? []) {
        if (ref.kind === 'provider' && declared.aliasesFromCaller) continue;
        const key = ref.kind === 'resource' || ref.kind === 'data' || ref.kind === 'provider' ? `${ref.type}.${ref.name}` : ref.name;
        const names = declared[ref.kind];
        if (names.has(key)) continue;
        const sameType = ref.type
          ? [...names].filter((n) => n.startsWith(`${ref.type}.`)).map((n) => n.slice(ref.type!.length + 1))
          : [...names];
        const guess = closest(ref.name, sameType);
        const noun = NOUN[ref.kind];
        const what = ref.kind === 'resource' || ref.kind === 'data' ? `${noun} ${ref.type} "${ref.name}"` : `${noun} "${ref.name}"`;
        const fixes = guess
          ? [
              {
                title: `Change to ${ref.text.slice(0, ref.text.length - ref.name.length)}${guess}`,
                intents: [
                  {
                    kind: 'replaceValue',
                    value: { kind: 'unknown', reason: 'a reference', text: ref.name, loc: ref.nameLoc },
                    with: { kind: 'expr', terraform: guess },
                  } satisfies FixIntent,
                ],
                safe: false,
              },
            ]
          : undefined;
        ctx.report({
          loc: ref.loc,
          message: `${ref.text} refers to ${what}, which no file of this module declares${guess ? `; did you mean "${guess}"?` : ''}`,
          ...(fixes ? { fixes } : {}),
        });
      }
    }
  },
});
