import type { Edit, Language, Tree } from 'web-tree-sitter';
import { changedSpan, firstIndexWhere } from '../model/text';
import { copyTree, type CopySink, type WalkMode } from './tree-walkers';
import { parserFor, type GrammarName } from './treesitter';

/**
 * A tree-sitter syntax tree copied into plain JavaScript objects in one pass (`copyTree`), then freed.
 *
 * Every property of a web-tree-sitter `Node` (`type`, `text`, `children`, `childForFieldName`...) crosses into wasm
 * and allocates a fresh wrapper, which made the lowering of the tree-sitter frontends cost several times the parse.
 * `SyntaxNode` offers the subset of the `Node` API the frontends use, with the same meaning, at the cost of a property
 * read: children, fields and parents are plain references, `text` is a slice of the source, cached.
 */
export interface Point {
  row: number;
  column: number;
}

const NO_NODES: readonly SyntaxNode[] = Object.freeze([]);

/** Unique across trees, so maps keyed by `id` never mix nodes of two parses. */
let nextId = 1;

/** The names of a language's node types and fields, internalized (see `namesOf`); `ERROR` is the last type. */
interface Names {
  types: readonly string[];
  fields: readonly (string | null)[];
  fieldIds: ReadonlyMap<string, number>;
  error: number;
}

/** A text and its line table, built on first use. */
class Lines {
  private newlines: number[] | undefined;

  constructor(readonly text: string) {}

  /** tree-sitter's point: rows count `\n` only, columns are UTF-16 code units from the line start. */
  point(index: number): Point {
    let nl = this.newlines;
    if (!nl) {
      nl = [];
      for (let i = this.text.indexOf('\n'); i >= 0; i = this.text.indexOf('\n', i + 1)) nl.push(i);
      this.newlines = nl;
    }
    // the number of newlines before `index`
    let lo = 0;
    let hi = nl.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (nl[mid]! < index) lo = mid + 1;
      else hi = mid;
    }
    return { row: lo, column: lo === 0 ? index : index - nl[lo - 1]! - 1 };
  }
}

/** The text, line table and names one tree's nodes share. */
class Source extends Lines {
  constructor(
    text: string,
    readonly names: Names,
  ) {
    super(text);
  }
}

// A node's bits: three flags, then its field's id (10 bits), then its type's index in `Names.types`.
const NAMED = 1;
const MISSING = 2;
const HAS_ERROR = 4;
const FIELD_SHIFT = 3;
const FIELD_MASK = 0x3ff;
const TYPE_SHIFT = 13;

/**
 * Few fields on purpose: a tree has tens of thousands of nodes, alive while its file is lowered, and every young
 * generation collection meanwhile copies them. Node does not compress pointers: each field costs 8 bytes. So the
 * type, the field and the flags share one, and a node's index in its parent is searched.
 */
export class SyntaxNode {
  readonly id = nextId++;
  parent: SyntaxNode | null = null;
  /** All children, named and anonymous, extras (comments) included, in source order. */
  children: readonly SyntaxNode[] = NO_NODES;
  private bits: number;
  private cachedText: string | undefined = undefined;
  private cachedNamed: readonly SyntaxNode[] | undefined = undefined;

  constructor(
    private readonly source: Source,
    type: number,
    isNamed: boolean,
    isMissing: boolean,
    readonly startIndex: number,
    readonly endIndex: number,
  ) {
    this.bits =
      (type << TYPE_SHIFT) | (isNamed ? NAMED : 0) | (isMissing ? MISSING | HAS_ERROR : 0) | (type === source.names.error ? HAS_ERROR : 0);
  }

  get type(): string {
    return this.source.names.types[this.bits >>> TYPE_SHIFT]!;
  }

  /** The field this node fills in its parent (`left`, `body`...), if any. */
  get fieldName(): string | undefined {
    const field = (this.bits >>> FIELD_SHIFT) & FIELD_MASK;
    return field ? (this.source.names.fields[field] ?? undefined) : undefined;
  }

  /** @internal Set by `toSyntaxTree`. */
  setField(field: number): void {
    this.bits |= (field & FIELD_MASK) << FIELD_SHIFT;
  }

  get isNamed(): boolean {
    return (this.bits & NAMED) !== 0;
  }

  get isMissing(): boolean {
    return (this.bits & MISSING) !== 0;
  }

  /** Some node of this subtree is an ERROR or MISSING node. */
  get hasError(): boolean {
    return (this.bits & HAS_ERROR) !== 0;
  }

  get isError(): boolean {
    return this.bits >>> TYPE_SHIFT === this.source.names.error;
  }

  get text(): string {
    return (this.cachedText ??= this.source.text.slice(this.startIndex, this.endIndex));
  }

  get startPosition(): Point {
    return this.source.point(this.startIndex);
  }

  get endPosition(): Point {
    return this.source.point(this.endIndex);
  }

  get namedChildren(): readonly SyntaxNode[] {
    if (this.cachedNamed === undefined) {
      const cs = this.children;
      let all = true;
      for (const c of cs) if (!c.isNamed) all = false;
      this.cachedNamed = all ? cs : cs.filter((c) => c.isNamed);
    }
    return this.cachedNamed;
  }

  get childCount(): number {
    return this.children.length;
  }

  get namedChildCount(): number {
    return this.namedChildren.length;
  }

  child(i: number): SyntaxNode | null {
    return this.children[i] ?? null;
  }

  namedChild(i: number): SyntaxNode | null {
    return this.namedChildren[i] ?? null;
  }

  get firstChild(): SyntaxNode | null {
    return this.children[0] ?? null;
  }

  get lastChild(): SyntaxNode | null {
    return this.children[this.children.length - 1] ?? null;
  }

  get firstNamedChild(): SyntaxNode | null {
    return this.namedChildren[0] ?? null;
  }

  get lastNamedChild(): SyntaxNode | null {
    const n = this.namedChildren;
    return n[n.length - 1] ?? null;
  }

  /** The first child that fills `field`, or null. */
  childForFieldName(field: string): SyntaxNode | null {
    const id = this.source.names.fieldIds.get(field);
    if (id) for (const c of this.children) if (((c.bits >>> FIELD_SHIFT) & FIELD_MASK) === id) return c;
    return null;
  }

  /** Every child that fills `field`, in order. */
  childrenForFieldName(field: string): SyntaxNode[] {
    const id = this.source.names.fieldIds.get(field);
    const out: SyntaxNode[] = [];
    if (id) for (const c of this.children) if (((c.bits >>> FIELD_SHIFT) & FIELD_MASK) === id) out.push(c);
    return out;
  }

  /** As tree-sitter's: the first later node of the parent that ends after this one (empty nodes there are skipped). */
  get nextSibling(): SyntaxNode | null {
    return this.next(true);
  }

  get previousSibling(): SyntaxNode | null {
    return this.parent?.children[this.indexInParent() - 1] ?? null;
  }

  private indexInParent(): number {
    return this.parent ? this.parent.children.indexOf(this) : 0;
  }

  get nextNamedSibling(): SyntaxNode | null {
    return this.next(false);
  }

  /** tree-sitter's `ts_node__next_sibling` on the visible tree. */
  private next(anonymous: boolean): SyntaxNode | null {
    const start = this.startIndex;
    const end = this.endIndex;
    const empty = start === end;
    let node = this.parent;
    let later: SyntaxNode | null = null;
    while (node) {
      let laterChild: SyntaxNode | null = null;
      let containing: SyntaxNode | null = null;
      for (const c of node.children) {
        if (c.endIndex <= end) continue;
        if (empty ? c.startIndex < start : c.startIndex <= start) {
          if (c !== this) containing = c;
        } else if (anonymous || c.isNamed) {
          laterChild = c;
          break;
        } else if (c.children.length > 0 && c.namedChildren.length > 0) {
          laterChild = c;
          break;
        }
      }
      if (containing) {
        if (laterChild && (anonymous || laterChild.isNamed)) later = laterChild;
        node = containing;
      } else if (laterChild && (anonymous || laterChild.isNamed)) return laterChild;
      else if (laterChild) node = laterChild;
      else return later;
    }
    return null;
  }

  get previousNamedSibling(): SyntaxNode | null {
    const sibs = this.parent?.children;
    if (!sibs) return null;
    for (let i = this.indexInParent() - 1; i >= 0; i--) if (sibs[i]!.isNamed) return sibs[i]!;
    return null;
  }

  /** The smallest node (named or not) that spans `start..end`, as web-tree-sitter's `descendantForIndex`. */
  descendantForIndex(start: number, end = start): SyntaxNode {
    return descendantFor(this, start, end);
  }

  /** @internal Links the children built by `toSyntaxTree`. */
  setChildren(children: SyntaxNode[]): void {
    this.children = children;
    let err = 0;
    for (let i = 0; i < children.length; i++) {
      const c = children[i]!;
      c.parent = this;
      err |= c.bits;
    }
    this.bits |= err & HAS_ERROR;
  }
}

/**
 * Whether `node`, met after `outer` in a pre-order walk (as in `SyntaxExtras.gathered`), lies in `outer`'s subtree:
 * nodes after that subtree start where it ends or later. Only an empty node right at its end needs its ancestors.
 */
export function encloses(outer: SyntaxNode, node: SyntaxNode): boolean {
  if (node.startIndex !== outer.endIndex || node.endIndex !== node.startIndex) return node.startIndex < outer.endIndex;
  for (let a = node.parent; a; a = a.parent) if (a === outer) return true;
  return false;
}

/**
 * The index of the first of `nodes` that ends at or after `offset` (`nodes.length` if none): a binary search, as
 * siblings are in source order and do not overlap. A file's root may have 100,000 children.
 */
export function firstEndingAtOrAfter(nodes: readonly { readonly endIndex: number }[], offset: number): number {
  return firstIndexWhere(nodes.length, (i) => nodes[i]!.endIndex >= offset);
}

function descendantFor(root: SyntaxNode, start: number, end: number): SyntaxNode {
  let node = root;
  for (;;) {
    let next: SyntaxNode | undefined;
    const cs = node.children;
    for (let i = firstEndingAtOrAfter(cs, end); i < cs.length; i++) {
      const c = cs[i]!;
      if (c.startIndex === c.endIndex ? c.endIndex < start : c.endIndex <= start) continue;
      if (start < c.startIndex) break;
      next = c;
      break;
    }
    if (!next) return node;
    node = next;
  }
}

/**
 * Per language: its type and field names, internalized. web-tree-sitter decodes them from wasm memory into strings V8
 * does not internalize, and every `node.type === 'call'` in the frontends then compared characters, not pointers:
 * Python's sorting of 2,000 gathered nodes per 1,000 lines took 0.3 us a node.
 */
const namesByLanguage = new WeakMap<Language, Names>();

function namesOf(language: Language): Names {
  let names = namesByLanguage.get(language);
  if (!names) {
    // a property key is internalized
    const internalized = <T extends string | null | undefined>(all: readonly T[]): T[] =>
      all.map((name) => (typeof name === 'string' ? (Object.keys({ [name]: 0 })[0] as T) : name));
    const types = internalized(language.types);
    const fields = internalized(language.fields);
    if (fields.length > FIELD_MASK + 1) throw new Error(`${fields.length} fields: at most ${FIELD_MASK + 1} fit in a node`);
    const fieldIds = new Map<string, number>();
    fields.forEach((f, id) => {
      if (f && !fieldIds.has(f)) fieldIds.set(f, id);
    });
    names = { types: [...types, 'ERROR'], fields, fieldIds, error: types.length };
    namesByLanguage.set(language, names);
  }
  return names;
}

/** What the copy met on its way, in source order (pre-order): a frontend needs no walk of its own to find them. */
export interface SyntaxExtras {
  /** Comments outside ERROR regions. */
  comments: SyntaxNode[];
  /** ERROR and MISSING nodes outside ERROR regions. */
  problems: SyntaxNode[];
  /** The nodes of the types the frontend asked for (`gather`), ERROR regions included. */
  gathered: SyntaxNode[];
}

/** Per set of gathered types, per language: a flag per type id (65536: the ERROR symbol's id is 65535). */
const gatheredIds = new WeakMap<ReadonlySet<string>, Map<Language, Uint8Array>>();
const GATHER_NOTHING = new Uint8Array(65536);

function gatheredIdsFor(language: Language, gather: ReadonlySet<string> | undefined): Uint8Array {
  if (!gather) return GATHER_NOTHING;
  let byLanguage = gatheredIds.get(gather);
  if (!byLanguage) gatheredIds.set(gather, (byLanguage = new Map()));
  let ids = byLanguage.get(language);
  if (!ids) {
    ids = new Uint8Array(65536);
    language.types.forEach((type, id) => {
      if (gather.has(type)) ids![id] = 1;
    });
    if (gather.has('ERROR')) ids[65535] = 1;
    byLanguage.set(language, ids);
  }
  return ids;
}

/** Hidden on the root, as `TREE` below: a WeakMap entry per parse costs the garbage collector (ephemerons). */
const EXTRAS = Symbol('syntax extras');

/** The extras of a tree copied by `toSyntaxTree` (undefined for any other node): no walk needed to find them. */
export function syntaxExtras(root: SyntaxNode): SyntaxExtras | undefined {
  return (root as { [EXTRAS]?: SyntaxExtras })[EXTRAS];
}

/**
 * Copies a web-tree-sitter tree parsed from `text` into `SyntaxNode`s; the tree may be deleted afterwards. `gather`:
 * the node types to list in the root's extras. `mode`: how the tree is walked (see `WalkMode`; tests compare them).
 */
export function toSyntaxTree(tree: Tree, text: string, gather?: ReadonlySet<string>, mode: WalkMode = 'memory'): SyntaxNode {
  const builder = new TreeBuilder(tree.language, text, gather);
  copyTree(tree, builder, mode);
  return builder.root!;
}

/**
 * Builds the `SyntaxNode`s a copy tells it of, without recursion (tree-sitter builds arbitrarily deep trees): the open
 * nodes, and per depth a scratch array of the children told so far. A node gets an exact copy: an array grown by
 * push() holds 17 slots or more.
 */
class TreeBuilder implements CopySink {
  root: SyntaxNode | undefined;
  private readonly source: Source;
  private readonly wanted: Uint8Array;
  private readonly extras: SyntaxExtras = { comments: [], problems: [], gathered: [] };
  private last: SyntaxNode | undefined;
  private readonly opened: SyntaxNode[] = [];
  private readonly scratch: SyntaxNode[][] = [];
  private readonly counts: number[] = [];
  /** The number of open ERROR nodes: what lies inside one is not reported again. */
  private inError = 0;

  constructor(language: Language, text: string, gather: ReadonlySet<string> | undefined) {
    this.source = new Source(text, namesOf(language));
    this.wanted = gatheredIdsFor(language, gather);
  }

  node(typeId: number, start: number, end: number, named: boolean, missing: boolean, field: number): void {
    const names = this.source.names;
    // the ERROR symbol (65535), and any id without a name, are ERROR
    const type = typeId < names.error && names.types[typeId] ? typeId : names.error;
    const n = new SyntaxNode(this.source, type, named, missing, start, end);
    if (field) n.setField(field);
    const extras = this.extras;
    if (this.wanted[typeId]) extras.gathered.push(n);
    this.last = n;
    if (!this.root) {
      this.root = n;
      Object.defineProperty(n, EXTRAS, { value: extras, enumerable: false });
      if (n.isError) extras.problems.push(n);
      return;
    }
    const depth = this.opened.length - 1;
    this.scratch[depth]![this.counts[depth]!++] = n;
    if (this.inError === 0) {
      if (n.hasError)
        extras.problems.push(n); // only ERROR and MISSING nodes have it set yet
      else if (n.type === 'comment') extras.comments.push(n);
    }
  }

  open(): void {
    const n = this.last!;
    this.opened.push(n);
    if (this.scratch.length < this.opened.length) this.scratch.push([]);
    this.counts[this.opened.length - 1] = 0;
    if (n.isError) this.inError++;
  }

  close(): void {
    const done = this.opened.pop()!;
    const depth = this.opened.length;
    if (this.counts[depth]) done.setChildren(this.scratch[depth]!.slice(0, this.counts[depth]));
    if (done.isError) this.inError--;
  }
}

/** The last tree of each file, kept only where files are parsed again after small edits (the language server). */
const lastTrees = new Map<string, { grammar: GrammarName; text: string; tree: Tree }>();
let keepTrees = 0;
/** A kept tree costs wasm memory several times its text: larger files are parsed afresh each time. */
const KEEP_MAX_CHARS = 1_000_000;

/**
 * Keep the wasm trees of the `n` files parsed last, so that the next parse of one of them reuses it (tree-sitter's
 * incremental parsing: after an edit, only the changed region is parsed again). 0 (the default, right for one-shot
 * audits) keeps none.
 */
export function keepTreesForIncrementalParsing(n: number): void {
  keepTrees = n;
  while (lastTrees.size > keepTrees) dropOldestTree();
}

/** Frees the kept trees of `file` (its own and those of its salvage passes): it was closed. */
export function forgetTrees(file: string): void {
  for (const [key, entry] of lastTrees) {
    if (key === file || key.startsWith(file + '\0')) {
      lastTrees.delete(key);
      entry.tree.delete();
    }
  }
}

/** How many wasm trees are kept, for the server's status. */
export function keptTreeCount(): number {
  return lastTrees.size;
}

function dropOldestTree(): void {
  const [file, entry] = lastTrees.entries().next().value!;
  lastTrees.delete(file);
  entry.tree.delete();
}

/** The single edit turning `before` into `after`, as tree-sitter wants it. */
function editBetween(before: string, after: string): Edit {
  const { start, oldEnd, newEnd } = changedSpan(before, after);
  const oldSource = new Lines(before);
  return {
    startIndex: start,
    oldEndIndex: oldEnd,
    newEndIndex: newEnd,
    startPosition: oldSource.point(start),
    oldEndPosition: oldSource.point(oldEnd),
    newEndPosition: new Lines(after).point(newEnd),
  } as Edit;
}

/** Thrown when tree-sitter is still parsing at the end of its budget. */
export class ParseTimeout extends Error {}

/**
 * CPU time allowed to one parse: 1.5 s plus 1 ms per KB (a 10 MB file gets 11.5 s; normal parses take ~0.3 ms per
 * KB, 1 MB of random bytes ~1.1 s). Some garbage makes tree-sitter's error recovery superlinear: 25 KB of leading
 * blanks, an emoji and quotes took 1.7 s to 4 s. CPU time, not wall time: a loaded machine must not turn a slow parse
 * into a timeout.
 */
function parseBudgetMs(text: string): number {
  return 1500 + text.length / 1000;
}

/** How often a parse reads the CPU clock, in wall-clock milliseconds: a parse stops at most this late. */
const CLOCK_READ_MS = 20;

/** CPU milliseconds of this thread where Node has `process.threadCpuUsage` (newer releases), else of the process. */
const cpuMs: () => number = (() => {
  const thread = (process as { threadCpuUsage?: () => NodeJS.CpuUsage }).threadCpuUsage;
  const usage = thread ? () => thread.call(process) : () => process.cpuUsage();
  return () => {
    const u = usage();
    return (u.user + u.system) / 1000;
  };
})();

/**
 * Parses `text` and returns the root of its plain copy; undefined if tree-sitter gives up, `ParseTimeout` if it runs
 * out of time. With `file`, and when trees are kept, the file's previous tree makes this an incremental parse.
 * `gather`: node types to list in the root's `syntaxExtras`.
 */
export function parseSyntaxTree(grammar: GrammarName, text: string, file?: string, gather?: ReadonlySet<string>): SyntaxNode | undefined {
  const last = file !== undefined && keepTrees > 0 ? lastTrees.get(file) : undefined;
  let base: Tree | undefined;
  if (last) {
    lastTrees.delete(file!);
    if (last.grammar === grammar) {
      last.tree.edit(editBetween(last.text, text));
      base = last.tree;
    }
  }
  let tree: Tree | null;
  const budget = parseBudgetMs(text);
  const deadline = cpuMs() + budget;
  const parser = parserFor(grammar);
  let calls = 0;
  let nextRead = performance.now() + CLOCK_READ_MS;
  // called every 100 parse operations (700 times per 1,000 lines); the CPU clock is a system call (reading it every 64th
  // call still cost 2% of a Terraform parse): it is read once per CLOCK_READ_MS of wall time, after a cheap wall clock
  const outOfTime = (): boolean => {
    if ((++calls & 63) !== 0) return false;
    const now = performance.now();
    if (now < nextRead) return false;
    nextRead = now + CLOCK_READ_MS;
    return cpuMs() > deadline;
  };
  try {
    tree = parser.parse(text, base, { progressCallback: outOfTime });
  } finally {
    last?.tree.delete();
  }
  if (!tree && cpuMs() > deadline) {
    // A cancelled parser resumes where it stopped on its next call, whatever the text: start afresh.
    parser.reset();
    throw new ParseTimeout(`tree-sitter was still parsing this file after ${Math.round(budget)} ms of CPU time and was stopped`);
  }
  if (!tree) return undefined;
  let kept = false;
  try {
    const root = toSyntaxTree(tree, text, gather);
    if (file !== undefined && keepTrees > 0 && text.length <= KEEP_MAX_CHARS) {
      lastTrees.set(file, { grammar, text, tree });
      kept = true;
      if (lastTrees.size > keepTrees) dropOldestTree();
    }
    return root;
  } finally {
    if (!kept) tree.delete();
  }
}

interface OwnedTree {
  grammar: GrammarName;
  text: string;
  root: SyntaxNode | undefined;
}

/**
 * Where an owner keeps its tree: a hidden property (not enumerable: JSON, snapshots and structured clones do not see
 * it). A WeakMap cost 20% of the Terraform frontend's time in garbage collection (ephemerons), this nothing.
 */
const TREE = Symbol('syntax tree');

function ownTree(owner: object, tree: OwnedTree): void {
  Object.defineProperty(owner, TREE, { value: tree, writable: true, configurable: true, enumerable: false });
}

/**
 * Keeps `root`, the tree a frontend lowered `owner` (a `FileModel`) from, for `cachedSyntaxTree`: rendering the
 * file's fixes then needs no second parse (it was a third of the time of auditing a Terraform or Python file).
 */
export function rememberSyntaxTree(owner: object, grammar: GrammarName, text: string, root: SyntaxNode): void {
  // Not in the editor (where trees are kept for incremental parsing): there a model lives until the next keystroke,
  // and its tree with it, old enough to be promoted (didChange on a 1,000-line Terraform file went from 12 to 14.5 ms).
  if (keepTrees > 0) return;
  ownTree(owner, { grammar, text, root });
}

/**
 * The syntax tree of `text`, parsed once per owner (a `FileModel`) unless its frontend remembered it: a renderer
 * turning each of a file's fixes into edits would otherwise parse the file once per fix. The tree lives as long as
 * the owner.
 */
export function cachedSyntaxTree(owner: object, grammar: GrammarName, text: string): SyntaxNode | undefined {
  const hit = (owner as { [TREE]?: OwnedTree })[TREE];
  if (hit && hit.grammar === grammar && hit.text === text) return hit.root;
  let root: SyntaxNode | undefined;
  try {
    root = parseSyntaxTree(grammar, text);
  } catch (e) {
    if (!(e instanceof ParseTimeout)) throw e;
  }
  ownTree(owner, { grammar, text, root });
  return root;
}
