import type { Language, Tree, TreeCursor } from 'web-tree-sitter';
import { rawCursor, wasmHeap, type RawCursor, type WasmHeap } from './treesitter';

/**
 * The ways to walk a web-tree-sitter tree's visible nodes as a `TreeCursor` does, for `toSyntaxTree`'s copy:
 * - `memory` reads tree-sitter's structures straight from the wasm memory: no call into wasm at all;
 * - `raw` calls the cursor's wasm functions without web-tree-sitter's marshalling (six calls per node);
 * - `cursor` is web-tree-sitter's own `TreeCursor`.
 * Each falls back to the next when this build of web-tree-sitter does not allow it.
 */
export type WalkMode = 'memory' | 'raw' | 'cursor';

/** What the copy needs of a cursor. */
export interface Walker {
  readonly mode: WalkMode;
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
  readonly mode = 'raw';
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
  readonly mode = 'cursor';
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

/**
 * A TreeCursor over tree-sitter's memory: ts_tree_cursor_goto_first_child, _goto_next_sibling, _goto_parent,
 * _current_node and _current_field_id of lib/src/tree_cursor.c, step for step, in JavaScript. Per stack entry: the
 * address of its Subtree and of its heap data (0 if inline), its start in bytes (UTF-16: twice the index), its index
 * among its parent's children, its structural index (extras not counted) and the alias its parent gives it.
 */
class MemoryWalker implements Walker {
  readonly mode = 'memory';
  private readonly u8: Uint8Array;
  private readonly u16: Uint16Array;
  private readonly u32: Uint32Array;
  private slots: Uint32Array = new Uint32Array(64);
  private datas: Uint32Array = new Uint32Array(64);
  private positions: Uint32Array = new Uint32Array(64);
  private childIndexes: Uint32Array = new Uint32Array(64);
  private structural: Uint32Array = new Uint32Array(64);
  private aliases: Uint32Array = new Uint32Array(64);
  private size = 0;

  constructor(
    heap: WasmHeap,
    tree: number,
    private readonly tables: LanguageTables,
  ) {
    this.u8 = heap.u8;
    this.u16 = heap.u16;
    this.u32 = heap.u32;
    const data = this.u8[tree]! & 1 ? 0 : this.u32[tree >> 2]!;
    // ts_tree_root_node: the root starts after its padding
    const padding = data ? this.u32[(data + HEAP_PADDING_BYTES) >> 2]! : this.u8[tree + INLINE_PADDING_BYTES]!;
    this.push(tree, data, padding, 0, 0, 0);
  }

  private push(slot: number, data: number, position: number, child: number, structural: number, alias: number): void {
    if (this.size === this.slots.length) {
      const grow = (a: Uint32Array): Uint32Array => {
        const b = new Uint32Array(a.length * 2);
        b.set(a);
        return b;
      };
      this.slots = grow(this.slots);
      this.datas = grow(this.datas);
      this.positions = grow(this.positions);
      this.childIndexes = grow(this.childIndexes);
      this.structural = grow(this.structural);
      this.aliases = grow(this.aliases);
    }
    const i = this.size++;
    this.slots[i] = slot;
    this.datas[i] = data;
    this.positions[i] = position;
    this.childIndexes[i] = child;
    this.structural[i] = structural;
    this.aliases[i] = alias;
  }

  /** Bits 0 to 2: visible, named, extra (the same in both representations). */
  private flags(i: number): number {
    const data = this.datas[i]!;
    return data ? this.u8[data + HEAP_FLAGS]! : this.u8[this.slots[i]!]! >> 1;
  }

  /** The node's size in bytes, padding excluded. */
  private bytes(i: number): number {
    const data = this.datas[i]!;
    return data ? this.u32[(data + HEAP_SIZE_BYTES) >> 2]! : this.u8[this.slots[i]! + INLINE_SIZE_BYTES]!;
  }

  /** ts_tree_cursor_is_entry_visible */
  private entryVisible(i: number): boolean {
    return i === 0 || (this.flags(i) & 1) === 1 || this.aliases[i] !== 0;
  }

  /**
   * ts_tree_cursor_child_iterator_next from child `child` (structural index `structural`) of the entry on top of the
   * stack, `position` being where the child before it ends: pushes the first child that is visible (returns 1), or
   * hidden with visible children (2); 0 when none is left.
   */
  private advance(child: number, structural: number, position: number): number {
    const { u8, u16, u32 } = this;
    const parent = this.datas[this.size - 1]!;
    const count = u32[(parent + HEAP_CHILD_COUNT) >> 2]!;
    const children = parent - SUBTREE * count;
    const production = u16[(parent + HEAP_PRODUCTION_ID) >> 1]!;
    const aliases = this.tables.aliases;
    const aliasBase = production * this.tables.aliasStride;
    for (; child < count; child++) {
      const slot = children + SUBTREE * child;
      const first = u8[slot]!;
      const data = first & 1 ? 0 : u32[slot >> 2]!;
      const flags = data ? u8[data + HEAP_FLAGS]! : first >> 1;
      // the first child starts where its parent does: the parent's padding is its first child's
      if (child > 0) position += data ? u32[(data + HEAP_PADDING_BYTES) >> 2]! : u8[slot + INLINE_PADDING_BYTES]!;
      const index = structural;
      let alias = 0;
      if ((flags & 4) === 0) {
        if (production) alias = aliases[aliasBase + structural]!;
        structural++;
      }
      if ((flags & 1) === 1 || alias !== 0) {
        this.push(slot, data, position, child, index, alias);
        return 1;
      }
      if (data && u32[(data + HEAP_CHILD_COUNT) >> 2]! > 0 && u32[(data + HEAP_VISIBLE_CHILD_COUNT) >> 2]! > 0) {
        this.push(slot, data, position, child, index, 0);
        return 2;
      }
      position += data ? u32[(data + HEAP_SIZE_BYTES) >> 2]! : u8[slot + INLINE_SIZE_BYTES]!;
    }
    return 0;
  }

  typeId(): number {
    const top = this.size - 1;
    const alias = this.aliases[top]!;
    if (alias) return this.tables.publicSymbol[alias]!;
    const data = this.datas[top]!;
    const symbol = data ? this.u16[(data + HEAP_SYMBOL) >> 1]! : this.u8[this.slots[top]! + INLINE_SYMBOL]!;
    return symbol === SYMBOL_ERROR ? symbol : (this.tables.publicSymbol[symbol] ?? symbol);
  }
  start(): number {
    return this.positions[this.size - 1]! >>> 1;
  }
  end(): number {
    const top = this.size - 1;
    return (this.positions[top]! + this.bytes(top)) >>> 1;
  }
  missing(): boolean {
    const top = this.size - 1;
    const data = this.datas[top]!;
    return ((data ? this.u8[data + HEAP_FLAGS + 1]! >> 1 : this.u8[this.slots[top]!]! >> 5) & 1) === 1;
  }
  named(): boolean {
    const top = this.size - 1;
    const alias = this.aliases[top]!;
    return alias ? this.tables.namedSymbol[alias] === 1 : (this.flags(top) & 2) === 2;
  }
  field(): number {
    const { fields, fieldStride } = this.tables;
    const top = this.size - 1;
    for (let i = top; i > 0; i--) {
      if (i !== top && this.entryVisible(i)) break;
      if (this.flags(i) & 4) break;
      const production = this.u16[(this.datas[i - 1]! + HEAP_PRODUCTION_ID) >> 1]!;
      const index = this.structural[i]!;
      const field = index < fieldStride ? fields[production * fieldStride + index]! : 0;
      if (field) return field;
    }
    return 0;
  }
  firstChild(): boolean {
    for (;;) {
      const top = this.size - 1;
      const data = this.datas[top]!;
      if (!data || this.u32[(data + HEAP_CHILD_COUNT) >> 2] === 0) return false;
      const step = this.advance(0, 0, this.positions[top]!);
      if (step !== 2) return step === 1;
    }
  }
  /** ts_tree_cursor_goto_next_sibling: up through hidden parents until a later visible node is found. */
  nextSibling(): boolean {
    const initial = this.size;
    while (this.size > 1) {
      const popped = --this.size;
      // above a visible node (its parent), siblings are not looked for
      if (this.size + 1 < initial && this.entryVisible(popped)) break;
      const structural = this.structural[popped]! + (this.flags(popped) & 4 ? 0 : 1);
      const step = this.advance(this.childIndexes[popped]! + 1, structural, this.positions[popped]! + this.bytes(popped));
      if (step === 1) return true;
      if (step === 2) {
        this.firstChild();
        return true;
      }
    }
    this.size = initial;
    return false;
  }
  parent(): boolean {
    for (let i = this.size - 2; i >= 0; i--) {
      if (this.entryVisible(i)) {
        this.size = i + 1;
        return true;
      }
    }
    return false;
  }
  close(): void {
    // nothing was allocated in wasm
  }
}

/** What a walk meets, node after node, as numbers: to compare two walks of one tree. */
function record(w: Walker, limit: number): number[] {
  const out: number[] = [];
  try {
    for (let n = 0; n < limit; n++) {
      out.push(w.typeId(), w.start(), w.end(), w.field(), w.named() ? 1 : 0, w.missing() ? 1 : 0);
      if (w.firstChild()) continue;
      while (!w.nextSibling()) if (!w.parent()) return out;
    }
    return out;
  } finally {
    w.close();
  }
}

/**
 * Whether reading the memory walks `tree` as the cursor's wasm functions do: checked on the first tree of each
 * language (its first 5,000 nodes), so that a web-tree-sitter whose structures moved falls back to the slower walk.
 * The cursor walk runs first: its calls into wasm may grow the memory, which replaces the views a memory walk reads.
 */
function walksAlike(tree: Tree, address: number, tables: LanguageTables): boolean {
  const api = rawCursor();
  const expected = record(api ? new RawWalker(api, address) : new CursorWalker(tree), 5000);
  const heap = wasmHeap();
  if (!heap) return false;
  const got = record(new MemoryWalker(heap, address, tables), 5000);
  return got.length === expected.length && got.every((x, i) => x === expected[i]);
}

/** A walker over `tree` in the first of `mode` and the modes after it that this build of web-tree-sitter allows. */
export function openWalker(tree: Tree, mode: WalkMode = 'memory'): Walker {
  const address = addressOf(tree);
  if (typeof address !== 'number' || address <= 0 || mode === 'cursor') return new CursorWalker(tree);
  if (mode === 'memory') {
    const heap = wasmHeap();
    const language = tree.language;
    const at = addressOf(language);
    if (heap && typeof at === 'number' && heap.u32[(address + TREE_LANGUAGE) >> 2] === at) {
      let tables = tablesByLanguage.get(at);
      if (tables === undefined) {
        tables = readTables(heap, language, at);
        if (tables && !walksAlike(tree, address, tables)) tables = null;
        tablesByLanguage.set(at, tables);
      }
      // the check's walks called into wasm: the views may have been replaced
      const current = wasmHeap();
      if (tables && current) return new MemoryWalker(current, address, tables);
    }
  }
  const api = rawCursor();
  return api ? new RawWalker(api, address) : new CursorWalker(tree);
}
