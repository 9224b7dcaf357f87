import { cachedSyntaxTree, firstEndingAtOrAfter, type SyntaxNode as Node } from '../syntax-tree';
import { asObject } from '../../model/evaluate';
import { lineIndexOf, type LineIndex, indentAt } from '../../model/text';
import type { FileModel, FixIntent, FixValue, Loc, ObjectValue, Property, Resource, StringBuild, TextEdit, Value } from '../../model/types';
import { camelToSnake, pulumiClassFor, pulumiKey, snakeToCamel } from '../../knowledge/typemap';

/** Renders a fix intent as edits of a Python file in its own style; undefined when it cannot be expressed there. */
export function renderPython(intent: FixIntent, file: FileModel): TextEdit[] | undefined {
  try {
    const root = cachedSyntaxTree(file, 'python', file.text);
    if (!root) return undefined;
    return new Renderer(file, root).render(intent);
  } catch {
    return undefined;
  }
}

/** The quote each file model prefers, found once per model (a walk of the whole tree; renderers are made per fix). */
const quotes = new WeakMap<FileModel, string>();

class Renderer {
  private readonly lines: LineIndex;
  private readonly nl: string;
  private quoteChar: string | undefined;

  constructor(
    private readonly file: FileModel,
    private readonly root: Node,
  ) {
    this.lines = lineIndexOf(file);
    this.nl = this.lines.eol;
  }

  render(intent: FixIntent): TextEdit[] | undefined {
    switch (intent.kind) {
      case 'setProperty':
        return this.setProperty(intent.target, intent.key, intent.value);
      case 'removeProperty':
        return this.removeProperty(intent.property);
      case 'replaceValue': {
        const text = this.value(intent.with);
        return text === undefined ? undefined : [this.edit(intent.value.loc.start, intent.value.loc.end, text)];
      }
      case 'renameKey':
        return this.renameKey(intent.property, intent.newKey);
      case 'appendToString':
        return this.appendToString(intent.value, intent.suffix, intent.separator);
      case 'wrapOutputString':
        return this.wrapOutputString(intent.build);
      case 'renameType': {
        const at = intent.resource.typeLoc;
        return at && [this.edit(at.start, at.end, intent.name)];
      }
      case 'addResource':
        return intent.data ? undefined : this.addResource(intent.after, intent.type, intent.name, intent.args);
      case 'addBlock': {
        const parts = Object.entries(intent.fields).map(([k, v]) => [k, this.value(v)] as const);
        if (parts.some(([, v]) => v === undefined)) return undefined;
        const dict = `{${parts.map(([k, v]) => `${this.str(k)}: ${v}`).join(', ')}}`;
        return this.setProperty(intent.target, intent.key, { kind: 'expr', python: dict });
      }
      case 'setOption':
        return this.setOption(intent.resource, intent.key, intent.value);
      case 'registerOutputs': {
        // The class name's node, its class, the __init__ method, its last statement.
        const cls = this.nodeAt(intent.component, ['identifier'])?.parent;
        const body = cls?.type === 'class_definition' ? cls.childForFieldName('body') : null;
        const init = body?.namedChildren.find((m) => m.type === 'function_definition' && m.childForFieldName('name')?.text === '__init__');
        const last = init
          ?.childForFieldName('body')
          ?.namedChildren.filter((c) => c.type !== 'comment')
          .pop();
        if (!last) return undefined;
        return [this.edit(last.endIndex, last.endIndex, `${this.nl}${indentAt(this.file.text, last.startIndex)}self.register_outputs({})`)];
      }
      case 'addListItem': {
        const list = this.nodeAt(intent.property.value.loc, ['list']);
        const { resource: r, property: p, fields } = intent;
        let text: string | undefined;
        if (fields) {
          const parts = Object.entries(fields).map(([k, v]) => [this.spelling(r, [p.key], k), this.value(v)] as const);
          text = parts.some(([, v]) => v === undefined) ? undefined : `{${parts.map(([k, v]) => `${this.str(k)}: ${v}`).join(', ')}}`;
        } else text = intent.value && this.value(intent.value);
        return list && text !== undefined ? [this.insertEntry(list, text)] : undefined;
      }
    }
  }

  /** `key=value` in the call's `opts=pulumi.ResourceOptions(...)`, or a new `opts=` keyword argument. */
  private setOption(r: Resource, key: string, v: FixValue): TextEdit[] | undefined {
    const call = this.nodeAt(r.loc, ['call']);
    const argList = call?.childForFieldName('arguments');
    const text = this.value(v);
    if (!argList || text === undefined) return undefined;
    const snake = camelToSnake(key);
    const opts = argList.namedChildren.find((c) => c.type === 'keyword_argument' && c.childForFieldName('name')?.text === 'opts');
    if (!opts) {
      const pulumi = Object.entries(this.file.pulumi?.imports ?? {}).find(([, p]) => p === 'pulumi')?.[0];
      return pulumi ? [this.insertEntry(argList, `opts=${pulumi}.ResourceOptions(${snake}=${text})`)] : undefined;
    }
    const value = opts.childForFieldName('value');
    const inner = value?.type === 'call' ? value.childForFieldName('arguments') : null;
    const fn = value?.childForFieldName('function')?.text ?? '';
    if (!inner || !(fn === 'ResourceOptions' || fn.endsWith('.ResourceOptions'))) return undefined;
    return [this.insertEntry(inner, `${snake}=${text}`)];
  }

  /** `aws.s3.X("name", key=value, ...)` as a statement after the one that creates `after`. */
  private addResource(after: Resource, type: string, name: string, args: Record<string, FixValue>): TextEdit[] | undefined {
    const cls = pulumiClassFor(type);
    const call = this.nodeAt(after.loc, ['call']);
    if (!cls || !call) return undefined;
    // The SDK appends `_` to modules named like keywords (`lambda_`).
    const module = cls.module
      .split('.')
      .map((m) => (m === 'lambda' ? 'lambda_' : m))
      .join('.');
    const imports = Object.entries(this.file.pulumi?.imports ?? {});
    const ns = imports.find(([, p]) => p === 'pulumi_aws')?.[0];
    const mod = imports.find(([, p]) => p === `pulumi_aws.${module}`)?.[0];
    const ref = ns ? `${ns}.${module ? `${module}.` : ''}${cls.class}` : mod ? `${mod}.${cls.class}` : undefined;
    if (!ref) return undefined;
    let stmt: Node = call;
    while (stmt.parent && stmt.parent.type !== 'module' && stmt.parent.type !== 'block') stmt = stmt.parent;
    const indent = indentAt(this.file.text, stmt.startIndex);
    const lines = [`${indent}    ${this.str(name)},`];
    for (const [k, v] of Object.entries(args)) {
      const text = this.value(v);
      if (text === undefined) return undefined;
      const pulumi = pulumiKey(cls.token, k);
      lines.push(`${indent}    ${pulumi === snakeToCamel(k) ? k : camelToSnake(pulumi)}=${text},`);
    }
    const nl = this.nl;
    return [this.edit(stmt.endIndex, stmt.endIndex, `${nl}${nl}${indent}${ref}(${nl}${lines.join(nl)}${nl}${indent})`)];
  }

  private edit(start: number, end: number, newText: string): TextEdit {
    return { file: this.file.path, start, end, range: this.lines.range(start, end), newText };
  }

  /** The shallowest node of one of `types` with exactly the span of `loc`. */
  private nodeAt(loc: Loc, types?: string[]): Node | undefined {
    let cur: Node | null = this.root;
    while (cur) {
      if (cur.startIndex === loc.start && cur.endIndex === loc.end && (!types || types.includes(cur.type))) return cur;
      let next: Node | null = null;
      const cs: readonly Node[] = cur.children;
      for (let i = firstEndingAtOrAfter(cs, loc.end); i < cs.length && cs[i]!.startIndex <= loc.start; i++) {
        if (cs[i]!.endIndex > cs[i]!.startIndex) {
          next = cs[i]!;
          break;
        }
      }
      cur = next;
    }
    return undefined;
  }

  // ---- values ----

  private quote(): string {
    this.quoteChar ??= quotes.get(this.file);
    if (this.quoteChar) return this.quoteChar;
    let single = 0;
    let double = 0;
    const stack: Node[] = [this.root];
    while (stack.length) {
      const n = stack.pop()!;
      if (n.type === 'string_start') {
        if (n.text.endsWith("'")) single++;
        else double++;
      }
      for (const c of n.children) stack.push(c);
    }
    this.quoteChar = single > double ? "'" : '"';
    quotes.set(this.file, this.quoteChar);
    return this.quoteChar;
  }

  private str(s: string, q = this.quote()): string {
    let out = '';
    for (const c of s) {
      if (c === '\\' || c === q) out += `\\${c}`;
      else if (c === '\n') out += '\\n';
      else if (c === '\r') out += '\\r';
      else if (c === '\t') out += '\\t';
      else out += c;
    }
    return q + out + q;
  }

  private value(v: FixValue): string | undefined {
    if (v.kind === 'expr') return v.python;
    if (typeof v.value === 'boolean') return v.value ? 'True' : 'False';
    if (typeof v.value === 'number') return Number.isFinite(v.value) ? String(v.value) : undefined;
    return this.str(v.value);
  }

  /** `{"b": {"c": value}}` for the rest of a dotted key. */
  private nested(keys: string[], text: string): string {
    return keys.reduceRight((inner, k) => `{${this.str(k)}: ${inner}}`, text);
  }

  // ---- properties ----

  private setProperty(target: ObjectValue, key: string, v: FixValue): TextEdit[] | undefined {
    const text = this.value(v);
    if (text === undefined) return undefined;
    const [head, ...rest] = key.split('.');
    if (!head) return undefined;
    let existing: Property | undefined;
    for (const p of target.props) if (p.key === head) existing = p;
    if (existing) {
      if (!rest.length) return [this.edit(existing.value.loc.start, existing.value.loc.end, text)];
      const obj = asObject(existing.value);
      if (obj) return this.setProperty(obj, rest.join('.'), v);
      return [this.edit(existing.value.loc.start, existing.value.loc.end, this.nested(rest, text))];
    }
    let container = this.nodeAt(target.loc, ['argument_list', 'dictionary', 'call']);
    if (container?.type === 'call') container = container.childForFieldName('arguments') ?? undefined;
    if (!container) return undefined;
    const valueText = rest.length ? this.nested(rest, text) : text;
    const written = this.pythonKey(target, head);
    const entry = container.type === 'dictionary' ? `${this.str(written)}: ${valueText}` : `${written}=${valueText}`;
    return [this.insertEntry(container, entry)];
  }

  /** The Python spelling of a canonical key of `target`: the type map's renames reversed (`default_action` -> `default_actions`). */
  private pythonKey(target: ObjectValue, key: string): string {
    for (const r of this.file.resources) {
      const path = pathTo(r.props, target, [], 0);
      if (path) return this.spelling(r, path, key);
    }
    return key;
  }

  private spelling(r: Resource, path: string[], key: string): string {
    const pulumi = pulumiKey(r.token ?? r.type, key, path);
    return pulumi === snakeToCamel(key) ? key : camelToSnake(pulumi);
  }

  /** Adds an entry after the last one, following the container's layout and trailing-comma habit. */
  private insertEntry(container: Node, entry: string): TextEdit {
    const open = container.child(0)!;
    const close = container.lastChild!;
    const items = container.namedChildren.filter((c) => c.type !== 'comment');
    const last = items[items.length - 1];
    const line = (o: number): number => this.lines.position(o).line;
    const multiline = line(open.startIndex) !== line(close.startIndex);
    if (!last) {
      if (!multiline) return this.edit(open.endIndex, open.endIndex, entry);
      return this.edit(open.endIndex, open.endIndex, `${this.nl}${indentAt(this.file.text, close.startIndex)}    ${entry},`);
    }
    const comma = last.nextSibling?.type === ',' ? last.nextSibling : undefined;
    if (!multiline)
      return comma ? this.edit(comma.endIndex, comma.endIndex, ` ${entry},`) : this.edit(last.endIndex, last.endIndex, `, ${entry}`);
    const startsLine = this.file.text.slice(this.lines.lineStart(line(last.startIndex)), last.startIndex).trim() === '';
    const indent = startsLine ? indentAt(this.file.text, last.startIndex) : `${indentAt(this.file.text, close.startIndex)}    `;
    const anchor = comma ?? last;
    const after = anchor.nextSibling;
    // a trailing comment stays on the line of the entry it explains
    const at = after?.type === 'comment' && line(after.startIndex) === line(anchor.endIndex) ? after.endIndex : anchor.endIndex;
    if (comma) return this.edit(at, at, `${this.nl}${indent}${entry},`);
    if (at === last.endIndex) return this.edit(at, at, `,${this.nl}${indent}${entry}`);
    // `b=1  # why` without a trailing comma: the comma goes before the comment; the entry after it
    return this.edit(last.endIndex, at, `,${this.file.text.slice(last.endIndex, at)}${this.nl}${indent}${entry}`);
  }

  private removeProperty(p: Property): TextEdit[] | undefined {
    const node = this.nodeAt(p.loc, ['keyword_argument', 'pair']);
    if (!node) return undefined;
    const next = node.nextSibling;
    const prev = node.previousSibling;
    const comma = next?.type === ',' ? next : undefined;
    const l = this.lines.position(node.startIndex).line;
    const end = comma ?? node;
    const afterEnd = end.nextSibling;
    const endLine = this.lines.position(end.endIndex).line;
    const startsLine = this.file.text.slice(this.lines.lineStart(l), node.startIndex).trim() === '';
    let lineEnd = this.file.text.length;
    if (endLine + 1 < this.lines.lineCount()) lineEnd = this.lines.lineStart(endLine + 1);
    const trailingComment = afterEnd?.type === 'comment' && this.lines.position(afterEnd.startIndex).line === endLine;
    const rest = this.file.text.slice(trailingComment ? afterEnd.endIndex : end.endIndex, lineEnd).trim();
    if (startsLine && rest === '' && endLine + 1 < this.lines.lineCount()) return [this.edit(this.lines.lineStart(l), lineEnd, '')];
    if (comma) {
      let e = comma.endIndex;
      while (this.file.text[e] === ' ') e++;
      return [this.edit(node.startIndex, e, '')];
    }
    if (prev?.type === ',') return [this.edit(prev.startIndex, node.endIndex, '')];
    return [this.edit(node.startIndex, node.endIndex, '')];
  }

  private renameKey(p: Property, newKey: string): TextEdit[] | undefined {
    const k = this.nodeAt(p.keyLoc, ['identifier', 'string']);
    if (!k) return undefined;
    if (k.type === 'identifier') {
      const owner = this.file.resources.find((r) => pathTo(r.props, p, [], 0));
      const written = owner ? this.spelling(owner, pathTo(owner.props, p, [], 0)!.slice(0, -1), newKey) : newKey;
      return [this.edit(k.startIndex, k.endIndex, written)];
    }
    const start = k.child(0)?.text ?? '"';
    return [this.edit(k.startIndex, k.endIndex, this.str(newKey, start.charAt(start.length - 1)))];
  }

  // ---- strings ----

  private appendToString(v: Value, suffix: FixValue, separator: string): TextEdit[] | undefined {
    let node = this.nodeAt(v.loc);
    if (!node) return undefined;
    if (node.type === 'concatenated_string') node = node.lastNamedChild ?? undefined;
    const expr = suffix.kind === 'expr' ? suffix.python : undefined;
    if (suffix.kind === 'expr' && !expr) return undefined;
    const literal = suffix.kind === 'literal' ? String(suffix.value) : undefined;
    if (node?.type === 'string') {
      const start = node.child(0)!;
      const end = node.lastChild!;
      const prefix = start.text.slice(0, start.text.length - end.text.length).toLowerCase();
      const q = end.text.charAt(0);
      if (prefix.includes('b')) return undefined;
      const isF = prefix.includes('f');
      const add = (s: string): string => (isF || expr !== undefined ? braces(s) : s);
      if (!isF && literal === undefined && !safeInFString(expr!, q)) return undefined;
      if (isF && expr !== undefined && !safeInFString(expr, q)) return undefined;
      const tail = escapeFor(add(separator), q) + (literal !== undefined ? escapeFor(add(literal), q) : `{${expr}}`);
      if (isF || literal !== undefined) return [this.edit(end.startIndex, end.startIndex, tail)];
      // a plain string becomes an f-string: its own braces are doubled
      const content = braces(this.file.text.slice(start.endIndex, end.startIndex));
      return [this.edit(node.startIndex, node.endIndex, `f${start.text}${content}${tail}${end.text}`)];
    }
    if (!node || v.output) return undefined;
    const q = this.quote();
    const text = node.text;
    if (text.includes('\n')) return undefined;
    if (!safeInFString(text, q) || (expr !== undefined && !safeInFString(expr, q))) {
      // Quotes inside the expression cannot go in an f-string field before Python 3.12: concatenate instead.
      const left =
        node.type === 'binary_operator' || node.type === 'identifier' || node.type === 'attribute' || node.type === 'call'
          ? text
          : `(${text})`;
      const right = literal !== undefined ? `${q}${escapeFor(separator + literal, q)}${q}` : `${q}${escapeFor(separator, q)}${q} + ${expr}`;
      return [this.edit(node.startIndex, node.endIndex, `${left} + ${right}`)];
    }
    const tail = escapeFor(braces(separator), q) + (literal !== undefined ? escapeFor(braces(literal), q) : `{${expr}}`);
    return [this.edit(node.startIndex, node.endIndex, `f${q}{${text}}${tail}${q}`)];
  }

  private wrapOutputString(build: StringBuild): TextEdit[] | undefined {
    const node = this.nodeAt(build.loc, ['string', 'concatenated_string', 'binary_operator', 'call']);
    if (!node) return undefined;
    const { name, edits } = this.pulumiOutput();
    let text: string | undefined;
    if (node.type === 'string' || node.type === 'concatenated_string') text = this.fstringAsOutput(node, name);
    else if (node.type === 'binary_operator') text = `${name}.concat(${operands(node).map(unwrapStr).join(', ')})`;
    else {
      const fn = node.childForFieldName('function');
      const args = node.childForFieldName('arguments');
      const inner = args ? this.file.text.slice(args.startIndex + 1, args.endIndex - 1).trim() : '';
      if (build.kind === 'format' && fn?.type === 'attribute') text = `${name}.format(${fn.childForFieldName('object')!.text}, ${inner})`;
      else if (build.kind === 'json.dumps' && args?.namedChildren.length === 1) text = `${name}.json_dumps(${inner})`;
      else if (build.kind === 'str' && args?.namedChildren.length === 1) text = `${name}.from_input(${inner}).apply(str)`;
    }
    return text === undefined ? undefined : [this.edit(node.startIndex, node.endIndex, text), ...edits];
  }

  /** `f"arn:{bucket.arn}/*"` -> `Output.concat("arn:", bucket.arn, "/*")`; formatted fields use `Output.format`. */
  private fstringAsOutput(node: Node, output: string): string | undefined {
    const pieces = node.type === 'concatenated_string' ? node.namedChildren.filter((c) => c.type === 'string') : [node];
    const args: string[] = [];
    let fmt = '';
    const fmtArgs: string[] = [];
    let formatted = false;
    for (const piece of pieces) {
      const start = piece.child(0)!;
      const end = piece.lastChild!;
      const prefix = start.text.slice(0, start.text.length - end.text.length);
      const isF = prefix.toLowerCase().includes('f');
      const open = dropF(prefix) + end.text;
      let chunk = '';
      const flush = (): void => {
        if (chunk) args.push(open + chunk + end.text);
        chunk = '';
      };
      for (const c of piece.children) {
        if (c.type === 'string_content') {
          let at = c.startIndex;
          for (const e of c.children) {
            chunk += this.file.text.slice(at, e.startIndex) + (e.type === 'escape_interpolation' ? e.text.charAt(0) : e.text);
            at = e.endIndex;
          }
          chunk += this.file.text.slice(at, c.endIndex);
          fmt += isF ? this.file.text.slice(c.startIndex, c.endIndex) : braces(this.file.text.slice(c.startIndex, c.endIndex));
        } else if (c.type === 'interpolation') {
          const e = c.childForFieldName('expression');
          if (!e || c.children.some((x) => x.type === '=')) return undefined;
          flush();
          args.push(e.text);
          fmtArgs.push(e.text);
          const conv = c.childForFieldName('type_conversion')?.text ?? '';
          const spec = c.childForFieldName('format_specifier')?.text ?? '';
          if (conv || spec) formatted = true;
          fmt += `{${conv}${spec}}`;
        }
      }
      flush();
    }
    if (!formatted) return `${output}.concat(${args.join(', ')})`;
    if (pieces.length !== 1) return undefined;
    const start = pieces[0]!.child(0)!;
    const end = pieces[0]!.lastChild!;
    const open = dropF(start.text.slice(0, start.text.length - end.text.length)) + end.text;
    return `${output}.format(${open}${fmt}${end.text}, ${fmtArgs.join(', ')})`;
  }

  /** How the file names `pulumi.Output`, adding `import pulumi` when it has neither. */
  private pulumiOutput(): { name: string; edits: TextEdit[] } {
    const imports = this.file.pulumi?.imports ?? {};
    const entries = Object.entries(imports);
    const mod = entries.find(([, path]) => path === 'pulumi')?.[0];
    if (mod) return { name: `${mod}.Output`, edits: [] };
    const cls = entries.find(([, path]) => path === 'pulumi.Output')?.[0];
    if (cls) return { name: cls, edits: [] };
    return { name: 'pulumi.Output', edits: [this.addImport()] };
  }

  private addImport(): TextEdit {
    let at = 0;
    for (const s of this.root.namedChildren) {
      if (s.type === 'import_from_statement' && s.childForFieldName('module_name')?.text === '__future__') {
        at = this.lines.lineStart(this.lines.position(s.endIndex).line + 1);
        continue;
      }
      if (s.type === 'import_statement' || s.type === 'import_from_statement') {
        at = this.lines.lineStart(this.lines.position(s.startIndex).line);
        break;
      }
    }
    return this.edit(at, at, `import pulumi${this.nl}`);
  }
}

/** The canonical keys leading from a resource's props to `target` (through lists and followed names). */
/** The canonical key path from `v` to `target` (an object, or a property: its path ends with the property's key). */
function pathTo(v: Value | undefined, target: ObjectValue | Property, path: string[], depth: number): string[] | undefined {
  if (!v || depth > 50) return undefined;
  if (v === target) return path;
  if (v.kind === 'ref') return pathTo(v.resolved, target, path, depth + 1);
  if (v.kind === 'list') {
    for (const item of v.items) {
      const found = pathTo(item, target, path, depth + 1);
      if (found) return found;
    }
  }
  if (v.kind === 'object') {
    for (const p of v.props) {
      if (p === target) return [...path, p.key];
      const found = pathTo(p.value, target, [...path, p.key], depth + 1);
      if (found) return found;
    }
  }
  return undefined;
}

function braces(s: string): string {
  return s.split('{').join('{{').split('}').join('}}');
}

/** Escapes the quote and backslash of literal text going into a string delimited by `q`. */
function escapeFor(s: string, q: string): string {
  let out = '';
  for (const c of s) out += c === '\\' || c === q ? `\\${c}` : c === '\n' ? '\\n' : c;
  return out;
}

/** Before Python 3.12 an f-string field may contain neither the string's quote nor a backslash. */
function safeInFString(expr: string, q: string): boolean {
  return !expr.includes(q) && !expr.includes('\\');
}

function operands(n: Node): Node[] {
  const out: Node[] = [];
  const stack: Node[] = [n];
  while (stack.length) {
    const cur = stack.pop()!;
    if (cur.type === 'binary_operator' && cur.childForFieldName('operator')?.type === '+') {
      const r = cur.childForFieldName('right');
      const l = cur.childForFieldName('left');
      if (r) stack.push(r);
      if (l) stack.push(l);
    } else out.push(cur);
  }
  return out;
}

/** `str(x)` as a concat operand is just `x`: Output.concat stringifies. */
function unwrapStr(n: Node): string {
  const fn = n.type === 'call' ? n.childForFieldName('function') : null;
  const args = n.childForFieldName('arguments')?.namedChildren ?? [];
  return fn?.text === 'str' && args.length === 1 ? args[0]!.text : n.text;
}

/** A string prefix without its `f`: `rf"` -> `r"`. */
function dropF(prefix: string): string {
  return [...prefix].filter((c) => c !== 'f' && c !== 'F').join('');
}
