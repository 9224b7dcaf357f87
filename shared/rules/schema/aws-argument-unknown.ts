import { ALL_LANGUAGES, defineRule, type Fix } from '../../engine/rule';
import { attrExists, deprecationIn } from '../../knowledge/schema';
import { describe, suggestNames } from '../util';
import { blockNote, checkedSchema, pinNote, replacementIn, spelled, walkArgs } from './common';

export default defineRule({
  meta: {
    id: 'aws-argument-unknown',
    title: 'Argument the AWS resource does not have',
    category: 'schema',
    severity: 'high',
    profiles: 'all',
    languages: ALL_LANGUAGES,
    impact:
      'The provider rejects arguments it does not know: `terraform plan` stops with "Unsupported argument" and `pulumi up` with "unknown property". Most are typos, or arguments renamed or removed between provider major versions (aws_db_instance `name` became `db_name`, aws_eip `vpc` became `domain`).',
    fix: 'Use the argument the provider has (the quick fix renames it to the closest one); for an argument removed in the provider major version you use, follow the replacement its deprecation named.',
    links: [
      'https://registry.terraform.io/providers/hashicorp/aws/latest/docs',
      'https://www.pulumi.com/registry/packages/aws/api-docs/',
      'https://registry.terraform.io/providers/hashicorp/aws/latest/docs/guides/version-6-upgrade',
    ],
  },
  dataSources: true,
  resource(r, ctx) {
    const c = checkedSchema(r, ctx.program);
    if (!c) return;
    const { majors } = c.use;
    walkArgs(r, ctx.program, {
      onArg({ prop, attr, attrs, path }) {
        if (attr && attrExists(attr, majors, c.terraform)) return;
        const where = `${blockNote(r, path)}${describe(r)}`;
        const written = prop.keyAsWritten;
        let message: string;
        let suggestion: string | undefined;
        if (attr?.v !== undefined && attr.v > 0) {
          const removed = majors.every((m) => m > attr.v!);
          const major = majors[majors.length - 1]!;
          if (removed) {
            suggestion = replacementIn(deprecationIn(attr, attr.v), attrs, prop.key, c);
            message = `${where} sets "${written}", which ${c.use.name(attr.v)} had and ${c.use.name(major)} removed${pinNote(c.use)}`;
          } else {
            message = `${where} sets "${written}", which is new in ${c.use.name(attr.v)}; this program uses ${c.use.name(major)}${pinNote(c.use)}`;
          }
        } else {
          const valid = Object.keys(attrs).filter((k) => attrExists(attrs[k]!, majors, c.terraform));
          suggestion = suggestNames(prop.key, valid, '_')[0];
          message = `${where} has no argument "${written}"`;
        }
        const fixes: Fix[] = [];
        // A replacement of another type (aws_eip `vpc = true` -> `domain = "vpc"`) is named, not renamed to.
        const renames = suggestion !== undefined && (!attr || attrs[suggestion]?.t === attr.t);
        if (suggestion) {
          const name = spelled(r, suggestion, path);
          message += `; did you mean "${name}"?`;
          if (renames)
            fixes.push({ title: `Rename to ${name}`, intents: [{ kind: 'renameKey', property: prop, newKey: suggestion }], safe: false });
        }
        ctx.report({ resource: r, loc: prop.keyLoc, message, fixes });
      },
    });
  },
});
