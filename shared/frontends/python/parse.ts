import { ParseTimeout, parseSyntaxTree, rememberSyntaxTree, syntaxExtras, type SyntaxNode as Node } from '../syntax-tree';
import { evaluate } from '../../model/evaluate';
import { lineIndexOf, type LineIndex } from '../../model/text';
import type {
  FileModel,
  Loc,
  ObjectValue,
  Property,
  PulumiFacts,
  RefKind,
  RefValue,
  Resource,
  ResourceOptions,
  StringBuild,
  StringValue,
  TemplateValue,
  Value,
} from '../../model/types';
import { camelToSnake, lookupPulumiClass, renamesFor, snakeToCamel } from '../../knowledge/typemap';
import { awsEnumValue, dataSourceSchema } from '../../knowledge/schema';
import { alignKeys, LOWERED_INVOKES } from '../pulumi/invokes';

/** Deeper expressions become unknown: the lowering recurses, and tree-sitter happily builds 10,000-deep trees. */
const MAX_DEPTH = 200;
const RESOURCE_PACKAGES = ['pulumi_aws', 'pulumi_awsx', 'pulumi_random'];
const LOOPS = new Set([
  'for_statement',
  'while_statement',
  'list_comprehension',
  'set_comprehension',
  'dictionary_comprehension',
  'generator_expression',
]);
const COMPREHENSIONS = new Set(['list_comprehension', 'set_comprehension', 'dictionary_comprehension', 'generator_expression']);
/** Statements whose bodies belong to the enclosing scope (Python has function scope, not block scope). */
const SCOPE_TRANSPARENT = new Set([
  'module',
  'block',
  'if_statement',
  'elif_clause',
  'else_clause',
  'for_statement',
  'while_statement',
  'try_statement',
  'except_clause',
  'except_group_clause',
  'finally_clause',
  'with_statement',
  'match_statement',
  'case_clause',
  'expression_statement',
  'decorated_definition',
]);
const OPTION_KEYS: Record<string, Exclude<keyof ResourceOptions, 'written'>> = {
  depends_on: 'dependsOn',
  parent: 'parent',
  provider: 'provider',
  providers: 'providers',
  protect: 'protect',
  retain_on_delete: 'retainOnDelete',
  ignore_changes: 'ignoreChanges',
  delete_before_replace: 'deleteBeforeReplace',
};
/** Maps whose keys are data (tag names), not property names: kept as written. */
const DATA_KEYED = new Set(['tags', 'tags_all', 'variables', 'labels']);
const CONFIG_METHODS = new Set(
  ['get', 'require'].flatMap((m) => ['', '_secret'].flatMap((s) => ['', '_int', '_bool', '_float', '_object'].map((t) => `${m}${s}${t}`))),
);
const STRING_CONFIG_METHODS = new Set(['get', 'require', 'get_secret', 'require_secret']);
const ACCOUNT_INVOKES = new Set([
  'get_caller_identity',
  'get_region',
  'get_partition',
  'get_caller_identity_output',
  'get_region_output',
  'get_partition_output',
]);

type Binding = { kind: 'assign'; values: Node[] } | { kind: 'param'; fallback?: Node } | { kind: 'other'; why: string };

/** A keyword argument: `name=value`, from a call or recovered from the tokens of a broken one. */
interface Kw {
  name: Node;
  value: Node;
  start: number;
  end: number;
}

/** A resource constructor call, whole or recovered from an ERROR node. */
interface CallSite {
  /** The call, or the ERROR node holding a broken one (for its enclosing loops and classes). */
  node: Node;
  fn: Node;
  start: number;
  end: number;
  positional: Node[];
  keywords: Map<string, Kw>;
  /** The span of the argument list, where the props object lives. */
  argsLoc: Loc;
  symbol?: string;
  /** `**kwargs` was passed: properties Faultline cannot see. */
  partial?: boolean;
}

/** Calls and resource options that register transformations, which may rewrite any resource's arguments. */
const TRANSFORM_CALLS = /^(register_(stack|resource)_transform(ation)?s?|register_auto_tags)$/;
const TRANSFORM_OPTIONS = new Set(['transforms', 'transformations']);

interface Ctx {
  depth: number;
  /** Inside Pulumi resource arguments, where keys name properties and are canonicalised. */
  args: boolean;
  /** The resource's token (or Terraform type) and the canonical keys of the enclosing blocks, for renamed keys. */
  tf: string | undefined;
  path: string[];
}

const NO_PATH: string[] = [];

/** The node types `collect` lists as candidates for string builds (f-strings, concatenations, calls). */
const CANDIDATES: ReadonlySet<string> = new Set(['call', 'string', 'concatenated_string', 'binary_operator']);

/**
 * A context, always with all four fields: one object shape (a spread of contexts with and without `tf` made every
 * lowering step a slow generic copy).
 */
function ctxOf(depth: number, args: boolean, tf?: string, path: string[] = NO_PATH): Ctx {
  return { depth, args, tf, path };
}

/** The nodes `collect` sorts out, gathered by the copy of the tree. */
const GATHERED: ReadonlySet<string> = new Set([
  'import_statement',
  'import_from_statement',
  'comment',
  'class_definition',
  'function_definition',
  'lambda',
  'list_comprehension',
  'set_comprehension',
  'dictionary_comprehension',
  'generator_expression',
  'keyword_argument',
  'assignment',
  'call',
  'string',
  'concatenated_string',
  'binary_operator',
]);

/** Lowers a Python Pulumi program to the canonical model. Never throws: failures go to `internalErrors`. */
export function parsePython(text: string, path: string): FileModel {
  const model: FileModel = { path, language: 'python', text, resources: [], parseErrors: [], comments: [], stringBuilds: [] };
  try {
    const root = parseSyntaxTree('python', text, path, GATHERED);
    if (!root) throw new Error('tree-sitter returned no tree');
    rememberSyntaxTree(model, 'python', text, root);
    new Lowerer(model, root).run();
  } catch (e) {
    if (e instanceof ParseTimeout) model.timedOut = e.message;
    else (model.internalErrors ??= []).push({ message: `the Python frontend failed: ${e instanceof Error ? e.message : String(e)}` });
  }
  return model;
}

class Lowerer {
  private readonly lines: LineIndex;
  private readonly facts: PulumiFacts = { isPulumi: false, imports: {}, components: [], configReads: [] };
  /** Every import, Pulumi or not: local name -> dotted module path (`aws` -> `pulumi_aws`, `getenv` -> `os.getenv`). */
  private readonly imports = new Map<string, string>();
  private readonly cache = new Map<string, Value>();
  private readonly resolving = new Set<number>();
  private readonly recorded = new Set<string>();
  private readonly scopes = new Map<number, Map<string, Binding>>();
  private readonly componentClasses = new Map<number, boolean>();
  /** Attributes of `self` bound to a resource (`self.db = aws.rds.Instance(...)`). */
  private readonly selfResources = new Map<string, Node>();
  /** Names of functions passed to `.apply(...)`: resources created in them are created in a callback. */
  private readonly applyCallbacks = new Set<string>();
  private readonly ids = new Set<string>();
  private readonly reads = new Set<number>();
  /** Nodes lowered already (in resource arguments, or within a larger expression): their string builds are recorded. */
  private readonly lowered = new Set<number>();
  private readonly classes = new Map<number, { pkg: string; module: string; cls: string } | null>();
  /** Function, lambda and comprehension scopes in source order; comprehensions carry the names their `for` binds. */
  private scopeSpans: { node: Node; start: number; end: number; paramsStart: number; paramsEnd: number; loopNames?: string[] }[] = [];
  /** Values known to be strings (string config reads, environment variables): `+` with them is concatenation. */
  private readonly stringRefs = new WeakSet<Value>();

  constructor(
    private readonly model: FileModel,
    private readonly root: Node,
  ) {
    this.lines = lineIndexOf(model);
  }

  run(): void {
    const found = this.collect();
    for (const n of found.imports) this.guard(n, () => this.lowerImport(n));
    this.model.pulumi = this.facts;
    if (!this.facts.isPulumi) return; // not a Pulumi program: nothing to analyse
    for (const n of found.comments) this.comment(n);
    for (const e of found.errors) this.model.parseErrors.push(e);
    for (const n of found.selfAssigns) {
      const right = n.childForFieldName('right');
      const name = n.childForFieldName('left')?.childForFieldName('attribute')?.text;
      if (right && name && this.resourceClass(right)) this.selfResources.set(name, right);
    }
    for (const n of found.applies) {
      for (const a of n.childForFieldName('arguments')?.namedChildren ?? []) if (a.type === 'identifier') this.applyCallbacks.add(a.text);
    }
    for (const n of found.classes) this.guard(n, () => this.component(n));
    for (const n of found.candidates) {
      this.guard(n, () => {
        const cls = n.type === 'call' ? this.resourceClass(n) : undefined;
        const invoke = !cls && n.type === 'call' ? this.recordInvoke(n) : undefined;
        if (invoke && LOWERED_INVOKES[invoke]) this.invokeResource(n, invoke, LOWERED_INVOKES[invoke]);
        if (cls) this.resource(this.site(n), cls);
        else if (n.type === 'call' && !invoke) this.optionProviders(n);
        // lowered for the string builds it records, unless a resource's arguments or a larger expression already did
        if (!cls && !this.lowered.has(n.id)) this.expr(n, ctxOf(0, false));
      });
    }
    for (const n of found.errorNodes) this.guard(n, () => this.recover(n));
    this.model.resources.sort((a, b) => a.loc.start - b.loc.start);
  }

  /** The nodes the copy gathered (`GATHERED`) and the syntax errors it met, sorted out: no walk of the tree. */
  private collect(): {
    imports: Node[];
    comments: Node[];
    errors: FileModel['parseErrors'];
    errorNodes: Node[];
    classes: Node[];
    selfAssigns: Node[];
    applies: Node[];
    candidates: Node[];
  } {
    const out = {
      imports: [] as Node[],
      comments: [] as Node[],
      errors: [] as FileModel['parseErrors'],
      errorNodes: [] as Node[],
      classes: [] as Node[],
    };
    const selfAssigns: Node[] = [];
    const applies: Node[] = [];
    const candidates: Node[] = [];
    const extras = syntaxExtras(this.root);
    for (const node of extras?.problems ?? []) {
      if (node.isError) {
        out.errorNodes.push(node);
        out.errors.push(this.errorFor(node));
      } else {
        const p = this.lines.position(node.startIndex);
        out.errors.push({ loc: this.loc(node), message: `missing \`${node.type}\` at line ${p.line + 1}, column ${p.character + 1}` });
      }
    }
    for (const node of extras?.gathered ?? []) {
      const type = node.type;
      switch (type) {
        case 'import_statement':
        case 'import_from_statement':
          out.imports.push(node);
          break;
        case 'comment':
          out.comments.push(node);
          break;
        case 'class_definition':
          out.classes.push(node);
          break;
        case 'function_definition':
        case 'lambda':
        case 'list_comprehension':
        case 'set_comprehension':
        case 'dictionary_comprehension':
        case 'generator_expression': {
          const n = node;
          const params = n.childForFieldName('parameters');
          const loopNames = COMPREHENSIONS.has(type)
            ? n.namedChildren.filter((c) => c.type === 'for_in_clause').flatMap((c) => identifiers(c.childForFieldName('left')))
            : undefined;
          this.scopeSpans.push({
            node: n,
            start: n.startIndex,
            end: n.endIndex,
            paramsStart: params?.startIndex ?? -1,
            paramsEnd: params?.endIndex ?? -1,
            ...(loopNames ? { loopNames } : {}),
          });
          break;
        }
        case 'keyword_argument': {
          if (TRANSFORM_OPTIONS.has(node.childForFieldName('name')?.text ?? '')) this.facts.transforms = true;
          break;
        }
        case 'assignment': {
          const n = node;
          const left = n.childForFieldName('left');
          if (left?.type === 'attribute' && left.childForFieldName('object')?.text === 'self') selfAssigns.push(n);
          break;
        }
        case 'call': {
          const n = node;
          const fn = n.childForFieldName('function');
          if (fn?.type === 'attribute' && fn.childForFieldName('attribute')?.text === 'apply') applies.push(n);
          const called = fn?.type === 'attribute' ? fn.childForFieldName('attribute')?.text : fn?.text;
          if (TRANSFORM_CALLS.test(called ?? '')) this.facts.transforms = true;
          candidates.push(n);
          break;
        }
        case 'string': {
          const n = node;
          const prefix = n.child(0)?.text ?? '';
          if ((prefix.includes('f') || prefix.includes('F')) && n.parent?.type !== 'concatenated_string') candidates.push(n);
          break;
        }
        case 'concatenated_string':
          candidates.push(node);
          break;
        case 'binary_operator': {
          const n = node;
          const p = n.parent;
          // A `+` chain is lowered once, from its outermost operator.
          if (!(p?.type === 'binary_operator' && isPlus(p) && isPlus(n))) candidates.push(n);
          break;
        }
        default:
          break;
      }
    }
    return { ...out, selfAssigns, applies, candidates };
  }

  private guard(n: Node, f: () => void): void {
    try {
      f();
    } catch (e) {
      (this.model.internalErrors ??= []).push({ loc: this.loc(n), message: e instanceof Error ? e.message : String(e) });
    }
  }

  private loc(n: Node): Loc {
    return this.lines.loc(this.model.path, n.startIndex, n.endIndex);
  }

  private span(start: number, end: number): Loc {
    return this.lines.loc(this.model.path, start, end);
  }

  // ---- syntax facts ----

  /** What an unbalanced bracket or a stray token in an ERROR node says about the mistake. */
  private errorFor(n: Node): FileModel['parseErrors'][number] {
    const open: Node[] = [];
    const where = (t: Node): string => {
      const p = this.lines.position(t.startIndex);
      return `line ${p.line + 1}, column ${p.character + 1}`;
    };
    for (const c of n.children) {
      if (c.type === '(' || c.type === '[' || c.type === '{') open.push(c);
      else if (c.type === ')' || c.type === ']' || c.type === '}') {
        if (open.length && CLOSER[open[open.length - 1]!.type] === c.type) open.pop();
        else return { loc: this.loc(c), message: `unexpected \`${c.type}\` at ${where(c)}` };
      }
    }
    if (open.length) {
      const closers = open.map((o) => `\`${CLOSER[o.type]}\``).reverse();
      const first = open[0]!;
      return {
        loc: this.loc(first),
        message: `missing ${closers.join(' and ')}: the \`${first.type}\` at ${where(first)} is never closed`,
      };
    }
    let leaf = n;
    while (leaf.childCount > 0) leaf = leaf.child(0)!;
    const shown = leaf.text.length > 30 ? `${leaf.text.slice(0, 30)}…` : leaf.text;
    return {
      loc: this.loc(leaf),
      message: shown ? `unexpected \`${shown.split('\n')[0]}\` at ${where(leaf)}` : `syntax error at ${where(n)}`,
    };
  }

  private comment(n: Node): void {
    const start = n.startIndex;
    const lineStart = this.lines.lineStart(this.lines.position(start).line);
    let trailing = false;
    for (let i = lineStart; i < start; i++) {
      const c = this.model.text[i];
      if (c !== ' ' && c !== '\t') trailing = true;
    }
    this.model.comments.push({ loc: this.loc(n), text: n.text.slice(1).trim(), trailing });
  }

  private lowerImport(n: Node): void {
    const add = (alias: string, path: string): void => {
      this.imports.set(alias, path);
      if (!isPulumiModule(path)) return;
      this.facts.imports[alias] = path;
      this.facts.isPulumi = true;
    };
    if (n.type === 'import_statement') {
      for (const name of n.childrenForFieldName('name')) {
        if (name.type === 'aliased_import') {
          const alias = name.childForFieldName('alias')?.text;
          const path = name.childForFieldName('name')?.text;
          if (alias && path) add(alias, path);
        } else {
          // `import pulumi_aws.rds` binds `pulumi_aws`
          const top = name.namedChildren[0]?.text;
          if (top) add(top, top);
        }
      }
      return;
    }
    const module = n.childForFieldName('module_name');
    if (!module || module.type !== 'dotted_name') return; // relative imports are the project's own modules
    for (const name of n.childrenForFieldName('name')) {
      if (name.type === 'aliased_import') {
        const alias = name.childForFieldName('alias')?.text;
        const path = name.childForFieldName('name')?.text;
        if (alias && path) add(alias, `${module.text}.${path}`);
      } else add(name.text, `${module.text}.${name.text}`);
    }
    // `from pulumi_aws import *` binds names Faultline cannot see, but still makes it a Pulumi file
    if (isPulumiModule(module.text)) this.facts.isPulumi = true;
  }

  private component(n: Node): void {
    const bases = n.childForFieldName('superclasses')?.namedChildren ?? [];
    if (!bases.some((b) => this.dotted(b) === 'pulumi.ComponentResource')) return;
    const name = n.childForFieldName('name');
    let registersOutputs = false;
    const stack: Node[] = [n];
    while (stack.length && !registersOutputs) {
      const c = stack.pop()!;
      if (c.type === 'call') {
        const fn = c.childForFieldName('function');
        if (
          fn?.type === 'attribute' &&
          fn.childForFieldName('object')?.text === 'self' &&
          fn.childForFieldName('attribute')?.text === 'register_outputs'
        )
          registersOutputs = true;
      }
      for (let k = c.children.length - 1; k >= 0; k--) stack.push(c.children[k]!);
    }
    this.facts.components.push({ name: name?.text ?? '', loc: this.loc(name ?? n), registersOutputs });
  }

  private isComponentClass(cls: Node): boolean {
    let known = this.componentClasses.get(cls.id);
    if (known === undefined) {
      known = (cls.childForFieldName('superclasses')?.namedChildren ?? []).some((b) => this.dotted(b) === 'pulumi.ComponentResource');
      this.componentClasses.set(cls.id, known);
    }
    return known;
  }

  /** The module path an expression names through the imports (`aws.rds.Instance` -> `pulumi_aws.rds.Instance`). */
  private dotted(n: Node | null): string | undefined {
    if (!n) return undefined;
    if (n.type === 'identifier') return this.imports.get(n.text);
    if (n.type !== 'attribute') return undefined;
    const base = this.dotted(n.childForFieldName('object'));
    const attr = n.childForFieldName('attribute')?.text;
    return base && attr ? `${base}.${attr}` : undefined;
  }

  /** `aws.s3.get_bucket(...)` / `get_bucket_output(...)`: a provider function, recorded as `aws.s3.getBucket`. */
  private recordInvoke(call: Node): string | undefined {
    const fn = call.childForFieldName('function');
    const path = this.dotted(fn);
    if (!fn || !path?.startsWith('pulumi_aws.')) return undefined;
    const segments = path.split('.');
    const last = segments[segments.length - 1]!;
    if (!last.startsWith('get_')) return undefined;
    const name = last.endsWith('_output') ? last.slice(0, -'_output'.length) : last;
    const modules = segments.slice(1, -1).map((m) => (m.endsWith('_') ? m.slice(0, -1) : m));
    const at = fn.type === 'attribute' ? (fn.childForFieldName('attribute') ?? fn) : fn;
    const invoke = ['aws', ...modules, snakeToCamel(name)].join('.');
    const provider = this.invokeProvider(splitArgs(call.childForFieldName('arguments')).keywords.get('opts')?.value);
    (this.facts.invokes ??= []).push({ name: invoke, loc: this.span(at.startIndex, at.endIndex), ...(provider ? { provider } : {}) });
    return invoke;
  }

  /** The `provider` of an invoke's `opts` (`pulumi.InvokeOptions(provider=p)`, also through a variable). */
  private invokeProvider(n: Node | undefined, depth = 0): Value | undefined {
    if (!n || depth > 10) return undefined;
    if (n.type === 'identifier') {
      const b = this.binding(n);
      return b?.kind === 'assign' && b.values.length === 1 ? this.invokeProvider(b.values[0], depth + 1) : undefined;
    }
    if (n.type !== 'call') return undefined;
    const path = this.dotted(n.childForFieldName('function'));
    if (path !== 'pulumi.InvokeOptions' && path !== 'pulumi.InvokeOutputOptions') return undefined;
    const provider = splitArgs(n.childForFieldName('arguments')).keywords.get('provider')?.value;
    return provider ? this.expr(provider, ctxOf(0, false)) : undefined;
  }

  /**
   * A call that is no resource of the model but takes resource options (a component instance,
   * `Alerts("a", opts=pulumi.ResourceOptions(providers={"aws": p}))`): the providers it hands on.
   */
  private optionProviders(call: Node): void {
    const opts = splitArgs(call.childForFieldName('arguments')).keywords.get('opts')?.value;
    if (!opts) return;
    const { provider, providers } = this.options(opts, 0);
    for (const v of [provider, providers]) if (v) (this.facts.optionProviders ??= []).push(v);
  }

  /** An invoke whose arguments the rules read, as a data source (`aws.iam.get_policy_document` -> aws_iam_policy_document). */
  private invokeResource(call: Node, invoke: string, tfType: string): void {
    const site = this.site(call);
    const ctx = ctxOf(0, true, tfType);
    const props: ObjectValue = {
      kind: 'object',
      props: [...site.keywords.values()].map((kw) => this.keyword(kw, ctx)),
      loc: site.argsLoc,
      ...(site.partial || site.positional.length ? { partial: true } : {}),
    };
    alignKeys(props, dataSourceSchema(tfType)?.attrs);
    const line = this.lines.position(site.start).line + 1;
    const logicalName = site.symbol ?? `${invoke}:${line}`;
    const r: Resource = {
      id: `data.${tfType}:${this.model.path}:${line}`,
      kind: 'data',
      type: tfType,
      typeAsWritten: site.fn.text,
      name: { kind: 'string', value: logicalName, loc: this.loc(site.fn) },
      logicalName,
      props,
      options: {},
      multiplicity: 'one',
      language: 'python',
      loc: this.span(site.start, site.end),
      headLoc: this.loc(site.fn),
    };
    if (site.symbol) r.symbol = site.symbol;
    this.placeResource(call, r);
    this.model.resources.push(r);
  }

  /** The Pulumi class a call constructs, when it is a resource of a provider package. */
  private resourceClass(call: Node): { pkg: string; module: string; cls: string } | undefined {
    if (call.type !== 'call') return undefined;
    if (this.classes.has(call.id)) return this.classes.get(call.id) ?? undefined;
    const cls = this.calleeClass(call.childForFieldName('function'));
    this.classes.set(call.id, cls ?? null);
    return cls;
  }

  /** The resource class a callee names; with `ofArgs`, the class an `XxxArgs` callee is the arguments of. */
  private calleeClass(fn: Node | null, ofArgs = false): { pkg: string; module: string; cls: string } | undefined {
    const path = this.dotted(fn);
    if (!path) return undefined;
    const segments = path.split('.');
    let cls = segments[segments.length - 1]!;
    if (!RESOURCE_PACKAGES.includes(segments[0]!) || segments.length < 2) return undefined;
    const first = cls.charAt(0);
    if (first < 'A' || first > 'Z' || cls.endsWith('Args') !== ofArgs) return undefined;
    if (ofArgs) cls = cls.slice(0, -'Args'.length);
    // The Python SDK appends `_` to modules named like keywords (`lambda_`); the type map uses the plain name.
    const module = segments
      .slice(1, -1)
      .map((m) => (m.endsWith('_') ? m.slice(0, -1) : m))
      .join('.');
    return { pkg: segments[0]!.slice('pulumi_'.length), module, cls };
  }

  private tfKey(c: { pkg: string; module: string; cls: string }): string {
    const { type, token } = this.typeOf(c);
    return token ?? type;
  }

  private typeOf(c: { pkg: string; module: string; cls: string }): { type: string; token?: string } {
    const t = lookupPulumiClass(c.pkg, c.module, c.cls);
    return t ?? { type: [c.pkg, c.module, c.cls].filter(Boolean).join('.') };
  }

  // ---- resources ----

  /** A whole constructor call as a call site. */
  private site(call: Node): CallSite {
    const argList = call.childForFieldName('arguments');
    const symbol = symbolOf(call);
    return {
      node: call,
      fn: call.childForFieldName('function')!,
      start: call.startIndex,
      end: call.endIndex,
      ...splitArgs(argList),
      argsLoc: this.loc(argList ?? call),
      ...(symbol ? { symbol } : {}),
      ...(hasSplat(argList) ? { partial: true } : {}),
    };
  }

  /**
   * A constructor call cut short (`b = aws.s3.Bucket("b", acl="x"` at the end of the file) is a flat ERROR node:
   * its callee, `(`, then the arguments that parsed. They still make a resource, up to the first unparsed token.
   */
  private recover(err: Node): void {
    const cs = err.children;
    for (let i = 0; i + 1 < cs.length; i++) {
      const fn = cs[i]!;
      const cls = cs[i + 1]!.type === '(' ? this.calleeClass(fn) : undefined;
      if (!cls) continue;
      const positional: Node[] = [];
      const keywords = new Map<string, Kw>();
      let j = i + 2;
      let end = cs[i + 1]!.endIndex;
      for (; j < cs.length && cs[j]!.type !== ')'; j++) {
        const c = cs[j]!;
        const value = cs[j + 2];
        if (c.type === ',' || c.type === 'comment') continue;
        if (c.type === 'keyword_argument') {
          const name = c.childForFieldName('name');
          const v = c.childForFieldName('value');
          if (name && v) keywords.set(name.text, { name, value: v, start: c.startIndex, end: c.endIndex });
        } else if (c.type === 'identifier' && cs[j + 1]?.type === '=' && value?.isNamed && value.type !== 'ERROR') {
          keywords.set(c.text, { name: c, value, start: c.startIndex, end: value.endIndex });
          j += 2;
        } else if (c.isNamed && c.type !== 'ERROR' && keywords.size === 0) positional.push(c);
        else break;
        end = cs[j]!.endIndex;
      }
      const target = cs[i - 2];
      const symbol = target?.type === 'identifier' && cs[i - 1]?.type === '=' ? target.text : undefined;
      this.resource(
        {
          node: err,
          fn,
          start: fn.startIndex,
          end,
          positional,
          keywords,
          argsLoc: this.span(cs[i + 1]!.startIndex, end),
          ...(symbol ? { symbol } : {}),
        },
        cls,
      );
      i = j;
    }
  }

  private resource(site: CallSite, cls: { pkg: string; module: string; cls: string }): void {
    const { fn, positional, keywords } = site;
    const call = site.node;
    const { type, token } = this.typeOf(cls);
    const ctx = ctxOf(0, true, token ?? type);
    const nameNode = positional[0] ?? keywords.get('resource_name')?.value;
    const argsNode = positional[1] ?? keywords.get('args')?.value;
    const optsNode = positional[2] ?? keywords.get('opts')?.value;
    const name: Value = nameNode ? this.expr(nameNode, ctxOf(0, false)) : this.unknown(call, 'the resource has no name argument');

    let props: ObjectValue;
    const fromArgs = argsNode ? derefValue(this.expr(argsNode, ctx)) : undefined;
    if (fromArgs?.kind === 'object') props = fromArgs;
    else if (argsNode)
      props = { kind: 'object', props: [], loc: this.loc(argsNode), partial: true }; // args Faultline cannot follow
    else {
      const own = [...keywords.entries()].filter(([k]) => k !== 'resource_name' && k !== 'args' && k !== 'opts').map(([, kw]) => kw);
      props = {
        kind: 'object',
        props: own.map((kw) => this.keyword(kw, ctx)),
        loc: site.argsLoc,
        ...(site.partial ? { partial: true } : {}),
      };
    }

    const known = evaluate(name);
    const logicalName = known.state === 'known' && typeof known.value === 'string' ? known.value : (nameNode?.text ?? '');
    const line = (): number => this.lines.position(site.start).line + 1;
    let id = `${type}:${known.state === 'known' ? logicalName : `${this.model.path}:${line()}`}`;
    if (this.ids.has(id)) id = `${type}:${logicalName}@${this.model.path}:${line()}`;
    this.ids.add(id);

    const headEnd = nameNode ? (keywords.get('resource_name')?.end ?? nameNode.endIndex) : fn.endIndex;
    const r: Resource = {
      id,
      kind: 'resource',
      type,
      typeAsWritten: fn.text,
      ...(token ? { token } : {}),
      name,
      logicalName,
      props,
      options: optsNode ? this.options(optsNode, 0) : site.partial ? { written: 'opaque' } : {},
      multiplicity: 'one',
      language: 'python',
      loc: this.span(site.start, site.end),
      headLoc: this.span(fn.startIndex, headEnd),
      typeLoc: this.span((fn.childForFieldName('attribute') ?? fn).startIndex, fn.endIndex),
    };
    if (site.symbol) r.symbol = site.symbol;
    this.placeResource(call, r);
    this.model.resources.push(r);
  }

  /** Loops, components and apply callbacks around the constructor call. */
  private placeResource(call: Node, r: Resource): void {
    for (let a = call.parent, child: Node = call; a; child = a, a = a.parent) {
      if (LOOPS.has(a.type) && !(a.type === 'for_statement' && child.id !== a.childForFieldName('body')?.id)) r.multiplicity = 'unknown';
      if (a.type === 'lambda' && r.inCallback === undefined && isApplyArgument(a)) r.inCallback = 'apply';
      if (
        a.type === 'function_definition' &&
        r.inCallback === undefined &&
        this.applyCallbacks.has(a.childForFieldName('name')?.text ?? '')
      )
        r.inCallback = 'apply';
      if (a.type === 'class_definition' && r.inComponent === undefined && this.isComponentClass(a))
        r.inComponent = a.childForFieldName('name')?.text ?? '';
    }
  }

  private options(n: Node, depth: number): ResourceOptions {
    const opaque: ResourceOptions = { written: 'opaque' };
    if (depth > 10) return opaque;
    if (n.type === 'identifier') {
      const b = this.binding(n);
      return b?.kind === 'assign' && b.values.length === 1 ? this.options(b.values[0]!, depth + 1) : opaque;
    }
    if (n.type !== 'call') return opaque;
    const path = this.dotted(n.childForFieldName('function'));
    const args = n.childForFieldName('arguments');
    const { positional, keywords } = splitArgs(args);
    if (path === 'pulumi.ResourceOptions.merge') {
      // ResourceOptions.merge(a, b): b's fields win
      return { ...(Object.assign({}, ...positional.map((p) => this.options(p, depth + 1))) as ResourceOptions), written: 'opaque' };
    }
    if (path !== 'pulumi.ResourceOptions') return opaque;
    const out: ResourceOptions = { written: hasSplat(args) ? 'opaque' : 'literal' };
    for (const [key, kw] of keywords) {
      const field = OPTION_KEYS[key];
      if (field) out[field] = this.expr(kw.value, ctxOf(0, false));
    }
    return out;
  }

  private keyword({ name, value, start, end }: Kw, ctx: Ctx): Property {
    const key = this.key(name.text, ctx);
    return {
      key,
      keyAsWritten: name.text,
      keyLoc: this.loc(name),
      value: this.expr(value, isScalar(value) ? ctx : this.field(ctx, key)),
      loc: this.span(start, end),
    };
  }

  /** The context of a field's value: maps of user keys (tags) are data, their keys stay as written. */
  private field(ctx: Ctx, key: string): Ctx {
    return ctxOf(ctx.depth + 1, ctx.args && !DATA_KEYED.has(key), ctx.tf, [...ctx.path, key]);
  }

  /**
   * The canonical key of a written one: snake_case as Python writes it, or camelCase in a dict, with the type map's
   * renames (`default_actions` -> `default_action`). Keys that are not names (`"Name"`, `"aws:x"`) stay as written.
   */
  private key(written: string, ctx: Ctx): string {
    if (!ctx.args || !isPropertyName(written)) return written;
    const camel = snakeToCamel(written);
    const renamed = renamesFor(ctx.tf, ctx.path)?.[camel];
    return renamed !== undefined && renamed !== camelToSnake(camel) ? renamed : camelToSnake(written);
  }

  // ---- values ----

  private unknown(n: Node, reason: string, output?: boolean): Value {
    return { kind: 'unknown', reason, text: n.text, loc: this.loc(n), ...(output ? { output } : {}) };
  }

  private ref(n: Node, kind: RefKind, name: string, extra: Partial<RefValue> = {}, ref: Partial<RefValue['ref']> = {}): RefValue {
    return { kind: 'ref', ref: { kind, name, text: n.text, ...ref }, loc: this.loc(n), ...extra };
  }

  private record(kind: StringBuild['kind'], n: Node, parts: Value[]): void {
    const key = `${kind}:${n.id}`;
    if (this.recorded.has(key)) return;
    this.recorded.add(key);
    this.model.stringBuilds.push({ kind, loc: this.loc(n), parts });
  }

  expr(n: Node, ctx: Ctx): Value {
    if (ctx.depth > MAX_DEPTH) return this.unknown(n, 'the expression is nested too deeply to analyse');
    if (CANDIDATES.has(n.type)) this.lowered.add(n.id);
    return this.lower(n, ctx);
  }

  /**
   * `expr` for a node lowered again and again: a binding's value, once per reference. Only those are cached: a cache
   * key per node of every resource's arguments cost more than it saved.
   */
  private cachedExpr(n: Node, ctx: Ctx): Value {
    const key = ctx.args ? `${n.id}:${ctx.tf ?? ''}|${ctx.path.join('.')}` : `${n.id}`;
    const hit = this.cache.get(key);
    if (hit) return hit;
    const v = this.expr(n, ctx);
    this.cache.set(key, v);
    return v;
  }

  private lower(n: Node, ctx: Ctx): Value {
    const inner = ctxOf(ctx.depth + 1, ctx.args, ctx.tf, ctx.path);
    switch (n.type) {
      case 'string':
      case 'concatenated_string':
        return this.string(n, inner);
      case 'integer':
      case 'float': {
        const num = parseNumber(n.text);
        return num === undefined ? this.unknown(n, 'complex numbers are not evaluated') : { kind: 'number', value: num, loc: this.loc(n) };
      }
      case 'true':
      case 'false':
        return { kind: 'bool', value: n.type === 'true', loc: this.loc(n) };
      case 'none':
        return { kind: 'null', loc: this.loc(n) };
      case 'unary_operator': {
        const arg = n.childForFieldName('argument');
        const op = n.childForFieldName('operator')?.type;
        const v = arg ? this.expr(arg, inner) : undefined;
        if (v?.kind === 'number' && (op === '-' || op === '+'))
          return { kind: 'number', value: op === '-' ? -v.value : v.value, loc: this.loc(n) };
        return this.unknown(n, 'the operator is not evaluated');
      }
      case 'parenthesized_expression': {
        const e = n.namedChildren.find((c) => c.type !== 'comment');
        return e ? this.expr(e, inner) : this.unknown(n, 'empty parentheses');
      }
      case 'list':
      case 'tuple':
      case 'set':
        return {
          kind: 'list',
          items: n.namedChildren
            .filter((c) => c.type !== 'comment')
            .map((c) => (c.type === 'list_splat' ? this.unknown(c, 'an unpacked list is not followed') : this.expr(c, inner))),
          loc: this.loc(n),
        };
      case 'dictionary':
        return this.dict(n, inner);
      case 'identifier':
        return this.name(n, inner);
      case 'attribute':
        return this.attribute(n, inner);
      case 'subscript':
        return this.subscript(n, inner);
      case 'call':
        return this.call(n, inner);
      case 'binary_operator':
        return isPlus(n) ? this.concat(n, inner) : this.unknown(n, 'arithmetic is not evaluated');
      case 'boolean_operator':
        return this.or(n, inner);
      case 'conditional_expression':
        return this.unknown(n, 'a conditional expression depends on its condition at run time');
      case 'lambda':
        return this.unknown(n, 'a function is not a value Faultline follows');
      default:
        return this.unknown(n, `a ${n.type.replace(/_/g, ' ')} is not evaluated`);
    }
  }

  private dict(n: Node, ctx: Ctx): ObjectValue {
    const props: Property[] = [];
    let partial = false;
    for (const pair of n.namedChildren) {
      if (pair.type === 'dictionary_splat') {
        // `**common_tags` of a known dict contributes its keys (later keys override them: getProperty takes the last).
        const inner = pair.namedChildren.find((c) => c.type !== 'comment');
        let d: Value | undefined = inner ? this.expr(inner, ctx) : undefined;
        for (let i = 0; d?.kind === 'ref' && i < 50; i++) d = d.resolved;
        if (d?.kind === 'object') {
          for (const p of d.props) props.push(p);
          partial ||= !!d.partial;
        } else partial = true;
        continue;
      }
      if (pair.type !== 'pair') continue;
      const k = pair.childForFieldName('key');
      const v = pair.childForFieldName('value');
      if (!k || !v) continue;
      const kv = this.expr(k, ctxOf(ctx.depth, false));
      const written = kv.kind === 'string' ? kv.value : k.text;
      const key = kv.kind === 'string' ? this.key(written, ctx) : written;
      props.push({
        key,
        keyAsWritten: written,
        keyLoc: this.loc(k),
        value: this.expr(v, isScalar(v) ? ctx : this.field(ctx, key)),
        loc: this.loc(pair),
      });
    }
    return { kind: 'object', props, loc: this.loc(n), ...(partial ? { partial } : {}) };
  }

  private string(n: Node, ctx: Ctx): Value {
    // Most strings are one piece of plain text: start, content without escapes, end (or start and end for "").
    if (n.type === 'string') {
      const cs = n.children;
      if (cs.length === 2 && cs[1]!.type === 'string_end') return { kind: 'string', value: '', loc: this.loc(n) };
      if (cs.length === 3 && cs[1]!.type === 'string_content' && cs[1]!.children.length === 0 && cs[2]!.type === 'string_end')
        return { kind: 'string', value: cs[1]!.text, loc: this.loc(n) };
    }
    const pieces = n.type === 'concatenated_string' ? n.namedChildren.filter((c) => c.type === 'string') : [n];
    const parts: Value[] = [];
    let chunk = '';
    let chunkStart = -1;
    let chunkEnd = -1;
    const flush = (): void => {
      if (chunkStart >= 0) parts.push({ kind: 'string', value: chunk, loc: this.span(chunkStart, chunkEnd) });
      chunk = '';
      chunkStart = -1;
    };
    const text = (s: string, start: number, end: number): void => {
      if (chunkStart < 0) chunkStart = start;
      chunk += s;
      chunkEnd = end;
    };
    let interpolated = false;
    for (const piece of pieces) {
      const prefix = (piece.child(0)?.text ?? '').toLowerCase();
      const raw = prefix.includes('r');
      for (const c of piece.children) {
        if (c.type === 'string_content') {
          let at = c.startIndex;
          for (const e of c.children) {
            if (e.startIndex > at) text(this.model.text.slice(at, e.startIndex), at, e.startIndex);
            if (e.type === 'escape_interpolation') text(e.text.charAt(0), e.startIndex, e.endIndex);
            else text(raw ? e.text : unescape(e.text), e.startIndex, e.endIndex);
            at = e.endIndex;
          }
          if (c.endIndex > at) text(this.model.text.slice(at, c.endIndex), at, c.endIndex);
        } else if (c.type === 'interpolation') {
          interpolated = true;
          flush();
          parts.push(this.interpolation(c, ctx));
        }
      }
    }
    if (!interpolated) return { kind: 'string', value: chunk, loc: this.loc(n) };
    flush();
    const t: TemplateValue = { kind: 'template', parts, loc: this.loc(n) };
    this.record('f-string', n, parts);
    return t;
  }

  private interpolation(c: Node, ctx: Ctx): Value {
    const e = c.childForFieldName('expression');
    if (!e) return this.unknown(c, 'an empty interpolation');
    const v = this.expr(e, ctx);
    // `{x!r}`, `{x:>10}` and `{x=}` change the text: the part is unknown, but an Output inside is still one
    if (c.childForFieldName('type_conversion') || c.childForFieldName('format_specifier') || c.children.some((x) => x.type === '=')) {
      return { ...this.unknown(c, 'a formatted interpolation is not evaluated'), ...(v.output ? { output: true } : {}) };
    }
    return v;
  }

  /** `a + b + c` with a string on either side: a template recorded as a concatenation. */
  private concat(n: Node, ctx: Ctx): Value {
    const operands: Node[] = [];
    const stack: Node[] = [n];
    while (stack.length) {
      const cur = stack.pop()!;
      if (cur.type === 'binary_operator' && isPlus(cur)) {
        const r = cur.childForFieldName('right');
        const l = cur.childForFieldName('left');
        if (r) stack.push(r);
        if (l) stack.push(l);
      } else operands.push(cur);
    }
    const parts = operands.map((o) => this.expr(o, ctx));
    if (!parts.some((p) => this.isStringy(p))) return this.unknown(n, 'arithmetic is not evaluated');
    this.record('concat', n, parts);
    return { kind: 'template', parts, loc: this.loc(n) };
  }

  private isStringy(v: Value): boolean {
    const d = derefValue(v);
    if (d.kind === 'string' || d.kind === 'template') return true;
    return d.kind === 'ref' && (d.ref.kind === 'stack' || d.ref.kind === 'project' || d.ref.kind === 'env' || this.stringRefs.has(d));
  }

  /** `config.get("k") or "dev"`: the right side is the fallback of the read. */
  private or(n: Node, ctx: Ctx): Value {
    const op = n.childForFieldName('operator')?.type;
    const l = n.childForFieldName('left');
    const r = n.childForFieldName('right');
    if (op !== 'or' || !l || !r) return this.unknown(n, `\`${op ?? '?'}\` is evaluated at run time`);
    const left = this.expr(l, ctx);
    if (left.kind === 'ref' && (left.ref.kind === 'config' || left.ref.kind === 'env') && !left.fallback) {
      const fallback = this.expr(r, ctx);
      const read = this.facts.configReads.find((c) => c.loc.start === left.loc.start && c.loc.end === left.loc.end);
      if (read) read.fallback = fallback;
      const out: RefValue = { ...left, fallback, loc: this.loc(n) };
      if (this.stringRefs.has(left)) this.stringRefs.add(out);
      return out;
    }
    return this.unknown(n, '`or` is evaluated at run time');
  }

  private name(n: Node, ctx: Ctx): Value {
    const name = n.text;
    const b = this.binding(n);
    if (!b) {
      return this.imports.has(name)
        ? this.unknown(n, `\`${name}\` is an imported name`)
        : this.unknown(n, `\`${name}\` is not defined in this file`);
    }
    if (b.kind === 'param') {
      return this.ref(n, 'arg', name, b.fallback ? { fallback: this.expr(b.fallback, ctx) } : {});
    }
    if (b.kind === 'other') return this.unknown(n, `\`${name}\` ${b.why}`);
    const res = b.values.find((v) => this.resourceClass(v));
    if (res) return this.resourceRef(n, res, name);
    if (b.values.length > 1) return this.unknown(n, `\`${name}\` is assigned more than once`);
    const target = b.values[0]!;
    if (this.resolving.has(target.id)) return this.ref(n, 'const', name);
    this.resolving.add(target.id);
    try {
      return this.ref(n, 'const', name, { resolved: this.cachedExpr(target, ctx) });
    } finally {
      this.resolving.delete(target.id);
    }
  }

  private resourceRef(n: Node, call: Node, symbol: string, attribute?: string): RefValue {
    const cls = this.resourceClass(call)!;
    const { type } = this.typeOf(cls);
    return this.ref(n, cls.pkg === 'random' ? 'random' : 'resource', symbol, attribute ? { output: true } : {}, {
      resourceType: type,
      ...(attribute ? { attribute } : {}),
    });
  }

  private attribute(n: Node, ctx: Ctx): Value {
    const obj = n.childForFieldName('object');
    const attr = n.childForFieldName('attribute')?.text;
    if (!obj || !attr) return this.unknown(n, 'an incomplete attribute');
    if (obj.type === 'identifier' && obj.text === 'self') {
      const res = this.selfResources.get(attr);
      return res ? this.resourceRef(n, res, attr) : this.ref(n, 'arg', n.text);
    }
    const path = this.dotted(n);
    if (path?.startsWith('pulumi_aws.')) {
      const enumValue = awsEnumValue([
        'aws',
        ...path
          .split('.')
          .slice(1)
          .map((m) => (m.endsWith('_') ? m.slice(0, -1) : m)),
      ]);
      if (enumValue !== undefined) return { kind: 'string', value: enumValue, loc: this.loc(n) };
    }
    const base = derefValue(this.expr(obj, ctx));
    if (base.kind === 'ref') {
      const k = base.ref.kind;
      if (k === 'resource' || k === 'random' || k === 'data' || k === 'account') {
        const attribute = base.ref.attribute ? `${base.ref.attribute}.${attr}` : attr;
        const plain = k === 'account' || (k === 'data' && !base.output);
        return this.ref(n, k, base.ref.name, plain ? {} : { output: true }, {
          attribute,
          ...(base.ref.resourceType ? { resourceType: base.ref.resourceType } : {}),
        });
      }
      if (k === 'arg') return this.ref(n, 'arg', n.text);
    }
    return this.unknown(n, `\`${n.text}\` is not followed`, base.output);
  }

  private subscript(n: Node, ctx: Ctx): Value {
    const obj = n.childForFieldName('value');
    const index = n.childForFieldName('subscript');
    if (obj && index && this.dotted(obj) === 'os.environ') {
      const k = this.expr(index, ctx);
      if (k.kind === 'string') {
        const v = this.ref(n, 'env', k.value);
        this.stringRefs.add(v);
        return v;
      }
    }
    const base = obj ? derefValue(this.expr(obj, ctx)) : undefined;
    if (base?.kind === 'ref' && base.ref.kind === 'arg') return this.ref(n, 'arg', n.text);
    return this.unknown(n, `\`${n.text}\` is not followed`, base?.output);
  }

  private call(n: Node, ctx: Ctx): Value {
    const fn = n.childForFieldName('function');
    const argList = n.childForFieldName('arguments');
    if (!fn) return this.unknown(n, 'an incomplete call');
    const cls = this.resourceClass(n);
    if (cls) return this.resourceRef(n, n, symbolOf(n) ?? n.text);
    const path = this.dotted(fn);
    const { positional, keywords } = splitArgs(argList);
    if (path && isPulumiModule(path) && path.endsWith('Args')) {
      // `aws.rds.InstanceArgs(...)` / `aws.s3.BucketVersioningArgs(...)`: an args object like a dict
      // a top-level Args class names its resource type; a nested one takes the enclosing resource's
      const own = ctx.args ? undefined : this.calleeClass(fn, true);
      const argsCtx = own ? ctxOf(ctx.depth, true, this.tfKey(own)) : ctxOf(ctx.depth, true, ctx.tf, ctx.path);
      const props = [...keywords.values()].map((kw) => this.keyword(kw, argsCtx));
      const partial = hasSplat(argList);
      return { kind: 'object', props, loc: this.loc(n), ...(partial ? { partial } : {}) };
    }
    const arg = (i: number, kw?: string): Node | undefined => positional[i] ?? (kw ? keywords.get(kw)?.value : undefined);
    const method = fn.type === 'attribute' ? fn.childForFieldName('attribute')?.text : undefined;
    const plain = ctxOf(ctx.depth, false);

    if (method === 'apply') return this.unknown(n, 'the result of .apply() is known only during deployment', true);
    if (method && fn.type === 'attribute' && CONFIG_METHODS.has(method)) {
      const ns = this.configNamespace(fn.childForFieldName('object')!);
      if (ns !== undefined) return this.configRead(n, method, ns, arg(0, 'key'), arg(1, 'default'), ctx);
    }
    switch (path) {
      case 'pulumi.get_stack':
        return this.ref(n, 'stack', 'stack');
      case 'pulumi.get_project':
        return this.ref(n, 'project', 'project');
      case 'pulumi.Config':
        return this.unknown(n, 'a Config object');
      case 'os.getenv':
      case 'os.environ.get': {
        const k = arg(0, 'key');
        const kv = k ? this.expr(k, plain) : undefined;
        if (kv?.kind !== 'string') return this.unknown(n, 'the environment variable name is not a literal');
        const d = arg(1, 'default');
        const v = this.ref(n, 'env', kv.value, d ? { fallback: this.expr(d, ctx) } : {});
        this.stringRefs.add(v);
        return v;
      }
      case 'pulumi.Output.concat': {
        const parts = positional.map((p) => this.expr(p, ctx));
        return { kind: 'template', parts, loc: this.loc(n), output: true };
      }
      case 'pulumi.Output.format': {
        const f = arg(0);
        const parts = f ? this.format(f, positional.slice(1), keywords, ctx) : undefined;
        return parts
          ? { kind: 'template', parts, loc: this.loc(n), output: true }
          : this.unknown(n, 'the format string is not evaluated', true);
      }
      case 'pulumi.Output.json_dumps': {
        const x = arg(0, 'obj');
        return { kind: 'call', name: 'jsonencode', args: x ? [this.expr(x, plain)] : [], loc: this.loc(n), output: true };
      }
      case 'pulumi.Output.secret':
      case 'pulumi.Output.from_input': {
        const x = arg(0, 'val');
        if (!x) return this.unknown(n, 'no value', true);
        return { ...this.expr(x, ctx), output: true, ...(path === 'pulumi.Output.secret' ? { secret: true } : {}) };
      }
      case 'pulumi.Output.all':
        return this.unknown(n, 'an Output of several values', true);
      case 'pulumi.FileAsset':
      case 'pulumi.FileArchive':
      case 'pulumi.asset.FileAsset':
      case 'pulumi.asset.FileArchive': {
        // Assets read from local files, as canonical call names (checked by missing-local-file).
        const p = arg(0, 'path');
        return { kind: 'call', name: path.replace('.asset.', '.'), args: p ? [this.expr(p, plain)] : [], loc: this.loc(n) };
      }
      case 'json.dumps': {
        const x = arg(0, 'obj');
        const args = x ? [this.expr(x, plain)] : [];
        this.record('json.dumps', n, args);
        return { kind: 'call', name: 'jsonencode', args, loc: this.loc(n) };
      }
      default:
        break;
    }
    if (fn.type === 'identifier' && fn.text === 'str' && !this.binding(fn) && positional.length === 1) {
      const parts = [this.expr(positional[0]!, ctx)];
      this.record('str', n, parts);
      return { kind: 'template', parts, loc: this.loc(n) };
    }
    if (method === 'format') {
      const obj = fn.childForFieldName('object')!;
      const fmt = derefValue(this.expr(obj, ctx));
      if (fmt.kind === 'string') {
        const parts = this.format(obj, positional, keywords, ctx) ?? [this.unknown(n, 'the format string is not evaluated')];
        this.record('format', n, parts);
        return { kind: 'template', parts, loc: this.loc(n) };
      }
    }
    if (path?.startsWith('pulumi_aws.')) {
      const fname = path.slice(path.lastIndexOf('.') + 1);
      if (ACCOUNT_INVOKES.has(fname))
        return this.ref(n, 'account', fname.replace(/_output$/, ''), fname.endsWith('_output') ? { output: true } : {});
      // `get_vpc()` returns the plain result; only `get_vpc_output()` returns an Output.
      if (fname.startsWith('get_'))
        return this.ref(n, 'data', path.slice('pulumi_aws.'.length), fname.endsWith('_output') ? { output: true } : {});
    }
    return this.unknown(n, `\`${fn.text}(...)\` is not evaluated`);
  }

  /** `config = pulumi.Config()` (or inline): the key namespace, '' for the project's own; undefined if not a Config. */
  private configNamespace(obj: Node): string | undefined {
    let target: Node | undefined = obj;
    if (obj.type === 'identifier') {
      const b = this.binding(obj);
      target = b?.kind === 'assign' && b.values.length === 1 ? b.values[0] : undefined;
    } else if (obj.type === 'attribute' && obj.childForFieldName('object')?.text === 'self') {
      target = undefined; // `self.config` is not tracked
    }
    if (target?.type !== 'call' || this.dotted(target.childForFieldName('function')) !== 'pulumi.Config') return undefined;
    const ns = splitArgs(target.childForFieldName('arguments')).positional[0];
    const v = ns ? this.expr(ns, ctxOf(0, false)) : undefined;
    return v?.kind === 'string' ? v.value : '';
  }

  private configRead(n: Node, method: string, ns: string, keyNode: Node | undefined, fallbackNode: Node | undefined, ctx: Ctx): Value {
    const k = keyNode ? this.expr(keyNode, ctxOf(ctx.depth, false)) : undefined;
    if (k?.kind !== 'string') return this.unknown(n, 'the config key is not a literal');
    const key = ns ? `${ns}:${k.value}` : k.value;
    const seen = this.reads.has(n.id);
    this.reads.add(n.id);
    const secret = method.includes('secret');
    const fallback = fallbackNode && method.startsWith('get') ? this.expr(fallbackNode, ctx) : undefined;
    const v = this.ref(n, 'config', key, { ...(secret ? { secret, output: true } : {}), ...(fallback ? { fallback } : {}) });
    if (STRING_CONFIG_METHODS.has(method)) this.stringRefs.add(v);
    if (!seen) this.facts.configReads.push({ key, method, loc: this.loc(n), ...(fallback ? { fallback } : {}) });
    return v;
  }

  /** The parts of `"{}-{name}".format(a, name=b)`; undefined when a field cannot be matched to an argument. */
  private format(fmtNode: Node, positional: Node[], keywords: Map<string, Kw>, ctx: Ctx): Value[] | undefined {
    const fmt = derefValue(this.expr(fmtNode, ctx));
    if (fmt.kind !== 'string') return undefined;
    const s = fmt.value;
    const parts: Value[] = [];
    let lit = '';
    let auto = 0;
    const literal = (): void => {
      if (lit) parts.push({ kind: 'string', value: lit, loc: fmt.loc } satisfies StringValue);
      lit = '';
    };
    for (let i = 0; i < s.length; i++) {
      const c = s[i]!;
      if ((c === '{' || c === '}') && s[i + 1] === c) {
        lit += c;
        i++;
        continue;
      }
      if (c === '}') return undefined;
      if (c !== '{') {
        lit += c;
        continue;
      }
      const close = s.indexOf('}', i);
      if (close < 0) return undefined;
      const field = s.slice(i + 1, close);
      i = close;
      literal();
      const bare = field.split(/[!:]/)[0]!;
      const argNode = bare === '' ? positional[auto++] : /^\d+$/.test(bare) ? positional[Number(bare)] : keywords.get(bare)?.value;
      if (!argNode) return undefined;
      const v = this.expr(argNode, ctx);
      parts.push(
        bare === field ? v : { ...this.unknown(argNode, 'a formatted field is not evaluated'), ...(v.output ? { output: true } : {}) },
      );
    }
    literal();
    return parts;
  }

  // ---- scopes ----

  /** The binding a name refers to: comprehension, function (or lambda) scopes outward, then the module. */
  private binding(id: Node): Binding | undefined {
    const name = id.text;
    const at = id.startIndex;
    // Scopes by span rather than by walking parents: crossing into wasm for each parent is what costs.
    for (let i = this.scopeSpans.length - 1; i >= 0; i--) {
      const s = this.scopeSpans[i]!;
      if (s.start > at || s.end <= at) continue;
      if (s.loopNames) {
        if (s.loopNames.includes(name)) return { kind: 'other', why: 'is a loop variable' };
        continue;
      }
      // a default value is evaluated in the enclosing scope
      if (s.paramsStart <= at && at < s.paramsEnd) continue;
      const b = this.scope(s.node).get(name);
      if (b) return b;
    }
    return this.scope(this.root).get(name);
  }

  private scope(s: Node): Map<string, Binding> {
    const known = this.scopes.get(s.id);
    if (known) return known;
    const t = new Map<string, Binding>();
    this.scopes.set(s.id, t);
    const bind = (name: string, b: Binding): void => {
      const old = t.get(name);
      if (!old) t.set(name, b);
      else if (old.kind === 'assign' && b.kind === 'assign') for (const v of b.values) old.values.push(v);
      else t.set(name, { kind: 'other', why: 'is bound more than once' });
    };
    const params = s.childForFieldName('parameters');
    for (const p of params?.namedChildren ?? []) {
      if (p.type === 'identifier') bind(p.text, { kind: 'param' });
      else if (p.type === 'default_parameter' || p.type === 'typed_default_parameter') {
        const name = p.childForFieldName('name');
        const value = p.childForFieldName('value');
        if (name) bind(name.text, value ? { kind: 'param', fallback: value } : { kind: 'param' });
      } else for (const i of identifiers(p.type === 'typed_parameter' ? p.namedChildren[0] : p)) bind(i, { kind: 'param' });
    }
    const body = s.type === 'module' ? s : s.childForFieldName('body');
    if (!body || s.type === 'lambda') return t;
    const stack: Node[] = [body];
    while (stack.length) {
      const n = stack.pop()!;
      switch (n.type) {
        case 'function_definition':
        case 'class_definition': {
          const name = n.childForFieldName('name');
          if (name) bind(name.text, { kind: 'other', why: 'is a function or class' });
          continue;
        }
        case 'assignment': {
          const left = n.childForFieldName('left');
          let right = n.childForFieldName('right');
          while (right?.type === 'assignment') right = right.childForFieldName('right');
          if (left?.type === 'identifier')
            bind(left.text, right ? { kind: 'assign', values: [right] } : { kind: 'other', why: 'is declared without a value' });
          else if (left?.type !== 'attribute' && left?.type !== 'subscript')
            for (const i of identifiers(left)) bind(i, { kind: 'other', why: 'is unpacked from a sequence' });
          const r = n.childForFieldName('right');
          if (r?.type === 'assignment') stack.push(r);
          continue;
        }
        case 'augmented_assignment':
          for (const i of identifiers(n.childForFieldName('left'))) bind(i, { kind: 'other', why: 'is updated in place' });
          continue;
        case 'for_statement':
          for (const i of identifiers(n.childForFieldName('left'))) bind(i, { kind: 'other', why: 'is a loop variable' });
          break;
        case 'with_statement':
        case 'with_clause':
        case 'with_item':
        case 'except_clause':
          for (const c of n.namedChildren)
            if (c.type === 'as_pattern')
              for (const i of identifiers(c.childForFieldName('alias'))) bind(i, { kind: 'other', why: 'is bound by `as`' });
          break;
        case 'global_statement':
        case 'nonlocal_statement':
          for (const i of identifiers(n)) bind(i, { kind: 'other', why: 'is declared global' });
          continue;
        default:
          if (!SCOPE_TRANSPARENT.has(n.type)) continue;
      }
      for (let i = n.namedChildCount - 1; i >= 0; i--) {
        const c = n.namedChild(i);
        if (c) stack.push(c);
      }
    }
    return t;
  }
}

const CLOSER: Record<string, string> = { '(': ')', '[': ']', '{': '}' };

/**
 * A literal whose lowering looks at no context (no key below it, no name to resolve): it can be lowered in its
 * parent's context, without a field context built for it (a copy of the key path per property).
 */
function isScalar(n: Node): boolean {
  switch (n.type) {
    case 'integer':
    case 'float':
    case 'true':
    case 'false':
    case 'none':
      return true;
    case 'string':
      return !n.children.some((c) => c.type === 'interpolation');
    default:
      return false;
  }
}

function hasSplat(list: Node | null | undefined): boolean {
  return !!list?.namedChildren.some((a) => a.type === 'dictionary_splat');
}

/** `multi_az`, `fromPort`: a property name, as opposed to a data key (`Name`, `aws:cdk`, `my key`). */
function isPropertyName(s: string): boolean {
  const first = s.charAt(0);
  if (first < 'a' || first > 'z') return false;
  for (const c of s) if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c === '_')) return false;
  return true;
}

function isPulumiModule(path: string): boolean {
  return path === 'pulumi' || path.startsWith('pulumi.') || path.startsWith('pulumi_');
}

function isPlus(n: Node): boolean {
  return n.childForFieldName('operator')?.type === '+';
}

function derefValue(v: Value): Value {
  let cur = v;
  for (let i = 0; i < 50 && cur.kind === 'ref' && cur.resolved; i++) cur = cur.resolved;
  return cur;
}

/** Positional and keyword arguments (splats and comments skipped). */
function splitArgs(list: Node | null | undefined): { positional: Node[]; keywords: Map<string, Kw> } {
  const positional: Node[] = [];
  const keywords = new Map<string, Kw>();
  for (const a of list?.namedChildren ?? []) {
    if (a.type === 'keyword_argument') {
      const name = a.childForFieldName('name');
      const value = a.childForFieldName('value');
      if (name && value) keywords.set(name.text, { name, value, start: a.startIndex, end: a.endIndex });
    } else if (a.type !== 'comment' && a.type !== 'list_splat' && a.type !== 'dictionary_splat') positional.push(a);
  }
  return { positional, keywords };
}

/** The name a constructor call is assigned to: `db = ...` -> db, `self.db = ...` -> db. */
function symbolOf(call: Node): string | undefined {
  const p = call.parent;
  if (p?.type !== 'assignment' || p.childForFieldName('right')?.id !== call.id) return undefined;
  const left = p.childForFieldName('left');
  if (left?.type === 'identifier') return left.text;
  if (left?.type === 'attribute' && left.childForFieldName('object')?.text === 'self') return left.childForFieldName('attribute')?.text;
  return undefined;
}

function isApplyArgument(lambda: Node): boolean {
  const list = lambda.parent;
  const call = list?.type === 'argument_list' ? list.parent : undefined;
  const fn = call?.childForFieldName('function');
  return fn?.type === 'attribute' && fn.childForFieldName('attribute')?.text === 'apply';
}

/** Identifiers bound by a target (`a`, `a, b`, `(a, [b, *c])`). */
function identifiers(n: Node | null | undefined): string[] {
  if (!n) return [];
  if (n.type === 'identifier') return [n.text];
  const out: string[] = [];
  const stack: Node[] = [n];
  while (stack.length) {
    const c = stack.pop()!;
    if (c.type === 'identifier') out.push(c.text);
    else if (c.type !== 'attribute' && c.type !== 'subscript') for (const n of c.namedChildren) stack.push(n);
  }
  return out;
}

function parseNumber(text: string): number | undefined {
  const t = text.split('_').join('').toLowerCase();
  if (t.endsWith('j')) return undefined;
  if (t.startsWith('0x') || t.startsWith('0o') || t.startsWith('0b')) {
    const base = t[1] === 'x' ? 16 : t[1] === 'o' ? 8 : 2;
    const v = parseInt(t.slice(2), base);
    return isNaN(v) ? undefined : v;
  }
  const v = Number(t.endsWith('l') ? t.slice(0, -1) : t);
  return isNaN(v) ? undefined : v;
}

const SIMPLE_ESCAPES: Record<string, string> = {
  n: '\n',
  t: '\t',
  r: '\r',
  '\\': '\\',
  "'": "'",
  '"': '"',
  a: '\x07',
  b: '\b',
  f: '\f',
  v: '\v',
  '\n': '',
  '\r\n': '',
};

/** The character(s) an escape sequence token stands for; an unknown one (`\N{...}`, `\q`) stays as written. */
function unescape(esc: string): string {
  const body = esc.slice(1);
  const simple = SIMPLE_ESCAPES[body];
  if (simple !== undefined) return simple;
  const head = body.charAt(0);
  if (head === 'x' || head === 'u' || head === 'U') {
    const code = parseInt(body.slice(1), 16);
    return isNaN(code) || code > 0x10ffff ? esc : String.fromCodePoint(code);
  }
  if (head >= '0' && head <= '7') return String.fromCharCode(parseInt(body, 8));
  return esc;
}
