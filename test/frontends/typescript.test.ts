import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseTypeScript, renderTypeScript, typescriptFrontend } from '../../shared/frontends/typescript';
import { evaluate, getProperty } from '../../shared/model/evaluate';
import type { FileModel, FixIntent, Loc, Resource, TextEdit, Value } from '../../shared/model/types';

const FIXTURES = path.join(__dirname, '../fixtures/frontends/typescript');
const SNAPSHOTS = path.join(__dirname, '__snapshots__/typescript');

const at = (l: Loc): string => `${l.range.start.line + 1}:${l.range.start.character + 1}`;

/** A value as the evaluator sees it: the known JSON, else its kind, flags and position. */
function show(v: Value | undefined): string {
  if (!v) return 'absent';
  const e = evaluate(v);
  const flags = `${v.output ? ' output' : ''}${v.secret ? ' secret' : ''}`;
  if (e.state === 'known') return `${JSON.stringify(e.value)}${flags}`;
  const ref = v.kind === 'ref' ? ` ${v.ref.kind}:${v.ref.name}${v.ref.attribute ? `.${v.ref.attribute}` : ''}` : '';
  return `<${v.kind}${ref}${flags} @${at(v.loc)}>`;
}

function serialize(m: FileModel): string {
  const out: string[] = [];
  for (const r of m.resources) {
    const head = [
      r.id,
      r.type,
      r.token ?? '-',
      JSON.stringify(r.logicalName),
      r.multiplicity,
      r.symbol ? `symbol=${r.symbol}` : '',
      r.inComponent ? `in=${r.inComponent}` : '',
      r.inCallback ? `callback=${r.inCallback}` : '',
    ];
    out.push(
      `${r.kind} ${head.filter(Boolean).join(' ')} head=${at(r.headLoc)}-${r.headLoc.range.end.line + 1}:${r.headLoc.range.end.character + 1}`,
    );
    const opts = Object.keys(r.options);
    if (opts.length) out.push(`  options: ${opts.join(', ')}`);
    for (const p of r.props.props) out.push(`  ${p.key}${p.key !== p.keyAsWritten ? ` (${p.keyAsWritten})` : ''} = ${show(p.value)}`);
  }
  for (const b of m.stringBuilds) out.push(`build ${b.kind} @${at(b.loc)}: ${b.parts.map(show).join(' | ')}`);
  for (const c of m.comments) out.push(`comment @${at(c.loc)}${c.trailing ? ' trailing' : ''}: ${JSON.stringify(c.text)}`);
  for (const e of m.parseErrors) out.push(`parse error @${at(e.loc)}: ${e.message}`);
  for (const e of m.internalErrors ?? []) out.push(`internal error: ${e.message}`);
  const p = m.pulumi;
  if (p) {
    out.push(`pulumi ${p.isPulumi} imports ${JSON.stringify(p.imports)}`);
    for (const c of p.components) out.push(`component ${c.name} @${at(c.loc)} registersOutputs=${c.registersOutputs}`);
    for (const c of p.configReads)
      out.push(`config ${c.key} ${c.method} @${at(c.loc)}${c.fallback ? ` fallback=${show(c.fallback)}` : ''}`);
  }
  return `${out.join('\n')}\n`;
}

function parseFixture(name: string): FileModel {
  const file = path.join(FIXTURES, name);
  return parseTypeScript(fs.readFileSync(file, 'utf8'), file);
}

function apply(text: string, edits: TextEdit[]): string {
  let out = text;
  // As the engine does: sorted by position, applied from the end.
  const sorted = [...edits].sort((a, b) => a.start - b.start || a.end - b.end);
  for (let i = sorted.length - 1; i >= 0; i--) out = out.slice(0, sorted[i]!.start) + sorted[i]!.newText + out.slice(sorted[i]!.end);
  return out;
}

describe('typescript frontend: lowering', () => {
  for (const name of fs.readdirSync(FIXTURES).sort()) {
    it(name, async () => {
      const m = parseFixture(name);
      await expect(serialize(m).replaceAll(FIXTURES + path.sep, '')).toMatchFileSnapshot(path.join(SNAPSHOTS, `${name}.snap`));
    });
  }

  it('resolves every import form to the same types', () => {
    const types = parseFixture('imports.ts').resources.map((r) => r.type);
    expect(types).toEqual([
      'aws_s3_bucket',
      'aws_s3_bucket',
      'aws_db_instance',
      'aws_s3_bucket',
      'aws_db_instance',
      'aws_security_group',
      'random_id',
      'awsx.ec2.Vpc',
    ]);
  });

  it('reads JavaScript with require and keeps data keys as written', () => {
    const m = parseFixture('require.js');
    expect(m.language).toBe('javascript');
    const bucket = m.resources[0]!;
    expect(Object.keys((evaluate(getProperty(bucket, 'tags')?.value) as { value: object }).value)).toEqual(['Environment', 'costCenter']);
    expect(m.comments.map((c) => c.trailing)).toEqual([false, true]);
  });

  it('follows args, config defaults and environment variables as references', () => {
    const m = parseFixture('component.ts');
    const bucket = m.resources.find((r) => r.type === 'aws_s3_bucket')!;
    expect(bucket.logicalName).toBe('`tap-bucket-${environmentSuffix}`');
    const suffix = (bucket.name.kind === 'template' && bucket.name.parts[1]) as Value;
    expect(suffix.kind === 'ref' && suffix.resolved?.kind === 'ref' && suffix.resolved.ref).toMatchObject({
      kind: 'arg',
      name: 'args.environmentSuffix',
    });
    const stack = m.resources.find((r) => r.type === 'TapStack')!;
    const env = getProperty(stack, 'environment_suffix')?.value;
    expect(env?.kind === 'ref' && env.ref.kind === 'env' && env.ref.name).toBe('ENVIRONMENT_SUFFIX');
  });

  it('marks secrets and outputs', () => {
    const db = parseFixture('values.ts').resources.find((r) => r.type === 'aws_db_instance')!;
    expect(getProperty(db, 'master_password')?.value).toMatchObject({ kind: 'string', value: 'literal-secret', secret: true });
    const pw = getProperty(db, 'password')?.value;
    expect(pw?.kind === 'ref' && pw.resolved).toMatchObject({ secret: true, output: true, ref: { kind: 'config', name: 'dbPassword' } });
  });

  it('returns a non-Pulumi file without resources', () => {
    const m = parseFixture('plain.ts');
    expect(m.resources).toEqual([]);
    expect(m.pulumi?.isPulumi).toBe(false);
  });

  it('survives 10,000 levels of nesting', () => {
    const deep = `import * as aws from '@pulumi/aws';\nconst x = ${'['.repeat(10_000)}${']'.repeat(10_000)};\nnew aws.s3.Bucket('b', { tags: { a: 'b' } });\n`;
    expect(() => parseTypeScript(deep, 'deep.ts')).not.toThrow();
    const moderate = `import * as aws from '@pulumi/aws';\nnew aws.s3.Bucket('b', { policy: ${'['.repeat(600)}${']'.repeat(600)} });\n`;
    const m = parseTypeScript(moderate, 'moderate.ts');
    expect(m.resources).toHaveLength(1);
    expect(evaluate(getProperty(m.resources[0], 'policy')?.value).state).toBe('unknown');
  });

  it('does not loop on self-referencing consts', () => {
    const m = parseTypeScript(
      `import * as aws from '@pulumi/aws';\nconst a: any = b;\nconst b: any = a;\nnew aws.s3.Bucket('x', { bucket: a });\n`,
      'cycle.ts',
    );
    expect(evaluate(getProperty(m.resources[0], 'bucket')?.value).state).toBe('unknown');
  });

  it('is the frontend for both languages', () => {
    expect(typescriptFrontend.language).toEqual(['typescript', 'javascript']);
    expect(typescriptFrontend.commentPrefix).toBe('//');
  });
});

const SOURCE = `import * as aws from '@pulumi/aws';

const name = 'my-bucket';
const bucket = new aws.s3.Bucket('logs', {
  bucket: 'my-bucket',
  acl: 'private', // keep private
  forceDestroy: true,
});
const db = new aws.rds.Instance('db', { engine: 'postgres', multiAz: false });
const empty = new aws.sqs.Queue('q');
const web = new aws.ec2.Instance('web', {
  ami: 'ami-123',
  instanceType: 't3.micro'
});
export const url = 'https://' + bucket.bucketDomainName + '/index.html';
export const arn = \`arn:\${bucket.arn}/*\`;
export const named = new aws.s3.Bucket('named', { bucket: name });
`;

describe('typescript frontend: rendering', () => {
  const model = parseTypeScript(SOURCE, 'index.ts');
  const res = (logical: string): Resource => model.resources.find((r) => r.logicalName === logical)!;
  const fix = (intent: FixIntent, file = model): { text: string; model: FileModel } => {
    const edits = renderTypeScript(intent, file);
    expect(edits, 'rendered').toBeDefined();
    const text = apply(file.text, edits!);
    const again = parseTypeScript(text, file.path);
    expect(again.parseErrors).toEqual([]);
    return { text, model: again };
  };
  const valueOf = (m: FileModel, logical: string, key: string) =>
    evaluate(
      getProperty(
        m.resources.find((r) => r.logicalName === logical),
        key,
      )?.value,
    );

  it('sets a property in a multi-line object with a trailing comma', () => {
    const { text, model: m } = fix({
      kind: 'setProperty',
      target: res('logs').props,
      key: 'object_lock_enabled',
      value: { kind: 'literal', value: true },
    });
    expect(text).toContain('  forceDestroy: true,\n  objectLockEnabled: true,\n});');
    expect(valueOf(m, 'logs', 'object_lock_enabled')).toEqual({ state: 'known', value: true });
  });

  it('sets a nested property in a multi-line object without a trailing comma', () => {
    const { text, model: m } = fix({
      kind: 'setProperty',
      target: res('web').props,
      key: 'metadata_options.http_tokens',
      value: { kind: 'literal', value: 'required' },
    });
    expect(text).toContain("  instanceType: 't3.micro',\n  metadataOptions: { httpTokens: 'required' }\n});");
    expect(valueOf(m, 'web', 'metadata_options.http_tokens')).toEqual({ state: 'known', value: 'required' });
    const deeper = fix(
      {
        kind: 'setProperty',
        target: m.resources.find((r) => r.logicalName === 'web')!.props,
        key: 'metadata_options.http_tokens',
        value: { kind: 'literal', value: 'optional' },
      },
      m,
    );
    expect(deeper.text).toContain("metadataOptions: { httpTokens: 'optional' }");
  });

  it('replaces an existing value and inserts into single-line and missing objects', () => {
    const replaced = fix({ kind: 'setProperty', target: res('db').props, key: 'multi_az', value: { kind: 'literal', value: true } });
    expect(replaced.text).toContain("{ engine: 'postgres', multiAz: true }");
    const added = fix({ kind: 'setProperty', target: res('db').props, key: 'storage_encrypted', value: { kind: 'literal', value: true } });
    expect(added.text).toContain('multiAz: false, storageEncrypted: true }');
    const created = fix({ kind: 'setProperty', target: res('q').props, key: 'name', value: { kind: 'literal', value: "it's" } });
    expect(created.text).toContain("new aws.sqs.Queue('q', { name: 'it\\'s' })");
    expect(valueOf(created.model, 'q', 'name')).toEqual({ state: 'known', value: "it's" });
  });

  it('removes a property with its comment and line', () => {
    const { text, model: m } = fix({ kind: 'removeProperty', property: getProperty(res('logs'), 'acl')! });
    expect(text).toContain("  bucket: 'my-bucket',\n  forceDestroy: true,\n});");
    expect(valueOf(m, 'logs', 'acl').state).toBe('absent');
    const inline = fix({ kind: 'removeProperty', property: getProperty(res('db'), 'multi_az')! });
    expect(inline.text).toContain("{ engine: 'postgres' }");
    const last = fix({ kind: 'removeProperty', property: getProperty(res('web'), 'instance_type')! });
    expect(last.text).toContain("  ami: 'ami-123'\n});");
  });

  it('replaces a value and renames a key', () => {
    const replaced = fix({
      kind: 'replaceValue',
      value: getProperty(res('logs'), 'force_destroy')!.value,
      with: { kind: 'expr', typescript: 'pulumi.getStack() !== "prod"' },
    });
    expect(replaced.text).toContain("import * as aws from '@pulumi/aws';\nimport * as pulumi from '@pulumi/pulumi';\n");
    expect(replaced.text).toContain('forceDestroy: pulumi.getStack() !== "prod",');
    const renamed = fix({ kind: 'renameKey', property: getProperty(res('logs'), 'bucket')!, newKey: 'bucket_prefix' });
    expect(renamed.text).toContain("  bucketPrefix: 'my-bucket',");
    expect(valueOf(renamed.model, 'logs', 'bucket_prefix')).toEqual({ state: 'known', value: 'my-bucket' });
  });

  it('appends to a string literal and to a reference', () => {
    const suffix = { kind: 'expr', typescript: 'environmentSuffix' } as const;
    const lit = fix({ kind: 'appendToString', value: getProperty(res('logs'), 'bucket')!.value, suffix, separator: '-' });
    expect(lit.text).toContain('  bucket: `my-bucket-${environmentSuffix}`,');
    const ref = fix({
      kind: 'appendToString',
      value: getProperty(res('named'), 'bucket')!.value,
      suffix: { kind: 'expr', typescript: 'pulumi.getStack()' },
      separator: '-',
    });
    expect(ref.text).toContain('{ bucket: `${name}-${pulumi.getStack()}` }');
    expect(ref.model.pulumi?.imports.pulumi).toBe('@pulumi/pulumi');
  });

  it('wraps a template and a concatenation in pulumi.interpolate', () => {
    const tpl = model.stringBuilds.find((b) => b.kind === 'template')!;
    const a = fix({ kind: 'wrapOutputString', build: tpl });
    expect(a.text).toContain('export const arn = pulumi.interpolate`arn:${bucket.arn}/*`;');
    expect(a.model.stringBuilds.filter((b) => b.kind === 'template')).toEqual([]);
    const concat = model.stringBuilds.find((b) => b.kind === 'concat')!;
    const b = fix({ kind: 'wrapOutputString', build: concat });
    expect(b.text).toContain('export const url = pulumi.interpolate`https://${bucket.bucketDomainName}/index.html`;');
  });

  it('keeps CRLF line breaks and double quotes', () => {
    const crlf = parseTypeScript(SOURCE.replaceAll("'", '"').replaceAll('\n', '\r\n'), 'crlf.ts');
    const logs = crlf.resources.find((r) => r.logicalName === 'logs')!;
    const { text } = fix(
      { kind: 'setProperty', target: logs.props, key: 'object_lock_enabled', value: { kind: 'literal', value: 'yes' } },
      crlf,
    );
    expect(text).toContain('  forceDestroy: true,\r\n  objectLockEnabled: "yes",\r\n});');
  });

  it('adds require() in a CommonJS file', () => {
    const js = parseTypeScript(
      "const aws = require('@pulumi/aws')\nconst b = new aws.s3.Bucket('b', { bucket: `x-${'y'}` })\n",
      'index.js',
    );
    const { text } = fix(
      {
        kind: 'appendToString',
        value: getProperty(js.resources[0], 'bucket')!.value,
        suffix: { kind: 'expr', typescript: 'pulumi.getStack()' },
        separator: '-',
      },
      js,
    );
    expect(text).toBe(
      "const aws = require('@pulumi/aws')\nconst pulumi = require('@pulumi/pulumi')\nconst b = new aws.s3.Bucket('b', { bucket: `x-${'y'}-${pulumi.getStack()}` })\n",
    );
  });
});
