import { ALL_LANGUAGES, defineRule, type Fix } from '../../engine/rule';
import type { Resource } from '../../model/types';
import { dataSourceSchema, dataSourceTypes, pulumiClass, pulumiClassPaths, resourceSchema, resourceTypes } from '../../knowledge/schema';
import type { ProviderUse } from '../../knowledge/provider-version';
import { suggestNames } from '../util';
import { classAvailable, pinNote, providerOf, terraformTypeMajors } from './common';

export default defineRule({
  meta: {
    id: 'aws-resource-type-unknown',
    title: 'Resource type or class the AWS provider does not have',
    category: 'schema',
    severity: 'high',
    profiles: 'all',
    languages: ALL_LANGUAGES,
    impact:
      'A resource type, data source or class that the provider does not have stops the deploy before it starts: `terraform init`/`plan` reports "The provider hashicorp/aws does not support resource type", and Pulumi programs fail to compile or to construct the resource. Types are also added and removed between provider major versions.',
    fix: 'Use the type the provider has (the quick fix renames to the closest one), or pin the provider major version that has it.',
    links: ['https://registry.terraform.io/providers/hashicorp/aws/latest/docs', 'https://www.pulumi.com/registry/packages/aws/api-docs/'],
  },
  resource(r, ctx) {
    const use = providerOf(ctx.program);
    if (r.language === 'terraform') {
      if (!r.type.startsWith('aws_') || (r.kind !== 'resource' && r.kind !== 'data')) return;
      const data = r.kind === 'data';
      if (data ? dataSourceSchema(r.type) : resourceSchema(r.type)) {
        const majors = data ? undefined : terraformTypeMajors(r.type);
        if (majors) versionMismatch(r, majors, use, (m) => ctx.report(m));
        return;
      }
      const suggestions = suggestNames(r.type, data ? dataSourceTypes() : resourceTypes(), '_');
      report(
        r,
        `${r.type} is not a ${data ? 'data source' : 'resource type'} of hashicorp/aws`,
        suggestions,
        (s) => s,
        (m) => ctx.report(m),
      );
      return;
    }
    if (r.kind !== 'resource') return;
    if (r.token?.startsWith('aws:')) {
      const cls = resourceSchema(r.type)?.pulumi?.find((p) => p.token === r.token);
      if (cls?.majors && use.majors.length) versionMismatch(r, cls.majors, use, (m) => ctx.report(m));
      return;
    }
    // An unmapped class of @pulumi/aws: its path as written (aws.s3.BucketPolicyV2) is the type.
    if (!r.type.startsWith('aws.')) return;
    const dot = r.type.lastIndexOf('.');
    const module = r.type.slice(0, dot + 1);
    const cls = r.type.slice(dot + 1);
    const newest = use.majors[use.majors.length - 1];
    const all = pulumiClassPaths().filter((p) => p.startsWith(module) && !p.slice(module.length).includes('.'));
    const inModule = all
      .filter((p) => {
        // Suggest only what the program can use without a deprecation.
        const info = pulumiClass(p)!.info;
        return classAvailable(info, use) && !(newest !== undefined && info.deprecatedIn?.[newest]);
      })
      .map((p) => p.slice(module.length));
    const known = all.length > 0;
    const suggestions = suggestNames(cls, inModule, '');
    // The class name can be renamed in place only when it is written through its module (aws.s3.X, s3.X).
    const renamable = r.typeAsWritten.includes('.');
    report(
      r,
      known ? `${r.type} is not a class of @pulumi/aws` : `${module.slice(0, -1)} is not a module of @pulumi/aws`,
      suggestions,
      (s) => `${module}${s}`,
      (m) => ctx.report(m),
      renamable,
    );
  },
});

type Reporter = (m: { resource: Resource; loc: Resource['headLoc']; message: string; fixes?: Fix[] }) => void;

function report(r: Resource, what: string, suggestions: string[], shown: (s: string) => string, emit: Reporter, renamable = true): void {
  const fixes: Fix[] = renamable
    ? suggestions.map((s) => ({ title: `Change to ${shown(s)}`, intents: [{ kind: 'renameType', resource: r, name: s }], safe: false }))
    : [];
  const hint = suggestions.length ? `; did you mean ${suggestions.map((s) => `"${shown(s)}"`).join(' or ')}?` : '';
  emit({ resource: r, loc: r.typeLoc ?? r.headLoc, message: `${what}${hint}`, fixes });
}

/** A type the schema has, but not in the provider major the program uses. */
function versionMismatch(r: Resource, majors: number[], use: ProviderUse, emit: Reporter): void {
  if (use.majors.some((m) => majors.includes(m))) return;
  const newest = use.majors[use.majors.length - 1]!;
  const removed = majors.every((m) => m < newest);
  const name = r.typeAsWritten;
  emit({
    resource: r,
    loc: r.typeLoc ?? r.headLoc,
    message: removed
      ? `${name} was removed in ${use.name(newest)}${pinNote(use)}; it exists up to ${use.name(Math.max(...majors))}`
      : `${name} is new in ${use.name(Math.min(...majors))}; this program uses ${use.name(newest)}${pinNote(use)}`,
  });
}
