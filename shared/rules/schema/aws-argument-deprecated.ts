import { ALL_LANGUAGES, defineRule } from '../../engine/rule';
import { attrExists, deprecationIn, resourceSchema, schemaSource } from '../../knowledge/schema';
import { describe } from '../util';
import { blockNote, checkedSchema, classAvailable, deprecationText, pinNote, providerOf, walkArgs } from './common';

export default defineRule({
  meta: {
    id: 'aws-argument-deprecated',
    title: 'Deprecated AWS resource or argument',
    category: 'schema',
    severity: 'medium',
    profiles: 'all',
    languages: ALL_LANGUAGES,
    impact:
      "Deprecated arguments and classes are removed in the next major version of the provider: the upgrade then fails on them (the S3 bucket's inline `acl`, `versioning` and `lifecycle_rule` went to their own resources; aws_db_instance `name` became `db_name`). Until then they often conflict with their replacement resources and cause perpetual diffs.",
    fix: 'Move to the replacement the provider names in the message. The deprecations differ between provider major versions: Faultline reads the version the project pins (required_providers or .terraform.lock.hcl, package.json or package-lock.json, requirements.txt or pyproject.toml) and reports only what is deprecated in it.',
    links: [
      'https://registry.terraform.io/providers/hashicorp/aws/latest/docs/guides/version-6-upgrade',
      'https://www.pulumi.com/registry/packages/aws/how-to-guides/7-0-migration/',
    ],
    tags: ['deprecated'],
  },
  dataSources: true,
  resource(r, ctx) {
    const use = providerOf(ctx.program);
    const newest = use.majors[use.majors.length - 1];
    if (newest === undefined) return;
    // A Pulumi class deprecated in every major in use (aws.s3.BucketV2 in 7.x).
    const cls = r.token ? resourceSchema(r.type)?.pulumi?.find((p) => p.token === r.token) : undefined;
    if (cls?.deprecatedIn && classAvailable(cls, use) && use.majors.every((m) => cls.deprecatedIn![m])) {
      ctx.report({
        resource: r,
        loc: r.typeLoc ?? r.headLoc,
        message: `${r.typeAsWritten} is deprecated in ${use.name(newest)}${pinNote(use)}: ${cls.deprecatedIn[newest]}`,
      });
    }
    const c = checkedSchema(r, ctx.program);
    if (!c) return;
    const newestKnown = Math.max(...schemaSource().majors);
    walkArgs(r, ctx.program, {
      onArg({ prop, attr, attrs, path }) {
        if (!attr || !attrExists(attr, use.majors, c.terraform)) return;
        // The schema knows nested arguments' deprecations for its newest major only (the previous major's are not
        // recorded apart): below the top level, a program that may run an older major is not told.
        if (path.length && use.majors.some((m) => m !== newestKnown) && attr.d6 === undefined && attr.d7 === undefined) return;
        // deprecated in every major the program may run with; the newest one's text is shown
        let text: string | undefined;
        for (const m of use.majors) if (!(text = deprecationIn(attr, attr.v ?? m))) return;
        if (!text) return;
        ctx.report({
          resource: r,
          loc: prop.keyLoc,
          message: `${blockNote(r, path)}${describe(r)} sets "${prop.keyAsWritten}", deprecated in ${use.name(attr.v ?? newest)}${pinNote(use)}: ${deprecationText(text, r, attrs)}`,
        });
      },
    });
  },
});
