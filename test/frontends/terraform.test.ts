import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse as hcl2json } from '@cdktf/hcl2json';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildTerraformProgram, parseTerraform, renderTerraform, terraformFrontend } from '../../shared/frontends/terraform';
import { initTreeSitter } from '../../shared/frontends/treesitter';
import { evaluate, get, getProperty } from '../../shared/model/evaluate';
import type { Program } from '../../shared/model/program';
import type { FileModel, FixIntent, Loc, ObjectValue, Property, Resource, TextEdit, Value } from '../../shared/model/types';

const DIR = path.join(__dirname, '../fixtures/frontends/terraform');
const read = (name: string): string => fs.readFileSync(path.join(DIR, name), 'utf8');
const parseFixture = (name: string): FileModel => parseTerraform(read(name), path.join('/ws/envs/prod', name));

beforeAll(() => initTreeSitter());

// ------------------------------------------------------------------------------------------------------------------
// a compact, readable serialisation of the model for snapshots

const at = (l: Loc): string => `${l.range.start.line + 1}:${l.range.start.character + 1}`;

function show(v: Value, program?: Program): string {
  const e = evaluate(v, program);
  const known = e.state === 'known' ? ` => ${JSON.stringify(e.value)}` : '';
  switch (v.kind) {
    case 'string':
    case 'number':
    case 'bool':
      return JSON.stringify(v.value);
    case 'null':
      return 'null';
    case 'ref':
      return `ref(${v.ref.kind} ${v.ref.text}${v.ref.resourceType ? ` type=${v.ref.resourceType}` : ''}${v.ref.attribute ? ` attr=${v.ref.attribute}` : ''}${v.output ? ' output' : ''})${known}`;
    case 'call':
      return `${v.name}(${v.args.map((a) => show(a)).join(', ')})${known}`;
    case 'template':
      return `tpl[${v.parts.map((p) => show(p)).join(' + ')}]${known}`;
    case 'unknown':
      return `?(${v.reason})`;
    case 'list':
      return `[${v.items.map((i) => show(i, program)).join(', ')}]`;
    case 'object':
      return `{${v.props.map((p) => showProp(p, program)).join(', ')}}`;
  }
}

const showProp = (p: Property, program?: Program): string => `${p.key}${p.block ? '{}' : ''}@${at(p.value.loc)}=${show(p.value, program)}`;

function serialise(file: FileModel, program?: Program): string {
  const lines: string[] = [];
  for (const r of file.resources) {
    lines.push(`${r.id} (${r.kind} ${r.type}) ${r.multiplicity} head=${at(r.headLoc)} options=[${Object.keys(r.options).join(',')}]`);
    for (const p of r.props.props) lines.push(`  ${showProp(p, program)}`);
  }
  const tf = file.terraform!;
  for (const v of tf.variables)
    lines.push(`variable ${v.name} type=${v.type ?? '-'} sensitive=${v.sensitive ?? '-'} default=${v.default ? show(v.default) : '-'}`);
  for (const l of tf.locals) lines.push(`local ${l.name}@${at(l.value.loc)} = ${show(l.value)}`);
  for (const o of tf.outputs) lines.push(`output ${o.name} = ${show(o.value)}${o.value.secret ? ' (secret)' : ''}`);
  for (const p of tf.providers) lines.push(`provider ${p.name}${p.alias ? ` alias=${p.alias}` : ''} ${show(p.props)}`);
  for (const b of tf.backends) lines.push(`backend ${b.type} ${show(b.props)}`);
  for (const m of tf.modules) lines.push(`module ${m.name} source=${m.source} ${show(m.props)}`);
  for (const t of tf.tfvars ?? []) lines.push(`tfvar ${t.name} = ${show(t.value)}`);
  for (const e of file.parseErrors) lines.push(`parse error ${at(e.loc)}: ${e.message}`);
  for (const c of file.comments) lines.push(`comment ${at(c.loc)}${c.trailing ? ' trailing' : ''}: ${JSON.stringify(c.text)}`);
  return lines.join('\n');
}

function resource(file: FileModel, id: string): Resource {
  const r = file.resources.find((x) => x.id === id);
  if (!r) throw new Error(`no resource ${id}`);
  return r;
}

function apply(text: string, edits: TextEdit[]): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.newText + out.slice(e.end);
  return out;
}

// ------------------------------------------------------------------------------------------------------------------

describe('terraform frontend: lowering', () => {
  it('lowers the module fixture (snapshot)', () => {
    const files = ['main.tf', 'terraform.tfvars'].map(parseFixture);
    const program = buildTerraformProgram('/ws/envs/prod', files);
    expect(serialise(files[0]!, program)).toMatchSnapshot();
    expect(serialise(files[1]!)).toMatchSnapshot();
  });

  it('has exact locations and HCL string semantics', () => {
    const f = parseFixture('main.tf');
    expect(f.parseErrors).toEqual([]);
    expect(f.internalErrors).toBeUndefined();
    const db = resource(f, 'aws_db_instance.main');
    expect(f.text.slice(db.headLoc.start, db.headLoc.end)).toBe('resource "aws_db_instance" "main"');
    expect(f.text.slice(db.loc.start, db.loc.end).endsWith('depends_on = [aws_security_group.db]\n}')).toBe(true);
    expect(f.text[db.props.loc.start]).toBe('{');
    const engine = getProperty(db, 'engine')!;
    expect(f.text.slice(engine.loc.start, engine.loc.end)).toBe('engine                  = "postgres"');
    expect(f.text.slice(engine.keyLoc.start, engine.keyLoc.end)).toBe('engine');
    expect(f.text.slice(engine.value.loc.start, engine.value.loc.end)).toBe('"postgres"');
    expect(get(db, 'domain')).toMatchObject({ kind: 'string', value: '${not_interpolated} %{ nor_directive } é \\ end' });
    expect(get(db, 'port')).toMatchObject({ kind: 'number', value: -5432 });
    expect(get(db, 'kms_key_id')?.kind).toBe('null');
    expect(db.options.preventDestroy).toMatchObject({ kind: 'bool', value: true });
    expect(db.options.ignoreChanges?.kind).toBe('list');
    expect(db.options.dependsOn?.kind).toBe('list');
    expect(getProperty(db, 'lifecycle')).toBeUndefined();
    expect(get(db, 'ca_cert_identifier')).toMatchObject({
      kind: 'ref',
      ref: { kind: 'account', resourceType: 'aws_caller_identity', attribute: 'account_id' },
    });
    const sg = resource(f, 'aws_security_group.db');
    expect(get(sg, 'description')).toMatchObject({ value: 'Postgres "db" access\tfrom the app' });
    const ingress = getProperty(sg, 'ingress')!;
    expect(ingress.block).toBe(true);
    expect(ingress.value.kind).toBe('list');
    expect(f.text.slice(ingress.value.loc.start, ingress.value.loc.end)).toMatch(/^ingress \{[\s\S]*# TODO: restrict\n {2}\}$/);
    const egress = getProperty(sg, 'egress')!;
    expect(egress.value.kind === 'list' && egress.value.items.length).toBe(1);
    expect(get(sg, 'egress.description')).toMatchObject({ kind: 'unknown' });
    expect(sg.multiplicity).toBe('one');
    expect(resource(f, 'aws_subnet.private').multiplicity).toBe('unknown');
    const role = resource(f, 'aws_iam_role.monitoring');
    expect(role.multiplicity).toBe('unknown');
    expect(get(role, 'inline')).toMatchObject({ kind: 'string', value: '{\n  "Version": "2012-10-17",\n\n  "Statement": []\n}\n' });
    expect(evaluate(get(role, 'description')).state).toBe('unknown');
    const mod = resource(f, 'module.bastion');
    expect(mod).toMatchObject({ kind: 'module', type: 'module', multiplicity: 'unknown' });
    expect(f.terraform!.modules[0]).toMatchObject({ name: 'bastion', source: './modules/bastion' });
    expect(getProperty(mod, 'source')).toBeUndefined();
    expect(f.terraform!.outputs[0]!.value.secret).toBe(true);
    expect(f.terraform!.variables.find((v) => v.name === 'db_password')?.sensitive).toBe(true);
  });

  it('maps UTF-16 columns and CRLF line endings', () => {
    const f = parseTerraform('resource "aws_s3_bucket" "b" {\r\n  tags = { Name = "😀é" }\r\n  bucket = "x"\r\n}\r\n', 'a.tf');
    const b = get(f.resources[0], 'bucket')!;
    expect(b.loc.range.start).toEqual({ line: 2, character: 11 });
    expect(get(f.resources[0], 'tags.Name')).toMatchObject({ value: '😀é', loc: { range: { end: { line: 1, character: 23 } } } });
  });

  it('agrees with hcl2json on every literal attribute', async () => {
    for (const name of ['main.tf', 'terraform.tfvars']) {
      const text = read(name);
      const model = parseTerraform(text, name);
      const json = (await hcl2json(name, text)) as Record<string, unknown>;
      let compared = 0;
      const compare = (j: unknown, v: Value | undefined, where: string): void => {
        if (typeof j === 'number' || typeof j === 'boolean') {
          compared++;
          expect(v && 'value' in v ? v.value : v?.kind, where).toBe(j);
        } else if (typeof j === 'string' && !/(^|[^$])\$\{|(^|[^%])%\{/.test(j)) {
          compared++;
          expect(v?.kind === 'string' ? v.value : v?.kind, where).toBe(j.replace(/\$\$\{/g, '${').replace(/%%\{/g, '%{'));
        } else if (Array.isArray(j) && j.every((x) => typeof x === 'object' && x !== null && !Array.isArray(x))) {
          // A block: hcl2json lists every occurrence; we have an object or a list of objects.
          const items = v?.kind === 'list' ? v.items : v ? [v] : [];
          if (v?.kind === 'list' && j.length !== items.length) return; // a tuple of objects written as an attribute
          j.forEach((x, i) => compare(x, items[i], `${where}[${i}]`));
        } else if (Array.isArray(j)) {
          if (v?.kind === 'list') j.forEach((x, i) => compare(x, v.items[i], `${where}[${i}]`));
        } else if (typeof j === 'object' && j !== null) {
          const obj = v?.kind === 'object' ? v : undefined;
          for (const [k, x] of Object.entries(j)) {
            if (['count', 'for_each', 'lifecycle', 'depends_on', 'provider', 'dynamic', 'source', 'version'].includes(k)) continue;
            const prop = obj?.props.filter((p) => p.key === k).pop();
            compare(x, prop?.value, `${where}.${k}`);
          }
        }
      };
      if (name.endsWith('.tfvars')) {
        const props: Property[] = model.terraform!.tfvars!.map((t) => ({
          key: t.name,
          keyAsWritten: t.name,
          keyLoc: t.loc,
          value: t.value,
          loc: t.loc,
        }));
        compare(json, { kind: 'object', props, loc: props[0]!.loc }, name);
      }
      for (const kind of ['resource', 'data'] as const) {
        for (const [type, byName] of Object.entries((json[kind] ?? {}) as Record<string, Record<string, unknown[]>>)) {
          for (const [n, bodies] of Object.entries(byName)) {
            const r = resource(model, kind === 'data' ? `data.${type}.${n}` : `${type}.${n}`);
            compare(bodies[0], r.props, r.id);
          }
        }
      }
      for (const [n, bodies] of Object.entries((json.module ?? {}) as Record<string, unknown[]>))
        compare(bodies[0], resource(model, `module.${n}`).props, n);
      expect(compared).toBeGreaterThan(name === 'main.tf' ? 25 : 3);
    }
  });
});

describe('terraform frontend: references', () => {
  const value = (expr: string): Value =>
    get(parseTerraform(`resource "aws_s3_bucket" "b" {\n  x = ${expr}\n}\n`, 'r.tf').resources[0], 'x')!;
  it.each([
    ['var.x', { kind: 'ref', ref: { kind: 'variable', name: 'x', text: 'var.x' } }],
    ['local.y', { kind: 'ref', ref: { kind: 'local', name: 'y' } }],
    [
      'aws_s3_bucket.b.id',
      { kind: 'ref', output: true, ref: { kind: 'resource', name: 'b', resourceType: 'aws_s3_bucket', attribute: 'id' } },
    ],
    ['aws_instance.web[0].private_ip', { kind: 'ref', ref: { kind: 'resource', name: 'web', attribute: 'private_ip' } }],
    [
      'data.aws_vpc.main.cidr_block',
      { kind: 'ref', output: true, ref: { kind: 'data', name: 'main', resourceType: 'aws_vpc', attribute: 'cidr_block' } },
    ],
    ['data.aws_region.current.name', { kind: 'ref', ref: { kind: 'account' } }],
    ['module.net.vpc_id', { kind: 'ref', ref: { kind: 'module', name: 'net', attribute: 'vpc_id' } }],
    ['terraform.workspace', { kind: 'ref', ref: { kind: 'stack', text: 'terraform.workspace' } }],
    ['random_id.s.hex', { kind: 'ref', output: true, ref: { kind: 'random', resourceType: 'random_id' } }],
    ['random_password.p.result', { kind: 'ref', ref: { kind: 'random' } }],
    ['path.module', { kind: 'ref', ref: { kind: 'path', name: 'module' } }],
    [
      'var.m["k"]',
      {
        kind: 'call',
        name: 'index',
        args: [
          { kind: 'ref', ref: { kind: 'variable', name: 'm' } },
          { kind: 'string', value: 'k' },
        ],
      },
    ],
    ['a ? b : c', { kind: 'call', name: '?:', args: [{ kind: 'unknown' }, { kind: 'unknown' }, { kind: 'unknown' }] }],
    [
      '1 + 2',
      {
        kind: 'call',
        name: '+',
        args: [
          { kind: 'number', value: 1 },
          { kind: 'number', value: 2 },
        ],
      },
    ],
    [
      'var.env == "prod"',
      {
        kind: 'call',
        name: '==',
        args: [
          { kind: 'ref', ref: { kind: 'variable', name: 'env' } },
          { kind: 'string', value: 'prod' },
        ],
      },
    ],
    ['!var.internal', { kind: 'call', name: '!', args: [{ kind: 'ref', ref: { kind: 'variable', name: 'internal' } }] }],
    ['var.l[*].id', { kind: 'unknown', reason: 'splat expressions are not evaluated' }],
    ['[for s in var.l : s]', { kind: 'unknown', reason: 'for expressions are not evaluated' }],
    ['{ (var.k) = 1 }', { kind: 'unknown' }],
    ['lower("ABC")', { kind: 'call', name: 'lower' }],
    ['"a${var.b}c"', { kind: 'template' }],
    ['"%{if true}x%{endif}"', { kind: 'template' }],
  ])('%s', (expr, expected) => {
    expect(value(expr)).toMatchObject(expected);
  });

  it('folds pure functions through the evaluator', () => {
    expect(evaluate(value('format("%s-%s", lower("ABC"), "x")'))).toEqual({ state: 'known', value: 'abc-x' });
    expect(evaluate(value('"%{if true}x%{endif}"')).state).toBe('unknown');
    expect(evaluate(value('{ prod = { size = 3 } }["prod"].size')).state).toBe('unknown'); // only variables and locals are indexed
    // Operators and conditionals: only the branch the condition picks has to be known.
    expect(evaluate(value('"prod" == "prod" ? 3 : var.x'))).toEqual({ state: 'known', value: 3 });
    expect(evaluate(value('1 + 2 * 3 >= 7 && !false'))).toEqual({ state: 'known', value: true });
    expect(evaluate(value('"5" + 1'))).toEqual({ state: 'known', value: 6 });
    expect(evaluate(value('1 == "1"'))).toEqual({ state: 'known', value: false });
    expect(evaluate(value('-(2 - 5)'))).toEqual({ state: 'known', value: 3 });
    expect(evaluate(value('var.x ? 1 : 0')).state).toBe('unknown');
    expect(evaluate(value('"yes" ? 1 : 0'))).toMatchObject({ state: 'unknown', reason: 'the condition is not a known bool' });
    expect(evaluate(value('1 / 0'))).toMatchObject({
      state: 'unknown',
      reason: 'the / operation could not be evaluated with these arguments',
    });
  });

  it('applies heredoc strip markers and flush indentation', () => {
    expect(evaluate(value('<<-EOT\n    a\n      b\n    EOT\n'))).toEqual({ state: 'known', value: 'a\n  b\n' });
    expect(evaluate(value('"a ${~ "b" ~} c"'))).toEqual({ state: 'known', value: 'abc' });
  });
});

describe('terraform frontend: broken files', () => {
  it.each(['broken-truncated.tf', 'broken-missing-brace.tf', 'broken-garbage.tf'])('%s lowers what parsed and reports where', (name) => {
    const f = parseFixture(name);
    expect(f.internalErrors).toBeUndefined();
    expect(serialise(f)).toMatchSnapshot();
  });

  it('reports a missing value after `=` and keeps the next attribute', () => {
    const f = parseFixture('broken-garbage.tf');
    expect(f.parseErrors[0]).toMatchObject({
      message: 'expected an expression after `=` at line 2',
      loc: { range: { start: { line: 1, character: 9 } } },
    });
    const a = resource(f, 'aws_s3_bucket.a');
    expect(getProperty(a, 'bucket')).toBeUndefined();
    expect(get(a, 'acl')).toMatchObject({ value: 'private' });
    expect(get(resource(f, 'aws_s3_bucket.b'), 'bucket')).toMatchObject({ value: 'b' });
  });

  it('lifts a resource out of a block whose `}` is missing', () => {
    const f = parseFixture('broken-missing-brace.tf');
    expect(f.parseErrors.map((e) => e.message)).toEqual(['missing `}` to close the block opened at line 5']);
    expect(f.resources.map((r) => r.id)).toEqual(['aws_s3_bucket.a', 'aws_db_instance.db', 'aws_s3_bucket.c']);
    expect(getProperty(resource(f, 'aws_db_instance.db'), 'resource')).toBeUndefined();
  });

  it('survives 10,000 nested brackets and 1 MB of random bytes', () => {
    const deep = parseTerraform(`x = ${'['.repeat(10_000)}${']'.repeat(10_000)}\n`, 'deep.tfvars');
    expect(deep.terraform!.tfvars![0]!.value.kind).toBe('list');
    const blocks = parseTerraform(`resource "a_b" "c" {\n${'a {\n'.repeat(5_000)}${'}\n'.repeat(5_000)}}\n`, 'deep.tf');
    expect(blocks.resources).toHaveLength(1);
    const deepExpr = parseTerraform(`resource "a_b" "c" {\n  x = ${'('.repeat(3_000)}1${')'.repeat(3_000)}\n}\n`, 'deep.tf');
    expect(get(deepExpr.resources[0], 'x')?.kind).toBe('unknown');
    let seed = 42;
    const rand = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % 256;
    const bytes = Buffer.from(Array.from({ length: 1 << 20 }, rand));
    const garbage = parseTerraform(bytes.toString('latin1'), 'garbage.tf');
    expect(garbage.parseErrors.length).toBeGreaterThan(0);
    expect(garbage.parseErrors.length).toBeLessThanOrEqual(100);
    expect(garbage.internalErrors).toBeUndefined();
    expect(() => parseTerraform(bytes.toString('utf8'), 'garbage.tf')).not.toThrow();
  });
});

describe('terraform module program', () => {
  const files = (): FileModel[] => ['main.tf', 'terraform.tfvars'].map(parseFixture);

  it('resolves variables from tfvars, then defaults, and locals', () => {
    const program = buildTerraformProgram('/ws/envs/prod', files());
    const db = program.resources.find((r) => r.id === 'aws_db_instance.main')!;
    expect(evaluate(get(db, 'multi_az'), program)).toEqual({ state: 'known', value: true });
    expect(evaluate(get(db, 'identifier'), program)).toEqual({ state: 'known', value: 'acme-prod-db' });
    expect(evaluate(get(resource(program.files[0]!, 'aws_vpc.main'), 'tags'), program)).toEqual({
      state: 'known',
      value: { Project: 'acme', 'Cost-Center': 42, Name: 'acme-prod' },
    });
    expect(evaluate(get(db, 'password'), program)).toMatchObject({
      state: 'unknown',
      reason: 'var.db_password has no default and no tfvars value',
    });
    expect(evaluate(get(db, 'db_subnet_group_name'), program)).toMatchObject({
      reason: 'aws_db_subnet_group.main.name is known only after apply',
    });
    expect(program.stackNames).toEqual(expect.arrayContaining(['prod', 'envs/prod']));
    expect(program).toMatchObject({ kind: 'terraform-module', language: 'terraform', stackConfig: {} });
  });

  it('later auto.tfvars win; a -var-file that disagrees makes the variable unknown', () => {
    const auto = parseTerraform('multi_az = false\n', '/ws/envs/prod/z.auto.tfvars');
    const program = buildTerraformProgram('/ws/envs/prod', [...files(), auto]);
    const db = program.resources.find((r) => r.id === 'aws_db_instance.main')!;
    expect(evaluate(get(db, 'multi_az'), program)).toMatchObject({ value: false });
    const withDev = buildTerraformProgram('/ws/envs/prod', [...files(), parseFixture('dev.tfvars')]);
    expect(
      evaluate(
        get(
          withDev.resources.find((r) => r.id === 'aws_db_instance.main'),
          'multi_az',
        ),
        withDev,
      ),
    ).toMatchObject({
      state: 'unknown',
      reason: 'var.multi_az is set differently in dev.tfvars (passed with -var-file)',
    });
    expect(withDev.stackNames).toEqual(expect.arrayContaining(['dev', 'prod', 'envs/prod']));
  });
});

describe('terraform frontend: rendering fixes', () => {
  const roundTrip = (file: FileModel, intent: FixIntent): { text: string; model: FileModel } => {
    const edits = renderTerraform(intent, file);
    expect(edits).toBeDefined();
    const text = apply(file.text, edits!);
    const model = parseTerraform(text, file.path);
    expect(model.parseErrors).toEqual([]);
    return { text, model };
  };

  it('setProperty replaces an existing value', () => {
    const f = parseFixture('main.tf');
    const { model } = roundTrip(f, {
      kind: 'setProperty',
      target: resource(f, 'aws_db_instance.main').props,
      key: 'multi_az',
      value: { kind: 'literal', value: true },
    });
    expect(get(resource(model, 'aws_db_instance.main'), 'multi_az')).toMatchObject({ kind: 'bool', value: true });
  });

  it('setProperty inserts a new attribute aligned with its neighbours', () => {
    const f = parseFixture('main.tf');
    const { text, model } = roundTrip(f, {
      kind: 'setProperty',
      target: resource(f, 'aws_db_subnet_group.main').props,
      key: 'description',
      value: { kind: 'literal', value: 'a "b" ${c}' },
    });
    expect(text).toContain('  name        = "acme-db"\n  subnet_ids  = aws_subnet.private[*].id\n  description = "a \\"b\\" $${c}"\n}');
    expect(get(resource(model, 'aws_db_subnet_group.main'), 'description')).toMatchObject({ value: 'a "b" ${c}' });
  });

  it('setProperty with a dotted key creates the nested block', () => {
    const f = parseFixture('main.tf');
    const { text, model } = roundTrip(f, {
      kind: 'setProperty',
      target: resource(f, 'aws_vpc.main').props,
      key: 'metadata_options.http_tokens',
      value: { kind: 'literal', value: 'required' },
    });
    expect(text).toContain(
      '  tags                 = merge(local.common_tags, { Name = local.name })\n  metadata_options {\n    http_tokens = "required"\n  }\n}',
    );
    expect(get(resource(model, 'aws_vpc.main'), 'metadata_options.http_tokens')).toMatchObject({ value: 'required' });
  });

  it('setProperty inside an existing block, an object expression, a one-line block and an empty block', () => {
    const text =
      'resource "aws_instance" "a" {\n  metadata_options {\n    http_endpoint = "enabled"\n  }\n  tags = {\n    A = 1,\n    B = 2,\n  }\n  ebs_block_device { device_name = "/dev/sda" }\n}\n\nresource "aws_s3_bucket" "b" {}\n';
    let f = parseTerraform(text, 'x.tf');
    const a = (m: FileModel): Resource => m.resources[0]!;
    let r = roundTrip(f, {
      kind: 'setProperty',
      target: a(f).props,
      key: 'metadata_options.http_tokens',
      value: { kind: 'literal', value: 'required' },
    });
    expect(r.text).toContain('    http_endpoint = "enabled"\n    http_tokens = "required"\n  }');
    f = r.model;
    r = roundTrip(f, {
      kind: 'setProperty',
      target: get(a(f), 'tags') as ObjectValue,
      key: 'Name',
      value: { kind: 'expr', terraform: 'var.name' },
    });
    expect(r.text).toContain('    A    = 1,\n    B    = 2,\n    Name = var.name,\n  }');
    f = r.model;
    r = roundTrip(f, {
      kind: 'setProperty',
      target: get(a(f), 'ebs_block_device') as ObjectValue,
      key: 'encrypted',
      value: { kind: 'literal', value: true },
    });
    expect(r.text).toContain('  ebs_block_device {\n    device_name = "/dev/sda"\n    encrypted = true\n  }');
    f = r.model;
    r = roundTrip(f, {
      kind: 'setProperty',
      target: f.resources[1]!.props,
      key: 'force_destroy',
      value: { kind: 'literal', value: false },
    });
    expect(r.text).toContain('resource "aws_s3_bucket" "b" {\n  force_destroy = false\n}');
  });

  it('removeProperty deletes whole lines, repeated blocks and a trailing comment with its line', () => {
    const f = parseFixture('main.tf');
    const sg = resource(f, 'aws_security_group.db');
    let r = roundTrip(f, { kind: 'removeProperty', property: getProperty(sg, 'ingress')! });
    expect(getProperty(resource(r.model, 'aws_security_group.db'), 'ingress')).toBeUndefined();
    expect(r.text).toContain('  vpc_id      = aws_vpc.main.id\n\n  dynamic "egress" {');
    const db = resource(f, 'aws_db_instance.main');
    r = roundTrip(f, { kind: 'removeProperty', property: getProperty(db, 'skip_final_snapshot')! });
    expect(r.text).toContain('  backup_retention_period = var.environment == "prod" ? 7 : 1\n  deletion_protection     = false\n');
    const inline = parseTerraform('resource "a_b" "c" {\n  tags = { A = 1, B = 2 }\n}\n', 'i.tf');
    r = roundTrip(inline, { kind: 'removeProperty', property: getProperty(inline.resources[0], 'tags.A')! });
    expect(r.text).toContain('tags = { B = 2 }');
  });

  it('replaceValue and renameKey keep the alignment', () => {
    const f = parseFixture('main.tf');
    const db = resource(f, 'aws_db_instance.main');
    let r = roundTrip(f, { kind: 'replaceValue', value: get(db, 'backup_retention_period')!, with: { kind: 'literal', value: 14 } });
    expect(get(resource(r.model, 'aws_db_instance.main'), 'backup_retention_period')).toMatchObject({ value: 14 });
    r = roundTrip(f, { kind: 'renameKey', property: getProperty(db, 'identifier')!, newKey: 'identifier_prefix' });
    expect(r.text).toContain('\n  identifier_prefix       = "acme-${var.environment}-db"\n');
    expect(get(resource(r.model, 'aws_db_instance.main'), 'identifier_prefix')).toBeDefined();
  });

  it('appendToString extends a literal, a template and a reference', () => {
    const f = parseFixture('main.tf');
    const suffix = { kind: 'expr', terraform: 'var.environment' } as const;
    const program = (m: FileModel): Program => buildTerraformProgram('/ws/envs/prod', [m, parseFixture('terraform.tfvars')]);
    let r = roundTrip(f, { kind: 'appendToString', value: get(resource(f, 'aws_db_subnet_group.main'), 'name')!, suffix, separator: '-' });
    expect(r.text).toContain('name       = "acme-db-${var.environment}"');
    expect(evaluate(get(resource(r.model, 'aws_db_subnet_group.main'), 'name'), program(r.model))).toMatchObject({ value: 'acme-db-prod' });
    r = roundTrip(f, {
      kind: 'appendToString',
      value: get(resource(f, 'aws_security_group.db'), 'name')!,
      suffix: { kind: 'literal', value: 'x"' },
      separator: '_',
    });
    expect(evaluate(get(resource(r.model, 'aws_security_group.db'), 'name'), program(r.model))).toMatchObject({ value: 'acme-prod-db_x"' });
    r = roundTrip(f, {
      kind: 'appendToString',
      value: get(resource(f, 'aws_db_instance.main'), 'parameter_group_name')!,
      suffix,
      separator: '-',
    });
    expect(evaluate(get(resource(r.model, 'aws_db_instance.main'), 'parameter_group_name'), program(r.model))).toMatchObject({
      value: 'acme-prod-prod',
    });
  });

  it('keeps CRLF line endings and declines what HCL cannot express', () => {
    const f = parseTerraform(read('main.tf').replace(/\n/g, '\r\n'), 'crlf.tf');
    const edits = renderTerraform(
      {
        kind: 'setProperty',
        target: resource(f, 'aws_vpc.main').props,
        key: 'metadata_options.http_tokens',
        value: { kind: 'literal', value: 'required' },
      },
      f,
    )!;
    const text = apply(f.text, edits);
    expect(text.replace(/\r\n/g, '')).not.toContain('\n');
    expect(parseTerraform(text, 'crlf.tf').parseErrors).toEqual([]);
    expect(renderTerraform({ kind: 'wrapOutputString', build: f.stringBuilds[0]! }, f)).toBeUndefined();
    expect(
      renderTerraform(
        { kind: 'setProperty', target: resource(f, 'aws_vpc.main').props, key: 'x', value: { kind: 'expr', typescript: 'x' } },
        f,
      ),
    ).toBeUndefined();
  });

  it('exports the frontend object', () => {
    expect(terraformFrontend).toMatchObject({ language: ['terraform'], commentPrefix: '#' });
    expect(terraformFrontend.parse('a = 1\n', 'x.tfvars').terraform?.tfvars?.[0]?.name).toBe('a');
  });
});

describe('terraform frontend: indexing variables and locals', () => {
  it('reads keys, attributes and elements of known values', () => {
    const model = parseTerraform(
      [
        'variable "environment" {',
        '  default = "prod"',
        '}',
        'locals {',
        '  sizes = { prod = { multi_az = true, zones = ["a", "b"] }, dev = { multi_az = false, zones = ["a"] } }',
        '}',
        'resource "aws_db_instance" "db" {',
        '  multi_az = local.sizes[var.environment].multi_az',
        '  zone     = local.sizes["dev"]["zones"][0]',
        '  legacy   = local.sizes.prod.zones.1',
        '  missing  = local.sizes["staging"].multi_az',
        '}',
        '',
      ].join('\n'),
      '/ws/main.tf',
    );
    const program = buildTerraformProgram('/ws', [model]);
    const db = model.resources[0]!;
    expect(evaluate(get(db, 'multi_az'), program)).toEqual({ state: 'known', value: true });
    expect(evaluate(get(db, 'zone'), program)).toEqual({ state: 'known', value: 'a' });
    expect(evaluate(get(db, 'legacy'), program)).toEqual({ state: 'known', value: 'b' });
    expect(evaluate(get(db, 'missing'), program).state).toBe('unknown');
  });
});
