import ts from 'typescript';
import { evaluate, walkValues } from '../../model/evaluate';
import { changedSpan, LineIndex, lineIndexOf, type TextChange } from '../../model/text';
import type {
  Comment,
  FileModel,
  Language,
  Loc,
  ObjectValue,
  ParseError,
  Property,
  PulumiFacts,
  Reference,
  RefValue,
  Resource,
  ResourceOptions,
  StringBuild,
  TemplateValue,
  Value,
} from '../../model/types';
import { canonicalKey, lookupPulumiClass } from '../../knowledge/typemap';
import { awsEnumValue, dataSourceSchema } from '../../knowledge/schema';
import { alignKeys, LOWERED_INVOKES } from '../pulumi/invokes';
import {
  markSpans,
  moveRecord,
  newOutputs,
  newRecord,
  OUTPUTS,
  planReuse,
  reuseCounts,
  type FileLowering,
  type ReusePlan,
  type StatementRecord,
} from './reuse';

/** Lowering deeper than this becomes unknown (deeply generated code must not exhaust the stack). */
const MAX_DEPTH = 200;
const PULUMI = '@pulumi/pulumi';
const OPTION_KEYS = [
  'dependsOn',
  'parent',
  'provider',
  'providers',
  'protect',
  'retainOnDelete',
  'ignoreChanges',
  'deleteBeforeReplace',
] as const;
const CALLBACKS = new Set(['apply', 'then', 'catch', 'finally']);
const LOOP_METHODS = new Set(['forEach', 'map', 'flatMap', 'reduce', 'filter', 'some', 'every', 'find', 'from']);
const CONFIG_METHODS = new Set([
  'get',
  'require',
  'getSecret',
  'requireSecret',
  'getNumber',
  'getBoolean',
  'requireNumber',
  'requireBoolean',
  'getObject',
  'requireObject',
  'getSecretObject',
  'requireSecretObject',
  'getSecretNumber',
  'requireSecretNumber',
  'getSecretBoolean',
  'requireSecretBoolean',
]);
/** Account/region lookups of @pulumi/aws (their results vary with the credentials, not with the program). */
const ACCOUNT_FUNCTIONS = new Set(['getCallerIdentity', 'getRegion', 'getPartition']);
/** Keys under these hold user data (tag names, environment variable names): they are not camelCase argument names. */
const MAP_KEYS = new Set(['tags', 'tags_all', 'variables', 'labels']);
const STRING_METHODS: Record<string, string> = { toLowerCase: 'lower', toUpperCase: 'upper', trim: 'trimspace' };

export function languageOfPath(path: string): Language {
  return /\.(c|m)?jsx?$/i.test(path) ? 'javascript' : 'typescript';
}

export function scriptKind(path: string): ts.ScriptKind {
  const lower = path.toLowerCase();
  if (lower.endsWith('.tsx')) return ts.ScriptKind.TSX;
  if (lower.endsWith('.jsx')) return ts.ScriptKind.JSX;
  if (/\.(c|m)?js$/.test(lower)) return ts.ScriptKind.JS;
  return ts.ScriptKind.TS;
}

/**
 * The last source file of each file and what it was lowered to, kept only where files are parsed again after small
 * edits (the language server).
 */
const lastSourceFiles = new Map<string, { sf: ts.SourceFile; lowering?: FileLowering }>();
let keepSourceFiles = 0;

/**
 * Keep the source files of the `n` files parsed last, so that the next parse of one of them is the compiler's
 * incremental parse (`ts.updateSourceFile`: the nodes outside the edit are reused). 0, the default, keeps none.
 */
export function keepSourceFilesForIncrementalParsing(n: number): void {
  keepSourceFiles = n;
  for (const key of lastSourceFiles.keys()) {
    if (lastSourceFiles.size <= n) break;
    lastSourceFiles.delete(key);
  }
}

export function forgetSourceFile(path: string): void {
  lastSourceFiles.delete(path);
}

export function keptSourceFileCount(): number {
  return lastSourceFiles.size;
}

/**
 * A fresh parse, or with a kept source file of `path`, an incremental one over the single edit between the texts;
 * then also the lowering of the kept source file.
 */
function sourceFileFor(path: string, text: string): { sf: ts.SourceFile; previous?: FileLowering; change?: TextChange } {
  const last = keepSourceFiles > 0 ? lastSourceFiles.get(path) : undefined;
  // An old source file is consumed by updateSourceFile: drop it first, whatever happens next.
  lastSourceFiles.delete(path);
  let sf: ts.SourceFile;
  let change: TextChange | undefined;
  if (last && last.sf.text === text) {
    sf = last.sf;
    change = { start: text.length, oldEnd: text.length, newEnd: text.length };
  } else if (last) {
    change = changedSpan(last.sf.text, text);
    const { start, oldEnd, newEnd } = change;
    sf = ts.updateSourceFile(last.sf, text, ts.createTextChangeRange(ts.createTextSpan(start, oldEnd - start), newEnd - start));
  } else sf = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, false, scriptKind(path)); // `scan` sets the parents
  if (keepSourceFiles > 0) {
    lastSourceFiles.set(path, { sf });
    if (lastSourceFiles.size > keepSourceFiles) lastSourceFiles.delete(lastSourceFiles.keys().next().value!);
  }
  return { sf, previous: last?.lowering, change };
}

/** Parses a TypeScript or JavaScript file into the canonical model. Never throws. */
export function parseTypeScript(text: string, path: string): FileModel {
  const language = languageOfPath(path);
  const model: FileModel = {
    path,
    language,
    text,
    resources: [],
    parseErrors: [],
    comments: [],
    stringBuilds: [],
    pulumi: { isPulumi: false, imports: {}, components: [], configReads: [] },
  };
  // A file that never names a Pulumi package cannot import one: skip the parse.
  if (!text.includes('@pulumi/')) return model;
  let sf: ts.SourceFile;
  let previous: FileLowering | undefined;
  let change: TextChange | undefined;
  try {
    ({ sf, previous, change } = sourceFileFor(path, text));
  } catch (e) {
    // The compiler's parser is recursive: thousands of nesting levels overflow its stack.
    const lines = new LineIndex(text);
    model.parseErrors.push({ loc: lines.loc(path, 0, 0), message: `the file could not be parsed: ${message(e)}` });
    return model;
  }
  try {
    const lines = lineIndexOf(model);
    // the language server keeps this parse: the lowering is kept with it, for the next edit
    const kept = lastSourceFiles.get(path);
    const track = kept?.sf === sf;
    const plan = previous && change && planReuse(previous, change, text, sf.statements);
    // An edit that changed what every statement reads (imports, name sets) or left a kept location on its line: the
    // statements are all lowered again.
    const lowering =
      (plan && new Lowerer(sf, text, path, language, lines).run(model, track, previous, plan)) ||
      new Lowerer(sf, text, path, language, lines).run(model, track)!;
    if (track) kept!.lowering = lowering;
    return model;
  } catch (e) {
    model.internalErrors = [{ message: `the TypeScript frontend failed: ${message(e)}` }];
    return model;
  }
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Calls and resource options that register transformations, which may rewrite any resource's arguments. */
const TRANSFORM_CALLS = /^(register(Stack|Resource)Transform(ation)?s?|registerAutoTags)$/;
const TRANSFORM_OPTIONS = new Set(['transforms', 'transformations']);

/** Pulumi assets read from local files, as canonical call names (checked by missing-local-file). */
const FILE_ASSETS: Record<string, string> = {
  'asset/FileAsset': 'pulumi.FileAsset',
  'asset/FileArchive': 'pulumi.FileArchive',
  FileAsset: 'pulumi.FileAsset',
  FileArchive: 'pulumi.FileArchive',
};

const NO_NAMES: ReadonlyMap<string, Declaration> = new Map();

/** By kind: nodes that can declare names (the scopes `scope()` reads); every other ancestor is skipped without a map. */
const DECLARES_NAMES: readonly boolean[] = (() => {
  const table: boolean[] = [];
  for (let k = 0; k < ts.SyntaxKind.Count; k++) table.push(ts.isFunctionLike({ kind: k } as ts.Node));
  for (const k of [
    ts.SyntaxKind.SourceFile,
    ts.SyntaxKind.Block,
    ts.SyntaxKind.ModuleBlock,
    ts.SyntaxKind.CaseClause,
    ts.SyntaxKind.DefaultClause,
    ts.SyntaxKind.ForStatement,
    ts.SyntaxKind.ForOfStatement,
    ts.SyntaxKind.ForInStatement,
    ts.SyntaxKind.CatchClause,
  ])
    table[k] = true;
  return table;
})();

/** Strips wrappers that do not change a value: parentheses, `as`, `satisfies`, `!`, `<T>x`. */
export function skipTransparent(node: ts.Expression): ts.Expression {
  let n = node;
  for (;;) {
    if (
      ts.isParenthesizedExpression(n) ||
      ts.isAsExpression(n) ||
      ts.isSatisfiesExpression(n) ||
      ts.isNonNullExpression(n) ||
      ts.isTypeAssertionExpression(n)
    )
      n = n.expression;
    else return n;
  }
}

interface Context {
  component?: PulumiFacts['components'][number];
  callback?: string;
  loop: boolean;
}

/** Expressions whose lowering has no keys below it: the options of nested keys do not matter to them. */
const SCALARS: ReadonlySet<ts.SyntaxKind> = new Set([
  ts.SyntaxKind.StringLiteral,
  ts.SyntaxKind.NoSubstitutionTemplateLiteral,
  ts.SyntaxKind.NumericLiteral,
  ts.SyntaxKind.TrueKeyword,
  ts.SyntaxKind.FalseKeyword,
  ts.SyntaxKind.NullKeyword,
  ts.SyntaxKind.Identifier,
  ts.SyntaxKind.PropertyAccessExpression,
]);

interface LowerOptions {
  /** The resource type whose argument keys are being lowered (for renames). */
  tfType?: string;
  /** Keep keys as written (JSON.stringify documents, resource options). */
  raw?: boolean;
  /** The object is a map of user keys (tags). */
  map?: boolean;
  /** Canonical keys of the enclosing blocks within the resource's arguments (nested renames depend on them). */
  path?: string[];
}

type Declaration = ts.VariableDeclaration | ts.ParameterDeclaration | ts.BindingElement | ts.FunctionDeclaration | ts.ClassDeclaration;

interface ConfigRead {
  key: string;
  method: string;
  secret: boolean;
  output: boolean;
}

/** A class a `new` expression instantiates, when it is a resource. */
interface ResourceClass {
  kind: 'resource' | 'component';
  type: string;
  token?: string;
}

class Lowerer {
  private readonly imports: Record<string, string> = {};
  /** Local names bound to Node's path module (`path`) or its functions (`path/join`). */
  private readonly nodePath = new Map<string, string>();
  private readonly components = new Map<string, ts.ClassLikeDeclaration>();
  private readonly reassigned = new Set<string>();
  /** Names declared anywhere but the file's own statements (parameters, block-scoped, loop and catch variables...). */
  private readonly nestedNames = new Set<string>();
  private readonly scopes = new Map<ts.Node, Map<string, Declaration>>();
  private readonly initCache = new Map<ts.Node, Value>();
  private readonly inProgress = new Set<ts.Node>();
  private readonly classMembers = new Map<ts.Node, Map<string, ts.NewExpression>>();
  /** The config reads recorded (a call is visited once; the set makes sure). */
  private readonly configReads = new Set<ts.Node>();
  /** Per `new` expression: asked again for every reference to the variable it initialises. */
  private readonly classes = new Map<ts.NewExpression, ResourceClass | undefined>();
  private internalErrors: NonNullable<FileModel['internalErrors']> = [];
  private depth = 0;
  /** Per top-level statement, what lowering it produced and read. */
  private readonly records = new Map<ts.Statement, StatementRecord>();
  /** The record of the statement whose lowering is under way: the top-level names looked up go to it. */
  private current: StatementRecord | undefined;

  constructor(
    private readonly sf: ts.SourceFile,
    private readonly text: string,
    private readonly path: string,
    private readonly language: Language,
    private readonly lines: LineIndex,
  ) {}

  /**
   * Lowers the file into `model`. With `track` (the language server), notes per top-level statement what its lowering
   * produced and read; with `previous` and `plan` too, keeps the lowering of the statements `plan` keeps. Undefined
   * when that cannot be done (the model is then to be lowered afresh).
   */
  run(model: FileModel, track: boolean, previous?: FileLowering, plan?: ReusePlan): FileLowering | undefined {
    delete model.internalErrors;
    this.collectImports();
    const facts: PulumiFacts = { isPulumi: Object.keys(this.imports).length > 0, imports: this.imports, components: [], configReads: [] };
    model.pulumi = facts;
    const out = newOutputs();
    const lowering: FileLowering = { text: this.text, records: this.records, outputs: out, signature: '' };
    if (!facts.isPulumi) return lowering;
    model.parseErrors = this.parseErrors();
    const comments = new CommentCollector(this.text, (pos, end) => this.comment(pos, end));
    // first every statement's scan (the name sets must be whole before anything is lowered), then the walks
    const visits = new Map<ts.Statement, { nodes: ts.Node[]; comments: Comment[] }>();
    for (const st of this.sf.statements) {
      (st as { parent: ts.Node }).parent = this.sf;
      const kept = plan?.reuse.has(st) ? previous?.records.get(st) : undefined;
      if (kept) {
        for (const n of kept.reassigned) this.reassigned.add(n);
        for (const n of kept.nested) this.nestedNames.add(n);
        for (const c of kept.componentClasses) this.components.set(c.name!.text, c);
        this.records.set(st, kept);
        continue;
      }
      const rec = track ? newRecord(st) : undefined;
      if (rec) this.records.set(st, rec);
      this.current = rec;
      visits.set(st, { nodes: this.scan(st, rec, comments), comments: comments.take() });
    }
    this.current = undefined;
    if (track) {
      lowering.signature = JSON.stringify([
        this.imports,
        [...this.nodePath],
        [...this.reassigned].sort(),
        [...this.nestedNames].sort(),
        [...this.components.keys()],
      ]);
    }
    if (plan && previous) {
      if (lowering.signature !== previous.signature) return undefined;
      const seen = new Set<Loc>();
      if (plan.delta !== 0) for (const st of plan.reuse) if (!moveRecord(previous, this.records.get(st)!, plan, seen)) return undefined;
    }
    model.resources = out.resources;
    model.stringBuilds = out.stringBuilds;
    model.comments = out.comments;
    facts.components = out.components;
    facts.configReads = out.configReads;
    facts.invokes = out.invokes;
    this.internalErrors = out.internalErrors;
    let transforms = false;
    for (const st of this.sf.statements) {
      const rec = this.records.get(st);
      const visit = visits.get(st);
      // a kept statement's outputs: where they lie in the previous lists
      const keptSpans = visit ? undefined : rec?.spans;
      if (rec) {
        rec.spans = [];
        markSpans(rec, out);
      }
      if (visit) {
        this.current = rec;
        for (const c of visit.comments) out.comments.push(c);
        this.walk(visit.nodes, model, facts);
        if (rec) rec.transforms = !!facts.transforms;
      } else if (keptSpans && previous) {
        for (let k = 0; k < OUTPUTS.length; k++) {
          const from = previous.outputs[OUTPUTS[k]!] as unknown[];
          const to = out[OUTPUTS[k]!] as unknown[];
          for (let i = keptSpans[k]!; i < keptSpans[OUTPUTS.length + k]!; i++) to.push(from[i]);
        }
      }
      if (rec) markSpans(rec, out);
      transforms ||= !!facts.transforms || !!rec?.transforms;
      if (track) delete facts.transforms;
    }
    this.current = undefined;
    const eof = this.sf.endOfFileToken;
    (eof as { parent: ts.Node }).parent = this.sf;
    comments.scan(eof.pos, eof.end, false);
    for (const c of comments.take()) out.comments.push(c);
    if (transforms) facts.transforms = true;
    if (!out.invokes.length) delete facts.invokes;
    if (out.internalErrors.length) model.internalErrors = out.internalErrors;
    for (const [st, rec] of this.records) {
      rec.pos = st.pos;
      rec.end = st.end;
    }
    reuseCounts.kept = track ? this.records.size - visits.size : 0;
    reuseCounts.lowered = visits.size;
    return lowering;
  }

  /**
   * Lowering that belongs to the statement holding `node` (an initializer another statement reads): the names it
   * looks up go to that statement's record, which the statements reading it depend on by name.
   */
  private within<T>(node: ts.Node, f: () => T): T {
    if (this.records.size === 0) return f();
    let top = node;
    while (top.parent && top.parent !== this.sf) top = top.parent;
    const rec = this.records.get(top as ts.Statement);
    if (!rec || rec === this.current) return f();
    const outer = this.current;
    this.current = rec;
    try {
      return f();
    } finally {
      this.current = outer;
    }
  }

  // ---- locations

  private loc(node: ts.Node): Loc {
    return this.lines.loc(this.path, node.getStart(this.sf), node.getEnd());
  }

  /** The class name of a `new` callee (`BucketV2` of `aws.s3.BucketV2`), as a `typeLoc` entry. */
  private classNameLoc(callee: ts.Expression): { typeLoc?: Loc } {
    const e = skipTransparent(callee);
    const id = ts.isPropertyAccessExpression(e) ? e.name : ts.isIdentifier(e) ? e : undefined;
    return id ? { typeLoc: this.span(id.getStart(this.sf), id.getEnd()) } : {};
  }

  private span(start: number, end: number): Loc {
    return this.lines.loc(this.path, start, end);
  }

  private textOf(node: ts.Node, start = node.getStart(this.sf)): string {
    const end = node.getEnd();
    return end - start > 200 ? `${this.text.slice(start, start + 199)}…` : this.text.slice(start, end);
  }

  // the text and the location from one `getStart` (it skips the trivia before the node again each time)
  private unknown(node: ts.Node, reason: string, output?: boolean): Value {
    const start = node.getStart(this.sf);
    const loc = this.span(start, node.getEnd());
    return { kind: 'unknown', reason, text: this.textOf(node, start), loc, ...(output ? { output } : {}) };
  }

  private ref(node: ts.Node, ref: Omit<Reference, 'text'>, extra: Partial<RefValue> = {}): RefValue {
    const start = node.getStart(this.sf);
    return { kind: 'ref', ref: { ...ref, text: this.textOf(node, start) }, loc: this.span(start, node.getEnd()), ...extra };
  }

  // ---- imports and module paths

  private collectImports(): void {
    const add = (alias: string, path: string): void => {
      if (path.startsWith('@pulumi/')) this.imports[alias] = path;
      // Node's path module, for `path.join(__dirname, ...)` in asset paths.
      const plain = path.startsWith('node:') ? path.slice('node:'.length) : path;
      if (plain === 'path' || plain.startsWith('path/')) this.nodePath.set(alias, plain);
    };
    for (const st of this.sf.statements) {
      if (ts.isImportDeclaration(st) && ts.isStringLiteral(st.moduleSpecifier)) {
        const m = st.moduleSpecifier.text;
        const clause = st.importClause;
        if (clause?.name) add(clause.name.text, m);
        const nb = clause?.namedBindings;
        if (nb && ts.isNamespaceImport(nb)) add(nb.name.text, m);
        if (nb && ts.isNamedImports(nb)) for (const el of nb.elements) add(el.name.text, `${m}/${(el.propertyName ?? el.name).text}`);
      } else if (ts.isImportEqualsDeclaration(st) && ts.isExternalModuleReference(st.moduleReference)) {
        const e = st.moduleReference.expression;
        if (ts.isStringLiteral(e)) add(st.name.text, e.text);
      } else if (ts.isVariableStatement(st)) {
        for (const d of st.declarationList.declarations) {
          const m = d.initializer && this.requirePath(skipTransparent(d.initializer));
          if (!m) continue;
          if (ts.isIdentifier(d.name)) add(d.name.text, m);
          else if (ts.isObjectBindingPattern(d.name)) {
            for (const el of d.name.elements) {
              const prop = el.propertyName ?? el.name;
              if (ts.isIdentifier(el.name) && (ts.isIdentifier(prop) || ts.isStringLiteral(prop))) add(el.name.text, `${m}/${prop.text}`);
            }
          }
        }
      }
    }
  }

  /** `path.join` / `path.resolve` of Node's path module (`join` when imported by name), not shadowed. */
  private isPathJoin(callee: ts.Expression): boolean {
    const fn = (id: ts.Identifier): string | undefined => (this.resolveName(id.text, id) ? undefined : this.nodePath.get(id.text));
    if (ts.isIdentifier(callee)) {
      const p = fn(callee);
      return p === 'path/join' || p === 'path/resolve';
    }
    return (
      ts.isPropertyAccessExpression(callee) &&
      ts.isIdentifier(callee.expression) &&
      fn(callee.expression) === 'path' &&
      (callee.name.text === 'join' || callee.name.text === 'resolve')
    );
  }

  /** `require('@pulumi/aws')` and `require('@pulumi/aws').s3`. */
  private requirePath(e: ts.Expression): string | undefined {
    if (ts.isCallExpression(e) && ts.isIdentifier(e.expression) && e.expression.text === 'require') {
      const a = e.arguments[0];
      return a && ts.isStringLiteral(a) ? a.text : undefined;
    }
    if (ts.isPropertyAccessExpression(e)) {
      const base = this.requirePath(skipTransparent(e.expression));
      return base && `${base}/${e.name.text}`;
    }
    return undefined;
  }

  /** The Pulumi module path an expression names (`aws.rds.Instance` -> `@pulumi/aws/rds/Instance`). */
  private pathOf(node: ts.Expression): string | undefined {
    const e = skipTransparent(node);
    if (ts.isIdentifier(e)) {
      const p = this.imports[e.text];
      // A local binding of the same name shadows the import.
      return p && !this.isShadowed(e) ? p : undefined;
    }
    if (ts.isPropertyAccessExpression(e)) {
      const base = this.pathOf(e.expression);
      return base && `${base}/${e.name.text}`;
    }
    if (ts.isElementAccessExpression(e) && ts.isStringLiteralLike(e.argumentExpression)) {
      const base = this.pathOf(e.expression);
      return base && `${base}/${e.argumentExpression.text}`;
    }
    if (ts.isCallExpression(e)) return this.requirePath(e);
    return undefined;
  }

  private isShadowed(id: ts.Identifier): boolean {
    const d = this.resolveName(id.text, id);
    return !!d && !this.isTopLevelImportBinding(d);
  }

  private isTopLevelImportBinding(d: Declaration): boolean {
    const decl = ts.isBindingElement(d) ? d.parent.parent : d;
    return ts.isVariableDeclaration(decl) && !!decl.initializer && !!this.requirePath(skipTransparent(decl.initializer));
  }

  /** The resource class a `new` expression instantiates: a Pulumi package class or a component class of this file. */
  private resourceClass(node: ts.NewExpression): ResourceClass | undefined {
    if (this.classes.has(node)) return this.classes.get(node);
    const cls = this.within(node, () => this.classOf(node));
    this.classes.set(node, cls);
    return cls;
  }

  private classOf(node: ts.NewExpression): ResourceClass | undefined {
    const path = this.pathOf(node.expression);
    if (path) {
      const segs = path.slice('@pulumi/'.length).split('/');
      const pkg = segs[0]!;
      const cls = segs[segs.length - 1]!;
      if (pkg === 'pulumi' || segs.length < 2 || !/^[A-Z]/.test(cls)) return undefined;
      const module = segs.slice(1, -1).join('.');
      const known = lookupPulumiClass(pkg, module, cls);
      return known ? { kind: 'resource', ...known } : { kind: 'resource', type: [pkg, module, cls].filter(Boolean).join('.') };
    }
    const callee = skipTransparent(node.expression);
    if (ts.isIdentifier(callee) && this.isComponent(callee.text)) return { kind: 'component', type: callee.text };
    return undefined;
  }

  // ---- the one pass over every node: reassigned names, component classes, comments, and the nodes `visit` acts on

  /**
   * Walks every node of a top-level statement once (an explicit stack: the parser builds deep trees) and returns, in
   * source order, the nodes `visit` may act on; the rest of the statement is never looked at again. What it adds to
   * the file's name sets is also noted in `rec`.
   */
  private scan(statement: ts.Statement, rec: StatementRecord | undefined, comments: CommentCollector): ts.Node[] {
    const out: ts.Node[] = [];
    const stack: ts.Node[] = [statement];
    const kids: ts.Node[] = [];
    const collect = (c: ts.Node): void => {
      kids.push(c);
    };
    const nested = (name: string): void => {
      this.nestedNames.add(name);
      rec?.nested.push(name);
    };
    const reassigned = (name: string): void => {
      this.reassigned.add(name);
      rec?.reassigned.push(name);
    };
    const addNested = (name: ts.BindingName): void => {
      if (ts.isIdentifier(name)) nested(name.text);
      else for (const el of name.elements) if (!ts.isOmittedExpression(el)) addNested(el.name);
    };
    while (stack.length) {
      const n = stack.pop()!;
      if (n.kind < ts.SyntaxKind.FirstNode) {
        // a token (identifier, literal, keyword): trivia, then its text, which is no comment (strings, templates...)
        comments.scan(n.pos, n.end, false);
        continue;
      }
      switch (n.kind) {
        case ts.SyntaxKind.Parameter:
          addNested((n as ts.ParameterDeclaration).name);
          break;
        case ts.SyntaxKind.VariableDeclaration: {
          const statement = n.parent.parent;
          if (!ts.isVariableStatement(statement) || statement.parent !== this.sf) addNested((n as ts.VariableDeclaration).name);
          break;
        }
        case ts.SyntaxKind.FunctionDeclaration: {
          const f = n as ts.FunctionDeclaration;
          if (f.name && n.parent !== this.sf) nested(f.name.text);
          break;
        }
        case ts.SyntaxKind.BinaryExpression: {
          const b = n as ts.BinaryExpression;
          const op = b.operatorToken.kind;
          if (ts.isIdentifier(b.left) && op >= ts.SyntaxKind.FirstAssignment && op <= ts.SyntaxKind.LastAssignment) reassigned(b.left.text);
          if (op === ts.SyntaxKind.PlusToken) out.push(n);
          break;
        }
        case ts.SyntaxKind.PrefixUnaryExpression:
        case ts.SyntaxKind.PostfixUnaryExpression: {
          const u = n as ts.PrefixUnaryExpression | ts.PostfixUnaryExpression;
          if (ts.isIdentifier(u.operand) && (u.operator === ts.SyntaxKind.PlusPlusToken || u.operator === ts.SyntaxKind.MinusMinusToken))
            reassigned(u.operand.text);
          break;
        }
        case ts.SyntaxKind.ClassDeclaration:
        case ts.SyntaxKind.ClassExpression: {
          const c = n as ts.ClassLikeDeclaration;
          if (c.name && ts.isClassDeclaration(c) && n.parent !== this.sf) nested(c.name.text);
          if (c.name && this.extendsComponent(c)) {
            this.components.set(c.name.text, c);
            rec?.componentClasses.push(c);
            out.push(n);
          }
          break;
        }
        case ts.SyntaxKind.ForStatement:
        case ts.SyntaxKind.ForOfStatement:
        case ts.SyntaxKind.ForInStatement:
        case ts.SyntaxKind.WhileStatement:
        case ts.SyntaxKind.DoStatement:
        case ts.SyntaxKind.NewExpression:
        case ts.SyntaxKind.TemplateExpression:
        case ts.SyntaxKind.CallExpression:
        case ts.SyntaxKind.PropertyAssignment:
          out.push(n);
      }
      kids.length = 0;
      n.forEachChild(collect);
      comments.gaps(n, kids);
      for (let i = kids.length - 1; i >= 0; i--) {
        const c = kids[i]!;
        (c as { parent: ts.Node }).parent = n;
        stack.push(c);
      }
    }
    return out;
  }

  /** Whether `name` is a component class of this file (a top-level name looked up). */
  private isComponent(name: string): boolean {
    this.current?.lookups.add(name);
    return this.components.has(name);
  }

  private extendsComponent(cls: ts.ClassLikeDeclaration): boolean {
    for (const h of cls.heritageClauses ?? []) {
      if (h.token !== ts.SyntaxKind.ExtendsKeyword) continue;
      const base = h.types[0]?.expression;
      if (!base) continue;
      if (this.pathOf(base) === `${PULUMI}/ComponentResource`) return true;
      const b = skipTransparent(base);
      if (ts.isIdentifier(b) && this.isComponent(b.text)) return true;
    }
    return false;
  }

  // ---- the walk: resources, string builds, config reads, components

  /**
   * Visits `nodes` (from `scan`: every ancestor before its descendants), each in the context its ancestors give it:
   * that of the nearest visited ancestor, found on a stack of the visited nodes whose range holds the current one.
   */
  private walk(nodes: ts.Node[], model: FileModel, facts: PulumiFacts): void {
    const root: Context = { loop: false };
    const open: { node: ts.Node; own: Context; inner: Context }[] = [];
    for (const node of nodes) {
      while (open.length && !(node.pos >= open[open.length - 1]!.node.pos && node.end <= open[open.length - 1]!.node.end)) open.pop();
      const a = open[open.length - 1];
      let ctx = root;
      if (a) {
        // A call's context (callback, ...) applies to its arguments only, not to its callee.
        const args = ts.isCallExpression(a.node) ? a.node.arguments : undefined;
        ctx = args && !(node.pos >= args.pos && node.end <= args.end) ? a.own : a.inner;
      }
      let inner = ctx;
      try {
        inner = this.visit(node, ctx, model, facts);
      } catch (e) {
        this.internalErrors.push({ loc: this.loc(node), message: message(e) });
      }
      open.push({ node, own: ctx, inner });
    }
  }

  /** Records what `node` declares and returns the context of its children (for a call: of its arguments). */
  private visit(node: ts.Node, ctx: Context, model: FileModel, facts: PulumiFacts): Context {
    if (ts.isClassLike(node) && node.name && this.components.get(node.name.text) === node) {
      const component = { name: node.name.text, loc: this.loc(node.name), registersOutputs: false };
      facts.components.push(component);
      return { ...ctx, component };
    }
    if (
      ts.isForStatement(node) ||
      ts.isForOfStatement(node) ||
      ts.isForInStatement(node) ||
      ts.isWhileStatement(node) ||
      ts.isDoStatement(node)
    ) {
      return { ...ctx, loop: true };
    }
    if (ts.isNewExpression(node)) {
      const cls = this.resourceClass(node);
      if (cls) model.resources.push(this.resource(node, cls, ctx));
      return ctx;
    }
    if (ts.isTemplateExpression(node) && !ts.isTaggedTemplateExpression(node.parent)) {
      const v = this.lower(node);
      if (v.kind === 'template') this.build(model, 'template', node, v.parts);
      return ctx;
    }
    if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusToken && !isPlus(node.parent)) {
      const v = this.lower(node);
      if (v.kind === 'template' && !v.output) this.build(model, 'concat', node, v.parts);
      return ctx;
    }
    if (ts.isCallExpression(node)) return this.visitCall(node, ctx, model);
    if (ts.isPropertyAssignment(node) && TRANSFORM_OPTIONS.has(propertyName(node.name) ?? '')) facts.transforms = true;
    return ctx;
  }

  private visitCall(node: ts.CallExpression, ctx: Context, model: FileModel): Context {
    const callee = skipTransparent(node.expression);
    const calleeName = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : '';
    if (TRANSFORM_CALLS.test(calleeName)) model.pulumi!.transforms = true;
    const invoke = this.recordInvoke(node, callee, model);
    if (invoke && LOWERED_INVOKES[invoke]) model.resources.push(this.invokeResource(node, invoke, LOWERED_INVOKES[invoke], ctx));
    const read = this.configRead(node);
    if (read && !this.configReads.has(node)) {
      this.configReads.add(node);
      const fb = this.fallbackOf(node);
      model.pulumi!.configReads.push({
        key: read.key,
        method: read.method,
        loc: this.loc(node),
        ...(fb ? { fallback: this.lower(fb) } : {}),
      });
    }
    const arg = node.arguments[0];
    if (ts.isIdentifier(callee) && callee.text === 'String' && arg && !this.resolveName('String', callee)) {
      this.build(model, 'String', node, [this.lower(arg)]);
    } else if (ts.isPropertyAccessExpression(callee)) {
      const method = callee.name.text;
      const receiver = skipTransparent(callee.expression);
      if (method === 'stringify' && ts.isIdentifier(receiver) && receiver.text === 'JSON' && arg) {
        const v = this.lower(arg, { raw: true });
        const nested = walkValues(v).filter((x) => x !== v && x.output);
        this.build(model, 'JSON.stringify', node, [v, ...nested]);
      } else if (method === 'toString' && node.arguments.length === 0) {
        this.build(model, 'toString', node, [this.lower(callee.expression)]);
      } else if (method === 'registerOutputs' && receiver.kind === ts.SyntaxKind.ThisKeyword && ctx.component) {
        ctx.component.registersOutputs = true;
      } else if (CALLBACKS.has(method)) {
        return { ...ctx, callback: method };
      } else if (LOOP_METHODS.has(method)) {
        return { ...ctx, loop: true };
      }
    }
    return ctx;
  }

  /** `aws.s3.getBucket(...)` / `getBucketOutput(...)`: a provider function, recorded for the schema rules. */
  private recordInvoke(node: ts.CallExpression, callee: ts.Expression, model: FileModel): string | undefined {
    if (!ts.isPropertyAccessExpression(callee) && !ts.isIdentifier(callee)) return undefined;
    const name = ts.isIdentifier(callee) ? callee : callee.name;
    if (!name.text.startsWith('get')) return undefined;
    const path = this.pathOf(callee);
    if (!path?.startsWith('@pulumi/aws/')) return undefined;
    const fn = name.text.endsWith('Output') ? name.text.slice(0, -'Output'.length) : name.text;
    const segs = path.slice('@pulumi/'.length).split('/').slice(0, -1);
    const invoke = [...segs, fn].join('.');
    const provider = this.options(node.arguments[1]).provider;
    (model.pulumi!.invokes ??= []).push({
      name: invoke,
      loc: this.span(name.getStart(this.sf), name.getEnd()),
      ...(provider ? { provider } : {}),
    });
    return invoke;
  }

  /** An invoke whose arguments the rules read, as a data source (`aws.iam.getPolicyDocument` -> aws_iam_policy_document). */
  private invokeResource(node: ts.CallExpression, invoke: string, tfType: string, ctx: Context): Resource {
    const props = this.argsObject(node.arguments[0], node.expression.getEnd(), tfType);
    alignKeys(props, dataSourceSchema(tfType)?.attrs);
    const loc = this.loc(node);
    const symbol = symbolOf(node);
    const logicalName = symbol ?? `${invoke}:${loc.range.start.line + 1}`;
    return {
      id: `data.${tfType}:${this.path}:${loc.range.start.line + 1}`,
      kind: 'data',
      type: tfType,
      typeAsWritten: this.textOf(node.expression),
      name: { kind: 'string', value: logicalName, loc: this.loc(node.expression) },
      logicalName,
      ...(symbol ? { symbol } : {}),
      props,
      options: {},
      multiplicity: ctx.loop ? 'unknown' : 'one',
      language: this.language,
      loc,
      headLoc: this.loc(node.expression),
      ...(ctx.component ? { inComponent: ctx.component.name } : {}),
      ...(ctx.callback ? { inCallback: ctx.callback } : {}),
    };
  }

  private build(model: FileModel, kind: StringBuild['kind'], node: ts.Node, parts: Value[]): void {
    model.stringBuilds.push({ kind, loc: this.loc(node), parts });
  }

  // ---- resources

  private resource(node: ts.NewExpression, cls: ResourceClass, ctx: Context): Resource {
    const args: readonly ts.Expression[] = node.arguments ?? [];
    const nameArg = args[0];
    const name = nameArg ? this.lower(nameArg) : this.unknown(node, 'the resource has no name argument');
    const literal = literalString(name);
    const loc = this.loc(node);
    const logicalName = literal ?? (nameArg ? nameArg.getText(this.sf) : '');
    const head = nameArg ? nameArg.getEnd() : node.expression.getEnd();
    const props = this.argsObject(args[1], head, cls.token ?? cls.type);
    const options = this.options(args[2]);
    const symbol = symbolOf(node);
    return {
      id: `${cls.type}:${literal ?? `${this.path}:${loc.range.start.line + 1}`}`,
      kind: cls.kind,
      type: cls.type,
      typeAsWritten: node.expression.getText(this.sf),
      ...(cls.token ? { token: cls.token } : {}),
      name,
      logicalName,
      ...(symbol ? { symbol } : {}),
      props,
      options,
      multiplicity: ctx.loop ? 'unknown' : 'one',
      language: this.language,
      loc,
      headLoc: this.span(node.getStart(this.sf), head),
      ...this.classNameLoc(node.expression),
      ...(ctx.component ? { inComponent: ctx.component.name } : {}),
      ...(ctx.callback ? { inCallback: ctx.callback } : {}),
    };
  }

  /**
   * The args object: an object literal, or a const bound to one. Anything else gives an empty object at the argument
   * (a fix cannot insert into it); a missing argument gives an empty object just after the name, where a fix adds one.
   */
  private argsObject(arg: ts.Expression | undefined, after: number, tfType: string): ObjectValue {
    if (!arg) return { kind: 'object', props: [], loc: this.span(after, after) };
    const v = this.lower(arg, { tfType });
    let d: Value | undefined = v;
    for (let i = 0; d && d.kind === 'ref' && i < MAX_DEPTH; i++) d = d.resolved;
    if (d?.kind === 'object') return d;
    return { kind: 'object', props: [], partial: true, loc: this.loc(arg), ...(v.output ? { output: true } : {}) };
  }

  private options(arg: ts.Expression | undefined): ResourceOptions {
    const out: ResourceOptions = {};
    if (!arg) return out;
    let d: Value | undefined = this.lower(arg, { raw: true });
    for (let i = 0; d && d.kind === 'ref' && i < MAX_DEPTH; i++) d = d.resolved;
    out.written = d?.kind === 'object' && !d.partial ? 'literal' : 'opaque';
    if (d?.kind !== 'object') return out;
    for (const p of d.props) {
      const k = OPTION_KEYS.find((o) => o === p.keyAsWritten);
      if (k) out[k] = p.value;
    }
    return out;
  }

  // ---- values

  private lower(node: ts.Expression, opts: LowerOptions = {}): Value {
    if (this.depth >= MAX_DEPTH) return this.unknown(node, 'the value is nested too deeply to analyse');
    this.depth++;
    try {
      return this.lowerInner(skipTransparent(node), opts);
    } finally {
      this.depth--;
    }
  }

  private lowerInner(node: ts.Expression, opts: LowerOptions): Value {
    // the location only where it is used: most kinds below make their own
    switch (node.kind) {
      case ts.SyntaxKind.StringLiteral:
      case ts.SyntaxKind.NoSubstitutionTemplateLiteral:
        return { kind: 'string', value: (node as ts.StringLiteralLike).text, loc: this.loc(node) };
      case ts.SyntaxKind.NumericLiteral:
        return { kind: 'number', value: Number((node as ts.NumericLiteral).text), loc: this.loc(node) };
      case ts.SyntaxKind.TrueKeyword:
      case ts.SyntaxKind.FalseKeyword:
        return { kind: 'bool', value: node.kind === ts.SyntaxKind.TrueKeyword, loc: this.loc(node) };
      case ts.SyntaxKind.NullKeyword:
        return { kind: 'null', loc: this.loc(node) };
      case ts.SyntaxKind.ThisKeyword:
        return this.ref(node, { kind: 'arg', name: 'this' });
      case ts.SyntaxKind.Identifier:
        return this.identifier(node as ts.Identifier);
      case ts.SyntaxKind.TemplateExpression:
        return this.template(node as ts.TemplateExpression, opts);
      case ts.SyntaxKind.ArrayLiteralExpression: {
        const items: Value[] = [];
        for (const el of (node as ts.ArrayLiteralExpression).elements) {
          if (!ts.isSpreadElement(el) && !ts.isOmittedExpression(el)) items.push(this.lower(el, { ...opts, map: false }));
        }
        return { kind: 'list', items, loc: this.loc(node) };
      }
      case ts.SyntaxKind.ObjectLiteralExpression:
        return this.object(node as ts.ObjectLiteralExpression, opts);
      case ts.SyntaxKind.PropertyAccessExpression:
      case ts.SyntaxKind.ElementAccessExpression:
        return this.access(node as ts.PropertyAccessExpression | ts.ElementAccessExpression);
      case ts.SyntaxKind.CallExpression:
        return this.call(node as ts.CallExpression, opts);
      case ts.SyntaxKind.TaggedTemplateExpression:
        return this.tagged(node as ts.TaggedTemplateExpression);
      case ts.SyntaxKind.NewExpression:
        return this.newValue(node as ts.NewExpression);
      case ts.SyntaxKind.BinaryExpression:
        return this.binary(node as ts.BinaryExpression, opts);
      case ts.SyntaxKind.AwaitExpression:
        return this.lower((node as ts.AwaitExpression).expression, opts);
      case ts.SyntaxKind.PrefixUnaryExpression: {
        const u = node as ts.PrefixUnaryExpression;
        const inner = skipTransparent(u.operand);
        if (u.operator === ts.SyntaxKind.MinusToken && ts.isNumericLiteral(inner))
          return { kind: 'number', value: -Number(inner.text), loc: this.loc(node) };
        if (u.operator === ts.SyntaxKind.ExclamationToken) {
          const v = evaluate(this.lower(u.operand));
          if (v.state === 'known' && typeof v.value === 'boolean') return { kind: 'bool', value: !v.value, loc: this.loc(node) };
        }
        return this.unknown(node, 'this expression is not evaluated');
      }
      case ts.SyntaxKind.ArrowFunction:
      case ts.SyntaxKind.FunctionExpression:
        return this.unknown(node, 'a function is not a value Faultline evaluates');
      case ts.SyntaxKind.ConditionalExpression:
        return this.unknown(node, 'a conditional expression is not evaluated');
      default:
        return this.unknown(node, 'this expression is not evaluated');
    }
  }

  private template(node: ts.TemplateExpression, opts: LowerOptions): TemplateValue {
    const parts: Value[] = [];
    const lit = (l: ts.TemplateLiteralLikeNode, closeLen: number): void => {
      if (l.text === '') return;
      const s = l.getStart(this.sf);
      parts.push({ kind: 'string', value: l.text, loc: this.span(s + 1, l.getEnd() - closeLen) });
    };
    lit(node.head, 2);
    for (const span of node.templateSpans) {
      parts.push(this.lower(span.expression, { ...opts, map: false }));
      lit(span.literal, ts.isTemplateTail(span.literal) ? 1 : 2);
    }
    return { kind: 'template', parts, loc: this.loc(node) };
  }

  private tagged(node: ts.TaggedTemplateExpression): Value {
    if (this.pathOf(node.tag) !== `${PULUMI}/interpolate`) return this.unknown(node, 'a tagged template is not evaluated');
    const t = node.template;
    const v: TemplateValue = ts.isTemplateExpression(t)
      ? this.template(t, {})
      : {
          kind: 'template',
          parts: [{ kind: 'string', value: t.text, loc: this.span(t.getStart(this.sf) + 1, t.getEnd() - 1) }],
          loc: this.loc(t),
        };
    return { ...v, loc: this.loc(node), output: true };
  }

  private object(node: ts.ObjectLiteralExpression, opts: LowerOptions): ObjectValue {
    const props: Property[] = [];
    let partial = false;
    for (const p of node.properties) {
      if (ts.isSpreadAssignment(p)) {
        // A spread of a known object contributes its properties; later keys override them (getProperty takes the last).
        const s = this.lower(p.expression, { ...opts, map: false });
        let d: Value | undefined = s;
        for (let i = 0; d && d.kind === 'ref' && i < MAX_DEPTH; i++) d = d.resolved;
        if (d?.kind === 'object') {
          for (const dp of d.props) props.push(dp);
          partial ||= !!d.partial;
        } else partial = true;
        continue;
      }
      if (!ts.isPropertyAssignment(p) && !ts.isShorthandPropertyAssignment(p)) continue;
      const written = propertyName(p.name);
      if (written === undefined) continue;
      const key = this.key(written, p.name, opts);
      const value = ts.isPropertyAssignment(p)
        ? this.lower(
            p.initializer,
            // options for the keys below this one; a scalar has none (most properties: no copy of the path for them)
            SCALARS.has(p.initializer.kind) ? opts : { ...opts, map: MAP_KEYS.has(key) && !opts.raw, path: [...(opts.path ?? []), key] },
          )
        : this.identifier(p.name);
      // a property assignment starts with its name (object literals take no modifiers)
      const start = p.name.getStart(this.sf);
      props.push({ key, keyAsWritten: written, keyLoc: this.span(start, p.name.getEnd()), value, loc: this.span(start, p.getEnd()) });
    }
    return { kind: 'object', props, loc: this.loc(node), ...(partial ? { partial } : {}) };
  }

  /** camelCase argument names become Terraform's snake_case; data keys (tags, quoted, PascalCase) stay as written. */
  private key(written: string, name: ts.PropertyName, opts: LowerOptions): string {
    if (opts.raw || opts.map || !ts.isIdentifier(name) || !/^[a-z][A-Za-z0-9]*$/.test(written)) return written;
    return canonicalKey(opts.tfType, written, opts.path);
  }

  private newValue(node: ts.NewExpression): Value {
    const cls = this.resourceClass(node);
    if (!cls) {
      const path = this.pathOf(node.expression);
      if (path === `${PULUMI}/Config`) return this.unknown(node, 'a Config object is not a value');
      const sub = path?.slice(PULUMI.length + 1);
      // An archive of named assets: its FileAssets are read like the others.
      if (sub === 'asset/AssetArchive' || sub === 'AssetArchive') {
        const arg = node.arguments?.[0];
        return { kind: 'call', name: 'pulumi.AssetArchive', args: arg ? [this.lower(arg, { raw: true })] : [], loc: this.loc(node) };
      }
      const asset = sub && FILE_ASSETS[sub];
      if (asset) {
        const args = (node.arguments ?? []).slice(0, 1).map((a) => this.lower(a));
        return { kind: 'call', name: asset, args, loc: this.loc(node) };
      }
      return this.unknown(node, `a new ${node.expression.getText(this.sf)} object is not evaluated`);
    }
    const nameArg = node.arguments?.[0];
    const name = symbolOf(node) ?? (nameArg ? nameArg.getText(this.sf) : cls.type);
    return this.ref(node, { kind: cls.type.startsWith('random_') ? 'random' : 'resource', name, resourceType: cls.type });
  }

  private binary(node: ts.BinaryExpression, opts: LowerOptions): Value {
    const op = node.operatorToken.kind;
    if (op === ts.SyntaxKind.QuestionQuestionToken || op === ts.SyntaxKind.BarBarToken) {
      const left = this.lower(node.left, opts);
      if (left.kind === 'ref' && !left.fallback) return withFallback(left, this.lower(node.right, opts), this.loc(node));
      const known = evaluate(left);
      if (known.state === 'known' && (op === ts.SyntaxKind.QuestionQuestionToken ? known.value !== null : !!known.value)) return left;
      return this.unknown(node, `${ts.tokenToString(op)} of a value that is not evaluated`);
    }
    if (op === ts.SyntaxKind.PlusToken) return this.plus(node, opts);
    if (op === ts.SyntaxKind.AsteriskToken || op === ts.SyntaxKind.MinusToken || op === ts.SyntaxKind.SlashToken) {
      const l = evaluate(this.lower(node.left));
      const r = evaluate(this.lower(node.right));
      if (l.state === 'known' && r.state === 'known' && typeof l.value === 'number' && typeof r.value === 'number') {
        const value =
          op === ts.SyntaxKind.AsteriskToken ? l.value * r.value : op === ts.SyntaxKind.MinusToken ? l.value - r.value : l.value / r.value;
        return { kind: 'number', value, loc: this.loc(node) };
      }
    }
    return this.unknown(node, 'this expression is not evaluated');
  }

  /** `a + b + c`: a string when any operand is a string or an Output (then a TemplateValue), numbers are added. */
  private plus(node: ts.BinaryExpression, opts: LowerOptions): Value {
    const operands: ts.Expression[] = [];
    let cur: ts.Expression = node;
    while (ts.isBinaryExpression(cur) && cur.operatorToken.kind === ts.SyntaxKind.PlusToken) {
      operands.push(cur.right);
      cur = cur.left;
    }
    operands.push(cur);
    operands.reverse();
    const parts = operands.map((o) => this.lower(o, { ...opts, map: false }));
    if (parts.some(isStringish)) return { kind: 'template', parts, loc: this.loc(node) };
    const known = parts.map((p) => evaluate(p));
    if (known.every((k) => k.state === 'known' && typeof k.value === 'number')) {
      return { kind: 'number', value: known.reduce((s, k) => s + (k.state === 'known' ? (k.value as number) : 0), 0), loc: this.loc(node) };
    }
    return this.unknown(node, 'the operands of + are not evaluated');
  }

  // ---- names

  private identifier(id: ts.Identifier): Value {
    const name = id.text;
    const decl = this.resolveName(name, id);
    if (!decl) {
      if (name === 'undefined') return { kind: 'null', loc: this.loc(id) };
      if (name === '__dirname') return this.ref(id, { kind: 'path', name: 'dirname' });
      if (this.imports[name]) return this.unknown(id, `${name} is a module`);
      return this.unknown(id, `${name} is not defined in this file`);
    }
    if (ts.isParameter(decl)) return this.parameter(id, decl);
    if (ts.isFunctionDeclaration(decl) || ts.isClassDeclaration(decl))
      return this.unknown(id, `${name} is a ${ts.isClassDeclaration(decl) ? 'class' : 'function'}`);
    if (ts.isBindingElement(decl)) return this.bindingElement(id, decl);
    return this.variable(id, decl);
  }

  private parameter(id: ts.Identifier, decl: ts.ParameterDeclaration): Value {
    const fb = decl.initializer ? { fallback: this.lower(decl.initializer) } : {};
    return this.ref(id, { kind: 'arg', name: id.text }, fb);
  }

  private variable(id: ts.Identifier, decl: ts.VariableDeclaration): Value {
    const list = decl.parent;
    const isConst = ts.isVariableDeclarationList(list) && (list.flags & ts.NodeFlags.Const) !== 0;
    if (ts.isForOfStatement(list.parent) || ts.isForInStatement(list.parent)) return this.unknown(id, `${id.text} is a loop variable`);
    if (!isConst && this.reassigned.has(id.text)) return this.unknown(id, `${id.text} is reassigned`);
    if (!decl.initializer) return this.unknown(id, `${id.text} has no initial value`);
    const init = skipTransparent(decl.initializer);
    if (ts.isNewExpression(init)) {
      const cls = this.resourceClass(init);
      if (cls) return this.ref(id, { kind: cls.type.startsWith('random_') ? 'random' : 'resource', name: id.text, resourceType: cls.type });
    }
    return this.ref(id, { kind: 'const', name: id.text }, { resolved: this.initializer(decl) });
  }

  /** `const { a, b: { c } } = init` and `const [x] = init`: the member of the initializer. */
  private bindingElement(id: ts.Identifier, el: ts.BindingElement): Value {
    const path: (string | number)[] = [];
    let cur: ts.Node = el;
    while (ts.isBindingElement(cur)) {
      const pattern: ts.BindingPattern = cur.parent;
      if (ts.isObjectBindingPattern(pattern)) {
        const n = propertyName(cur.propertyName ?? (cur.name as ts.PropertyName));
        if (n === undefined) return this.unknown(id, `${id.text} is destructured from a computed key`);
        path.unshift(n);
      } else {
        path.unshift(pattern.elements.indexOf(cur));
      }
      cur = pattern.parent;
    }
    if (ts.isParameter(cur))
      return this.ref(id, { kind: 'arg', name: id.text }, el.initializer ? { fallback: this.lower(el.initializer) } : {});
    if (!ts.isVariableDeclaration(cur) || !cur.initializer) return this.unknown(id, `${id.text} is not evaluated`);
    if (ts.isForOfStatement(cur.parent.parent) || ts.isForInStatement(cur.parent.parent))
      return this.unknown(id, `${id.text} is a loop variable`);
    let v: Value = this.initializer(cur);
    for (const k of path) v = this.member(v, k, id);
    return this.ref(id, { kind: 'const', name: id.text }, { resolved: v });
  }

  private initializer(decl: ts.VariableDeclaration): Value {
    const cached = this.initCache.get(decl);
    if (cached) return cached;
    if (this.inProgress.has(decl)) return this.unknown(decl, `${decl.name.getText(this.sf)} refers to itself`);
    this.inProgress.add(decl);
    try {
      const v = this.within(decl, () => this.lower(decl.initializer!));
      this.initCache.set(decl, v);
      return v;
    } finally {
      this.inProgress.delete(decl);
    }
  }

  /** The declaration `name` refers to at `from`, by lexical scope (hoisting and TDZ aside). */
  private resolveName(name: string, from: ts.Node): Declaration | undefined {
    // most names (imports, top-level consts) are declared at the top only: no walk up
    if (!this.nestedNames.has(name)) return this.topLevel(name);
    for (let a: ts.Node | undefined = from.parent; a; a = a.parent) {
      const d = a === this.sf ? this.topLevel(name) : this.scope(a).get(name);
      if (d) return d;
    }
    return undefined;
  }

  /** The top-level declaration of `name`; the statement being lowered depends on it (or on its absence). */
  private topLevel(name: string): Declaration | undefined {
    this.current?.lookups.add(name);
    return this.scope(this.sf).get(name);
  }

  private scope(a: ts.Node): ReadonlyMap<string, Declaration> {
    if (!DECLARES_NAMES[a.kind]) return NO_NAMES;
    let m = this.scopes.get(a);
    if (m) return m;
    m = new Map();
    this.scopes.set(a, m);
    const add = (n: ts.BindingName, d: Declaration): void => {
      if (ts.isIdentifier(n)) m!.set(n.text, d);
      else for (const el of n.elements) if (!ts.isOmittedExpression(el)) add(el.name, el);
    };
    const addList = (list: ts.VariableDeclarationList): void => {
      for (const d of list.declarations) add(d.name, d);
    };
    if (ts.isFunctionLike(a)) {
      for (const p of a.parameters) add(p.name, p);
    } else if (ts.isSourceFile(a) || ts.isBlock(a) || ts.isModuleBlock(a) || ts.isCaseClause(a) || ts.isDefaultClause(a)) {
      for (const st of a.statements) {
        if (ts.isVariableStatement(st)) addList(st.declarationList);
        else if ((ts.isFunctionDeclaration(st) || ts.isClassDeclaration(st)) && st.name) m.set(st.name.text, st);
      }
    } else if (
      (ts.isForStatement(a) || ts.isForOfStatement(a) || ts.isForInStatement(a)) &&
      a.initializer &&
      ts.isVariableDeclarationList(a.initializer)
    ) {
      addList(a.initializer);
    } else if (ts.isCatchClause(a) && a.variableDeclaration) {
      add(a.variableDeclaration.name, a.variableDeclaration);
    }
    return m;
  }

  // ---- member access

  private access(node: ts.PropertyAccessExpression | ts.ElementAccessExpression): Value {
    const key = ts.isPropertyAccessExpression(node) ? node.name.text : accessKey(node.argumentExpression);
    if (key === undefined) return this.unknown(node, 'an element read with a computed key is not evaluated');
    const base = skipTransparent(node.expression);
    if (
      ts.isPropertyAccessExpression(base) &&
      base.name.text === 'env' &&
      ts.isIdentifier(base.expression) &&
      base.expression.text === 'process'
    ) {
      return this.ref(node, { kind: 'env', name: String(key) });
    }
    const path = this.pathOf(node);
    if (path) {
      if (path.startsWith('@pulumi/aws/config/'))
        return this.ref(node, { kind: 'config', name: `aws:${path.slice('@pulumi/aws/config/'.length)}` });
      const enumValue = awsEnumValue(path.slice('@pulumi/'.length).split('/'));
      if (enumValue !== undefined) return { kind: 'string', value: enumValue, loc: this.loc(node) };
      return this.unknown(node, `${this.textOf(node)} is a member of a Pulumi package`);
    }
    if (base.kind === ts.SyntaxKind.ThisKeyword && typeof key === 'string') {
      const created = this.thisResource(node, key);
      if (created) return this.ref(node, { kind: 'resource', name: key, resourceType: created.type });
      return this.ref(node, { kind: 'arg', name: this.textOf(node) });
    }
    return this.member(this.lower(node.expression), key, node);
  }

  /** `this.bucket` where the class assigns `this.bucket = new aws.s3.Bucket(...)`. */
  private thisResource(node: ts.Node, key: string): ResourceClass | undefined {
    let cls: ts.Node | undefined = node.parent;
    while (cls && !ts.isClassLike(cls)) cls = cls.parent;
    if (!cls) return undefined;
    let members = this.classMembers.get(cls);
    if (!members) {
      const found = new Map<string, ts.NewExpression>();
      const stack: ts.Node[] = [cls];
      while (stack.length) {
        const n = stack.pop()!;
        if (
          ts.isBinaryExpression(n) &&
          n.operatorToken.kind === ts.SyntaxKind.EqualsToken &&
          ts.isPropertyAccessExpression(n.left) &&
          n.left.expression.kind === ts.SyntaxKind.ThisKeyword
        ) {
          const r = skipTransparent(n.right);
          if (ts.isNewExpression(r)) found.set(n.left.name.text, r);
        } else if (ts.isPropertyDeclaration(n) && n.initializer && ts.isIdentifier(n.name)) {
          const r = skipTransparent(n.initializer);
          if (ts.isNewExpression(r)) found.set(n.name.text, r);
        }
        n.forEachChild((c) => {
          stack.push(c);
        });
      }
      members = found;
      this.classMembers.set(cls, members);
    }
    const created = members.get(key);
    return created && this.resourceClass(created);
  }

  /** Reads `key` of a lowered value: into known objects and lists, and along references (`bucket.arn`, `args.x`). */
  private member(base: Value, key: string | number, node: ts.Node): Value {
    let b: Value | undefined = base;
    for (let i = 0; b && b.kind === 'ref' && b.ref.kind === 'const' && i < MAX_DEPTH; i++) b = b.resolved;
    if (!b) return this.unknown(node, `${this.textOf(node)} is not evaluated`);
    const text = this.textOf(node);
    if (b.kind === 'object') {
      const found = [...b.props].reverse().find((p) => p.keyAsWritten === String(key));
      if (found) return this.ref(node, { kind: 'const', name: text }, { resolved: found.value });
      return this.unknown(node, `${text} is not set in the object`);
    }
    if (b.kind === 'list' && typeof key === 'number') {
      const item = b.items[key];
      return item
        ? this.ref(node, { kind: 'const', name: text }, { resolved: item })
        : this.unknown(node, `${text} is past the end of the list`);
    }
    if (b.kind === 'ref') {
      const r = b.ref;
      switch (r.kind) {
        case 'resource':
        case 'random':
        case 'data':
        case 'account': {
          const attribute = r.attribute ? `${r.attribute}.${key}` : String(key);
          // Attributes of resources are Outputs. An invoke's result is one only in its Output form (`await getVpc()`
          // is a plain object), and a component's field is whatever its class declares (`public readonly base: string`).
          const plain = r.kind === 'account' || r.kind === 'data' || (!!r.resourceType && this.isComponent(r.resourceType));
          return this.ref(
            node,
            { kind: r.kind, name: r.name, ...(r.resourceType ? { resourceType: r.resourceType } : {}), attribute },
            { output: !plain || !!b.output },
          );
        }
        case 'arg':
          return this.ref(node, { kind: 'arg', name: text }, b.output ? { output: true } : {});
        default:
          break;
      }
    }
    return this.unknown(node, `${text} is not evaluated`, b.output);
  }

  // ---- calls

  private configRead(node: ts.CallExpression): ConfigRead | undefined {
    const callee = skipTransparent(node.expression);
    if (!ts.isPropertyAccessExpression(callee) || !CONFIG_METHODS.has(callee.name.text)) return undefined;
    const ns = this.configNamespace(callee.expression);
    if (ns === undefined) return undefined;
    const k = node.arguments[0];
    if (!k || !ts.isStringLiteralLike(k)) return undefined;
    const method = callee.name.text;
    const secret = method.includes('Secret');
    return { key: ns ? `${ns}:${k.text}` : k.text, method, secret, output: secret };
  }

  /** The namespace of a Config object expression ('' for the project's), or undefined if it is not one. */
  private configNamespace(expr: ts.Expression, depth = 0): string | undefined {
    const e = skipTransparent(expr);
    if (ts.isNewExpression(e) && this.pathOf(e.expression) === `${PULUMI}/Config`) {
      const a = e.arguments?.[0];
      return a && ts.isStringLiteralLike(a) ? a.text : '';
    }
    if (ts.isIdentifier(e) && depth < 10) {
      const d = this.resolveName(e.text, e);
      if (d && ts.isVariableDeclaration(d) && d.initializer) return this.configNamespace(d.initializer, depth + 1);
    }
    if (ts.isPropertyAccessExpression(e) && e.expression.kind === ts.SyntaxKind.ThisKeyword && depth < 10) {
      let cls: ts.Node | undefined = e.parent;
      while (cls && !ts.isClassLike(cls)) cls = cls.parent;
      const member =
        cls && ts.isClassLike(cls)
          ? cls.members.find((m) => ts.isPropertyDeclaration(m) && propertyName(m.name) === e.name.text)
          : undefined;
      if (member && ts.isPropertyDeclaration(member) && member.initializer) return this.configNamespace(member.initializer, depth + 1);
    }
    return undefined;
  }

  /** The default after `??` or `||` when `node` is the left operand. */
  private fallbackOf(node: ts.Node): ts.Expression | undefined {
    let n: ts.Node = node;
    while (ts.isParenthesizedExpression(n.parent) || ts.isAsExpression(n.parent) || ts.isNonNullExpression(n.parent)) n = n.parent;
    const p = n.parent;
    if (
      ts.isBinaryExpression(p) &&
      p.left === n &&
      (p.operatorToken.kind === ts.SyntaxKind.QuestionQuestionToken || p.operatorToken.kind === ts.SyntaxKind.BarBarToken)
    )
      return p.right;
    return undefined;
  }

  private call(node: ts.CallExpression, opts: LowerOptions): Value {
    const callee = skipTransparent(node.expression);
    if (this.isPathJoin(callee)) {
      // path.join(a, b) / path.resolve(a, b): the parts joined by `/` (the rules normalise the result).
      const parts: Value[] = [];
      for (const [i, a] of node.arguments.entries()) {
        if (i > 0) parts.push({ kind: 'string', value: '/', loc: this.loc(node) });
        parts.push(this.lower(a));
      }
      return { kind: 'template', parts, loc: this.loc(node) };
    }
    const read = this.configRead(node);
    if (read)
      return this.ref(
        node,
        { kind: 'config', name: read.key },
        { ...(read.secret ? { secret: true } : {}), ...(read.output ? { output: true } : {}) },
      );
    const path = this.pathOf(callee);
    if (path) return this.pulumiCall(node, path, opts);
    const arg = node.arguments[0];
    if (ts.isIdentifier(callee)) {
      if (callee.text === 'String' && arg && !this.resolveName('String', callee)) return this.fn(node, 'tostring', [this.lower(arg)]);
      return this.unknown(node, `the result of ${callee.text}() is not evaluated`);
    }
    if (ts.isPropertyAccessExpression(callee)) {
      const method = callee.name.text;
      const receiver = skipTransparent(callee.expression);
      if (method === 'apply') return this.unknown(node, 'an apply result is known only after deployment', true);
      if (method === 'stringify' && ts.isIdentifier(receiver) && receiver.text === 'JSON' && arg) {
        const v = this.lower(arg, { raw: true });
        let d: Value | undefined = v;
        for (let i = 0; d && d.kind === 'ref' && i < MAX_DEPTH; i++) d = d.resolved;
        if (d?.kind === 'object' || d?.kind === 'list') return this.fn(node, 'jsonencode', [v]);
        return this.unknown(node, 'JSON.stringify of a value that is not evaluated');
      }
      if (method === 'toString' && node.arguments.length === 0) return this.fn(node, 'tostring', [this.lower(callee.expression)]);
      const fn = STRING_METHODS[method];
      if (fn && node.arguments.length === 0) return this.fn(node, fn, [this.lower(callee.expression)]);
      if (method === 'join' && node.arguments.length <= 1) {
        const sep: Value = arg ? this.lower(arg) : { kind: 'string', value: ',', loc: this.loc(node) };
        return this.fn(node, 'join', [sep, this.lower(callee.expression)]);
      }
      return this.unknown(node, `the result of ${this.textOf(callee)}() is not evaluated`);
    }
    return this.unknown(node, 'the result of this call is not evaluated');
  }

  private fn(node: ts.Node, name: string, args: Value[]): Value {
    return { kind: 'call', name, args, loc: this.loc(node), ...(args.some((a) => a.output) ? { output: true } : {}) };
  }

  private pulumiCall(node: ts.CallExpression, path: string, opts: LowerOptions): Value {
    const segs = path.slice('@pulumi/'.length).split('/');
    const pkg = segs[0]!;
    const fn = segs[segs.length - 1]!;
    const arg = node.arguments[0];
    if (pkg === 'pulumi') {
      switch (segs.slice(1).join('.')) {
        case 'getStack':
          return this.ref(node, { kind: 'stack', name: 'stack' });
        case 'getProject':
          return this.ref(node, { kind: 'project', name: 'project' });
        case 'getOrganization':
          return this.ref(node, { kind: 'other', name: 'organization' });
        case 'secret':
          return arg ? { ...this.lower(arg, opts), secret: true } : this.unknown(node, 'pulumi.secret() without a value');
        case 'output':
        case 'Output.create':
          return arg ? { ...this.lower(arg, opts), output: true } : this.unknown(node, 'pulumi.output() without a value');
        case 'concat':
          return { kind: 'template', parts: node.arguments.map((a) => this.lower(a)), loc: this.loc(node), output: true };
        case 'jsonStringify':
          return arg
            ? { ...this.fn(node, 'jsonencode', [this.lower(arg, { raw: true })]), output: true }
            : this.unknown(node, 'pulumi.jsonStringify() without a value');
        case 'all':
          return this.unknown(node, 'pulumi.all() is an Output known only after deployment', true);
        default:
          return this.unknown(node, `the result of ${this.textOf(node.expression)}() is not evaluated`);
      }
    }
    const base = fn.endsWith('Output') ? fn.slice(0, -'Output'.length) : fn;
    const output = fn.endsWith('Output');
    if (pkg === 'aws' && segs.length === 2 && ACCOUNT_FUNCTIONS.has(base))
      return this.ref(node, { kind: 'account', name: base }, output ? { output } : {});
    if (/^get[A-Z]/.test(base))
      return this.ref(node, { kind: 'data', name: [pkg, ...segs.slice(1, -1), base].join('.') }, output ? { output } : {});
    return this.unknown(node, `the result of ${this.textOf(node.expression)}() is not evaluated`);
  }

  // ---- comments and errors

  private parseErrors(): ParseError[] {
    const diags = (this.sf as unknown as { parseDiagnostics?: readonly ts.Diagnostic[] }).parseDiagnostics ?? [];
    return diags.map((d) => {
      const start = d.start ?? 0;
      return { loc: this.span(start, start + (d.length ?? 0)), message: ts.flattenDiagnosticMessageText(d.messageText, '\n') };
    });
  }

  private comment(pos: number, end: number): Comment {
    const raw = this.text.slice(pos, end);
    const body = raw.startsWith('//') ? raw.slice(2) : raw.slice(2, -2);
    const loc = this.span(pos, end);
    const before = this.text.slice(this.lines.lineStart(loc.range.start.line), pos);
    return { loc, text: body, trailing: before.trim() !== '' };
  }
}

/**
 * Every comment of a file, gathered during `scan`: the comments of the trivia between tokens (the AST has no comment
 * nodes). Trivia lies in the gaps of a node's range its children do not cover (around punctuation and keywords, which
 * are not AST nodes) and before a token child's text; one scanner pass over each, with no token nodes built
 * (`getChildren` builds them).
 */
class CommentCollector {
  private out: Comment[] = [];
  private readonly scanner: ts.Scanner;

  constructor(
    private readonly text: string,
    private readonly make: (pos: number, end: number) => Comment,
  ) {
    this.scanner = ts.createScanner(ts.ScriptTarget.Latest, false, ts.LanguageVariant.Standard, text);
  }

  /** Comments in pos..end, which holds only trivia and (with `tokens`) punctuation and keywords. */
  scan(pos: number, end: number, tokens: boolean): void {
    if (pos >= end) return;
    const text = this.text;
    let slash = pos;
    while (slash < end && text.charCodeAt(slash) !== 47) slash++;
    if (slash >= end) return; // no `/`: no comment can start here
    const scanner = this.scanner;
    scanner.resetTokenState(pos);
    for (;;) {
      const kind = scanner.scan();
      if (kind === ts.SyntaxKind.EndOfFileToken || scanner.getTokenEnd() > end) return;
      if (kind === ts.SyntaxKind.SingleLineCommentTrivia || kind === ts.SyntaxKind.MultiLineCommentTrivia) {
        this.out.push(this.make(scanner.getTokenStart(), scanner.getTokenEnd()));
      } else if (!tokens && !isTrivia(kind)) return;
      if (scanner.getTokenEnd() >= end) return;
    }
  }

  /** The comments in the parts of `n` its children `kids` do not cover. */
  gaps(n: ts.Node, kids: readonly ts.Node[]): void {
    let pos = n.pos;
    for (const c of kids) {
      if (c.pos > pos) this.scan(pos, c.pos, true);
      if (c.end > pos) pos = c.end;
    }
    if (n.end > pos) this.scan(pos, n.end, true);
  }

  /** The comments found since the last call, in source order, each once. */
  take(): Comment[] {
    if (this.out.length === 0) return [];
    const seen = new Set<number>();
    const found = this.out.filter((c) => !seen.has(c.loc.start) && seen.add(c.loc.start)).sort((a, b) => a.loc.start - b.loc.start);
    this.out = [];
    return found;
  }
}

/** The string a value spells out with literals and const bindings only (no defaults of config or arguments). */
function literalString(v: Value | undefined, depth = 0): string | undefined {
  if (!v || depth > MAX_DEPTH) return undefined;
  if (v.kind === 'string') return v.value;
  if (v.kind === 'number') return String(v.value);
  if (v.kind === 'ref') return v.ref.kind === 'const' ? literalString(v.resolved, depth + 1) : undefined;
  if (v.kind !== 'template') return undefined;
  let out = '';
  for (const p of v.parts) {
    const s = literalString(p, depth + 1);
    if (s === undefined) return undefined;
    out += s;
  }
  return out;
}

function isTrivia(kind: ts.SyntaxKind): boolean {
  return kind >= ts.SyntaxKind.FirstTriviaToken && kind <= ts.SyntaxKind.LastTriviaToken;
}

function isPlus(n: ts.Node): boolean {
  return ts.isBinaryExpression(n) && n.operatorToken.kind === ts.SyntaxKind.PlusToken;
}

function isStringish(v: Value): boolean {
  let d: Value | undefined = v;
  for (let i = 0; d && d.kind === 'ref' && d.ref.kind === 'const' && i < MAX_DEPTH; i++) d = d.resolved;
  return !!d && (d.kind === 'string' || d.kind === 'template' || !!v.output || !!d.output);
}

/** The `??`/`||` default attached to a reference; through const bindings it goes to the reference they end at. */
function withFallback(left: RefValue, fallback: Value, loc: Loc): RefValue {
  if (left.ref.kind === 'const' && left.resolved?.kind === 'ref' && !left.resolved.fallback) {
    return { ...left, loc, resolved: withFallback(left.resolved, fallback, left.resolved.loc) };
  }
  return { ...left, loc, fallback };
}

function propertyName(n: ts.PropertyName | ts.BindingName): string | undefined {
  if (ts.isIdentifier(n) || ts.isStringLiteralLike(n) || ts.isNumericLiteral(n) || ts.isPrivateIdentifier(n)) return n.text;
  if (ts.isComputedPropertyName(n) && ts.isStringLiteralLike(n.expression)) return n.expression.text;
  return undefined;
}

function accessKey(e: ts.Expression): string | number | undefined {
  const k = skipTransparent(e);
  if (ts.isStringLiteralLike(k)) return k.text;
  if (ts.isNumericLiteral(k)) return Number(k.text);
  return undefined;
}

/** The name a `new` expression is bound to: `const db = new`, `this.db = new`, `db: new`, `db = new` (class field). */
function symbolOf(node: ts.Expression): string | undefined {
  let n: ts.Node = node;
  while (
    ts.isParenthesizedExpression(n.parent) ||
    ts.isAsExpression(n.parent) ||
    ts.isNonNullExpression(n.parent) ||
    ts.isSatisfiesExpression(n.parent)
  )
    n = n.parent;
  const p = n.parent;
  if ((ts.isVariableDeclaration(p) || ts.isPropertyDeclaration(p) || ts.isPropertyAssignment(p)) && p.initializer === n) {
    return ts.isIdentifier(p.name) || ts.isStringLiteral(p.name) ? p.name.text : undefined;
  }
  if (ts.isBinaryExpression(p) && p.right === n && p.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
    if (ts.isIdentifier(p.left)) return p.left.text;
    if (ts.isPropertyAccessExpression(p.left)) return p.left.name.text;
  }
  return undefined;
}
