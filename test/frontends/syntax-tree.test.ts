import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Edit, Point, Tree } from 'web-tree-sitter';
import { encloses, syntaxExtras, toSyntaxTree, type SyntaxNode } from '../../shared/frontends/syntax-tree';
import { copyTree, type WalkMode } from '../../shared/frontends/tree-walkers';
import { syntaxShape } from '../helpers/syntax-shape';
import { initTreeSitter, parserFor, type GrammarName } from '../../shared/frontends/treesitter';

/**
 * The copy of a tree-sitter tree reads tree-sitter's memory directly (`memory`): it must give, node for node, what
 * web-tree-sitter's own TreeCursor gives (`cursor`), and so must the raw cursor functions (`raw`).
 */
function copies(grammar: GrammarName, text: string, old?: Tree) {
  const tree = parserFor(grammar).parse(text, old)!;
  const of = (mode: WalkMode): string => syntaxShape(toSyntaxTree(tree, text, undefined, mode));
  const result = { memory: of('memory'), raw: of('raw'), cursor: of('cursor') };
  return { result, tree };
}

function sources(dir: string, out: string[] = []): string[] {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) sources(p, out);
    else if (/\.(tf|tfvars|py)$/.test(e.name)) out.push(p);
  }
  return out;
}

/** tree-sitter's point of `index`: rows count `\n`, columns are UTF-16 units. */
function pointAt(text: string, index: number): Point {
  const row = text.slice(0, index).split('\n').length - 1;
  return { row, column: index - (text.lastIndexOf('\n', index - 1) + 1) };
}

const ROOT = path.join(__dirname, '../..');
const FILES = [...sources(path.join(ROOT, 'examples')), ...sources(path.join(ROOT, 'test/fixtures'))];
const grammarOf = (file: string): GrammarName => (file.endsWith('.py') ? 'python' : 'terraform');

beforeAll(async () => {
  await initTreeSitter();
});

describe('tree-sitter tree copy', () => {
  it('reads the memory of both grammars (no fallback to the slower walks)', () => {
    for (const grammar of ['terraform', 'python'] as GrammarName[]) {
      const tree = parserFor(grammar).parse('x = 1\n')!;
      const sink = { node: () => undefined, open: () => undefined, close: () => undefined };
      expect(copyTree(tree, sink)).toBe('memory');
      tree.delete();
    }
  });

  it(`copies every fixture and example as the TreeCursor walks it (${FILES.length} files)`, () => {
    expect(FILES.length).toBeGreaterThan(50);
    for (const file of FILES) {
      const { result, tree } = copies(grammarOf(file), fs.readFileSync(file, 'utf8'));
      tree.delete();
      expect(result.memory, file).toBe(result.cursor);
      expect(result.raw, file).toBe(result.cursor);
    }
  });

  it('gathers the nodes of the types asked for in pre-order, ERROR regions included', () => {
    const gather = new Set(['ERROR', 'call', 'variable_expr', 'block', 'comment']);
    const preorder = (root: SyntaxNode): SyntaxNode[] => {
      const out: SyntaxNode[] = [];
      const stack = [root];
      while (stack.length) {
        const n = stack.pop()!;
        out.push(n);
        for (let i = n.children.length - 1; i >= 0; i--) stack.push(n.children[i]!);
      }
      return out;
    };
    // not the fuzz regressions: tree-sitter's error recovery takes seconds on some
    for (const file of FILES.filter((f, i) => i % 3 === 0 && !f.includes('regressions'))) {
      const text = fs.readFileSync(file, 'utf8');
      for (const broken of [text, text.slice(0, text.length >> 1) + '{(' + text.slice(text.length >> 1)]) {
        const tree = parserFor(grammarOf(file)).parse(broken)!;
        const root = toSyntaxTree(tree, broken, gather);
        tree.delete();
        const all = preorder(root);
        const expected = all.filter((n) => gather.has(n.type));
        const gathered = syntaxExtras(root)!.gathered;
        expect(gathered.length).toBe(expected.length);
        expect(gathered.every((n, i) => n === expected[i])).toBe(true);
        // `encloses` tells a node's descendants among the nodes after it in pre-order
        for (const [i, outer] of all.entries()) {
          if (i % 11) continue;

          for (const later of all.slice(i + 1, i + 40)) {
            let inside = false;
            for (let a = later.parent; a && !inside; a = a.parent) inside = a === outer;
            expect(encloses(outer, later)).toBe(inside);
          }
        }
      }
    }
  });

  it('copies broken text, and trees parsed incrementally, as the TreeCursor walks them', () => {
    const samples = FILES.filter((_, i) => i % 4 === 0);
    const edit = fc.record({
      file: fc.nat(),
      at: fc.nat(),
      remove: fc.nat({ max: 60 }),
      insert: fc.oneof(fc.string({ maxLength: 10 }), fc.constantFrom('{', '}', '"', '\n', '(', ')', '${', '"""', ':', 'é', '😀', '\t')),
    });
    fc.assert(
      fc.property(edit, (e) => {
        const file = samples[e.file % samples.length]!;
        const grammar = grammarOf(file);
        const before = fs.readFileSync(file, 'utf8');
        const at = e.at % (before.length + 1);
        const text = before.slice(0, at) + e.insert + before.slice(at + e.remove);
        const fresh = copies(grammar, text);
        fresh.tree.delete();
        expect(fresh.result.memory).toBe(fresh.result.cursor);
        // the edited old tree lends its unchanged subtrees to the new one
        const old = parserFor(grammar).parse(before)!;
        const oldEnd = Math.min(at + e.remove, before.length);
        const newEnd = at + e.insert.length;
        old.edit({
          startIndex: at,
          oldEndIndex: oldEnd,
          newEndIndex: newEnd,
          startPosition: pointAt(before, at),
          oldEndPosition: pointAt(before, oldEnd),
          newEndPosition: pointAt(text, newEnd),
        } as Edit);
        const incremental = copies(grammar, text, old);
        old.delete();
        incremental.tree.delete();
        expect(incremental.result.memory).toBe(incremental.result.cursor);
        expect(incremental.result.raw).toBe(incremental.result.cursor);
      }),
      { numRuns: process.env.FAULTLINE_FUZZ === 'long' ? 3000 : 150, seed: 20261207 },
    );
  });
});
