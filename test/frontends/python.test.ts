import * as fs from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { pythonFrontend } from '../../shared/frontends/python';
import { parsePython } from '../../shared/frontends/python/parse';
import { renderPython } from '../../shared/frontends/python/render';
import { initTreeSitter } from '../../shared/frontends/treesitter';
import { evaluate, getProperty } from '../../shared/model/evaluate';
import type { FileModel, FixIntent, Loc, Resource, TextEdit, Value } from '../../shared/model/types';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'frontends', 'python');

beforeAll(() => initTreeSitter());

function fixture(name: string): FileModel {
  const file = path.join(FIXTURES, name);
  return parsePython(fs.readFileSync(file, 'utf8'), `${name}`);
}

const at = (l: Loc): string => `${l.range.start.line + 1}:${l.range.start.character + 1}`;

/** A value as the evaluator sees it, or its kind and where it was written. */
function show(v: Value | undefined): string {
  if (!v) return 'absent';
  const e = evaluate(v);
  const flags = `${v.output ? ' output' : ''}${v.secret ? ' secret' : ''}`;
  if (e.state === 'known') return `${JSON.stringify(e.value)}${flags}`;
  const what =
    v.kind === 'ref'
      ? `ref(${v.ref.kind} ${v.ref.name}${v.ref.attribute ? `.${v.ref.attribute}` : ''})`
      : v.kind === 'unknown'
        ? `unknown(${v.reason})`
        : v.kind;
  return `${what}${flags} @${at(v.loc)}`;
}

function serialize(m: FileModel): unknown {
  return {
    imports: m.pulumi?.imports,
    isPulumi: m.pulumi?.isPulumi,
    components: m.pulumi?.components.map((c) => `${c.name} @${at(c.loc)} registersOutputs=${c.registersOutputs}`),
    configReads: m.pulumi?.configReads.map((c) => `${c.method}(${c.key})${c.fallback ? ` or ${show(c.fallback)}` : ''} @${at(c.loc)}`),
    resources: m.resources.map((r) => ({
      id: r.id,
      type: r.type,
      token: r.token,
      written: r.typeAsWritten,
      logicalName: r.logicalName,
      symbol: r.symbol,
      multiplicity: r.multiplicity,
      ...(r.inComponent ? { inComponent: r.inComponent } : {}),
      ...(r.inCallback ? { inCallback: r.inCallback } : {}),
      head: `${at(r.headLoc)}-${r.headLoc.range.end.line + 1}:${r.headLoc.range.end.character + 1}`,
      options: Object.fromEntries(Object.entries(r.options).map(([k, v]) => [k, typeof v === 'string' ? v : show(v)])),
      props: Object.fromEntries(
        r.props.props.map((p) => [p.key === p.keyAsWritten ? p.key : `${p.key} (${p.keyAsWritten})`, show(p.value)]),
      ),
    })),
    stringBuilds: m.stringBuilds.map((b) => `${b.kind} @${at(b.loc)}: ${b.parts.map(show).join(' | ')}`),
    comments: m.comments.map((c) => `${at(c.loc)}${c.trailing ? ' trailing' : ''} ${c.text}`),
    parseErrors: m.parseErrors.map((e) => `${at(e.loc)} ${e.message}`),
    internalErrors: m.internalErrors,
  };
}

function apply(text: string, edits: TextEdit[]): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.newText + out.slice(e.end);
  return out;
}

function render(m: FileModel, intent: FixIntent): FileModel {
  const edits = renderPython(intent, m);
  expect(edits, `render ${intent.kind}`).toBeDefined();
  const out = parsePython(apply(m.text, edits!), m.path);
  expect(out.parseErrors, out.text).toEqual([]);
  return out;
}

const res = (m: FileModel, name: string): Resource => {
  const r = m.resources.find((x) => x.logicalName === name || x.symbol === name);
  if (!r) throw new Error(`no resource ${name}`);
  return r;
};

describe('python frontend: lowering', () => {
  for (const name of ['imports.py', 'component.py', 'config.py', 'loops.py', 'broken.py', 'plain.py']) {
    it(`lowers ${name}`, () => {
      expect(serialize(fixture(name))).toMatchSnapshot();
    });
  }

  it('resolves every import style to the same type', () => {
    const m = fixture('imports.py');
    for (const n of ['db1', 'db2', 'db3', 'db4']) {
      const r = res(m, n);
      expect(r.type).toBe('aws_db_instance');
      expect(r.token).toBe('aws:rds/instance:Instance');
    }
    expect(m.resources.find((r) => r.typeAsWritten.endsWith('InstanceArgs'))).toBeUndefined();
    expect(res(m, 'w').type).toBe('aws.foo.Widget');
  });

  it('gives exact locations to values and keys', () => {
    const m = fixture('imports.py');
    const p = getProperty(res(m, 'db1'), 'multi_az')!;
    expect(m.text.slice(p.keyLoc.start, p.keyLoc.end)).toBe('multi_az');
    expect(m.text.slice(p.value.loc.start, p.value.loc.end)).toBe('False');
    expect(m.text.slice(p.loc.start, p.loc.end)).toBe('multi_az=False');
    const r = res(m, 'db1');
    expect(m.text.slice(r.headLoc.start, r.headLoc.end)).toBe('aws.rds.Instance("db1"');
  });

  it('follows config, environment and component arguments', () => {
    const m = fixture('config.py');
    const group = res(m, 'app');
    expect(evaluate(getProperty(group, 'retention_in_days')!.value)).toEqual({ state: 'known', value: 7 });
    expect(evaluate(getProperty(group, 'name')!.value)).toEqual({ state: 'known', value: 'logs-dev' });
    const db = res(m, 'db');
    const pw = getProperty(db, 'password')!.value;
    expect(pw.kind === 'ref' && pw.resolved?.kind === 'ref' && pw.resolved.secret).toBe(true);
    const c = fixture('component.py');
    const inner = res(c, 'db');
    const id = getProperty(inner, 'identifier')!.value;
    expect(id.kind === 'template' && id.parts[1]?.kind === 'ref' && id.parts[1].ref).toEqual({
      kind: 'arg',
      name: 'args.environment_suffix',
      text: 'args.environment_suffix',
    });
  });

  it('lowers environment variables, stack, account and data lookups to references', () => {
    const m = fixture('config.py');
    const tags = getProperty(res(m, 'logs'), 'tags')!.value;
    const owner = getProperty(res(m, 'logs'), 'tags.Owner')!.value;
    expect(tags.kind).toBe('object');
    expect(owner.kind === 'ref' && owner.resolved?.kind === 'ref' && owner.resolved.ref.kind).toBe('env');
    expect(evaluate(owner)).toEqual({ state: 'known', value: 'platform' });
    const t = res(m, 'alerts');
    const refOf = (key: string) => {
      const v = getProperty(t, key)!.value;
      const d = v.kind === 'ref' && v.resolved ? v.resolved : v;
      return d.kind === 'ref' ? `${d.ref.kind}:${d.ref.name}${d.output ? ':output' : ''}` : d.kind;
    };
    expect(refOf('tags.Vpc')).toBe('data:ec2.get_vpc');
    expect(refOf('tags.Account')).toBe('account:get_caller_identity');
    expect(refOf('tags.Twice')).toBe('unknown');
    expect(refOf('tags.Region')).toBe('config:aws:region');
    expect(evaluate(getProperty(t, 'tags.Replicas')!.value)).toEqual({ state: 'known', value: '2' });
  });

  it('applies the type map renames both ways and marks what it cannot see as partial', () => {
    const text =
      'import pulumi_aws as aws\nl = aws.lb.Listener("l", default_actions=[{"type": "forward"}])\nb = aws.s3.Bucket("b", **extra)\n';
    const m = parsePython(text, 'renames.py');
    const l = res(m, 'l');
    expect(l.props.props.map((p) => `${p.key} (${p.keyAsWritten})`)).toEqual(['default_action (default_actions)']);
    expect(res(m, 'b').props.partial).toBe(true);
    const out = render(m, {
      kind: 'setProperty',
      target: res(m, 'b').props,
      key: 'force_destroy',
      value: { kind: 'literal', value: true },
    });
    expect(out.text).toContain('**extra, force_destroy=True)');
    const removed = render(m, { kind: 'removeProperty', property: getProperty(l, 'default_action')! });
    const again = render(removed, {
      kind: 'setProperty',
      target: res(removed, 'l').props,
      key: 'default_action',
      value: { kind: 'expr', python: '[]' },
    });
    expect(again.text).toContain('aws.lb.Listener("l", default_actions=[])');
  });

  it('survives 10,000 nested lists', () => {
    const text = `import pulumi_aws as aws\nx = ${'['.repeat(10_000)}${']'.repeat(10_000)}\naws.s3.Bucket("b", tags=x)\n`;
    const m = parsePython(text, 'deep.py');
    expect(m.resources).toHaveLength(1);
    expect(m.internalErrors ?? []).toEqual([]);
  });

  it('survives a self-referencing name', () => {
    const m = parsePython('import pulumi_aws as aws\na = b\nb = a\naws.s3.Bucket("x", bucket=a)\n', 'cycle.py');
    expect(m.resources).toHaveLength(1);
  });

  it('counts positions in UTF-16 and keeps CRLF lines', () => {
    const m = parsePython('import pulumi_aws as aws\r\n# é😀\r\nb = aws.s3.Bucket("é😀", acl="x")\r\n', 'u.py');
    const acl = getProperty(m.resources[0], 'acl')!;
    expect(acl.keyLoc.range.start).toEqual({ line: 2, character: 25 });
    expect(m.resources[0]!.logicalName).toBe('é😀');
  });

  it('reports a stray closing bracket', () => {
    const m = parsePython('import pulumi\nx = foo(1))\ny = 2\n', 'stray.py');
    expect(m.parseErrors.map((e) => e.message)).toEqual(['unexpected `)` at line 2, column 11']);
  });

  it('exposes the frontend', () => {
    expect(pythonFrontend.language).toEqual(['python']);
    expect(pythonFrontend.commentPrefix).toBe('#');
  });
});

describe('python frontend: rendering', () => {
  const text = [
    'import pulumi_aws as aws',
    '',
    'db = aws.rds.Instance(',
    '    "db",',
    '    engine="postgres",',
    '    multi_az=False,',
    '    tags={"team": "data"},',
    ')',
    "one = aws.s3.Bucket('one', acl='private')",
    'name = aws.s3.Bucket("named", bucket="my-bucket")',
    'arn = aws.s3.BucketPolicy("p", policy=f"arn:{name.arn}/*", bucket="a" + name.id)',
    'args = aws.rds.Instance("a", args=aws.rds.InstanceArgs(',
    '    engine="mysql"  # why',
    '))',
    '',
  ].join('\n');
  const m = () => parsePython(text, 'r.py');

  it('replaces an existing value', () => {
    const out = render(m(), {
      kind: 'setProperty',
      target: res(m(), 'db').props,
      key: 'multi_az',
      value: { kind: 'literal', value: true },
    });
    expect(out.text).toContain('    multi_az=True,\n');
  });

  it('inserts into a multi-line call with its indentation and trailing comma', () => {
    const out = render(m(), {
      kind: 'setProperty',
      target: res(m(), 'db').props,
      key: 'storage_encrypted',
      value: { kind: 'literal', value: true },
    });
    expect(out.text).toContain('    tags={"team": "data"},\n    storage_encrypted=True,\n)');
  });

  it('inserts into a single-line call in the file quote style', () => {
    const out = render(m(), { kind: 'setProperty', target: res(m(), 'one').props, key: 'bucket', value: { kind: 'literal', value: 'x' } });
    expect(out.text).toContain(`one = aws.s3.Bucket('one', acl='private', bucket="x")`);
  });

  it('inserts into an Args object after a trailing comment', () => {
    const out = render(m(), {
      kind: 'setProperty',
      target: res(m(), 'args').props,
      key: 'multi_az',
      value: { kind: 'literal', value: true },
    });
    expect(out.text).toContain('    engine="mysql",  # why\n    multi_az=True\n))');
    expect(evaluate(getProperty(res(out, 'args'), 'multi_az')!.value)).toEqual({ state: 'known', value: true });
  });

  it('sets a dotted key as a nested dict, or inside an existing dict', () => {
    let out = render(m(), {
      kind: 'setProperty',
      target: res(m(), 'one').props,
      key: 'versioning.enabled',
      value: { kind: 'literal', value: true },
    });
    expect(out.text).toContain(`versioning={"enabled": True})`);
    out = render(m(), { kind: 'setProperty', target: res(m(), 'db').props, key: 'tags.owner', value: { kind: 'literal', value: 'me' } });
    expect(out.text).toContain('tags={"team": "data", "owner": "me"}');
  });

  it('removes a property, a whole line or inline', () => {
    let out = render(m(), { kind: 'removeProperty', property: getProperty(res(m(), 'db'), 'multi_az')! });
    expect(out.text).toContain('    engine="postgres",\n    tags=');
    out = render(m(), { kind: 'removeProperty', property: getProperty(res(m(), 'one'), 'acl')! });
    expect(out.text).toContain(`one = aws.s3.Bucket('one')`);
    out = render(m(), { kind: 'removeProperty', property: getProperty(res(m(), 'db'), 'tags.team')! });
    expect(out.text).toContain('tags={}');
  });

  it('replaces a value and renames keys', () => {
    let out = render(m(), {
      kind: 'replaceValue',
      value: getProperty(res(m(), 'db'), 'engine')!.value,
      with: { kind: 'expr', python: 'pulumi.get_stack()' },
    });
    expect(out.text).toContain('engine=pulumi.get_stack(),');
    out = render(m(), { kind: 'renameKey', property: getProperty(res(m(), 'named'), 'bucket')!, newKey: 'bucket_prefix' });
    expect(out.text).toContain('bucket_prefix="my-bucket"');
    out = render(m(), { kind: 'renameKey', property: getProperty(res(m(), 'db'), 'tags.team')!, newKey: 'owner' });
    expect(out.text).toContain('tags={"owner": "data"}');
  });

  it('appends to a string, turning it into an f-string', () => {
    const value = getProperty(res(m(), 'named'), 'bucket')!.value;
    let out = render(m(), { kind: 'appendToString', value, suffix: { kind: 'expr', python: 'environment_suffix' }, separator: '-' });
    expect(out.text).toContain('bucket=f"my-bucket-{environment_suffix}"');
    out = render(m(), { kind: 'appendToString', value, suffix: { kind: 'literal', value: 'dev' }, separator: '-' });
    expect(out.text).toContain('bucket="my-bucket-dev"');
  });

  it('wraps f-strings and concatenations in Output.concat, adding the import', () => {
    const model = m();
    const [fstring, concat] = model.stringBuilds;
    expect(fstring?.kind).toBe('f-string');
    let out = render(model, { kind: 'wrapOutputString', build: fstring! });
    expect(out.text).toContain('policy=pulumi.Output.concat("arn:", name.arn, "/*")');
    expect(out.text.startsWith('import pulumi\nimport pulumi_aws as aws\n')).toBe(true);
    expect(out.stringBuilds.filter((b) => b.kind === 'f-string')).toEqual([]);
    out = render(model, { kind: 'wrapOutputString', build: concat! });
    expect(out.text).toContain('bucket=pulumi.Output.concat("a", name.id)');
  });

  it('uses Output.format for formatted fields and keeps CRLF', () => {
    const crlf =
      'import pulumi\r\nimport pulumi_aws as aws\r\nb = aws.s3.Bucket("b")\r\nx = aws.s3.Bucket("x", bucket=f"{b.id!r:>5}-{{x}}",\r\n    acl="a",\r\n)\r\n';
    const model = parsePython(crlf, 'crlf.py');
    let out = render(model, { kind: 'wrapOutputString', build: model.stringBuilds[0]! });
    expect(out.text).toContain('bucket=pulumi.Output.format("{!r:>5}-{{x}}", b.id)');
    out = render(model, {
      kind: 'setProperty',
      target: res(model, 'x').props,
      key: 'force_destroy',
      value: { kind: 'literal', value: false },
    });
    expect(out.text).toContain('    acl="a",\r\n    force_destroy=False,\r\n)\r\n');
  });
});
