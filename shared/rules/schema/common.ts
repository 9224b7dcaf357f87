import { asList, asObject } from '../../model/evaluate';
import type { Program } from '../../model/program';
import type { ObjectValue, Property, Resource } from '../../model/types';
import { providerUse, type ProviderUse } from '../../knowledge/provider-version';
import {
  attrExists,
  dataSourceSchema,
  pulumiClass,
  resourceSchema,
  schemaSource,
  type PulumiClassInfo,
  type SchemaAttr,
} from '../../knowledge/schema';
import { camelToSnake, pulumiKey, snakeToCamel } from '../../knowledge/typemap';

const uses = new WeakMap<Program, ProviderUse>();

/** The AWS provider majors the program deploys with (from its pins; all the schema knows when nothing pins it). */
export function providerOf(program: Program): ProviderUse {
  let use = uses.get(program);
  if (!use) {
    const ecosystem = program.language === 'terraform' ? 'terraform' : program.language === 'python' ? 'python' : 'npm';
    use = providerUse(program.awsProvider(), schemaSource().majors, ecosystem);
    uses.set(program, use);
  }
  return use;
}

/** `(~> 5.0 in versions.tf)` when the program pins the provider. */
export function pinNote(use: ProviderUse): string {
  return use.source ? ` (${use.source})` : '';
}

export interface CheckedSchema {
  attrs: Record<string, SchemaAttr>;
  terraform: boolean;
  use: ProviderUse;
}

/**
 * The schema a resource's arguments are checked against. Undefined when the engine cannot be sure of it: not an AWS
 * type, an unmapped or doubtfully mapped Pulumi class, a class the project's provider major lacks, a provider
 * major the schema does not cover.
 */
export function checkedSchema(r: Resource, program: Program): CheckedSchema | undefined {
  return schemaWalk(r, program)?.schema;
}

function uncachedSchema(r: Resource, program: Program): CheckedSchema | undefined {
  const terraform = r.language === 'terraform';
  if (terraform ? !r.type.startsWith('aws_') : !r.token?.startsWith('aws:')) return undefined;
  const use = providerOf(program);
  if (!use.majors.length) return undefined;
  if (terraform) {
    const attrs = r.kind === 'resource' ? resourceSchema(r.type)?.attrs : r.kind === 'data' ? dataSourceSchema(r.type)?.attrs : undefined;
    return attrs && typeAvailable(r, use) ? { attrs, terraform, use } : undefined;
  }
  const t = resourceSchema(r.type);
  const cls = t?.pulumi?.find((p) => p.token === r.token);
  if (!t?.attrs || !cls || (cls.certain === false && t.src !== 'pulumi')) return undefined;
  return classAvailable(cls, use) ? { attrs: t.attrs, terraform, use } : undefined;
}

export function classAvailable(cls: PulumiClassInfo, use: ProviderUse): boolean {
  return !cls.majors || use.majors.some((m) => cls.majors!.includes(m));
}

/** The majors a Terraform resource type exists in: those of its Pulumi classes (all when any class has all). */
export function terraformTypeMajors(tfType: string): number[] | undefined {
  const classes = resourceSchema(tfType)?.pulumi ?? [];
  if (!classes.length || classes.some((c) => !c.majors)) return undefined;
  return [...new Set(classes.flatMap((c) => c.majors!))];
}

function typeAvailable(r: Resource, use: ProviderUse): boolean {
  if (r.kind !== 'resource') return true;
  const majors = terraformTypeMajors(r.type);
  return !majors || use.majors.some((m) => majors.includes(m));
}

/** One argument of a resource or of one of its nested blocks, with its schema. */
export interface ArgVisit {
  prop: Property;
  /** Undefined when the schema has no such argument. */
  attr: SchemaAttr | undefined;
  /** The arguments of the object that holds `prop`. */
  attrs: Record<string, SchemaAttr>;
  /** Canonical keys of the enclosing blocks. */
  path: string[];
}

/** A resource's arguments object or one of its nested blocks, with the schema of its arguments. */
export interface ObjectVisit {
  obj: ObjectValue;
  attrs: Record<string, SchemaAttr>;
  path: string[];
  /** The property holding the block (undefined for the resource's own arguments). */
  holder?: Property;
}

const MAX_DEPTH = 16;

/** A resource's arguments and nested blocks with their schema, walked once per analysis and shared by the rules. */
interface SchemaWalk {
  schema: CheckedSchema;
  args: ArgVisit[];
  objects: ObjectVisit[];
}

const walks = new WeakMap<Program, WeakMap<Resource, SchemaWalk | null>>();

function schemaWalk(r: Resource, program: Program): SchemaWalk | undefined {
  let perProgram = walks.get(program);
  if (!perProgram) walks.set(program, (perProgram = new WeakMap()));
  const cached = perProgram.get(r);
  if (cached !== undefined) return cached ?? undefined;
  const schema = uncachedSchema(r, program);
  const result: SchemaWalk | null = schema ? { schema, args: [], objects: [] } : null;
  if (schema && result) {
    const pulumi = r.language !== 'terraform';
    const walk = (
      obj: ObjectValue,
      attrs: Record<string, SchemaAttr>,
      path: string[],
      holder: Property | undefined,
      depth: number,
    ): void => {
      result.objects.push({ obj, attrs, path, ...(holder ? { holder } : {}) });
      for (const prop of obj.props) {
        const name = attrName(attrs, prop.key, pulumi);
        const attr = name === undefined ? undefined : attrs[name];
        result.args.push({ prop, attr, attrs, path });
        if (!attr?.b || depth >= MAX_DEPTH) continue;
        for (const o of blockObjects(attr, prop, program)) walk(o, attr.b, [...path, prop.key], prop, depth + 1);
      }
    };
    walk(r.props, schema.attrs, [], undefined, 0);
  }
  perProgram.set(r, result);
  return result ?? undefined;
}

/**
 * Visits a resource's arguments and nested blocks with their schema (see `checkedSchema`): `onArg` for each argument,
 * `onObject` for each object the schema describes. Blocks written as a single object, a list of objects (repeated
 * and dynamic blocks, Pulumi arrays) or a map of objects are followed; free-form maps and JSON are not.
 */
export function walkArgs(r: Resource, program: Program, visit: { onArg?(v: ArgVisit): void; onObject?(v: ObjectVisit): void }): void {
  const w = schemaWalk(r, program);
  if (!w) return;
  if (visit.onObject) for (const o of w.objects) visit.onObject(o);
  if (visit.onArg) for (const a of w.args) visit.onArg(a);
}

/**
 * The schema of a canonical key. Pulumi drops the underscore before a digit (`address_1` is `address1`) and the type
 * map does not list those renames inside nested blocks, so a Pulumi key also matches its digit-separated form.
 */
export function attrName(attrs: Record<string, SchemaAttr>, key: string, pulumi: boolean): string | undefined {
  if (Object.hasOwn(attrs, key)) return key;
  if (!pulumi) return undefined;
  let split = '';
  for (let i = 0; i < key.length; i++) {
    const c = key[i]!;
    const prev = key[i - 1];
    if (c >= '0' && c <= '9' && prev !== undefined && prev >= 'a' && prev <= 'z') split += '_';
    split += c;
  }
  return split !== key && Object.hasOwn(attrs, split) ? split : undefined;
}

function blockObjects(attr: SchemaAttr, prop: Property, program: Program): ObjectValue[] {
  const objects = (v: Property['value']): ObjectValue[] => {
    const o = asObject(v, program);
    if (o) return [o];
    return (asList(v, program) ?? []).flatMap((item) => asObject(item, program) ?? []);
  };
  if (attr.t === 'mB') return (asObject(prop.value, program)?.props ?? []).flatMap((p) => objects(p.value));
  return objects(prop.value);
}

/** How a canonical key is written in the resource's language (`multi_az`, `multiAz`; Pulumi's renames applied). */
export function spelled(r: Resource, key: string, path: string[]): string {
  if (r.language === 'terraform') return key;
  const pulumi = pulumiKey(r.token ?? r.type, key, path);
  if (r.language === 'python') return pulumi === snakeToCamel(key) ? key : camelToSnake(pulumi);
  return pulumi;
}

/** `the lifecycle_rule block of ` / `lifecycleRules of `: where a nested argument is, in the user's spelling. */
export function blockNote(r: Resource, path: string[]): string {
  if (!path.length) return '';
  const names = path.map((k, i) => spelled(r, k, path.slice(0, i)));
  return r.language === 'terraform' ? `the ${names.join('.')} block of ` : `${names.join('.')} of `;
}

/**
 * The argument a deprecation text points to ("Please use 'dbName' instead", "Use domain instead") when it is an
 * argument of the same object that exists in the majors in use.
 */
export function replacementIn(
  text: string | undefined,
  attrs: Record<string, SchemaAttr>,
  own: string,
  c: CheckedSchema,
): string | undefined {
  if (!text) return undefined;
  const words = text.split(/[^A-Za-z0-9_]+/);
  const from = words.findIndex((w) => w.toLowerCase() === 'use');
  if (from < 0) return undefined;
  for (const w of words.slice(from + 1)) {
    const key = camelToSnake(w);
    const a = Object.hasOwn(attrs, key) ? attrs[key] : undefined;
    if (key !== own && a && attrExists(a, c.use.majors, c.terraform)) return key;
  }
  return undefined;
}

/**
 * A deprecation text in the resource's language: for Terraform, Pulumi class paths become Terraform types and
 * camelCase argument names become snake_case.
 */
export function deprecationText(text: string, r: Resource, attrs: Record<string, SchemaAttr>): string {
  if (r.language !== 'terraform') return text;
  return text
    .split(' ')
    .map((word) => {
      const core = trimPunctuation(word);
      const tf = core.startsWith('aws.')
        ? pulumiClass(core)?.tf
        : Object.hasOwn(attrs, camelToSnake(core))
          ? camelToSnake(core)
          : undefined;
      return tf ? word.replace(core, tf) : word;
    })
    .join(' ');
}

const LEADING = new Set(['`', "'", '"', '(']);
const TRAILING = new Set(['`', "'", '"', '.', ',', ';', ':', ')']);

function trimPunctuation(word: string): string {
  let start = 0;
  let end = word.length;
  while (start < end && LEADING.has(word[start]!)) start++;
  while (end > start && TRAILING.has(word[end - 1]!)) end--;
  return word.slice(start, end);
}
