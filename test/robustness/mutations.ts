/** Mutations of programs and pathological documents for the fuzzers (no engine imports: usable anywhere). */
import * as path from 'node:path';
import fc from 'fast-check';

export interface Seed {
  /** The file name the text is analysed as (its extension picks the frontend). */
  name: string;
  text: string;
}

// ---------------------------------------------------------------------------------------------------------------
// Mutations

/** Characters that hurt parsers: brackets, quotes, interpolation starts, comment starts, escapes, controls. */
const NASTY = [
  '{',
  '}',
  '[',
  ']',
  '(',
  ')',
  '"',
  "'",
  '`',
  '${',
  '%{',
  '#',
  '//',
  '/*',
  '*/',
  '"""',
  '\\',
  '\0',
  '\u2028',
  '\uFEFF',
  '\uD800',
  '\uDFFF',
  '<<EOF\n',
  '\t',
  '\r',
  ':',
  '=',
  ',',
  ';',
  '@',
  '\u00e9',
  '\u{1F600}',
];

const token = /[A-Za-z_$][\w$]*|\d+|\s+|[^\sA-Za-z_$\d]/g;

function tokens(text: string): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  for (const m of text.matchAll(token)) out.push({ start: m.index, end: m.index + m[0].length });
  return out;
}

export type Mutation = (text: string) => string;

const pos = fc.double({ min: 0, max: 1, noNaN: true });
const at = (text: string, r: number): number => Math.min(text.length, Math.floor(r * (text.length + 1)));

/** One random mutation of a text; shrinks towards small changes. */
export const mutation: fc.Arbitrary<{ name: string; apply: Mutation }> = fc.oneof(
  pos.map((r) => ({ name: `truncate@${r.toFixed(3)}`, apply: (t: string) => t.slice(0, at(t, r)) })),
  fc.tuple(pos, fc.integer({ min: 1, max: 8 })).map(([r, n]) => ({
    name: `delete ${n} tokens@${r.toFixed(3)}`,
    apply: (t: string) => {
      const ts = tokens(t);
      if (!ts.length) return t;
      const i = Math.min(ts.length - 1, Math.floor(r * ts.length));
      const j = Math.min(ts.length - 1, i + n - 1);
      return t.slice(0, ts[i]!.start) + t.slice(ts[j]!.end);
    },
  })),
  fc.tuple(pos, fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 4 })).map(([r, n, k]) => ({
    name: `duplicate ${n} tokens x${k}@${r.toFixed(3)}`,
    apply: (t: string) => {
      const ts = tokens(t);
      if (!ts.length) return t;
      const i = Math.min(ts.length - 1, Math.floor(r * ts.length));
      const j = Math.min(ts.length - 1, i + n - 1);
      const piece = t.slice(ts[i]!.start, ts[j]!.end);
      return t.slice(0, ts[j]!.end) + piece.repeat(k) + t.slice(ts[j]!.end);
    },
  })),
  fc.tuple(pos, fc.string({ unit: 'binary', maxLength: 16 })).map(([r, s]) => ({
    name: `insert ${JSON.stringify(s)}@${r.toFixed(3)}`,
    apply: (t: string) => t.slice(0, at(t, r)) + s + t.slice(at(t, r)),
  })),
  fc.tuple(pos, fc.array(fc.constantFrom(...NASTY), { minLength: 1, maxLength: 6 })).map(([r, s]) => ({
    name: `insert ${JSON.stringify(s.join(''))}@${r.toFixed(3)}`,
    apply: (t: string) => t.slice(0, at(t, r)) + s.join('') + t.slice(at(t, r)),
  })),
  fc.tuple(pos, fc.uint8Array({ minLength: 1, maxLength: 32 })).map(([r, bytes]) => ({
    // Invalid UTF-8 as a reader decodes it (replacement characters), the way a binary file arrives.
    name: `insert bytes ${Buffer.from(bytes).toString('hex')}@${r.toFixed(3)}`,
    apply: (t: string) => t.slice(0, at(t, r)) + Buffer.from(bytes).toString('utf8') + t.slice(at(t, r)),
  })),
  fc
    .constantFrom<'crlf' | 'cr' | 'mixed' | 'bom' | 'tabs' | 'no-final-eol'>('crlf', 'cr', 'mixed', 'bom', 'tabs', 'no-final-eol')
    .map((k) => ({
      name: k,
      apply: (t: string) => {
        switch (k) {
          case 'crlf':
            return t.replace(/\r?\n/g, '\r\n');
          case 'cr':
            return t.replace(/\r?\n/g, '\r');
          case 'mixed': {
            let i = 0;
            return t.replace(/\r?\n/g, () => ['\n', '\r\n', '\r'][i++ % 3]!);
          }
          case 'bom':
            return '\uFEFF' + t;
          case 'tabs':
            return t.replace(/^( {2})+/gm, (m) => '\t'.repeat(m.length / 2));
          case 'no-final-eol':
            return t.replace(/\s+$/, '');
        }
      },
    })),
  fc.tuple(pos, fc.integer({ min: 1000, max: 20_000 }), fc.constantFrom('a', ' ', '"', '$', '{', '\\', '/', '-')).map(([r, n, c]) => ({
    name: `long run of ${JSON.stringify(c)} x${n}@${r.toFixed(3)}`,
    apply: (t: string) => t.slice(0, at(t, r)) + c.repeat(n) + t.slice(at(t, r)),
  })),
  fc.tuple(pos, fc.constantFrom('ünïcödé', '名前', 'Ωmega_σ', 'x\u200Dy', '\u{1F680}rocket', 'ﬁle')).map(([r, u]) => ({
    name: `unicode name ${u}@${r.toFixed(3)}`,
    apply: (t: string) => {
      const ts = tokens(t).filter((x) => /^[A-Za-z_]/.test(t.slice(x.start, x.end)));
      if (!ts.length) return u + t;
      const x = ts[Math.min(ts.length - 1, Math.floor(r * ts.length))]!;
      const name = t.slice(x.start, x.end);
      return t.split(name).join(u);
    },
  })),
  fc.tuple(pos, pos).map(([a, b]) => ({
    name: `swap halves ${a.toFixed(3)}/${b.toFixed(3)}`,
    apply: (t: string) => {
      const i = at(t, Math.min(a, b));
      const j = at(t, Math.max(a, b));
      return t.slice(j) + t.slice(i, j) + t.slice(0, i);
    },
  })),
);

/** A seed and 1 to 4 mutations applied in order. */
export interface MutatedCase {
  seed: Seed;
  mutations: { name: string; apply: Mutation }[];
  /** Sometimes analyse the text as another language (a .py file full of HCL). */
  ext?: string;
}

export function mutatedCase(corpus: Seed[]): fc.Arbitrary<MutatedCase> {
  return fc.record({
    seed: fc.constantFrom(...corpus),
    mutations: fc.array(mutation, { minLength: 1, maxLength: 4 }),
    ext: fc.option(fc.constantFrom('tf', 'tfvars', 'ts', 'tsx', 'js', 'mjs', 'py'), { freq: 10, nil: undefined }),
  });
}

/** The file name a case is analysed as. */
export function caseFile(c: MutatedCase): string {
  const name = c.ext ? c.seed.name.replace(/\.[^.]*$/, '') + '.' + c.ext : c.seed.name;
  return path.join('/fuzz', name);
}

export function applyMutations(text: string, ms: { apply: Mutation }[]): string {
  return ms.reduce((t, m) => m.apply(t), text);
}

// ---------------------------------------------------------------------------------------------------------------
// Pathological documents, built rather than mutated

export interface Monster {
  name: string;
  text: () => string;
  /** Part of the default suite too (the others only run in the long run: too slow for a shared CI machine). */
  short?: boolean;
  /**
   * Checked through `faultline audit` with a per-file time budget instead of in-process: beyond the server's 1 MB
   * document cap, the audit is the only way such a file is analysed, and over the budget it must end as
   * `analysis-timeout`, not as a hang.
   */
  audit?: boolean;
}

const rep = (s: string, n: number): string => s.repeat(n);

export function monsters(): Monster[] {
  const deep = 10_000;
  const many = 100_000;
  const bigList = (n: number, item: (i: number) => string): string => Array.from({ length: n }, (_, i) => item(i)).join(', ');
  const tenMb = (unit: string): string => unit.repeat(Math.ceil((10 * 1024 * 1024) / unit.length));
  const bytes = (n: number, seed: number): string => {
    const b = Buffer.alloc(n);
    let x = seed;
    for (let i = 0; i < n; i++) b[i] = (x = (x * 1103515245 + 12345) & 0x7fffffff) >> 16;
    return b.toString('utf8');
  };
  return [
    // deep nesting
    {
      name: 'deep-objects.tf',
      short: true,
      text: () => `resource "aws_s3_bucket" "b" {\n  tags = ${rep('{ a = ', deep)}1${rep(' }', deep)}\n}\n`,
    },
    { name: 'deep-lists.tf', text: () => `locals {\n  x = ${rep('[', deep)}${rep(']', deep)}\n}\n` },
    { name: 'deep-blocks.tf', text: () => `resource "aws_security_group" "s" {\n${rep('ingress {\n', deep)}${rep('}\n', deep)}}\n` },
    { name: 'deep-parens.tf', text: () => `locals {\n  x = ${rep('(', deep)}1${rep(')', deep)}\n}\n` },
    { name: 'deep-unclosed.tf', short: true, text: () => `resource "aws_s3_bucket" "b" {\n  tags = ${rep('{ a = [', deep)}\n` },
    {
      name: 'deep-objects.ts',
      short: true,
      text: () => `import * as aws from '@pulumi/aws';\nnew aws.s3.BucketV2('b', { tags: ${rep('{ a: ', deep)}1${rep(' }', deep)} });\n`,
    },
    { name: 'deep-arrays.ts', text: () => `import * as aws from '@pulumi/aws';\nconst x = ${rep('[', deep)}${rep(']', deep)};\n` },
    { name: 'deep-calls.ts', text: () => `import * as pulumi from '@pulumi/pulumi';\nconst x = ${rep('f(', deep)}1${rep(')', deep)};\n` },
    {
      name: 'deep-binary.ts',
      short: true,
      text: () => `import * as pulumi from '@pulumi/pulumi';\nconst x = 'a'${rep(" + 'a'", deep)};\nnew aws.s3.BucketV2(x, {});\n`,
    },
    {
      name: 'deep-unclosed.ts',
      short: true,
      text: () => `import * as aws from '@pulumi/aws';\nnew aws.s3.BucketV2('b', ${rep('{ a: [', deep)}\n`,
    },
    {
      name: 'deep-dicts.py',
      short: true,
      text: () => `import pulumi_aws as aws\naws.s3.BucketV2("b", tags=${rep('{"a": ', deep)}1${rep('}', deep)})\n`,
    },
    { name: 'deep-lists.py', short: true, text: () => `import pulumi\nx = ${rep('[', deep)}${rep(']', deep)}\n` },
    { name: 'deep-binary.py', text: () => `import pulumi_aws as aws\nx = "a"${rep(' + "a"', deep)}\naws.s3.BucketV2(x)\n` },
    {
      name: 'deep-indent.py',
      short: true,
      text: () => `import pulumi\n${Array.from({ length: 2000 }, (_, i) => `${' '.repeat(i)}if x:\n`).join('')}${' '.repeat(2000)}pass\n`,
    },
    // huge lists
    {
      name: 'list-100k.tf',
      text: () =>
        `resource "aws_security_group_rule" "r" {\n  type = "ingress"\n  from_port = 443\n  to_port = 443\n  protocol = "tcp"\n  security_group_id = var.sg\n  cidr_blocks = [${bigList(many, (i) => `"10.${(i >> 8) & 255}.${i & 255}.0/24"`)}]\n}\n`,
    },
    {
      name: 'list-100k.ts',
      text: () =>
        `import * as aws from '@pulumi/aws';\nnew aws.ec2.SecurityGroup('s', { ingress: [{ cidrBlocks: [${bigList(many, (i) => `'10.0.${i & 255}.0/24'`)}] }] });\n`,
    },
    {
      name: 'list-100k.py',
      text: () =>
        `import pulumi_aws as aws\naws.ec2.SecurityGroup("s", ingress=[{"cidr_blocks": [${bigList(many, (i) => `"10.0.${i & 255}.0/24"`)}]}])\n`,
    },
    {
      name: 'resources-5k.tf',
      text: () => Array.from({ length: 5000 }, (_, i) => `resource "aws_s3_bucket" "b${i}" {\n  bucket = "bucket-${i}"\n}\n`).join(''),
    },
    {
      name: 'list-20k.tf',
      short: true,
      text: () =>
        `resource "aws_security_group_rule" "r" {\n  type = "ingress"\n  from_port = 443\n  to_port = 443\n  protocol = "tcp"\n  security_group_id = var.sg\n  cidr_blocks = [${bigList(20_000, (i) => `"10.${(i >> 8) & 255}.${i & 255}.0/24"`)}]\n}\n`,
    },
    {
      name: 'list-20k.ts',
      short: true,
      text: () =>
        `import * as aws from '@pulumi/aws';\nnew aws.ec2.SecurityGroup('s', { ingress: [{ cidrBlocks: [${bigList(20_000, (i) => `'10.0.${i & 255}.0/24'`)}] }] });\n`,
    },
    {
      name: 'list-20k.py',
      short: true,
      text: () =>
        `import pulumi_aws as aws\naws.ec2.SecurityGroup("s", ingress=[{"cidr_blocks": [${bigList(20_000, (i) => `"10.0.${i & 255}.0/24"`)}]}])\n`,
    },
    // very long lines and strings
    { name: 'long-line.tf', text: () => `locals {\n  x = "${rep('a', 1_000_000)}"\n}\n` },
    {
      name: 'long-line.ts',
      short: true,
      text: () => `import * as aws from '@pulumi/aws';\nnew aws.s3.BucketV2('${rep('b', 1_000_000)}', {});\n`,
    },
    { name: 'long-line.py', short: true, text: () => `import pulumi_aws as aws\naws.s3.BucketV2("${rep('b', 1_000_000)}")\n` },
    { name: 'long-unterminated.tf', text: () => `locals {\n  x = "${rep('${', 50_000)}\n` },
    { name: 'long-template.ts', text: () => `import * as pulumi from '@pulumi/pulumi';\nconst x = \`${rep('${a}', 50_000)}\`;\n` },
    { name: 'long-fstring.py', text: () => `import pulumi\nx = f"${rep('{a}', 50_000)}"\n` },
    // binary and encodings
    { name: 'binary.tf', text: () => bytes(200_000, 1) },
    { name: 'binary.ts', text: () => bytes(200_000, 2) },
    { name: 'binary.py', text: () => bytes(200_000, 3) },
    { name: 'binary-20k.tf', short: true, text: () => bytes(20_000, 4) },
    { name: 'binary-20k.ts', short: true, text: () => `import * as aws from '@pulumi/aws';\n` + bytes(20_000, 5) },
    { name: 'binary-20k.py', short: true, text: () => 'import pulumi_aws as aws\n' + bytes(20_000, 6) },
    { name: 'nul.tf', short: true, text: () => rep('\0', 100_000) },
    {
      name: 'lone-surrogates.ts',
      short: true,
      text: () => `import * as aws from '@pulumi/aws';\nnew aws.s3.BucketV2('\uD800\uDC00\uD800x\uDFFF', {});\n${rep('\uD800', 10_000)}\n`,
    },
    { name: 'bom-crlf.tf', short: true, text: () => '\uFEFFresource "aws_s3_bucket" "b" {\r\n  bucket = "x"\r\n}\r\n' },
    { name: 'only-cr.py', short: true, text: () => 'import pulumi_aws as aws\rb = aws.s3.BucketV2("b")\rpulumi.export("x", b.id)\r' },
    { name: 'empty.tf', short: true, text: () => '' },
    { name: 'empty.ts', short: true, text: () => '' },
    { name: 'empty.py', short: true, text: () => '' },
    { name: 'whitespace.py', text: () => rep(' \t\r\n', 50_000) },
    // 10 MB files (the language server says it analyses open buffers up to 1 MB; the CLI skips files over 5 MB by default)
    { name: '10mb.tf', audit: true, text: () => tenMb('resource "aws_s3_bucket" "b" {\n  bucket = "x"\n}\n') },
    {
      name: '10mb.ts',
      audit: true,
      text: () => `import * as aws from '@pulumi/aws';\n` + tenMb(`new aws.s3.BucketV2('b', { bucket: 'x' });\n`),
    },
    { name: '10mb.py', audit: true, text: () => 'import pulumi_aws as aws\n' + tenMb('aws.s3.BucketV2("b", bucket="x")\n') },
    { name: '10mb-one-line.tf', audit: true, text: () => `locals { x = "${tenMb('a')}" }` },
  ];
}
