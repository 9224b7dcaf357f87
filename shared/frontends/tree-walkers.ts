import type { Language, Tree, TreeCursor } from 'web-tree-sitter';
import { rawCursor, wasmHeap, type RawCursor, type WasmHeap } from './treesitter';

/**
 * The ways to visit a web-tree-sitter tree's visible nodes as a `TreeCursor` does, for `toSyntaxTree`'s copy:
 * - `memory` reads tree-sitter's structures straight from the wasm memory, in one pass: no call into wasm at all;
 * - `raw` calls the cursor's wasm functions without web-tree-sitter's marshalling (six calls per node);
 * - `cursor` is web-tree-sitter's own `TreeCursor`.
 * Each falls back to the next when this build of web-tree-sitter does not allow it.
 */
export type WalkMode = 'memory' | 'raw' | 'cursor';

/** What the copy needs of a cursor (the `raw` and `cursor` ways). */
interface Walker {
  typeId(): number;
  start(): number;
  end(): number;
  missing(): boolean;
  named(): boolean;
  field(): number;
  firstChild(): boolean;
  nextSibling(): boolean;
  parent(): boolean;
  close(): void;
}

class RawWalker implements Walker {
  constructor(
    private readonly api: RawCursor,
    private readonly tree: number,
  ) {
    api._ts_tree_root_node_wasm(tree);
    api._ts_tree_cursor_new_wasm(tree);
  }
  typeId(): number {
    return this.api._ts_tree_cursor_current_node_type_id_wasm(this.tree);
  }
  start(): number {
    return this.api._ts_tree_cursor_start_index_wasm(this.tree);
  }
  end(): number {
    return this.api._ts_tree_cursor_end_index_wasm(this.tree);
  }
  missing(): boolean {
    return this.api._ts_tree_cursor_current_node_is_missing_wasm(this.tree) === 1;
  }
  named(): boolean {
    return this.api._ts_tree_cursor_current_node_is_named_wasm(this.tree) === 1;
  }
  field(): number {
    return this.api._ts_tree_cursor_current_field_id_wasm(this.tree);
  }
  firstChild(): boolean {
    return this.api._ts_tree_cursor_goto_first_child_wasm(this.tree) === 1;
  }
  nextSibling(): boolean {
    return this.api._ts_tree_cursor_goto_next_sibling_wasm(this.tree) === 1;
  }
  parent(): boolean {
    return this.api._ts_tree_cursor_goto_parent_wasm(this.tree) === 1;
  }
  close(): void {
    this.api._ts_tree_cursor_delete_wasm(this.tree);
  }
}

class CursorWalker implements Walker {
  private readonly cursor: TreeCursor;
  constructor(tree: Tree) {
    this.cursor = tree.walk();
  }
  typeId(): number {
    return this.cursor.nodeTypeId;
  }
  start(): number {
    return this.cursor.startIndex;
  }
  end(): number {
    return this.cursor.endIndex;
  }
  missing(): boolean {
    return this.cursor.nodeIsMissing;
  }
  named(): boolean {
    return this.cursor.nodeIsNamed;
  }
  field(): number {
    return this.cursor.currentFieldId;
  }
  firstChild(): boolean {
    return this.cursor.gotoFirstChild();
  }
  nextSibling(): boolean {
    return this.cursor.gotoNextSibling();
  }
  parent(): boolean {
    return this.cursor.gotoParent();
  }
  close(): void {
    this.cursor.delete();
  }
}

// tree-sitter's structures in wasm32 memory, as in the runtime's lib/src/subtree.h, tree.h and parser.h (ABI 15).
// A `Subtree` is 8 bytes: a small leaf's data inline (bit 0 of its first byte set), else a pointer to its heap data,
// whose children are stored right before it.
const SUBTREE = 8;
// SubtreeInlineData: byte 0 holds is_inline, visible, named, extra, has_changes, is_missing (bits 0-5)
const INLINE_SYMBOL = 1;
const INLINE_PADDING_BYTES = 6;
const INLINE_SIZE_BYTES = 7;
// SubtreeHeapData
const HEAP_PADDING_BYTES = 4;
const HEAP_SIZE_BYTES = 16;
const HEAP_CHILD_COUNT = 36;
const HEAP_SYMBOL = 40;
/** visible, named, extra in bits 0-2; is_missing is bit 1 of the next byte. */
const HEAP_FLAGS = 44;
const HEAP_VISIBLE_CHILD_COUNT = 48;
const HEAP_PRODUCTION_ID = 66;
/** TSTree: the root Subtree, then the language. */
const TREE_LANGUAGE = 8;
/** ts_builtin_sym_error: its own public symbol. */
const SYMBOL_ERROR = 65535;

/** The parts of a TSLanguage the walk needs, copied out of wasm memory once per language. */
interface LanguageTables {
  publicSymbol: Uint16Array;
  /** Whether each symbol is named (only asked of alias symbols: a node's own flag says it otherwise). */
  namedSymbol: Uint8Array;
  /** `aliases[production * aliasStride + structural child index]`: the alias a production gives a child, or 0. */
  aliases: Uint16Array;
  aliasStride: number;
  /** `fields[production * fieldStride + structural child index]`: the field a production gives a child, or 0. */
  fields: Uint16Array;
  fieldStride: number;
}

/** Per language address: its tables, or null where its memory layout is not the one this code reads. */
const tablesByLanguage = new Map<number, LanguageTables | null>();

/** The address in wasm memory of a web-tree-sitter object (`Tree`, `Language`), kept at its index 0. */
function addressOf(object: Tree | Language): unknown {
  return (object as unknown as Record<number, unknown>)[0];
}

function readTables(heap: WasmHeap, language: Language, at: number): LanguageTables | null {
  const { u8, u16, u32 } = heap;
  const word = (offset: number): number => u32[(at + offset) >> 2]!;
  const symbolCount = word(4) + word(8);
  // the layout must match what web-tree-sitter itself reports of the language
  if (
    word(0) !== language.abiVersion ||
    symbolCount !== language.nodeTypeCount ||
    word(20) !== language.stateCount ||
    word(32) !== language.fieldCount
  )
    return null;
  const productions = word(28);
  const fieldCount = word(32);
  const aliasStride = u16[(at + 36) >> 1]!;
  const [fieldSlices, fieldEntries, metadata, publicMap, aliasSequences] = [64, 68, 72, 76, 84].map(word) as [
    number,
    number,
    number,
    number,
    number,
  ];
  const publicSymbol = u16.slice(publicMap >> 1, (publicMap >> 1) + symbolCount);
  const namedSymbol = new Uint8Array(symbolCount);
  // TSSymbolMetadata: visible, named, supertype (3 bytes)
  for (let s = 0; s < symbolCount; s++) namedSymbol[s] = u8[metadata + 3 * s + 1]!;
  const aliases = u16.slice(aliasSequences >> 1, (aliasSequences >> 1) + productions * aliasStride);
  // TSMapSlice: index, length (u16 each); TSFieldMapEntry: field_id (u16), child_index (u8), inherited (bool)
  let fieldStride = 1;
  const entries: [production: number, child: number, field: number][] = [];
  if (fieldCount > 0) {
    for (let p = 0; p < productions; p++) {
      const index = u16[(fieldSlices + 4 * p) >> 1]!;
      const length = u16[(fieldSlices + 4 * p + 2) >> 1]!;
      for (let e = fieldEntries + 4 * index, end = e + 4 * length; e < end; e += 4) {
        if (u8[e + 3]) continue; // inherited: the walk finds it on the hidden child's own production
        entries.push([p, u8[e + 2]!, u16[e >> 1]!]);
        fieldStride = Math.max(fieldStride, u8[e + 2]! + 1);
      }
    }
  }
  const fields = new Uint16Array(productions * fieldStride);
  // the first entry for a child wins, as in ts_tree_cursor_current_field_id
  for (const [p, child, field] of entries) fields[p * fieldStride + child] ||= field;
  return { publicSymbol, namedSymbol, aliases, aliasStride, fields, fieldStride };
}

/** What a copy of a tree is told, in pre-order: each visible node, and where a node's children begin and end. */
export interface CopySink {
  node(typeId: number, start: number, end: number, named: boolean, missing: boolean, field: number): void;
  /** The children of the node told last follow. */
  open(): void;
  /** The children of the innermost open node are all told. */
  close(): void;
}

/** Per language: whether each type id is named (asked of wasm once per type, not once per node). */
const namedByLanguage = new WeakMap<Language, (boolean | undefined)[]>();

/** The fastest cursor walk this build of web-tree-sitter allows. */
function cursorWalker(tree: Tree, address: number): Walker {
  const api = rawCursor();
  return api ? new RawWalker(api, address) : new CursorWalker(tree);
}

/** Tells `sink` what a cursor walk of `tree` meets. */
function walkInto(w: Walker, tree: Tree, sink: CopySink): void {
  let named = namedByLanguage.get(tree.language);
  if (!named) namedByLanguage.set(tree.language, (named = []));
  const tell = (field: number): void => {
    const typeId = w.typeId();
    const start = w.start();
    const end = w.end();
    // MISSING nodes are empty: only an empty node can be one
    const missing = start === end && w.missing();
    let isNamed = named[typeId];
    if (isNamed === undefined) isNamed = named[typeId] = w.named();
    sink.node(typeId, start, end, isNamed, missing, field);
  };
  try {
    tell(0);
    if (!w.firstChild()) return;
    sink.open();
    let depth = 1;
    for (;;) {
      tell(w.field());
      if (w.firstChild()) {
        sink.open();
        depth++;
        continue;
      }
      while (!w.nextSibling()) {
        sink.close();
        if (--depth === 0 || !w.parent()) return;
      }
    }
  } finally {
    w.close();
  }
}

/** Where `copyFromMemory` is in each subtree whose children it visits (typed arrays, grown as deep trees need). */
class Frames {
  data: Uint32Array = new Uint32Array(64);
  child: Uint32Array = new Uint32Array(64);
  structural: Uint32Array = new Uint32Array(64);
  position: Uint32Array = new Uint32Array(64);
  /** The field a hidden subtree's visible descendants fill, unless their own production names one. */
  field: Uint32Array = new Uint32Array(64);
  /** 1 when the subtree is a visible node's: its end closes that node. */
  owner: Uint8Array = new Uint8Array(64);

  push(top: number, data: number, position: number, field: number, owner: number): void {
    if (top === this.data.length) {
      const grow = <T extends Uint32Array | Uint8Array>(a: T): T => {
        const b = new (a.constructor as new (n: number) => T)(a.length * 2);
        b.set(a);
        return b;
      };
      this.data = grow(this.data);
      this.child = grow(this.child);
      this.structural = grow(this.structural);
      this.position = grow(this.position);
      this.field = grow(this.field);
      this.owner = grow(this.owner);
    }
    this.data[top] = data;
    this.child[top] = 0;
    this.structural[top] = 0;
    this.position[top] = position;
    this.field[top] = field;
    this.owner[top] = owner;
  }
}

/**
 * Tells `sink` the visible nodes of the tree at `tree`, read from tree-sitter's memory: what a TreeCursor walk meets
 * (ts_tree_cursor_goto_first_child, _goto_next_sibling, _current_node and _current_field_id of lib/src/tree_cursor.c),
 * in one pass over the subtrees, hidden ones flattened into their visible parent. Positions are in bytes of UTF-16,
 * twice the index.
 */
function copyFromMemory(heap: WasmHeap, tree: number, tables: LanguageTables, sink: CopySink): void {
  const { u8, u16, u32 } = heap;
  const { publicSymbol, namedSymbol, aliases, aliasStride, fields, fieldStride } = tables;
  const typeOf = (symbol: number): number => (symbol === SYMBOL_ERROR ? symbol : (publicSymbol[symbol] ?? symbol));
  // ts_tree_root_node: the root starts after its padding
  const rootFirst = u8[tree]!;
  const root = rootFirst & 1 ? 0 : u32[tree >> 2]!;
  const rootStart = root ? u32[(root + HEAP_PADDING_BYTES) >> 2]! : u8[tree + INLINE_PADDING_BYTES]!;
  const rootBytes = root ? u32[(root + HEAP_SIZE_BYTES) >> 2]! : u8[tree + INLINE_SIZE_BYTES]!;
  const rootFlags = root ? u8[root + HEAP_FLAGS]! : rootFirst >> 1;
  sink.node(
    typeOf(root ? u16[(root + HEAP_SYMBOL) >> 1]! : u8[tree + INLINE_SYMBOL]!),
    rootStart >>> 1,
    (rootStart + rootBytes) >>> 1,
    (rootFlags & 2) !== 0,
    ((root ? u8[root + HEAP_FLAGS + 1]! >> 1 : rootFirst >> 5) & 1) === 1,
    0,
  );
  if (!root || u32[(root + HEAP_CHILD_COUNT) >> 2] === 0) return;
  sink.open();
  const f = new Frames();
  f.push(0, root, rootStart, 0, 1);
  let top = 0;
  while (top >= 0) {
    const parent = f.data[top]!;
    const count = u32[(parent + HEAP_CHILD_COUNT) >> 2]!;
    const child = f.child[top]!;
    if (child === count) {
      if (f.owner[top]) sink.close();
      top--;
      continue;
    }
    f.child[top] = child + 1;
    const slot = parent - SUBTREE * (count - child);
    const first = u8[slot]!;
    const data = first & 1 ? 0 : u32[slot >> 2]!;
    // visible, named, extra in bits 0 to 2, in both representations
    const flags = data ? u8[data + HEAP_FLAGS]! : first >> 1;
    let position = f.position[top]!;
    // the first child starts where its parent does: the parent's padding is its first child's
    if (child > 0) position += data ? u32[(data + HEAP_PADDING_BYTES) >> 2]! : u8[slot + INLINE_PADDING_BYTES]!;
    const bytes = data ? u32[(data + HEAP_SIZE_BYTES) >> 2]! : u8[slot + INLINE_SIZE_BYTES]!;
    f.position[top] = position + bytes;
    const production = u16[(parent + HEAP_PRODUCTION_ID) >> 1]!;
    const index = f.structural[top]!;
    const extra = (flags & 4) !== 0;
    let alias = 0;
    let field = 0;
    if (!extra) {
      if (production) alias = aliases[production * aliasStride + index]!;
      f.structural[top] = index + 1;
      field = (index < fieldStride ? fields[production * fieldStride + index]! : 0) || f.field[top]!;
    }
    const children = data ? u32[(data + HEAP_CHILD_COUNT) >> 2]! : 0;
    if ((flags & 1) === 1 || alias !== 0) {
      sink.node(
        alias ? publicSymbol[alias]! : typeOf(data ? u16[(data + HEAP_SYMBOL) >> 1]! : u8[slot + INLINE_SYMBOL]!),
        position >>> 1,
        (position + bytes) >>> 1,
        alias ? namedSymbol[alias] === 1 : (flags & 2) !== 0,
        ((data ? u8[data + HEAP_FLAGS + 1]! >> 1 : first >> 5) & 1) === 1,
        field,
      );
      if (children > 0) {
        sink.open();
        f.push(++top, data, position, 0, 1);
      }
    } else if (children > 0 && u32[(data + HEAP_VISIBLE_CHILD_COUNT) >> 2]! > 0) {
      f.push(++top, data, position, field, 0);
    }
  }
}

/** Stops a recording copy at its limit. */
const ENOUGH = new Error('enough nodes recorded');

/** What a copy is told, as numbers, up to `limit` nodes: to compare two ways of copying one tree. */
function record(copy: (sink: CopySink) => void, limit: number): number[] {
  const out: number[] = [];
  let nodes = 0;
  try {
    copy({
      node(typeId, start, end, named, missing, field) {
        if (++nodes > limit) throw ENOUGH;
        out.push(typeId, start, end, named ? 1 : 0, missing ? 1 : 0, field);
      },
      open: () => out.push(-1),
      // a node whose subtrees hold no visible node opens and closes at once in a memory copy, never in a cursor walk
      close: () => (out[out.length - 1] === -1 ? out.pop() : out.push(-2)),
    });
  } catch (e) {
    if (e !== ENOUGH) throw e;
  }
  return out;
}

/**
 * Whether reading the memory copies `tree` as the cursor's wasm functions walk it: checked on the first tree of each
 * language (its first 5,000 nodes), so that a web-tree-sitter whose structures moved falls back to the slower walk.
 * The cursor walk runs first: its calls into wasm may grow the memory, which replaces the views a memory walk reads.
 */
function copiesAlike(tree: Tree, address: number, tables: LanguageTables): boolean {
  const expected = record((sink) => walkInto(cursorWalker(tree, address), tree, sink), 5000);
  const heap = wasmHeap();
  if (!heap) return false;
  const got = record((sink) => copyFromMemory(heap, address, tables, sink), 5000);
  return got.length === expected.length && got.every((x, i) => x === expected[i]);
}

/**
 * Tells `sink` the visible nodes of `tree`, the first of `mode` and the modes after it that this build of
 * web-tree-sitter allows; returns the mode used.
 */
export function copyTree(tree: Tree, sink: CopySink, mode: WalkMode = 'memory'): WalkMode {
  const address = addressOf(tree);
  if (typeof address !== 'number' || address <= 0 || mode === 'cursor') {
    walkInto(new CursorWalker(tree), tree, sink);
    return 'cursor';
  }
  if (mode === 'memory') {
    const heap = wasmHeap();
    const language = tree.language;
    const at = addressOf(language);
    if (heap && typeof at === 'number' && heap.u32[(address + TREE_LANGUAGE) >> 2] === at) {
      let tables = tablesByLanguage.get(at);
      if (tables === undefined) {
        tables = readTables(heap, language, at);
        if (tables && !copiesAlike(tree, address, tables)) tables = null;
        tablesByLanguage.set(at, tables);
      }
      // the check's walks called into wasm: the views may have been replaced
      const current = wasmHeap();
      if (tables && current) {
        copyFromMemory(current, address, tables, sink);
        return 'memory';
      }
    }
  }
  const w = cursorWalker(tree, address);
  walkInto(w, tree, sink);
  return w instanceof RawWalker ? 'raw' : 'cursor';
}
