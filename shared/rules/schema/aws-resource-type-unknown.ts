import { ALL_LANGUAGES, defineRule, type Fix, type RuleContext } from '../../engine/rule';
import type { Resource } from '../../model/types';
import {
  dataSourceSchema,
  dataSourceTypes,
  invokeInfo,
  invokePaths,
  pulumiClass,
  pulumiClassPaths,
  resourceSchema,
  resourceTypes,
} from '../../knowledge/schema';
import { camelToSnake } from '../../knowledge/typemap';
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
  program: checkInvokes,
  dataSources: true,
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

/** Provider functions (invokes) the program calls that @pulumi/aws does not have, or not in the major in use. */
function checkInvokes(ctx: RuleContext): void {
  const use = providerOf(ctx.program);
  for (const file of ctx.program.files) {
    for (const call of file.pulumi?.invokes ?? []) {
      const python = file.language === 'python';
      const shown = (name: string): string => {
        const dot = name.lastIndexOf('.');
        return python ? `${name.slice(0, dot + 1)}${camelToSnake(name.slice(dot + 1))}` : name;
      };
      const info = invokeInfo(call.name);
      if (info) {
        if (info.v !== undefined && use.majors.length && !use.majors.includes(info.v)) {
          const newest = use.majors[use.majors.length - 1]!;
          ctx.report({
            loc: call.loc,
            message: `${shown(call.name)} ${info.v < newest ? `was removed in ${use.name(newest)}` : `is new in ${use.name(info.v)}; this program uses ${use.name(newest)}`}${pinNote(use)}`,
          });
        }
        continue;
      }
      const dot = call.name.lastIndexOf('.');
      const module = call.name.slice(0, dot + 1);
      const fns = invokePaths()
        .filter((p) => p.startsWith(module) && !p.slice(module.length).includes('.'))
        .filter((p) => invokeAvailable(invokeInfo(p)!.v, use))
        .map((p) => p.slice(module.length));
      const suggestions = suggestNames(call.name.slice(dot + 1), fns, '');
      const hint = suggestions.length ? `; did you mean ${suggestions.map((x) => `"${shown(module + x)}"`).join(' or ')}?` : '';
      ctx.report({ loc: call.loc, message: `${shown(call.name)} is not a function of @pulumi/aws${hint}` });
    }
  }
}

function invokeAvailable(only: number | undefined, use: ProviderUse): boolean {
  return only === undefined || use.majors.includes(only);
}

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
