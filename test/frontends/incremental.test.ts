import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keepParsesForIncrementalParsing } from '../../shared/frontends/incremental';
import { parseSyntaxTree } from '../../shared/frontends/syntax-tree';
import { forgetSourceFile, parseTypeScript } from '../../shared/frontends/typescript/parse';
import { reuseCounts } from '../../shared/frontends/typescript/reuse';
import { syntaxShape } from '../helpers/syntax-shape';
import { initTreeSitter, type GrammarName } from '../../shared/frontends/treesitter';

/**
 * The language server keeps each open file's tree-sitter tree and parses edits incrementally: after any sequence of
 * edits, the incremental tree must equal a fresh parse of the final text.
 */
const SOURCES: [GrammarName, string][] = [
  ['terraform', 'examples/web-stack-tf/main.tf'],
  ['python', 'examples/payments-py/__main__.py'],
];

beforeAll(async () => {
  await initTreeSitter();
  keepParsesForIncrementalParsing(8);
});
afterAll(() => keepParsesForIncrementalParsing(0));

describe('incremental tree-sitter parsing', () => {
  for (const [grammar, rel] of SOURCES) {
    const file = path.join(__dirname, '../..', rel);
    it(`matches a fresh parse after random edit sequences (${rel})`, () => {
      const original = fs.readFileSync(file, 'utf8');
      const edit = fc.record({
        at: fc.nat(),
        remove: fc.nat({ max: 40 }),
        insert: fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('{', '}', '"', '\n', '  ', '#', '(', ')', '= 1', 'é', '😀')),
      });
      fc.assert(
        fc.property(fc.array(edit, { minLength: 1, maxLength: 15 }), (edits) => {
          let text = original;
          parseSyntaxTree(grammar, text, file);
          for (const e of edits) {
            const at = e.at % (text.length + 1);
            text = text.slice(0, at) + e.insert + text.slice(at + e.remove);
            const incremental = syntaxShape(parseSyntaxTree(grammar, text, file));
            const fresh = syntaxShape(parseSyntaxTree(grammar, text));
            expect(incremental).toBe(fresh);
          }
        }),
        { seed: 20261124, numRuns: 30 },
      );
    });
  }
});

/**
 * For `file`: the model of `text` as comparable JSON, parsed as the next edit of `file` (`incremental`) or afresh.
 */
function typeScriptModel(file: string): (text: string, incremental: boolean) => string {
  // The fresh parses go under another path (whose parse is dropped each time), so the kept one chains edits.
  const elsewhere = path.join(path.dirname(file), 'fresh', path.basename(file));
  return (text, incremental) => {
    const m = parseTypeScript(text, incremental ? file : elsewhere);
    if (!incremental) forgetSourceFile(elsewhere);
    // The compiler's incremental parser reports some syntax errors of broken code differently from a fresh parse
    // (fewer of them, without a hint): whether there are any is compared, the lowering in full.
    const parseErrors = m.parseErrors.length > 0;
    return JSON.stringify({ ...m, text: undefined, parseErrors })
      .split(JSON.stringify(elsewhere).slice(1, -1))
      .join(JSON.stringify(file).slice(1, -1));
  };
}

describe('incremental TypeScript parsing', () => {
  for (const rel of ['examples/aurora-ts/lib/database-stack.ts', 'examples/webapp-js/index.js']) {
    const file = path.join(__dirname, '../..', rel);
    it(`lowers to the model of a fresh parse after random edit sequences (${rel})`, () => {
      const original = fs.readFileSync(file, 'utf8');
      const edit = fc.record({
        at: fc.nat(),
        remove: fc.nat({ max: 40 }),
        insert: fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('{', '}', '"', '`', '${', '\n', '(', ')', ': 1,', '//', 'é', '😀')),
      });
      const model = typeScriptModel(file);
      fc.assert(
        fc.property(fc.array(edit, { minLength: 1, maxLength: 15 }), (edits) => {
          let text = original;
          model(text, true);
          for (const e of edits) {
            const at = e.at % (text.length + 1);
            text = text.slice(0, at) + e.insert + text.slice(at + e.remove);
            const incremental = model(text, true);
            expect(incremental).toBe(model(text, false));
          }
        }),
        { seed: 20261207, numRuns: 15 },
      );
    });
  }
});

/**
 * Typing within a line keeps the lowering of the statements it did not touch (moved along the text) unless they read
 * a name the edit may have changed. Edits that rename declarations and references, break strings and brackets, add
 * assignments and component classes: after each, the model must equal a fresh lowering, and most statements be kept.
 * 150 runs by default, 3,000 in the long robustness run (`npm run fuzz`).
 */
describe('incremental TypeScript lowering', () => {
  const root = path.join(__dirname, '../..');
  const files = [
    'examples/aurora-ts/lib/database-stack.ts',
    'examples/aurora-ts/index.ts',
    'examples/webapp-js/index.js',
    ...fs
      .readdirSync(path.join(root, 'test/fixtures/frontends/typescript'))
      .filter((f) => /\.(ts|js)$/.test(f))
      .map((f) => `test/fixtures/frontends/typescript/${f}`),
    // the rules' bad fixtures: components, loops, callbacks, config, string builds
    ...fs
      .readdirSync(path.join(root, 'test/fixtures/rules'))
      .flatMap((r) => ['bad.ts', 'bad.js'].map((f) => `test/fixtures/rules/${r}/${f}`)),
  ].filter((f) => fs.existsSync(path.join(root, f)));

  it(`matches a fresh lowering after single-line edits (${files.length} files)`, () => {
    let kept = 0;
    let lowered = 0;
    const edit = fc.record({
      at: fc.nat(),
      kind: fc.constantFrom('insert', 'delete', 'word'),
      insert: fc.constantFrom(' ', 'x', '1', '.', ',', ';', '"', "'", '`', '(', ')', '{', '}', '= 2', ' = x', '++', '//', '${', 'é'),
      remove: fc.integer({ min: 1, max: 6 }),
      word: fc.nat(),
    });
    fc.assert(
      fc.property(fc.nat(), fc.array(edit, { minLength: 1, maxLength: 12 }), (which, edits) => {
        const file = path.join(root, files[which % files.length]!);
        const model = typeScriptModel(file);
        let text = fs.readFileSync(file, 'utf8');
        forgetSourceFile(file);
        model(text, true);
        for (const e of edits) {
          const at = e.at % (text.length + 1);
          const lineEnd = text.indexOf('\n', at) < 0 ? text.length : text.indexOf('\n', at);
          if (e.kind === 'insert') text = text.slice(0, at) + e.insert + text.slice(at);
          else if (e.kind === 'delete') text = text.slice(0, at) + text.slice(Math.min(lineEnd, at + e.remove));
          else {
            // a word of the file in place of the word at `at`: renames declarations, references, keys, types
            const words = [...text.matchAll(/[A-Za-z_$][\w$]*/g)];
            const target = words.find((w) => w.index! + w[0].length >= at);
            const other = words[e.word % words.length];
            if (target && other) text = text.slice(0, target.index) + other[0] + text.slice(target.index! + target[0].length);
          }
          const incremental = model(text, true);
          kept += reuseCounts.kept;
          lowered += reuseCounts.lowered;
          expect(incremental).toBe(model(text, false));
        }
      }),
      { seed: Number(process.env.FAULTLINE_FUZZ_SEED ?? 20261207), numRuns: process.env.FAULTLINE_FUZZ === 'long' ? 3000 : 150 },
    );
    // the point of it: statements are kept (a third at least, though renames here often touch what many statements read)
    expect(kept).toBeGreaterThan((kept + lowered) / 3);
  });
});
