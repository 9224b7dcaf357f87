import type { Loc, Position, Range } from './types';

/** Maps offsets to 0-based line/UTF-16 column positions for one text (built once per parse). */
export class LineIndex {
  private readonly starts: number[] = [0];
  /** The line of the last lookup: frontends ask in source order, so the next answer is usually on it or the next. */
  private last = 0;
  private lineBreak: string | undefined;

  constructor(readonly text: string) {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) this.starts.push(i + 1);
      else if (c === 13 && text.charCodeAt(i + 1) !== 10) this.starts.push(i + 1);
    }
  }

  position(offset: number): Position {
    const o = Math.max(0, Math.min(offset, this.text.length));
    const starts = this.starts;
    for (let l = this.last; l <= this.last + 1 && l < starts.length; l++) {
      if (starts[l]! <= o && (l + 1 === starts.length || starts[l + 1]! > o)) {
        this.last = l;
        return { line: l, character: o - starts[l]! };
      }
    }
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= o) lo = mid;
      else hi = mid - 1;
    }
    this.last = lo;
    return { line: lo, character: o - starts[lo]! };
  }

  offset(pos: Position): number {
    const start = this.starts[Math.max(0, Math.min(pos.line, this.starts.length - 1))]!;
    return Math.min(start + pos.character, this.text.length);
  }

  /** The line break the text uses (`eol`), found once. */
  get eol(): string {
    return (this.lineBreak ??= eol(this.text));
  }

  lineCount(): number {
    return this.starts.length;
  }

  lineStart(line: number): number {
    return this.starts[Math.max(0, Math.min(line, this.starts.length - 1))]!;
  }

  /** The text of a line without its line break. */
  lineText(line: number): string {
    const s = this.lineStart(line);
    const e = line + 1 < this.starts.length ? this.starts[line + 1]! : this.text.length;
    return this.text.slice(s, e).replace(/\r?\n$|\r$/, '');
  }

  range(start: number, end: number): Range {
    return { start: this.position(start), end: this.position(end) };
  }

  loc(file: string, start: number, end: number): Loc {
    return new LazyLoc(file, start, end, this);
  }
}

/**
 * A `Loc` whose line/column range is computed when first read: most values' ranges never are, and building them all
 * cost 5 to 10% of lowering. The range and the line index are not own properties: `toJSON` gives the plain `Loc`
 * (JSON output, snapshots), and `plainLocs` makes a report safe to post to another thread.
 */
class LazyLoc implements Loc {
  #lines: LineIndex;
  #range: Range | undefined;

  constructor(
    readonly file: string,
    readonly start: number,
    readonly end: number,
    lines: LineIndex,
  ) {
    this.#lines = lines;
  }

  get range(): Range {
    return (this.#range ??= this.#lines.range(this.start, this.end));
  }

  toJSON(): Loc {
    return { file: this.file, start: this.start, end: this.end, range: this.range };
  }
}

/**
 * Replaces, in place, every lazy `Loc` reachable from `root` by its plain form: a structured clone (`postMessage`)
 * copies own properties only, and would lose the ranges.
 */
export function plainLocs<T>(root: T): T {
  const stack: unknown[] = [root];
  const seen = new Set<unknown>();
  while (stack.length) {
    const o = stack.pop();
    if (typeof o !== 'object' || o === null || seen.has(o)) continue;
    seen.add(o);
    const rec = o as Record<string, unknown>;
    for (const k of Object.keys(rec)) {
      const v = rec[k];
      if (v instanceof LazyLoc) rec[k] = v.toJSON();
      else if (typeof v === 'object' && v !== null) stack.push(v);
    }
  }
  return root;
}

/** Hidden on a file model (JSON, snapshots and structured clones do not see it); a WeakMap entry per parse costs GC. */
const LINES = Symbol('line index');

/**
 * The line index of a file model's text, built once per model: its frontend and the renderers, which ask once per
 * fix, share it (building one scans the whole text; a file with 60,000 findings took minutes).
 */
export function lineIndexOf(file: { readonly text: string }): LineIndex {
  const kept = (file as { [LINES]?: LineIndex })[LINES];
  if (kept && kept.text === file.text) return kept;
  const index = new LineIndex(file.text);
  Object.defineProperty(file, LINES, { value: index, writable: true, configurable: true, enumerable: false });
  return index;
}

/**
 * The first index in 0..count for which `after(i)` holds, where it holds for every index from some point on (a binary
 * search over sorted things: siblings by position, resources by start); `count` if none.
 */
export function firstIndexWhere(count: number, after: (i: number) => boolean): number {
  let lo = 0;
  let hi = count;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (after(mid)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** The leading whitespace of the line containing `offset`. */
export function indentAt(text: string, offset: number): string {
  let s = offset;
  while (s > 0 && text[s - 1] !== '\n' && text[s - 1] !== '\r') s--;
  let e = s;
  while (e < text.length && (text[e] === ' ' || text[e] === '\t')) e++;
  return text.slice(s, e);
}

/** The line break the text uses (CRLF files keep CRLF in fixes). */
export function eol(text: string): string {
  return text.includes('\r\n') ? '\r\n' : '\n';
}

/** One edit: `before.slice(start, oldEnd)` became `after.slice(start, newEnd)`. */
export interface TextChange {
  start: number;
  oldEnd: number;
  newEnd: number;
}

/** The single edit turning `before` into `after`: their common prefix and suffix are untouched. */
export function changedSpan(before: string, after: string): TextChange {
  const max = Math.min(before.length, after.length);
  let start = 0;
  while (start < max && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  let tail = 0;
  while (tail < max - start && before.charCodeAt(before.length - 1 - tail) === after.charCodeAt(after.length - 1 - tail)) tail++;
  return { start, oldEnd: before.length - tail, newEnd: after.length - tail };
}
