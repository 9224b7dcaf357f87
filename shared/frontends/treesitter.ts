import * as fs from 'node:fs';
import * as path from 'node:path';
import { Language as TsLanguage, Parser } from 'web-tree-sitter';

/**
 * Loads web-tree-sitter and the grammars once. The `.wasm` files sit next to the bundle in `out/`
 * (copied by scripts/build.mjs); when running from source (tests) they come from node_modules.
 */
const WASM: Record<string, string[]> = {
  'web-tree-sitter.wasm': ['web-tree-sitter/web-tree-sitter.wasm'],
  'tree-sitter-terraform.wasm': ['@tree-sitter-grammars/tree-sitter-hcl/tree-sitter-terraform.wasm'],
  'tree-sitter-python.wasm': ['tree-sitter-python/tree-sitter-python.wasm'],
};

function locate(file: string): string {
  const beside = path.join(__dirname, file);
  if (fs.existsSync(beside)) return beside;
  for (const candidate of WASM[file] ?? []) {
    try {
      return require.resolve(candidate);
    } catch {
      // try the next candidate
    }
  }
  return beside;
}

export type GrammarName = 'terraform' | 'python';

let initPromise: Promise<void> | undefined;
const languages = new Map<GrammarName, TsLanguage>();

/** Must be awaited once before any tree-sitter frontend parses. Safe to call many times. */
export function initTreeSitter(): Promise<void> {
  initPromise ??= (async () => {
    // Emscripten builds its module on the options object it is given: keep it for `rawCursor()` and `wasmHeap()`.
    const options: Record<string, unknown> = { locateFile: (f: string) => locate(f) };
    await Parser.init(options);
    moduleObject = options;
    const [tf, py] = await Promise.all([
      TsLanguage.load(fs.readFileSync(locate('tree-sitter-terraform.wasm'))),
      TsLanguage.load(fs.readFileSync(locate('tree-sitter-python.wasm'))),
    ]);
    languages.set('terraform', tf);
    languages.set('python', py);
  })();
  return initPromise;
}

/**
 * The tree cursor functions of web-tree-sitter's wasm module, called directly. Each takes the tree's address and
 * works on the cursor kept in the module's transfer buffer, so a walk that calls nothing else in between needs none
 * of the per-call marshalling the `TreeCursor` class does (four `setValue`s and often four `getValue`s per call).
 */
export interface RawCursor {
  _ts_tree_root_node_wasm(tree: number): void;
  _ts_tree_cursor_new_wasm(tree: number): void;
  _ts_tree_cursor_delete_wasm(tree: number): void;
  _ts_tree_cursor_goto_first_child_wasm(tree: number): number;
  _ts_tree_cursor_goto_next_sibling_wasm(tree: number): number;
  _ts_tree_cursor_goto_parent_wasm(tree: number): number;
  _ts_tree_cursor_current_node_type_id_wasm(tree: number): number;
  _ts_tree_cursor_current_node_is_named_wasm(tree: number): number;
  _ts_tree_cursor_current_node_is_missing_wasm(tree: number): number;
  _ts_tree_cursor_start_index_wasm(tree: number): number;
  _ts_tree_cursor_end_index_wasm(tree: number): number;
  _ts_tree_cursor_current_field_id_wasm(tree: number): number;
}

const RAW_CURSOR_FUNCTIONS: (keyof RawCursor)[] = [
  '_ts_tree_root_node_wasm',
  '_ts_tree_cursor_new_wasm',
  '_ts_tree_cursor_delete_wasm',
  '_ts_tree_cursor_goto_first_child_wasm',
  '_ts_tree_cursor_goto_next_sibling_wasm',
  '_ts_tree_cursor_goto_parent_wasm',
  '_ts_tree_cursor_current_node_type_id_wasm',
  '_ts_tree_cursor_current_node_is_named_wasm',
  '_ts_tree_cursor_current_node_is_missing_wasm',
  '_ts_tree_cursor_start_index_wasm',
  '_ts_tree_cursor_end_index_wasm',
  '_ts_tree_cursor_current_field_id_wasm',
];

let moduleObject: Record<string, unknown> | undefined;
let rawCursorApi: RawCursor | null | undefined;

/** The raw cursor functions, or undefined when this build of web-tree-sitter does not expose them (use `TreeCursor`). */
export function rawCursor(): RawCursor | undefined {
  if (rawCursorApi === undefined && moduleObject) {
    const m = moduleObject;
    rawCursorApi = RAW_CURSOR_FUNCTIONS.every((f) => typeof m[f] === 'function') ? (m as unknown as RawCursor) : null;
  }
  return rawCursorApi ?? undefined;
}

/** Views of web-tree-sitter's wasm memory. */
export interface WasmHeap {
  u8: Uint8Array;
  u16: Uint16Array;
  u32: Uint32Array;
}

/**
 * The current views of the wasm memory (Emscripten replaces them when the memory grows: ask again after any call into
 * wasm), or undefined when this build does not export them.
 */
export function wasmHeap(): WasmHeap | undefined {
  const m = moduleObject;
  if (!m) return undefined;
  const [u8, u16, u32] = [m.HEAPU8, m.HEAPU16, m.HEAPU32];
  return u8 instanceof Uint8Array && u16 instanceof Uint16Array && u32 instanceof Uint32Array ? { u8, u16, u32 } : undefined;
}

const parsers = new Map<GrammarName, Parser>();

/** A parser for the grammar; throws if initTreeSitter() has not completed. */
export function parserFor(grammar: GrammarName): Parser {
  let p = parsers.get(grammar);
  if (!p) {
    const lang = languages.get(grammar);
    if (!lang) throw new Error('tree-sitter is not initialised: await initTreeSitter() first');
    p = new Parser();
    p.setLanguage(lang);
    parsers.set(grammar, p);
  }
  return p;
}
