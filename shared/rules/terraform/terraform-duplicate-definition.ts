import { isTerraformOverride } from '../../model/program';
import type { Loc } from '../../model/types';
import { defineRule } from '../../engine/rule';

interface Declaration {
  what: string;
  loc: Loc;
}

export default defineRule({
  meta: {
    id: 'terraform-duplicate-definition',
    title: 'Declared twice in one module',
    category: 'terraform',
    severity: 'high',
    profiles: 'all',
    languages: ['terraform'],
    impact:
      'Terraform reads all the .tf files of a directory as one module: a second resource, data source, variable, output, local value or module call of the same name stops `validate`, `plan` and `apply` with "Duplicate ... configuration". It usually comes from copying a file, or from a block moved to another file without deleting the original.',
    fix: 'Delete one of the two declarations, or rename one (and the references to it).',
    links: [
      'https://developer.hashicorp.com/terraform/language/files',
      'https://developer.hashicorp.com/terraform/language/resources/syntax',
    ],
  },
  program(ctx) {
    const seen = new Map<string, Declaration>();
    const declare = (key: string, what: string, loc: Loc): void => {
      const first = seen.get(key);
      if (!first) {
        seen.set(key, { what, loc });
        return;
      }
      const where =
        first.loc.file === loc.file
          ? `line ${first.loc.range.start.line + 1}`
          : `${first.loc.file.split('/').pop()}, line ${first.loc.range.start.line + 1}`;
      ctx.report({
        loc,
        message: `${what} is declared a second time (first at ${where}): Terraform refuses a module that declares it twice`,
        related: [{ loc: first.loc, message: `the first declaration of ${what}` }],
      });
    };
    // In file order, then source order: the later declaration is the one reported.
    // Override files restate blocks on purpose: Terraform merges them into the originals.
    const files = ctx.program.files
      .filter((f) => f.language === 'terraform' && !isTerraformOverride(f.path))
      .sort((a, b) => a.path.localeCompare(b.path));
    for (const f of files) {
      const t = f.terraform;
      if (!t) continue;
      const items: { key: string; what: string; loc: Loc }[] = [
        ...t.variables.map((v) => ({ key: `var.${v.name}`, what: `variable "${v.name}"`, loc: v.loc })),
        ...t.locals.map((l) => ({ key: `local.${l.name}`, what: `local value "${l.name}"`, loc: l.loc })),
        ...t.outputs.map((o) => ({ key: `output.${o.name}`, what: `output "${o.name}"`, loc: o.loc })),
        ...t.modules.map((m) => ({ key: `module.${m.name}`, what: `module "${m.name}"`, loc: m.loc })),
        ...f.resources
          .filter((r) => r.kind === 'resource' || r.kind === 'data')
          .map((r) => ({
            key: `${r.kind}.${r.type}.${r.logicalName}`,
            what: `${r.kind === 'data' ? 'data source' : 'resource'} ${r.type} "${r.logicalName}"`,
            loc: r.headLoc,
          })),
      ];
      items.sort((a, b) => a.loc.start - b.loc.start);
      for (const i of items) declare(i.key, i.what, i.loc);
    }
  },
});
