import { ALL_LANGUAGES, defineRule, type Fix, type RuleContext } from '../../engine/rule';
import { deref } from '../../model/evaluate';
import type { Evaluated, Known } from '../../model/program';
import type { Resource, Value } from '../../model/types';
import { attrExists, enumValues, schemaSource, type SchemaAttr } from '../../knowledge/schema';
import { closest, describe } from '../util';
import { blockNote, checkedSchema, walkArgs } from './common';

/** Enums other rules check with dated catalogues and better messages (rds-instance-class-invalid, lambda-runtime-deprecated). */
const CHECKED_ELSEWHERE = new Set(['rds.InstanceType', 'lambda.Runtime']);
/**
 * One-item lists the Pulumi SDK takes as a single value (`endpointConfiguration: { types: "REGIONAL" }`); the schema
 * does not say which lists those are.
 */
const PULUMI_SINGLE_VALUES: Record<string, string> = {
  aws_api_gateway_rest_api: 'types',
  aws_api_gateway_domain_name: 'types',
};
/** Lists longer than this are too open for a near miss to be a typo (1,400 EC2 instance types and growing). */
const MAX_SUGGESTING_ENUM = 100;

export default defineRule({
  meta: {
    id: 'aws-value-invalid',
    title: 'Value of the wrong type or outside the allowed values',
    category: 'schema',
    severity: 'high',
    profiles: 'all',
    languages: ALL_LANGUAGES,
    impact:
      'A value of the wrong type (`multi_az = "yes"`, a list where a string goes) stops `terraform plan` and `pulumi up`; a value outside the set the provider lists (`acl = "Private"`, `storage_type = "GP3"`) is rejected by the AWS API during the deploy, after other resources were already created.',
    fix: 'Use a value of the right type, spelled exactly as the provider lists it (the quick fix picks the nearest allowed value).',
    links: [
      'https://registry.terraform.io/providers/hashicorp/aws/latest/docs',
      'https://developer.hashicorp.com/terraform/language/expressions/type-constraints#conversion-of-primitive-types',
    ],
  },
  dataSources: true,
  resource(r, ctx) {
    const c = checkedSchema(r, ctx.program);
    if (!c) return;
    walkArgs(r, ctx.program, {
      onArg({ prop, attr, path }) {
        if (!attr || !attrExists(attr, c.use.majors, c.terraform)) return;
        const e = shape(attr, prop.value, ctx);
        if (e.state !== 'known' || e.value === null) return;
        // built only for a finding: this runs for every argument of every resource
        const where = (): string => `${blockNote(r, path)}${describe(r)} sets "${prop.keyAsWritten}" to ${shown(e.value)}`;
        const wrongType = typeProblem(attr, e.value, r, prop.key);
        if (wrongType) {
          ctx.report({
            resource: r,
            loc: prop.value.loc,
            message: `${where()}: ${wrongType}`,
            evaluation: `${prop.keyAsWritten} = ${shown(e.value)}`,
          });
          return;
        }
        if (typeof e.value !== 'string' || typeof attr.e !== 'string' || CHECKED_ELSEWHERE.has(attr.e)) return;
        const values = enumValues(attr.e);
        if (!values?.length || values.includes(e.value)) return;
        const value = e.value;
        const sameButCase = values.find((v) => v.toLowerCase() === value.toLowerCase());
        const near = sameButCase ?? (values.length <= MAX_SUGGESTING_ENUM ? closest(value, values) : undefined);
        if (!near) return;
        const listed = values.length <= 12 ? `: ${values.join(', ')}` : '';
        const fixes: Fix[] = [
          {
            title: `Change to "${near}"`,
            intents: [{ kind: 'replaceValue', value: prop.value, with: { kind: 'literal', value: near } }],
            safe: !!sameButCase,
          },
        ];
        ctx.report({
          resource: r,
          loc: prop.value.loc,
          // A case slip is certainly wrong; a near miss may be a value newer than the provider's list.
          severity: sameButCase ? 'high' : 'medium',
          message: sameButCase
            ? `${where()}: the provider spells it "${near}" (values are case-sensitive)`
            : `${where()}, which is not one of the ${values.length} values the provider lists${listed} (schema of ${schemaSource().date}); did you mean "${near}"?`,
          fixes,
        });
      },
    });
  },
});

const SCALAR = new Set(['s', 'n', 'b']);

/**
 * What the check needs of a value: scalars evaluated; for lists, maps and blocks only whether a scalar was written
 * (their contents are other arguments, checked on their own), which spares evaluating large nested values.
 */
function shape(attr: SchemaAttr, v: Value, ctx: RuleContext): Evaluated {
  if (SCALAR.has(attr.t)) return ctx.evaluate(v);
  const d = deref(v, ctx.program);
  if (d?.kind === 'string' || d?.kind === 'number' || d?.kind === 'bool') return { state: 'known', value: d.value };
  return { state: 'unknown', reason: 'a collection' };
}

function shown(v: Known): string {
  const s = JSON.stringify(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

const isStructured = (v: Known): boolean => typeof v === 'object' && v !== null;

/**
 * Why a known value cannot have the argument's type, following Terraform's conversions (a numeric string is a
 * number, "true" and "false" are bools, numbers and bools are strings); undefined when it can.
 */
function typeProblem(attr: SchemaAttr, v: Known, r: Resource, key: string): string | undefined {
  const t = attr.t;
  if (t === 'a') return undefined;
  if (t === 's') {
    // Pulumi accepts objects for some strings (IAM policy documents are serialised by the SDK).
    return Array.isArray(v) || (isStructured(v) && r.language === 'terraform') ? 'a string is required' : undefined;
  }
  if (t === 'n') {
    if (typeof v === 'number') return undefined;
    if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return undefined;
    return 'a number is required';
  }
  if (t === 'b') {
    if (typeof v === 'boolean' || v === 'true' || v === 'false') return undefined;
    return 'a bool is required (true or false)';
  }
  if (t.startsWith('l') || t.startsWith('s') || t === 'Bl' || t === 'Bs')
    return isStructured(v) || (r.language !== 'terraform' && PULUMI_SINGLE_VALUES[r.type] === key) ? undefined : 'a list is required';
  // A single block may come as a one-element list (a dynamic block).
  if (t === 'B1') return isStructured(v) ? undefined : 'a block is required';
  if (t.startsWith('m')) return isStructured(v) && !Array.isArray(v) ? undefined : 'a map is required';
  return undefined;
}
