import { beforeAll, describe, expect, it } from 'vitest';
import { attrExists, deprecationIn, enumValues, resourceSchema, resourceTypes, type SchemaAttr } from '../../shared/knowledge/schema';
import { pulumiKey, snakeToCamel, camelToSnake } from '../../shared/knowledge/typemap';
import { analyzeText, formatFindings, initEngine } from '../helpers/analyze';

/**
 * The schema rules against the schema itself: for a sample of resource types, a program that sets every argument
 * (and every argument of every nested block) to a valid literal raises none of them, in each language.
 */
beforeAll(() => initEngine());

const SCHEMA_RULES = [
  'aws-resource-type-unknown',
  'aws-argument-unknown',
  'aws-argument-deprecated',
  'aws-argument-missing',
  'aws-value-invalid',
];
const MAJORS = [6, 7];
const SAMPLE_SIZE = 240;
const PYTHON_KEYWORDS = new Set(['from', 'global', 'lambda', 'class', 'import', 'in', 'is', 'not', 'or', 'and', 'pass', 'def', 'return']);

/** Every n-th type with a certain Pulumi class in every major: a spread over all services, the same on every run. */
function sample(): { tf: string; cls: string; token: string }[] {
  const all = resourceTypes()
    .filter((tf) => tf.startsWith('aws_'))
    .map((tf) => ({ tf, cls: resourceSchema(tf)!.pulumi?.find((p) => p.certain !== false && !p.majors && !p.deprecatedIn) }))
    .filter((t): t is { tf: string; cls: NonNullable<typeof t.cls> } => !!t.cls);
  const step = Math.max(1, Math.floor(all.length / SAMPLE_SIZE));
  return all.filter((_, i) => i % step === 0).map((t) => ({ tf: t.tf, cls: t.cls.class, token: t.cls.token }));
}

/** The arguments a valid program may set: existing in every major, not deprecated in either, not Pulumi-only for Terraform. */
function usable(attrs: Record<string, SchemaAttr> | undefined, terraform: boolean): [string, SchemaAttr][] {
  return Object.entries(attrs ?? {}).filter(
    ([k, a]) =>
      attrExists(a, [6], terraform) &&
      attrExists(a, [7], terraform) &&
      MAJORS.every((m) => !deprecationIn(a, m)) &&
      !(a.b && !Object.keys(a.b).length) &&
      !(terraform ? false : PYTHON_KEYWORDS.has(k)),
  );
}

type Lang = 'terraform' | 'typescript' | 'python';

/** A literal of the argument's type in the language: the first enum value for strings with allowed values. */
function literal(a: SchemaAttr, lang: Lang, key: (k: string, path: string[]) => string, path: string[], depth: number): string {
  const t = a.t;
  const str = (s: string): string => JSON.stringify(s);
  const bool = lang === 'python' ? 'True' : 'true';
  if (t === 's' || t === 'a') return str(enumValues(a.e)?.[0] ?? 'example');
  if (t === 'n') return '1';
  if (t === 'b') return bool;
  if (t.startsWith('m') && t !== 'mB') return lang === 'terraform' ? '{ key = "v" }' : lang === 'python' ? '{"key": "v"}' : "{ key: 'v' }";
  if (t === 'mB')
    return lang === 'terraform'
      ? `{ key = ${object(a.b, lang, key, path, depth)} }`
      : lang === 'python'
        ? `{"key": ${object(a.b, lang, key, path, depth)}}`
        : `{ key: ${object(a.b, lang, key, path, depth)} }`;
  if (t === 'B1') return object(a.b, lang, key, path, depth);
  if (t === 'Bl' || t === 'Bs') return `[${object(a.b, lang, key, path, depth)}]`;
  // l<x> / s<x>: one element of the element type
  return `[${literal({ t: t.slice(1) }, lang, key, path, depth)}]`;
}

function object(
  attrs: Record<string, SchemaAttr> | undefined,
  lang: Lang,
  key: (k: string, path: string[]) => string,
  path: string[],
  depth: number,
): string {
  const entries = depth > 14 ? [] : usable(attrs, lang === 'terraform');
  const parts = entries.map(([k, a]) => {
    const v = literal(a, lang, key, [...path, k], depth + 1);
    const name = key(k, path);
    return lang === 'terraform' ? `${name} = ${v}` : lang === 'python' ? `${JSON.stringify(name)}: ${v}` : `${name}: ${v}`;
  });
  return lang === 'terraform' ? `{\n${parts.join('\n')}\n}` : `{ ${parts.join(', ')} }`;
}

/** Terraform blocks as blocks (`rule { ... }`), attributes as `key = value`. */
function tfBody(attrs: Record<string, SchemaAttr> | undefined, depth: number): string {
  const lines: string[] = [];
  for (const [k, a] of depth > 14 ? [] : usable(attrs, true)) {
    if (a.t === 'B1' || a.t === 'Bl' || a.t === 'Bs') lines.push(`${k} {\n${tfBody(a.b, depth + 1)}\n}`);
    else lines.push(`${k} = ${literal(a, 'terraform', (x) => x, [], depth)}`);
  }
  return lines.join('\n');
}

function program(lang: Lang, types: ReturnType<typeof sample>): string {
  if (lang === 'terraform')
    return types.map((t) => `resource "${t.tf}" "${t.tf}" {\n${tfBody(resourceSchema(t.tf)!.attrs, 0)}\n}\n`).join('\n');
  const lines = lang === 'python' ? ['import pulumi_aws as aws', ''] : ["import * as aws from '@pulumi/aws';", ''];
  for (const t of types) {
    const attrs = resourceSchema(t.tf)!.attrs;
    const tsKey = (k: string, path: string[]): string => pulumiKey(t.token, k, path);
    const pyKey = (k: string, path: string[]): string => {
      const p = pulumiKey(t.token, k, path);
      return p === snakeToCamel(k) ? k : camelToSnake(p);
    };
    if (lang === 'typescript') lines.push(`new ${t.cls}('${t.tf}', ${object(attrs, 'typescript', tsKey, [], 0)});`);
    else {
      const args = usable(attrs, false).map(([k, a]) => `${pyKey(k, [])}=${literal(a, 'python', pyKey, [k], 1)}`);
      lines.push(`${t.cls.replace(/^aws\.lambda\./, 'aws.lambda_.')}("${t.tf}", ${args.join(', ')})`);
    }
  }
  return lines.join('\n') + '\n';
}

describe('every argument of a sample of the schema', () => {
  const types = sample();
  it(`samples at least 200 resource types (${types.length})`, () => {
    expect(types.length).toBeGreaterThanOrEqual(200);
  });
  for (const [lang, file] of [
    ['terraform', '/sample/main.tf'],
    ['typescript', '/sample/index.ts'],
    ['python', '/sample/__main__.py'],
  ] as const) {
    it(`raises no schema finding in ${lang}`, () => {
      const text = program(lang, types);
      const { program: p, findings } = analyzeText(file, text, { only: SCHEMA_RULES });
      expect(findings.filter((f) => f.ruleId === 'parse-error')).toEqual([]);
      const lowered = new Set(p.resources.map((r) => r.logicalName));
      expect(types.filter((t) => !lowered.has(t.tf)).map((t) => t.cls)).toEqual([]);
      expect(formatFindings(findings.filter((f) => SCHEMA_RULES.includes(f.ruleId)))).toBe('');
    });
  }
});
