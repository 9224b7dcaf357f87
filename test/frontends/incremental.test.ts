import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keepParsesForIncrementalParsing } from '../../shared/frontends/incremental';
import { parseSyntaxTree, type SyntaxNode } from '../../shared/frontends/syntax-tree';
import { forgetSourceFile, parseTypeScript } from '../../shared/frontends/typescript/parse';
import { initTreeSitter, type GrammarName } from '../../shared/frontends/treesitter';

/**
 * The language server keeps each open file's tree-sitter tree and parses edits incrementally: after any sequence of
 * edits, the incremental tree must equal a fresh parse of the final text.
 */
function shape(root: SyntaxNode | undefined): string {
  if (!root) return 'no tree';
  const out: string[] = [];
  const stack: [SyntaxNode, number][] = [[root, 0]];
  while (stack.length) {
    const [n, d] = stack.pop()!;
    out.push(
      `${' '.repeat(d)}${n.type}${n.isMissing ? '!' : ''}${n.hasError ? '?' : ''} ${n.fieldName ?? ''} ${n.startIndex}-${n.endIndex}`,
    );
    for (let i = n.children.length - 1; i >= 0; i--) stack.push([n.children[i]!, d + 1]);
  }
  return out.join('\n');
}

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
            const incremental = shape(parseSyntaxTree(grammar, text, file));
            const fresh = shape(parseSyntaxTree(grammar, text));
            expect(incremental).toBe(fresh);
          }
        }),
        { seed: 20261124, numRuns: 30 },
      );
    });
  }
});

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
      // The fresh parses go under another path (whose parse is dropped each time), so the kept one chains edits.
      const elsewhere = path.join(path.dirname(file), 'fresh', path.basename(file));
      const model = (text: string, incremental: boolean): string => {
        const m = parseTypeScript(text, incremental ? file : elsewhere);
        if (!incremental) forgetSourceFile(elsewhere);
        return JSON.stringify({ ...m, text: undefined })
          .split(JSON.stringify(elsewhere).slice(1, -1))
          .join(JSON.stringify(file).slice(1, -1));
      };
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
