/**
 * Every regular expression in shared/ (found with the TypeScript parser, so a new one is covered the day it is
 * written) against adversarial input: 100,000 repetitions of each character and character pair it mentions, and
 * of the usual suspects. A catastrophic (super-linear) expression takes seconds on such input; each must stay fast.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const SHARED = path.resolve(__dirname, '../../shared');
const N = 100_000;
const LIMIT_MS = Number(process.env.FAULTLINE_REGEX_LIMIT_MS ?? 300);

interface Found {
  where: string;
  re: RegExp | undefined;
  source: string;
}

function sources(dir: string, out: string[] = []): string[] {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) sources(p, out);
    else if (/\.ts$/.test(e.name)) out.push(p);
  }
  return out;
}

/** Regex literals and `new RegExp(...)` / `RegExp(...)` calls in shared/. */
export function regexesInShared(): Found[] {
  const found: Found[] = [];
  for (const file of sources(SHARED)) {
    const text = fs.readFileSync(file, 'utf8');
    const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
    const where = (n: ts.Node): string =>
      `${path.relative(path.dirname(SHARED), file)}:${sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1}`;
    const visit = (n: ts.Node): void => {
      if (n.kind === ts.SyntaxKind.RegularExpressionLiteral) {
        const lit = n.getText(sf);
        const slash = lit.lastIndexOf('/');
        found.push({ where: where(n), source: lit, re: new RegExp(lit.slice(1, slash), lit.slice(slash + 1)) });
      } else if ((ts.isNewExpression(n) || ts.isCallExpression(n)) && ts.isIdentifier(n.expression) && n.expression.text === 'RegExp') {
        const [pat, flags] = n.arguments ?? [];
        const lit = (a: ts.Expression | undefined): string | undefined =>
          a && (ts.isStringLiteral(a) || ts.isNoSubstitutionTemplateLiteral(a)) ? a.text : undefined;
        const p = lit(pat);
        found.push({ where: where(n), source: n.getText(sf), re: p !== undefined ? new RegExp(p, lit(flags) ?? '') : undefined });
      }
      ts.forEachChild(n, visit);
    };
    visit(sf);
  }
  return found;
}

/** Adversarial subjects for one expression: long runs of every character it names, pairs of them, and classics. */
function subjects(re: RegExp): string[] {
  const chars = new Set<string>([
    'a',
    'A',
    '0',
    ' ',
    '\t',
    '\n',
    '\r',
    '_',
    '-',
    '.',
    '$',
    '{',
    '}',
    '%',
    '\\',
    '"',
    "'",
    '/',
    ':',
    '!',
    'é',
    '\u2028',
  ]);
  for (const ch of re.source.replace(/\\[dDwWsSbB]/g, '')) if (ch.charCodeAt(0) >= 32 && ch.charCodeAt(0) < 127) chars.add(ch);
  const out = new Set<string>();
  const list = [...chars];
  for (const c of list) {
    out.add(c.repeat(N));
    out.add(c.repeat(N) + '\u0000');
  }
  for (const pair of ['a ', 'a-', 'a_', 'aA', 'Aa', '0.', '${', '$$', '%%', '%{', '\\u', '\r\n', ' \n', '_a', 'a.', 'a/', '"a', 'a1', 'A0'])
    out.add(pair.repeat(N / 2) + '!');
  // pairs of the expression's own characters, capped so the test stays quick
  const own = list.slice(22, 40);
  for (const a of own) for (const b of own.slice(0, 6)) if (a !== b) out.add((a + b).repeat(N / 2) + '\u0000');
  return [...out];
}

function exercise(re: RegExp, s: string): void {
  const r = new RegExp(re.source, re.flags);
  if (r.global || r.sticky) {
    // what String.replace / matchAll do: every match, each from where the last ended
    let guard = 0;
    while (r.exec(s) && guard++ < 2 * N + 10) if (r.lastIndex === 0) break;
    // zero-width matches advance through matchAll
    for (const m of s.matchAll(new RegExp(re.source, re.flags.includes('g') ? re.flags : re.flags + 'g'))) void m;
  } else {
    r.exec(s);
    s.split(r);
  }
}

describe('regular expressions in shared/', () => {
  const all = regexesInShared();

  it('finds the expressions (and each one compiles from a literal)', () => {
    expect(all.length).toBeGreaterThan(10);
    const dynamic = all.filter((f) => !f.re);
    // A RegExp built from a non-literal pattern cannot be checked here; none may exist without review.
    expect(dynamic.map((d) => `${d.where}: ${d.source}`)).toEqual([]);
  });

  it(`every expression handles ${N.toLocaleString('en')}-character adversarial input in under ${LIMIT_MS} ms`, () => {
    const slow: string[] = [];
    let worst = { ms: 0, what: '' };
    for (const f of all) {
      if (!f.re) continue;
      for (const s of subjects(f.re)) {
        const t0 = performance.now();
        exercise(f.re, s);
        const ms = performance.now() - t0;
        if (ms > worst.ms) worst = { ms, what: `${f.where} ${f.source} on ${JSON.stringify(s.slice(0, 6))}…` };
        if (ms > LIMIT_MS)
          slow.push(`${f.where} ${f.source}: ${Math.round(ms)} ms on ${JSON.stringify(s.slice(0, 8))}… (${s.length} chars)`);
      }
    }
    if (process.env.FAULTLINE_REGEX_LIST) {
      console.log(
        `${all.length} expressions; worst ${worst.ms.toFixed(1)} ms: ${worst.what}\n${all.map((f) => `${f.where}  ${f.source}`).join('\n')}`,
      );
    }
    expect(slow).toEqual([]);
  }, 120_000);
});
