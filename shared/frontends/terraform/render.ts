import { cachedSyntaxTree, type SyntaxNode as Node } from '../syntax-tree';
import { indentAt, lineIndexOf, type LineIndex } from '../../model/text';
import type { FileModel, FixIntent, FixValue, ObjectValue, Property, Resource, TextEdit, Value } from '../../model/types';

/** Escapes text for the inside of an HCL quoted string (template sequences included). */
function escapeInner(s: string): string {
  return s
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/\n/g, '\\n')
    .replace(/\r/g, '\\r')
    .replace(/\t/g, '\\t')
    .replace(/([$%])\{/g, (_, c: string) => `${c}${c}{`);
}

function renderValue(v: FixValue): string | undefined {
  if (v.kind === 'expr') return v.terraform;
  return typeof v.value === 'string' ? `"${escapeInner(v.value)}"` : String(v.value);
}

const IDENTIFIER = /^[\p{ID_Start}_][\p{ID_Continue}-]*$/u;

/** Renders a fix intent as edits of a Terraform file; undefined when it cannot be expressed there. */
export function renderTerraform(intent: FixIntent, file: FileModel): TextEdit[] | undefined {
  try {
    return new Renderer(file).render(intent);
  } catch {
    return undefined;
  }
}

class Renderer {
  private readonly text: string;
  private readonly index: LineIndex;
  private readonly nl: string;

  constructor(private readonly file: FileModel) {
    this.text = file.text;
    this.index = lineIndexOf(file);
    this.nl = this.index.eol;
  }

  render(intent: FixIntent): TextEdit[] | undefined {
    switch (intent.kind) {
      case 'setProperty': {
        const value = renderValue(intent.value);
        return value === undefined ? undefined : this.setProperty(intent.target, intent.key, value);
      }
      case 'removeProperty':
        return this.removeProperty(intent.property);
      case 'replaceValue': {
        const value = renderValue(intent.with);
        if (value === undefined || this.isBlockBody(intent.value)) return undefined;
        return [this.edit(intent.value.loc.start, intent.value.loc.end, value)];
      }
      case 'renameKey':
        return this.renameKey(intent.property, intent.newKey);
      case 'appendToString':
        return this.appendToString(intent.value, intent.suffix, intent.separator);
      case 'wrapOutputString':
        return undefined;
      case 'renameType': {
        const at = intent.resource.typeLoc;
        return at && [this.edit(at.start, at.end, intent.name)];
      }
      case 'addResource':
        return this.addResource(intent.after, intent.type, intent.name, intent.args, intent.data);
      case 'addListItem':
        return this.addListItem(intent.property, intent.value, intent.fields);
      case 'addBlock':
        return this.addBlock(intent.target, intent.key, intent.fields);
    }
  }

  /** One more repeated block after the last one, or one more element at the end of a list expression. */
  private addListItem(prop: Property, value: FixValue | undefined, fields: Record<string, FixValue> | undefined): TextEdit[] | undefined {
    const list = prop.value;
    if (fields) {
      const items = list.kind === 'list' ? list.items : [list];
      const last = items[items.length - 1];
      if (!prop.block || !last || this.text[last.loc.end - 1] !== '}') return undefined;
      const indent = indentAt(this.text, prop.loc.start);
      const entries = Object.entries(fields).map(([k, v]) => [this.keyText(k), renderValue(v)] as const);
      if (entries.some(([, v]) => v === undefined)) return undefined;
      const width = Math.max(0, ...entries.map(([k]) => k.length));
      const unit = this.indentUnit(list.kind === 'object' ? list : (last as ObjectValue), indent);
      const body = entries.map(([k, v]) => `${indent}${unit}${k.padEnd(width)} = ${v}`).join(this.nl);
      const block = `${indent}${this.keyText(prop.key)} {${this.nl}${body}${this.nl}${indent}}`;
      return [this.edit(last.loc.end, last.loc.end, `${this.nl}${this.nl}${block}`)];
    }
    const text = value && renderValue(value);
    if (text === undefined || list.kind !== 'list' || this.text[list.loc.end - 1] !== ']') return undefined;
    const last = list.items[list.items.length - 1];
    return last ? [this.edit(last.loc.end, last.loc.end, `, ${text}`)] : [this.edit(list.loc.start + 1, list.loc.start + 1, text)];
  }

  /** `key { ... }` (or `key {}`) as the last lines of a multi-line block body. */
  private addBlock(body: ObjectValue, key: string, fields: Record<string, FixValue>): TextEdit[] | undefined {
    if (!this.isBlockBody(body)) return undefined;
    const close = body.loc.end - 1;
    if (this.text[close] !== '}' || body.props.some((p) => p.key === key)) return undefined;
    const closeLine = this.index.position(close).line;
    const lineStart = this.index.lineStart(closeLine);
    if (this.text.slice(lineStart, close).trim() !== '' || this.index.position(body.loc.start).line === closeLine) return undefined;
    const outer = indentAt(this.text, close);
    const first = body.props[0];
    const unit = this.indentUnit(body, outer);
    const inner = first ? indentAt(this.text, first.loc.start) : outer + unit;
    const entries = Object.entries(fields).map(([k, v]) => [this.keyText(k), renderValue(v)] as const);
    if (entries.some(([, v]) => v === undefined)) return undefined;
    const width = Math.max(0, ...entries.map(([k]) => k.length));
    const lines = entries.map(([k, v]) => `${inner}${unit}${k.padEnd(width)} = ${v}${this.nl}`).join('');
    const block = entries.length ? `${inner}${this.keyText(key)} {${this.nl}${lines}${inner}}` : `${inner}${this.keyText(key)} {}`;
    return [this.edit(lineStart, lineStart, `${block}${this.nl}`)];
  }

  /** A new resource block after `after`, its `=` aligned as terraform fmt does. */
  private addResource(after: Resource, type: string, name: string, args: Record<string, FixValue>, data = false): TextEdit[] | undefined {
    const entries = Object.entries(args).map(([k, v]) => [this.keyText(k), renderValue(v)] as const);
    if (entries.some(([, v]) => v === undefined)) return undefined;
    const width = Math.max(0, ...entries.map(([k]) => k.length));
    const body = entries.map(([k, v]) => `  ${k.padEnd(width)} = ${v}`).join(this.nl);
    const block = `${data ? 'data' : 'resource'} "${escapeInner(type)}" "${escapeInner(name)}" {${this.nl}${body}${this.nl}}`;
    return [this.edit(after.loc.end, after.loc.end, `${this.nl}${this.nl}${block}`)];
  }

  private edit(start: number, end: number, newText: string): TextEdit {
    return { file: this.file.path, start, end, range: this.index.range(start, end), newText };
  }

  /** The syntax tree, parsed on demand: needed to tell blocks from object expressions and to find block spans. */
  private root(): Node {
    const root = cachedSyntaxTree(this.file, 'terraform', this.text);
    if (!root) throw new Error('the file could not be parsed');
    return root;
  }

  private nodeAt(offset: number): Node | undefined {
    return this.root().descendantForIndex(offset, offset + 1) ?? undefined;
  }

  /** Whether an object is a block body (`resource ... { }`, `ingress { }`) rather than an object expression. */
  private isBlockBody(v: Value): boolean {
    return v.kind === 'object' && this.text[v.loc.start] === '{' && this.nodeAt(v.loc.start)?.parent?.type === 'block_start';
  }

  // ---------------------------------------------------------------------------------------------------------------
  // setProperty

  private setProperty(target: ObjectValue, key: string, value: string): TextEdit[] | undefined {
    const segs = key.split('.');
    let obj = target;
    let i = 0;
    for (; i < segs.length - 1; i++) {
      const p = findLast(obj.props, segs[i]!);
      if (!p) break;
      const next =
        p.value.kind === 'object' ? p.value : p.value.kind === 'list' && p.value.items.length === 1 ? p.value.items[0] : undefined;
      if (next?.kind !== 'object') return undefined;
      obj = next;
    }
    const last = segs[segs.length - 1]!;
    if (i === segs.length - 1) {
      const existing = findLast(obj.props, last);
      if (existing) return existing.block ? undefined : [this.edit(existing.value.loc.start, existing.value.loc.end, value)];
      return this.insert(obj, { key: last, value });
    }
    // Missing parents: nested blocks in a block body, a nested object in an object expression.
    const rest = segs.slice(i);
    if (!this.isBlockBody(obj)) {
      const inner = rest.slice(1).reduceRight((acc, k) => `{ ${this.keyText(k)} = ${acc} }`, value);
      return this.insert(obj, { key: rest[0]!, value: inner });
    }
    return this.insert(obj, { blockPath: rest.slice(0, -1), key: last, value });
  }

  private keyText(k: string): string {
    return IDENTIFIER.test(k) ? k : `"${escapeInner(k)}"`;
  }

  /** Inserts `key = value` (inside new nested blocks when `blockPath` is given) into an object, in its style. */
  private insert(obj: ObjectValue, what: { key: string; value: string; blockPath?: string[] }): TextEdit[] | undefined {
    const open = obj.loc.start;
    const close = obj.loc.end - 1;
    if (this.text[open] !== '{' || this.text[close] !== '}') return undefined;
    const attrs = obj.props.filter((p) => !p.block);
    const openLine = this.index.position(open).line;
    const closeLine = this.index.position(close).line;
    const outer = indentAt(this.text, open);
    const unit = this.indentUnit(obj, outer);
    const first = obj.props[0];
    const inner = first && this.index.position(first.loc.start).line !== openLine ? indentAt(this.text, first.loc.start) : outer + unit;
    const blockPath = what.blockPath ?? [];
    const lines = (pad: string): string[] => [
      ...blockPath.map((b, d) => `${unit.repeat(d)}${b} {`),
      `${unit.repeat(blockPath.length)}${this.keyText(what.key)}${pad}= ${what.value}`,
      ...blockPath.map((_, d) => `${unit.repeat(blockPath.length - 1 - d)}}`),
    ];
    const anchor = blockPath.length ? undefined : attrs[attrs.length - 1];
    const closeAlone = this.text.slice(this.index.lineStart(closeLine), close).trim() === '';
    const anchorLine = anchor ? this.index.position(anchor.loc.end).line : openLine;
    const lastLine = obj.props.length ? this.index.position(obj.props[obj.props.length - 1]!.loc.end).line : openLine;
    const multiLine = openLine !== closeLine && closeAlone && lastLine < closeLine && anchorLine < closeLine;
    if (!multiLine) return this.expand(obj, inner, outer, lines(' '));
    const edits: TextEdit[] = [];
    let pad = ' ';
    if (anchor) {
      const aligned = this.alignment(obj, anchor, inner.length + this.keyText(what.key).length + 1);
      if (aligned) {
        pad = ' '.repeat(aligned.column - inner.length - this.keyText(what.key).length);
        edits.push(...aligned.edits);
      }
    }
    let newLines = lines(pad);
    // Object expressions written with commas keep them.
    const commaAfter = (p: Property): boolean => this.text.slice(p.loc.end).trimStart().startsWith(',');
    if (anchor && !this.isBlockBody(obj) && obj.props.some(commaAfter)) {
      if (commaAfter(anchor)) newLines = newLines.map((l) => `${l},`);
      else edits.push(this.edit(anchor.loc.end, anchor.loc.end, ','));
    }
    const at = anchor ? this.index.lineStart(anchorLine + 1) : this.index.lineStart(closeLine);
    edits.push(this.edit(at, at, newLines.map((l) => inner + l).join(this.nl) + this.nl));
    return edits;
  }

  private indentUnit(obj: ObjectValue, outer: string): string {
    const first = obj.props[0];
    if (first && this.index.position(first.loc.start).line !== this.index.position(obj.loc.start).line) {
      const own = indentAt(this.text, first.loc.start);
      if (own.length > outer.length && own.startsWith(outer)) return own.slice(outer.length);
    }
    return outer.includes('\t') ? '\t' : '  ';
  }

  /**
   * When the attributes just above the insertion point have their `=` in one column (terraform fmt style), the new
   * line joins that column; a longer key moves the column and the neighbours are re-padded to it.
   */
  private alignment(obj: ObjectValue, anchor: Property, minColumn: number): { column: number; edits: TextEdit[] } | undefined {
    const group: { p: Property; eq: number; column: number }[] = [];
    let line = this.index.position(anchor.loc.end).line + 1;
    for (let k = obj.props.indexOf(anchor); k >= 0; k--) {
      const p = obj.props[k]!;
      const start = this.index.position(p.loc.start).line;
      if (p.block || this.index.position(p.loc.end).line !== line - 1 || start !== line - 1) break;
      const eq = this.equalsAfter(p.keyLoc.end);
      const column = eq === undefined ? -1 : this.index.position(eq).character;
      if (eq === undefined || (group[0] && group[0].column !== column)) break;
      group.unshift({ p, eq, column });
      line = start;
    }
    if (group.length < 2) return undefined;
    const column = Math.max(group[0]!.column, minColumn);
    const edits =
      column === group[0]!.column
        ? []
        : group.map((g) => this.edit(g.p.keyLoc.end, g.eq, ' '.repeat(column - this.index.position(g.p.keyLoc.end).character)));
    return { column, edits };
  }

  /** The offset of the `=` after a key, across spaces only. */
  private equalsAfter(offset: number): number | undefined {
    let i = offset;
    while (this.text[i] === ' ' || this.text[i] === '\t') i++;
    return this.text[i] === '=' || this.text[i] === ':' ? i : undefined;
  }

  /** A one-line body (`ingress { from_port = 80 }`, `{}`) is rewritten over several lines with the new entry. */
  private expand(obj: ObjectValue, inner: string, outer: string, lines: string[]): TextEdit[] | undefined {
    const open = obj.loc.start;
    const close = obj.loc.end - 1;
    if (this.file.comments.some((c) => c.loc.start > open && c.loc.start < close)) return undefined;
    const existing = obj.props.map((p) => inner + this.text.slice(p.loc.start, p.loc.end));
    const added = lines.map((l) => inner + l);
    return [this.edit(open + 1, close, this.nl + [...existing, ...added].join(this.nl) + this.nl + outer)];
  }

  // ---------------------------------------------------------------------------------------------------------------
  // removeProperty, renameKey, appendToString

  private removeProperty(p: Property): TextEdit[] | undefined {
    const spans: [number, number][] = [];
    if (p.block && p.value.kind === 'list') {
      const first = this.nodeAt(p.loc.start)?.parent;
      const body = first?.parent;
      if (first?.type !== 'block' || !body) return undefined;
      for (const item of p.value.items) {
        let n: Node | null | undefined = this.nodeAt(item.loc.start);
        while (n && !(n.type === 'block' && n.parent?.id === body.id)) n = n.parent;
        if (!n) return undefined;
        spans.push([n.startIndex, n.endIndex]);
      }
    } else spans.push([p.loc.start, p.loc.end]);
    return spans.map(([s, e]) => this.deletion(s, e));
  }

  /** Deletes a span with its whole line(s) when it stands alone there (a trailing comment goes with it). */
  private deletion(start: number, end: number): TextEdit {
    const startLine = this.index.position(start).line;
    const endLine = this.index.position(end).line;
    const lineStart = this.index.lineStart(startLine);
    let after = end;
    while (this.text[after] === ' ' || this.text[after] === '\t') after++;
    if (this.text[after] === ',') after++;
    const comment = this.file.comments.find((c) => c.loc.start >= after && c.loc.range.start.line === endLine && c.trailing);
    const restEnd = comment ? comment.loc.end : after;
    const lineEnd = this.index.lineStart(endLine) + this.index.lineText(endLine).length;
    const alone = this.text.slice(lineStart, start).trim() === '' && this.text.slice(restEnd, lineEnd).trim() === '';
    if (alone) {
      const lineAfter = (l: number): number => (l + 1 < this.index.lineCount() ? this.index.lineStart(l + 1) : this.text.length);
      const blank = (l: number): boolean => l >= 0 && l < this.index.lineCount() && this.index.lineText(l).trim() === '';
      // A paragraph between blank lines goes with one of them, so no double gap remains.
      const end =
        blank(startLine - 1) && blank(endLine + 1) && endLine + 1 < this.index.lineCount() - 1
          ? lineAfter(endLine + 1)
          : lineAfter(endLine);
      return this.edit(lineStart, end, '');
    }
    let s = start;
    // Inline: take the separating space before it as well.
    if (this.text[after - 1] !== ',') while (s > lineStart && (this.text[s - 1] === ' ' || this.text[s - 1] === '\t')) s--;
    else while (this.text[after] === ' ') after++;
    return this.edit(s, after, '');
  }

  private renameKey(p: Property, newKey: string): TextEdit[] | undefined {
    const { start, end } = p.keyLoc;
    const quoted = this.text[start] === '"';
    const text = quoted || !IDENTIFIER.test(newKey) ? `"${escapeInner(newKey)}"` : newKey;
    if (p.block) return [this.edit(start, end, text)];
    const eq = this.equalsAfter(end);
    if (eq === undefined || eq - end <= 1) return [this.edit(start, end, text)];
    // Keep the `=` in its column when the key still fits.
    const column = this.index.position(eq).character;
    const keyColumn = this.index.position(start).character;
    return [this.edit(start, eq, text + ' '.repeat(Math.max(1, column - keyColumn - text.length)))];
  }

  private appendToString(v: Value, suffix: FixValue, separator: string): TextEdit[] | undefined {
    const rendered =
      suffix.kind === 'expr' ? (suffix.terraform === undefined ? undefined : `\${${suffix.terraform}}`) : escapeInner(String(suffix.value));
    if (rendered === undefined) return undefined;
    const added = escapeInner(separator) + rendered;
    const { start, end } = v.loc;
    const source = this.text.slice(start, end);
    if ((v.kind === 'string' || v.kind === 'template') && source.startsWith('"') && source.endsWith('"') && source.length >= 2) {
      return [this.edit(end - 1, end - 1, added)];
    }
    if (source.startsWith('<<') || /[\r\n]/.test(source)) return undefined;
    return [this.edit(start, end, `"\${${source}}${added}"`)];
  }
}

function findLast(props: Property[], key: string): Property | undefined {
  for (let i = props.length - 1; i >= 0; i--) if (props[i]!.key === key) return props[i];
  return undefined;
}
