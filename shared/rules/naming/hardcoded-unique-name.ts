import { getProperty } from '../../model/evaluate';
import type { Program } from '../../model/program';
import type { FixValue, Resource } from '../../model/types';
import { ALL_LANGUAGES, defineRule, type Fix } from '../../engine/rule';
import { appendSuffixFix, constantUniqueName, describe, keyName, UNIQUE_NAME_ARGS } from '../util';

/** Variable names that usually carry the environment or stack. */
const ENV_VARIABLES = ['environment_suffix', 'environment', 'env', 'stage', 'stack', 'suffix', 'name_suffix'];

function envVariable(program: Program): string | undefined {
  const declared = new Set(program.files.flatMap((f) => f.terraform?.variables.map((v) => v.name) ?? []));
  return ENV_VARIABLES.find((n) => declared.has(n));
}

function fixes(r: Resource, program: Program, spec: { key: string; prefix?: string }): Fix[] {
  const prop = getProperty(r, spec.key)!;
  const out: Fix[] = [];
  if (r.language === 'terraform') {
    const env = envVariable(program);
    if (env) {
      out.push(appendSuffixFix(prop.value, { kind: 'expr', terraform: `var.${env}` }, `Append var.${env} to the name`));
    }
    if (spec.prefix) {
      out.push({
        title: `Use ${spec.prefix} so Terraform adds a unique suffix`,
        intents: [{ kind: 'renameKey', property: prop, newKey: spec.prefix }],
        safe: false,
      });
    }
    return out;
  }
  const stack: FixValue = { kind: 'expr', typescript: 'pulumi.getStack()', python: 'pulumi.get_stack()' };
  out.push({
    title: `Remove ${prop.keyAsWritten} and let Pulumi auto-name it (adds a random suffix)`,
    intents: [{ kind: 'removeProperty', property: prop }],
    safe: false,
  });
  out.push(appendSuffixFix(prop.value, stack, 'Append the stack name'));
  return out;
}

export default defineRule({
  meta: {
    id: 'hardcoded-unique-name',
    title: 'Constant physical name that must be unique',
    category: 'naming',
    severity: 'medium',
    profiles: 'all',
    languages: ALL_LANGUAGES,
    impact:
      'The second stack, the second region or a replacement of the resource fails with "already exists" (S3 bucket names are global across all AWS accounts; IAM names per account).',
    fix: 'Pulumi: drop the name and let auto-naming add a random suffix, or include the stack name. Terraform: use the `*_prefix` argument, or append the environment variable or a `random_id`.',
    links: [
      'https://www.pulumi.com/docs/iac/concepts/resources/names/#autonaming',
      'https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html',
    ],
  },
  resourceTypes: Object.keys(UNIQUE_NAME_ARGS),
  resource(r, ctx) {
    const prop = constantUniqueName(r, ctx.program);
    if (!prop) return;
    const spec = UNIQUE_NAME_ARGS[r.type]!;
    const shown = ctx.evaluate(prop.value);
    // A constant Faultline cannot spell out (the project name from Pulumi.yaml): quote the source instead.
    const source = ctx.program.files.find((f) => f.path === prop.value.loc.file)?.text.slice(prop.value.loc.start, prop.value.loc.end);
    const value = shown.state === 'known' ? JSON.stringify(shown.value) : `${source ?? 'value'}, which is the same in every stack`;
    ctx.report({
      resource: r,
      loc: prop.value.loc,
      severity: spec.global ? 'high' : 'medium',
      message: `${describe(r)} has the fixed ${keyName(r, spec.key, prop)} ${value}: ${!spec.global ? 'a second stack or a replacement in this account and region collides with it' : r.type === 'aws_s3_bucket' ? 'it must be unique across every stack and every AWS account' : 'it must be unique across every stack and region of the account'}`,
      fixes: fixes(r, ctx.program, spec),
    });
  },
});
