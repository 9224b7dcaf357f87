import ts from 'typescript';
import { canonicalKey, pulumiClassFor, pulumiKey, snakeToCamel } from '../../knowledge/typemap';
import { firstIndexWhere, indentAt, lineIndexOf, type LineIndex } from '../../model/text';
import type { FileModel, FixIntent, FixValue, Loc, ObjectValue, Property, Resource, StringBuild, TextEdit, Value } from '../../model/types';
import { scriptKind, skipTransparent } from './parse';

const PULUMI = '@pulumi/pulumi';

/** Renders a fix intent as edits of a TypeScript/JavaScript file, in the file's quote, comma and indent style. */
export function renderTypeScript(intent: FixIntent, file: FileModel): TextEdit[] | undefined {
  try {
    const r = new Renderer(file);
    const ok = r.render(intent);
    return ok ? r.finish() : undefined;
  } catch {
    return undefined;
  }
}

/** The parse of a file model, once per model: each of a file's fixes renders against the same syntax tree. */
const sourceFiles = new WeakMap<FileModel, { text: string; sf: ts.SourceFile }>();

function sourceFileOf(file: FileModel): ts.SourceFile {
  const hit = sourceFiles.get(file);
  if (hit && hit.text === file.text) return hit.sf;
  const sf = ts.createSourceFile(file.path, file.text, ts.ScriptTarget.Latest, true, scriptKind(file.path));
  sourceFiles.set(file, { text: file.text, sf });
  return sf;
}

/** Per file model or parse, what every fix would otherwise find again with a walk of the whole file. */
const quoteStyles = new WeakMap<FileModel, string>();
const importsOf = new WeakMap<ts.SourceFile, { last: ts.Statement | undefined; esm: boolean }>();
const resourcesByStart = new WeakMap<FileModel, Resource[]>();

type PropertyNode = ts.PropertyAssignment | ts.ShorthandPropertyAssignment;

/** A resource type and the canonical keys from its arguments down to an object. */
interface Block {
  type: string | undefined;
  path: string[];
}

class Renderer {
  private readonly sf: ts.SourceFile;
  private readonly lines: LineIndex;
  private readonly text: string;
  private readonly nl: string;
  private readonly quote: string;
  private readonly edits: TextEdit[] = [];
  private pulumiAlias: string | undefined;
  private needsPulumiImport = false;

  constructor(private readonly file: FileModel) {
    this.text = file.text;
    this.sf = sourceFileOf(file);
    this.lines = lineIndexOf(file);
    this.nl = this.lines.eol;
    this.quote = quoteStyles.get(file) ?? this.quoteStyle();
    quoteStyles.set(file, this.quote);
    this.pulumiAlias = Object.entries(file.pulumi?.imports ?? {}).find(([, p]) => p === PULUMI)?.[0];
  }

  render(intent: FixIntent): boolean {
    switch (intent.kind) {
      case 'setProperty':
        return this.setProperty(intent.target, intent.key, intent.value);
      case 'removeProperty':
        return this.removeProperty(intent.property);
      case 'replaceValue':
        return this.replaceValue(intent.value, intent.with);
      case 'renameKey':
        return this.renameKey(intent.property, intent.newKey);
      case 'appendToString':
        return this.appendToString(intent.value, intent.suffix, intent.separator);
      case 'wrapOutputString':
        return this.wrapOutputString(intent.build);
      case 'renameType': {
        const at = intent.resource.typeLoc;
        if (!at) return false;
        this.edit(at.start, at.end, intent.name);
        return true;
      }
      case 'addResource':
        return !intent.data && this.addResource(intent.after, intent.type, intent.name, intent.args);
      case 'addBlock': {
        const parts = Object.entries(intent.fields).map(([k, v]) => [snakeToCamel(k), this.value(v)] as const);
        if (parts.some(([, v]) => v === undefined)) return false;
        const obj = parts.length ? `{ ${parts.map(([k, v]) => `${k}: ${v}`).join(', ')} }` : '{}';
        return this.setProperty(intent.target, intent.key, { kind: 'expr', typescript: obj });
      }
      case 'setOption':
        return this.setOption(intent.resource, intent.key, intent.value);
      case 'addListItem':
        return this.addListItem(intent.resource, intent.property, intent.value, intent.fields);
      case 'registerOutputs':
        return this.registerOutputs(intent.component);
    }
  }

  /** `key: value` in the call's options object literal, or a new `{ key: value }` options argument. */
  private setOption(r: Resource, key: string, fv: FixValue): boolean {
    const node = this.find(r.loc, ts.isNewExpression);
    const text = this.value(fv);
    const args = node?.arguments;
    if (!args || text === undefined || args.length < 1) return false;
    const entry = `${key}: ${text}`;
    if (args.length < 3) {
      this.insert(args[args.length - 1]!.getEnd(), `${args.length === 1 ? ', {}' : ''}, { ${entry} }`);
      return true;
    }
    const opts = skipTransparent(args[2]!);
    if (
      !ts.isObjectLiteralExpression(opts) ||
      opts.properties.some((p) => !ts.isPropertyAssignment(p) && !ts.isShorthandPropertyAssignment(p))
    )
      return false;
    if (opts.properties.some((p) => p.name && ts.isIdentifier(p.name) && p.name.text === key)) return false;
    this.append(opts, opts.properties, entry, '{ ', ' }');
    return true;
  }

  /** `{ capacityProvider: 'FARGATE', base: 1 }` (or a value) at the end of an array argument. */
  private addListItem(r: Resource, prop: Property, value: FixValue | undefined, fields: Record<string, FixValue> | undefined): boolean {
    const arr = this.find(prop.value.loc, ts.isArrayLiteralExpression);
    if (!arr) return false;
    let text: string | undefined;
    if (fields) {
      const parts: string[] = [];
      for (const [k, v] of Object.entries(fields)) {
        const t = this.value(v);
        if (t === undefined) return false;
        parts.push(`${pulumiKey(r.token ?? r.type, k, [prop.key])}: ${t}`);
      }
      text = `{ ${parts.join(', ')} }`;
    } else text = value && this.value(value);
    if (text === undefined) return false;
    this.append(arr, arr.elements, text, '[', ']');
    return true;
  }

  /** `this.registerOutputs({});` as the last statement of the constructor of the class named at `at`. */
  private registerOutputs(at: Loc): boolean {
    const name = this.find(at, ts.isIdentifier);
    const cls = name?.parent;
    if (!cls || !ts.isClassLike(cls)) return false;
    const body = cls.members.find((m): m is ts.ConstructorDeclaration => ts.isConstructorDeclaration(m))?.body;
    const last = body?.statements[body.statements.length - 1];
    if (!body || !last) return false;
    const semi = last.getText(this.sf).endsWith(';') ? ';' : '';
    this.insert(last.getEnd(), `${this.nl}${indentAt(this.text, last.getStart(this.sf))}this.registerOutputs({})${semi}`);
    return true;
  }

  /** Appends an element to an object or array literal in its layout (one line, or one element per line). */
  private append(container: ts.Node, elements: ts.NodeArray<ts.Node>, text: string, open: string, close: string): void {
    const last = elements[elements.length - 1];
    if (!last) {
      this.edit(container.getStart(this.sf), container.getEnd(), `${open}${text}${close}`);
      return;
    }
    const multiline = this.lines.position(container.getStart(this.sf)).line !== this.lines.position(container.getEnd()).line;
    const comma = elements.hasTrailingComma;
    const indent = indentAt(this.text, last.getStart(this.sf));
    if (multiline) this.insert(last.getEnd() + (comma ? 1 : 0), `${comma ? '' : ','}${this.nl}${indent}${text}${comma ? ',' : ''}`);
    else this.insert(last.getEnd(), `, ${text}`);
  }

  /** `new aws.s3.X('name', {...});` as a statement after the one that creates `after`. */
  private addResource(after: Resource, type: string, name: string, args: Record<string, FixValue>): boolean {
    const cls = pulumiClassFor(type);
    const node = this.find(after.loc, ts.isNewExpression);
    if (!cls || !node) return false;
    // Written through the file's own import of @pulumi/aws (`aws.s3.X`) or of the module (`s3.X`).
    const imports = Object.entries(this.file.pulumi?.imports ?? {});
    const ns = imports.find(([, p]) => p === '@pulumi/aws')?.[0];
    const mod = imports.find(([, p]) => p === `@pulumi/aws/${cls.module.split('.').join('/')}`)?.[0];
    const ref = ns ? `${ns}.${cls.module ? `${cls.module}.` : ''}${cls.class}` : mod ? `${mod}.${cls.class}` : undefined;
    if (!ref) return false;
    let stmt: ts.Node = node;
    while (stmt.parent && !ts.isSourceFile(stmt.parent) && !ts.isBlock(stmt.parent)) stmt = stmt.parent;
    const indent = indentAt(this.text, stmt.getStart(this.sf));
    const entries: string[] = [];
    for (const [k, v] of Object.entries(args)) {
      const text = this.value(v);
      if (text === undefined) return false;
      entries.push(`${indent}${this.indentUnit()}${pulumiKey(cls.token, k)}: ${text},`);
    }
    const semi = stmt.getText(this.sf).endsWith(';') ? ';' : '';
    const nl = this.nl;
    this.insert(stmt.getEnd(), `${nl}${nl}${indent}new ${ref}(${this.string(name)}, {${nl}${entries.join(nl)}${nl}${indent}})${semi}`);
    return true;
  }

  finish(): TextEdit[] {
    if (this.needsPulumiImport) this.addPulumiImport();
    return this.edits;
  }

  // ---- style

  /** The quote most string literals use (single when there are none). */
  private quoteStyle(): string {
    let single = 0;
    let double = 0;
    const stack: ts.Node[] = [this.sf];
    while (stack.length && single + double < 200) {
      const n = stack.pop()!;
      if (ts.isStringLiteral(n)) {
        if (this.text[n.getStart(this.sf)] === '"') double++;
        else single++;
      }
      n.forEachChild((c) => {
        stack.push(c);
      });
    }
    return double > single ? '"' : "'";
  }

  private string(s: string): string {
    const q = this.quote;
    const body = s.replace(
      /[\\\n\r\u2028\u2029]/g,
      (c) => ({ '\\': '\\\\', '\n': '\\n', '\r': '\\r' })[c] ?? `\\u${c.charCodeAt(0).toString(16)}`,
    );
    return q + body.split(q).join(`\\${q}`) + q;
  }

  /** Text for inside a template literal. */
  private templateText(s: string): string {
    return s.replace(/\\/g, '\\\\').replace(/`/g, '\\`').replace(/\$\{/g, '\\${').replace(/\r/g, '\\r').replace(/\n/g, '\\n');
  }

  private value(v: FixValue): string | undefined {
    if (v.kind === 'literal') return typeof v.value === 'string' ? this.string(v.value) : String(v.value);
    const e = v.typescript;
    if (e === undefined) return undefined;
    return e.startsWith('pulumi.') ? `${this.pulumi()}.${e.slice('pulumi.'.length)}` : e;
  }

  /** The file's name for @pulumi/pulumi, importing it when the file does not. */
  private pulumi(): string {
    if (!this.pulumiAlias) {
      this.pulumiAlias = 'pulumi';
      this.needsPulumiImport = true;
    }
    return this.pulumiAlias;
  }

  private addPulumiImport(): void {
    let found = importsOf.get(this.sf);
    if (!found) {
      const isImport = (s: ts.Statement): boolean =>
        ts.isImportDeclaration(s) ||
        ts.isImportEqualsDeclaration(s) ||
        (ts.isVariableStatement(s) && s.declarationList.declarations.some((d) => isRequire(d.initializer)));
      const imports = this.sf.statements.filter(isImport);
      found = { last: imports[imports.length - 1], esm: this.sf.statements.some(ts.isImportDeclaration) };
      importsOf.set(this.sf, found);
    }
    const last = found.last;
    const esm = found.esm || this.file.language === 'typescript';
    const semi = !last || last.getText(this.sf).endsWith(';') ? ';' : '';
    const q = this.quote;
    const stmt = esm ? `import * as pulumi from ${q}${PULUMI}${q}${semi}` : `const pulumi = require(${q}${PULUMI}${q})${semi}`;
    if (last) this.insert(last.getEnd(), `${this.nl}${stmt}`);
    else this.insert(0, `${stmt}${this.nl}`);
  }

  // ---- edits and nodes

  private edit(start: number, end: number, newText: string): void {
    this.edits.push({ file: this.file.path, start, end, range: this.lines.range(start, end), newText });
  }

  private insert(at: number, newText: string): void {
    this.edit(at, at, newText);
  }

  /** The outermost node spanning exactly `loc` that satisfies `test`. */
  private find<T extends ts.Node>(loc: Loc, test: (n: ts.Node) => n is T): T | undefined {
    let cur: ts.Node | undefined = this.sf;
    while (cur) {
      if (cur.getStart(this.sf) === loc.start && cur.getEnd() === loc.end && test(cur)) return cur;
      let next: ts.Node | undefined;
      if (ts.isSourceFile(cur)) {
        // a binary search: a file may hold 100,000 statements, and this runs once per fix
        const sts = cur.statements;
        for (
          let i = firstIndexWhere(sts.length, (k) => sts[k]!.getEnd() >= loc.end);
          i < sts.length && !next && sts[i]!.getStart(this.sf) <= loc.start;
          i++
        )
          if (sts[i]!.getEnd() >= loc.end) next = sts[i];
      } else
        cur.forEachChild((c) => {
          if (!next && c.getStart(this.sf) <= loc.start && c.getEnd() >= loc.end) next = c;
        });
      cur = next;
    }
    return undefined;
  }

  private line(offset: number): number {
    return this.lines.position(offset).line;
  }

  /**
   * The resource type whose arguments hold the object at `offset` (the innermost) and the canonical keys leading to
   * that object, for rendering keys (renames depend on both).
   */
  private blockAt(offset: number): Block {
    let byStart = resourcesByStart.get(this.file);
    if (!byStart) {
      // by start, and the larger first where two start together: the smaller holds the offset more closely
      const size = (r: Resource): number => r.props.loc.end - r.props.loc.start;
      byStart = [...this.file.resources].sort((a, b) => a.props.loc.start - b.props.loc.start || size(b) - size(a));
      resourcesByStart.set(this.file, byStart);
    }
    // Argument objects are nested or apart: the innermost holding `offset` is the last to start before it that ends
    // after it. A binary search finds the last start, once per fix (a file may hold 100,000 resources).
    const starts = byStart;
    for (let i = firstIndexWhere(starts.length, (k) => starts[k]!.props.loc.start > offset) - 1; i >= 0; i--) {
      const r = starts[i]!;
      if (offset <= r.props.loc.end) return { type: r.token ?? r.type, path: pathTo(r.props, offset) ?? [] };
    }
    return { type: undefined, path: [] };
  }

  private key(block: Block, canonical: string): string {
    const k = pulumiKey(block.type, canonical, block.path);
    return /^[A-Za-z_$][\w$]*$/.test(k) ? k : this.string(k);
  }

  // ---- setProperty

  private setProperty(target: ObjectValue, key: string, fv: FixValue): boolean {
    const value = this.value(fv);
    if (value === undefined) return false;
    const block = this.blockAt(target.loc.start);
    const segs = key.split('.');
    if (target.loc.start === target.loc.end) {
      // No args object yet: add one after the name argument.
      this.insert(target.loc.start, `, { ${this.nested(block, segs, value)} }`);
      return true;
    }
    let obj = this.find(target.loc, ts.isObjectLiteralExpression);
    if (!obj) return false;
    for (let i = 0; i < segs.length; i++) {
      const at: Block = { type: block.type, path: [...block.path, ...segs.slice(0, i)] };
      const prop = findProperty(obj, segs[i]!, at);
      if (!prop) {
        this.insertProperty(obj, this.nested(at, segs.slice(i), value));
        return true;
      }
      if (i === segs.length - 1) {
        if (ts.isPropertyAssignment(prop)) this.edit(prop.initializer.getStart(this.sf), prop.initializer.getEnd(), value);
        else this.edit(prop.getStart(this.sf), prop.getEnd(), `${prop.name.text}: ${value}`);
        return true;
      }
      const inner = ts.isPropertyAssignment(prop) ? skipTransparent(prop.initializer) : undefined;
      if (inner && ts.isObjectLiteralExpression(inner)) obj = inner;
      else if (
        inner &&
        ts.isArrayLiteralExpression(inner) &&
        inner.elements.length === 1 &&
        ts.isObjectLiteralExpression(skipTransparent(inner.elements[0]!))
      ) {
        obj = skipTransparent(inner.elements[0]!) as ts.ObjectLiteralExpression;
      } else return false;
    }
    return false;
  }

  /** `a: { b: value }` for the path a.b. */
  private nested(block: Block, segs: string[], value: string): string {
    let out = value;
    for (let i = segs.length - 1; i > 0; i--)
      out = `{ ${this.key({ type: block.type, path: [...block.path, ...segs.slice(0, i)] }, segs[i]!)}: ${out} }`;
    return `${this.key(block, segs[0]!)}: ${out}`;
  }

  private insertProperty(obj: ts.ObjectLiteralExpression, prop: string): void {
    const open = obj.getStart(this.sf);
    const close = obj.getEnd() - 1;
    const multiline = this.line(open) !== this.line(close);
    const props = obj.properties;
    const last = props[props.length - 1];
    if (!last) {
      if (multiline) this.insert(open + 1, `${this.nl}${indentAt(this.text, open)}${this.indentUnit()}${prop},`);
      else this.edit(open + 1, close, ` ${prop} `);
      return;
    }
    const lastEnd = last.getEnd();
    if (!multiline) {
      this.insert(lastEnd, `, ${prop}`);
      return;
    }
    const indent = indentAt(this.text, last.getStart(this.sf));
    if (this.line(lastEnd) === this.line(close)) {
      this.insert(lastEnd, `,${this.nl}${indent}${prop}`);
      return;
    }
    // After everything on the last property's line (its comma and a trailing comment).
    const lineEnd = this.lineEnd(lastEnd);
    if (props.hasTrailingComma) {
      this.insert(lineEnd, `${this.nl}${indent}${prop},`);
    } else if (lineEnd === lastEnd) {
      this.insert(lastEnd, `,${this.nl}${indent}${prop}`);
    } else {
      this.insert(lastEnd, ',');
      this.insert(lineEnd, `${this.nl}${indent}${prop}`);
    }
  }

  private lineEnd(offset: number): number {
    const line = this.line(offset);
    return this.lines.lineStart(line) + this.lines.lineText(line).length;
  }

  private indentUnit(): string {
    return this.text.includes('\n\t') ? '\t' : '  ';
  }

  // ---- removeProperty, renameKey, replaceValue

  private removeProperty(property: Property): boolean {
    const node = this.find(property.loc, isPropertyNode);
    if (!node || !ts.isObjectLiteralExpression(node.parent)) return false;
    const obj = node.parent;
    const props = obj.properties;
    const idx = props.indexOf(node);
    const start = node.getStart(this.sf);
    const lineStart = this.lines.lineStart(this.line(start));
    const ownLine = this.text.slice(lineStart, start).trim() === '' && this.restOfLineIsEmpty(node.getEnd());
    const prev = props[idx - 1];
    const next = props[idx + 1];
    if (ownLine && this.line(obj.getStart(this.sf)) !== this.line(start)) {
      const endLine = this.line(node.getEnd());
      const end = endLine + 1 < this.lines.lineCount() ? this.lines.lineStart(endLine + 1) : this.text.length;
      this.edit(lineStart, end, '');
      // The new last property keeps the object's no-trailing-comma habit.
      if (!next && prev && !props.hasTrailingComma) {
        const comma = this.skipBlanks(prev.getEnd());
        if (this.text[comma] === ',') this.edit(comma, comma + 1, '');
      }
      return true;
    }
    if (next) this.edit(start, next.getStart(this.sf), '');
    else if (prev) this.edit(prev.getEnd(), node.getEnd(), '');
    else this.edit(obj.getStart(this.sf) + 1, obj.getEnd() - 1, '');
    return true;
  }

  private skipBlanks(offset: number): number {
    let p = offset;
    while (p < this.text.length && (this.text[p] === ' ' || this.text[p] === '\t')) p++;
    return p;
  }

  /** True when only a comma, blanks and a line comment follow `offset` on its line. */
  private restOfLineIsEmpty(offset: number): boolean {
    let p = this.skipBlanks(offset);
    if (this.text[p] === ',') p = this.skipBlanks(p + 1);
    const comments = ts.getTrailingCommentRanges(this.text, p) ?? [];
    const after = comments.length ? this.skipBlanks(comments[comments.length - 1]!.end) : p;
    return after >= this.text.length || this.text[after] === '\n' || this.text[after] === '\r';
  }

  private renameKey(property: Property, newKey: string): boolean {
    const node = this.find(property.loc, isPropertyNode);
    if (!node) return false;
    const name = this.key(this.blockAt(node.parent.getStart(this.sf)), newKey);
    if (ts.isShorthandPropertyAssignment(node)) this.edit(node.getStart(this.sf), node.getEnd(), `${name}: ${node.name.text}`);
    else this.edit(node.name.getStart(this.sf), node.name.getEnd(), name);
    return true;
  }

  private replaceValue(value: Value, fv: FixValue): boolean {
    const text = this.value(fv);
    const node = this.find(value.loc, isExpressionNode);
    if (text === undefined || !node) return false;
    this.edit(node.getStart(this.sf), node.getEnd(), text);
    return true;
  }

  // ---- strings

  private appendToString(value: Value, suffix: FixValue, separator: string): boolean {
    const node = this.find(value.loc, isExpressionNode);
    if (!node) return false;
    const literal = suffix.kind === 'literal' ? String(suffix.value) : undefined;
    const expr = literal === undefined ? this.value(suffix) : undefined;
    if (literal === undefined && expr === undefined) return false;
    const tail = this.templateText(separator + (literal ?? '')) + (expr !== undefined ? `\${${expr}}` : '');
    const start = node.getStart(this.sf);
    const end = node.getEnd();
    if (ts.isStringLiteral(node)) {
      this.edit(
        start,
        end,
        literal !== undefined ? this.string(node.text + separator + literal) : `\`${this.templateText(node.text)}${tail}\``,
      );
    } else if (ts.isNoSubstitutionTemplateLiteral(node) || ts.isTemplateExpression(node)) {
      this.insert(end - 1, tail);
    } else if (ts.isTaggedTemplateExpression(node)) {
      this.insert(node.template.getEnd() - 1, tail);
    } else {
      const tag = value.output ? `${this.pulumi()}.interpolate` : '';
      this.edit(start, end, `${tag}\`\${${node.getText(this.sf)}}${tail}\``);
    }
    return true;
  }

  private wrapOutputString(build: StringBuild): boolean {
    const node = this.find(build.loc, isExpressionNode);
    if (!node) return false;
    const start = node.getStart(this.sf);
    if (ts.isTemplateExpression(node) || ts.isNoSubstitutionTemplateLiteral(node)) {
      this.insert(start, `${this.pulumi()}.interpolate`);
      return true;
    }
    if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusToken) {
      const body = plusOperands(node)
        .map((o) => this.templatePiece(o))
        .join('');
      this.edit(start, node.getEnd(), `${this.pulumi()}.interpolate\`${body}\``);
      return true;
    }
    if (ts.isCallExpression(node)) {
      const callee = skipTransparent(node.expression);
      const arg = node.arguments[0];
      if (build.kind === 'JSON.stringify' && arg) {
        this.edit(start, node.getEnd(), `${this.pulumi()}.jsonStringify(${arg.getText(this.sf)})`);
        return true;
      }
      const inner =
        build.kind === 'String' ? arg : build.kind === 'toString' && ts.isPropertyAccessExpression(callee) ? callee.expression : undefined;
      if (inner) {
        this.edit(start, node.getEnd(), `${this.pulumi()}.interpolate\`\${${inner.getText(this.sf)}}\``);
        return true;
      }
    }
    return false;
  }

  /** An operand of `+` as a piece of a template literal. */
  private templatePiece(e: ts.Expression): string {
    const n = skipTransparent(e);
    if (ts.isStringLiteral(n)) return this.templateText(n.text);
    if (ts.isNoSubstitutionTemplateLiteral(n) || ts.isTemplateExpression(n)) return n.getText(this.sf).slice(1, -1);
    return `\${${n.getText(this.sf)}}`;
  }
}

function isRequire(e: ts.Expression | undefined): boolean {
  const n = e && skipTransparent(e);
  return !!n && ts.isCallExpression(n) && ts.isIdentifier(n.expression) && n.expression.text === 'require';
}

function isPropertyNode(n: ts.Node): n is PropertyNode {
  return ts.isPropertyAssignment(n) || ts.isShorthandPropertyAssignment(n);
}

function isExpressionNode(n: ts.Node): n is ts.Expression {
  return ts.isExpression(n);
}

/** The property of an object literal whose key is `canonical` (the last one, as JavaScript does). */
function findProperty(obj: ts.ObjectLiteralExpression, canonical: string, block: Block): PropertyNode | undefined {
  for (let i = obj.properties.length - 1; i >= 0; i--) {
    const p = obj.properties[i]!;
    if (!isPropertyNode(p)) continue;
    const n = p.name;
    const written = ts.isIdentifier(n) || ts.isStringLiteral(n) || ts.isNumericLiteral(n) ? n.text : undefined;
    if (written !== undefined && (written === canonical || canonicalKey(block.type, written, block.path) === canonical)) return p;
  }
  return undefined;
}

/** The canonical keys from `root` down to the object starting at `offset` (lists of blocks add no key). */
function pathTo(root: ObjectValue, offset: number): string[] | undefined {
  const stack: { v: Value; path: string[] }[] = [{ v: root, path: [] }];
  while (stack.length) {
    const { v, path } = stack.pop()!;
    if (v.kind === 'object' && v.loc.start === offset) return path;
    if (v.loc.start > offset || v.loc.end < offset) continue;
    if (v.kind === 'object') for (const p of v.props) stack.push({ v: p.value, path: [...path, p.key] });
    else if (v.kind === 'list') for (const i of v.items) stack.push({ v: i, path });
  }
  return undefined;
}

function plusOperands(node: ts.BinaryExpression): ts.Expression[] {
  const out: ts.Expression[] = [];
  let cur: ts.Expression = node;
  while (ts.isBinaryExpression(cur) && cur.operatorToken.kind === ts.SyntaxKind.PlusToken) {
    out.push(cur.right);
    cur = cur.left;
  }
  out.push(cur);
  return out.reverse();
}
