import { encloses, ParseTimeout, parseSyntaxTree, rememberSyntaxTree, syntaxExtras, type SyntaxNode as Node } from '../syntax-tree';
import { lineIndexOf, type LineIndex } from '../../model/text';
import type {
  Comment,
  FileModel,
  Loc,
  ObjectValue,
  ParseError,
  Property,
  Reference,
  Resource,
  ResourceOptions,
  StringBuild,
  TerraformFacts,
  TfReference,
  Value,
} from '../../model/types';

/** Expressions and blocks nested deeper than this are not lowered (deeply nested input must not exhaust the stack). */
const MAX_DEPTH = 200;
/** A file of garbage must not produce thousands of diagnostics. */
const MAX_PARSE_ERRORS = 100;
/** Re-parses spent salvaging blocks swallowed by error regions, per file. */
const MAX_REPARSES = 3;

/** Block types of the top level and their label count: used to lift them out of a block whose `}` is missing. */
const TOP_LEVEL_LABELS: Record<string, number> = {
  resource: 2,
  data: 2,
  module: 1,
  variable: 1,
  output: 1,
  provider: 1,
  locals: 0,
  terraform: 0,
};

/** Data sources whose attributes describe the credentials in use (account id, region, partition). */
const ACCOUNT_DATA = new Set(['aws_caller_identity', 'aws_region', 'aws_partition', 'aws_arn']);

const CLOSERS: Record<string, string> = { block_end: 'block', object_end: 'object', tuple_end: 'list' };

/** What `collectReferences` reads of the tree: references, and the regions that skip them or bind names. */
const GATHERED: ReadonlySet<string> = new Set(['variable_expr', 'for_tuple_expr', 'for_object_expr', 'block', 'ERROR']);
const NO_NAMES: ReadonlySet<string> = new Set();

/** Parses a `.tf` or `.tfvars` file into the canonical model. Never throws: broken parts become parse or internal errors. */
export function parseTerraform(text: string, path: string): FileModel {
  const model: FileModel = { path, language: 'terraform', text, resources: [], parseErrors: [], comments: [], stringBuilds: [] };
  try {
    const root = parseSyntaxTree('terraform', text, path, GATHERED);
    if (!root) throw new Error('tree-sitter returned no tree');
    rememberSyntaxTree(model, 'terraform', text, root);
    new Lowerer(text, path, model).lowerFile(root);
  } catch (e) {
    if (e instanceof ParseTimeout) model.timedOut = e.message;
    else (model.internalErrors ??= []).push({ message: `the Terraform frontend failed: ${errorText(e)}` });
  }
  return model;
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** The children of a node without comments (comments are extras and may sit anywhere). */
/** Where a value's source lies: a node, or the run of sibling nodes that forms an operand. */
type Span = Pick<Node, 'startIndex' | 'endIndex'>;

function kids(n: Node): readonly Node[] {
  return withoutComments(n.children);
}

function namedKids(n: Node): readonly Node[] {
  return withoutComments(n.namedChildren);
}

/** The nodes that are not comments: the same array when none is (most nodes hold none). */
function withoutComments(cs: readonly Node[]): readonly Node[] {
  for (const c of cs) if (c.type === 'comment') return cs.filter((x) => x.type !== 'comment');
  return cs;
}

/** Unescapes a quoted HCL string chunk: backslash escapes and the `$${` / `%%{` template escapes. */
export function unescapeQuoted(raw: string): string {
  return raw.replace(/\\(?:u([0-9a-fA-F]{4})|U([0-9a-fA-F]{8})|(.))|\$\$\{|%%\{/gs, (m, u4?: string, u8?: string, c?: string) => {
    if (m === '$${') return '${';
    if (m === '%%{') return '%{';
    if (u4 ?? u8) return String.fromCodePoint(parseInt((u4 ?? u8)!, 16));
    switch (c) {
      case 'n':
        return '\n';
      case 'r':
        return '\r';
      case 't':
        return '\t';
      default:
        return c ?? m;
    }
  });
}

/** Heredocs interpret no backslash escapes, only the template escapes. */
function unescapeHeredoc(raw: string): string {
  return raw.replace(/\$\$\{|%%\{/g, (m) => (m === '$${' ? '${' : '%{'));
}

type Piece = { kind: 'text'; start: number; end: number; text: string } | { kind: 'value'; value: Value };

class Lowerer {
  private readonly index: LineIndex;
  private readonly facts: TerraformFacts = {
    variables: [],
    locals: [],
    outputs: [],
    providers: [],
    terraformBlocks: [],
    backends: [],
    modules: [],
  };
  /** Top-level blocks found nested inside a block whose `}` is missing: lowered after the block that swallowed them. */
  private lifted: Node[] = [];
  /** Iterator names bound by the dynamic blocks enclosing what is being lowered. */
  private readonly scope: string[] = [];
  /** Start offsets of the top-level nodes lowered so far (the salvage pass must not lower one twice). */
  private readonly lowered = new Set<number>();
  private reparses = 0;

  constructor(
    private readonly text: string,
    private readonly path: string,
    private readonly model: FileModel,
  ) {
    this.index = lineIndexOf(model);
  }

  lowerFile(root: Node): void {
    this.collectCommentsAndErrors(root);
    const tfvars = this.path.toLowerCase().endsWith('.tfvars');
    if (tfvars) this.facts.tfvars = [];
    const top: Node[] = [];
    for (const c of root.namedChildren) {
      // Spreading 100,000+ children into push() would overflow the call stack.
      if (c.type === 'body') for (const n of c.namedChildren) top.push(n);
      // A file that is mostly broken: complete blocks inside the error region still count.
      else if (c.type === 'ERROR') {
        const whole = c.namedChildren.filter((n) => (n.type === 'block' || n.type === 'attribute') && !n.hasError);
        // The walk above does not enter error regions.
        for (const n of whole) this.collectCommentsAndErrors(n);
        for (const n of whole) top.push(n);
      }
    }
    for (const n of top) this.lowerTop(n, tfvars);
    for (const c of root.namedChildren) if (c.type === 'ERROR') this.salvage(c, tfvars);
    if (!tfvars) this.facts.references = this.collectReferences(root);
    this.model.terraform = this.facts;
    this.model.parseErrors.sort((a, b) => a.loc.start - b.loc.start);
  }

  /**
   * Every reference to a named object of the module, including those inside expressions the lowering does not
   * evaluate (conditionals, for expressions, splats), error regions skipped: from the nodes the copy gathered
   * (`GATHERED`), in pre-order, with no walk of the tree.
   */
  private collectReferences(root: Node): TfReference[] {
    const out: TfReference[] = [];
    // The regions around the node at hand, innermost last: skipped ones (ERROR, `moved { from = aws_s3_bucket.old }`
    // names addresses that no longer exist, on purpose) and those binding names (for expressions, dynamic blocks),
    // each with every name bound around and in it. Names gathered on the way down: looking them up from each
    // reference to the root was quadratic in the nesting (10,000 nested objects took 3 to 23 s).
    const open: { node: Node; skip: boolean; names: ReadonlySet<string> }[] = [];
    for (const n of syntaxExtras(root)?.gathered ?? []) {
      while (open.length && !encloses(open[open.length - 1]!.node, n)) open.pop();
      const around = open[open.length - 1];
      if (around?.skip) continue;
      const outer = around?.names ?? NO_NAMES;
      if (n.type === 'variable_expr') {
        const r = outer.has(n.text) ? undefined : this.reference(n);
        if (r) out.push(r);
      } else if (n.isError || (n.type === 'block' && ADDRESS_BLOCKS.has(kids(n)[0]?.text ?? ''))) {
        open.push({ node: n, skip: true, names: outer });
      } else {
        const bound = this.iterationNames(n);
        if (bound.length) open.push({ node: n, skip: false, names: new Set([...outer, ...bound]) });
      }
    }
    return out;
  }

  private reference(n: Node): TfReference | undefined {
    const head = n.text;
    if (REFERENCE_NOT_NAMES.has(head)) return undefined;
    const attrs: Node[] = [];
    if (n.parent?.type === 'expression' && n.parent.children[0] === n) {
      for (const s of n.parent.children.slice(1)) {
        if (s.type !== 'get_attr') break;
        const id = namedKids(s)[0];
        if (!id) break;
        attrs.push(id);
      }
    }
    const make = (kind: TfReference['kind'], nameNode: Node | undefined, type?: string): TfReference | undefined =>
      nameNode && {
        kind,
        ...(type ? { type } : {}),
        name: nameNode.text,
        text: this.text.slice(n.startIndex, nameNode.endIndex),
        loc: this.loc(n.startIndex, nameNode.endIndex),
        nameLoc: this.locOf(nameNode),
      };
    if (head === 'var') return make('variable', attrs[0]);
    if (head === 'local') return make('local', attrs[0]);
    if (head === 'module') return make('module', attrs[0]);
    if (head === 'data') return attrs[0] ? make('data', attrs[1], attrs[0].text) : undefined;
    if (head.includes('_')) return make('resource', attrs[0], head);
    // `provider = aws.west`, `providers = { aws = aws.west }`: a provider alias. A key of `providers` (`aws.replica` in
    // `{ aws.replica = aws.west }`) names the called module's provider, not one of this module.
    const elem = n.parent?.parent;
    if (elem?.type === 'object_elem' && elem.children[0] === n.parent) return undefined;
    return attrs.length === 1 && this.inProviderArgument(n) ? make('provider', attrs[0], head) : undefined;
  }

  /** The names `a` binds for what it encloses, if it is a for expression or a dynamic block (`for s in ...`, `ingress.value`). */
  private iterationNames(a: Node): string[] {
    if (a.type === 'for_tuple_expr' || a.type === 'for_object_expr') {
      const intro = a.namedChildren.find((c) => c.type === 'for_intro');
      return (intro?.namedChildren ?? []).filter((id) => id.type === 'identifier').map((id) => id.text);
    }
    if (a.type === 'block' && kids(a)[0]?.text === 'dynamic') {
      const iterator = this.bodyOf(a)?.namedChildren.find((x) => x.type === 'attribute' && kids(x)[0]?.text === 'iterator');
      const label = a.namedChildren.find((c) => c.type === 'string_lit');
      return [
        iterator
          ? this.text.slice(iterator.lastNamedChild!.startIndex, iterator.lastNamedChild!.endIndex).trim()
          : (label?.text ?? '').replace(/^"|"$/g, ''),
      ];
    }
    return [];
  }

  private inProviderArgument(n: Node): boolean {
    for (let a = n.parent; a; a = a.parent) {
      if (a.type === 'attribute') {
        const key = kids(a)[0]?.text;
        if (key === 'provider' || key === 'providers') return true;
      }
      if (a.type === 'block') return false;
    }
    return false;
  }

  private lowerTop(n: Node, tfvars: boolean): void {
    // The salvage pass can meet a block that an error region already held whole.
    if (this.lowered.has(n.startIndex)) return;
    this.lowered.add(n.startIndex);
    if (tfvars) {
      if (n.type === 'attribute') this.guard(n, () => this.lowerTfvar(n));
    } else if (n.type === 'block') this.lowerTopBlock(n);
  }

  /**
   * An error region can swallow the well-formed blocks after it (the heredoc scanner is easily confused by garbage).
   * Re-parse from the next line that starts at column 0 with a top-level keyword, with everything before it blanked
   * out so offsets stay those of the file, and lower the complete blocks found in the region. Bounded: garbage can be
   * large.
   */
  private salvage(error: Node, tfvars: boolean): void {
    let from = error.startIndex;
    const end = error.endIndex;
    for (; this.reparses < MAX_REPARSES; this.reparses++) {
      const restart = this.nextLineStartingWithWord(from, end);
      if (restart === undefined) return;
      const blanked = this.text.slice(0, restart).replace(/[^\r\n]/g, ' ') + this.text.slice(restart);
      // Keyed per file and pass: the next keystroke's blanked text differs only around the edit (incremental reparse).
      let root: Node | undefined;
      try {
        root = parseSyntaxTree('terraform', blanked, `${this.path}\0salvage${this.reparses}`);
      } catch (e) {
        if (e instanceof ParseTimeout) return; // salvaging is best effort: what was lowered stays
        throw e;
      }
      if (!root) return;
      let nextError: Node | undefined;
      for (const c of root.namedChildren) {
        if (c.type === 'ERROR' && c.startIndex >= restart && c.startIndex < end) nextError ??= c;
        if (c.type !== 'body') continue;
        for (const n of c.namedChildren) {
          if (n.startIndex < restart || n.startIndex >= end || n.hasError || this.lowered.has(n.startIndex)) continue;
          this.collectCommentsAndErrors(n);
          this.lowerTop(n, tfvars);
        }
      }
      if (!nextError) return;
      from = nextError.startIndex;
    }
  }

  private nextLineStartingWithWord(from: number, end: number): number | undefined {
    for (let line = this.index.position(from).line + 1; line < this.index.lineCount(); line++) {
      const start = this.index.lineStart(line);
      if (start >= end) return undefined;
      let e = start;
      while (/[A-Za-z_]/.test(this.text[e] ?? '')) e++;
      if (e > start && this.text.slice(start, e) in TOP_LEVEL_LABELS) return start;
    }
    return undefined;
  }

  private guard(n: Node, fn: () => void): void {
    try {
      fn();
    } catch (e) {
      (this.model.internalErrors ??= []).push({ loc: this.locOf(n), message: `lowering this ${n.type} failed: ${errorText(e)}` });
    }
  }

  loc(start: number, end: number): Loc {
    return this.index.loc(this.path, start, end);
  }

  locOf(n: Span): Loc {
    return this.loc(n.startIndex, n.endIndex);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // comments and syntax errors

  /** One iterative walk (the tree may be deeper than the JS stack allows recursion). */
  private collectCommentsAndErrors(root: Node): void {
    const extras = syntaxExtras(root);
    if (extras) {
      // the whole file: what the copy met on its way, as the walk below would find it
      for (const n of extras.comments) if (!n.parent || this.mayHoldComments(n.parent)) this.addComment(n);
      for (const n of extras.problems) this.addError(n.isError ? this.describeError(n) : this.describeMissing(n));
      return;
    }
    const stack: Node[] = [root];
    while (stack.length) {
      const n = stack.pop()!;
      let descend = true;
      if (n.type === 'comment') this.addComment(n);
      else if (n.isError) {
        this.addError(this.describeError(n));
        descend = false;
      } else if (n.isMissing) this.addError(this.describeMissing(n));
      if (!descend || !this.mayHoldComments(n)) continue;
      for (let i = n.children.length - 1; i >= 0; i--) stack.push(n.children[i]!);
    }
  }

  /** Comments can be anywhere, but leaf tokens such as strings hold none. */
  private mayHoldComments(n: Node): boolean {
    return n.type !== 'string_lit' && n.type !== 'template_literal' && n.type !== 'identifier';
  }

  private addComment(n: Node): void {
    const raw = n.text;
    const text = raw.startsWith('#')
      ? raw.slice(1)
      : raw.startsWith('//')
        ? raw.slice(2)
        : raw.slice(2, raw.endsWith('*/') ? -2 : undefined);
    const lineStart = this.index.lineStart(n.startPosition.row);
    const comment: Comment = { loc: this.locOf(n), text, trailing: this.text.slice(lineStart, n.startIndex).trim() !== '' };
    this.model.comments.push(comment);
  }

  private addError(e: ParseError): void {
    const errors = this.model.parseErrors;
    if (errors.length >= MAX_PARSE_ERRORS) return;
    if (errors.some((x) => x.loc.start === e.loc.start && x.message === e.message)) return;
    errors.push(e);
  }

  private describeMissing(n: Node): ParseError {
    const parent = n.parent;
    const what = CLOSERS[n.type] ?? (n.type === '}' || n.type === ']' ? CLOSERS[parent?.type ?? ''] : undefined);
    const token = n.type.endsWith('_end') || n.type.length <= 3 ? this.tokenOf(n) : n.type.replace(/_/g, ' ');
    // The closer's owner is its parent (block_end inside block) or grandparent (the `}` inside block_end).
    const owner = n.type === '}' || n.type === ']' ? parent?.parent : parent;
    const opener = owner
      ? kids(owner).find((c) => c.type === 'block_start' || c.type === 'object_start' || c.type === 'tuple_start')
      : undefined;
    if (what && opener) {
      return {
        loc: this.locOf(opener),
        message: `missing \`${token}\` to close the ${what} opened at line ${opener.startPosition.row + 1}`,
      };
    }
    return { loc: this.locOf(n), message: `missing \`${token}\` at line ${n.startPosition.row + 1}` };
  }

  private tokenOf(n: Node): string {
    if (n.type === 'block_end' || n.type === 'object_end' || n.type === '}') return '}';
    if (n.type === 'tuple_end' || n.type === ']') return ']';
    return n.type;
  }

  private describeError(n: Node): ParseError {
    const prev = n.previousSibling;
    const first = firstLeaf(n);
    if (prev?.type === '=' && n.parent?.type === 'attribute') {
      return { loc: this.locOf(prev), message: `expected an expression after \`=\` at line ${prev.startPosition.row + 1}` };
    }
    const last = n.lastChild;
    if (last?.type === '=' && n.nextSibling?.type !== 'expression') {
      return { loc: this.locOf(last), message: `expected an expression after \`=\` at line ${last.startPosition.row + 1}` };
    }
    const opened = n.children.find((c) => c.type === 'quoted_template_start');
    if (opened && !n.children.some((c) => c.type === 'quoted_template_end' && c.startIndex > opened.startIndex)) {
      return {
        loc: this.loc(opened.startIndex, opened.endIndex),
        message: `unterminated string starting at line ${opened.startPosition.row + 1}`,
      };
    }
    const token = first && first.endIndex > first.startIndex ? first : n;
    const shown = this.text.slice(token.startIndex, Math.min(token.endIndex, token.startIndex + 30)).split(/\r?\n/)[0] ?? '';
    const where = `line ${token.startPosition.row + 1}, column ${token.startPosition.column + 1}`;
    return {
      loc: this.loc(token.startIndex, Math.min(token.endIndex, token.startIndex + 30)),
      message: shown.trim() ? `unexpected \`${shown.trim()}\` at ${where}` : `syntax error at ${where}`,
    };
  }

  // ---------------------------------------------------------------------------------------------------------------
  // top-level blocks

  private lowerTopBlock(n: Node): void {
    this.guard(n, () => {
      const head = this.blockHead(n);
      if (!head) return;
      const { type, labels } = head;
      switch (type) {
        case 'resource':
        case 'data':
          if (labels.length >= 2) this.lowerResource(n, type, labels);
          break;
        case 'module':
          if (labels.length >= 1) this.lowerModule(n, labels[0]!);
          break;
        case 'variable':
          if (labels.length >= 1) this.lowerVariable(n, labels[0]!.value);
          break;
        case 'locals':
          for (const a of this.bodyOf(n)?.namedChildren ?? []) {
            if (a.type === 'attribute') this.guard(a, () => this.facts.locals.push(...this.namedAttribute(a)));
          }
          break;
        case 'output':
          if (labels.length >= 1) this.lowerOutput(n, labels[0]!.value);
          break;
        case 'provider':
          if (labels.length >= 1) {
            const props = this.blockObject(n, 0);
            const alias = props.props.find((p) => p.key === 'alias')?.value;
            this.facts.providers.push({
              name: labels[0]!.value,
              alias: alias?.kind === 'string' ? alias.value : undefined,
              loc: this.locOf(n),
              props,
            });
          }
          break;
        case 'terraform':
          this.lowerTerraformBlock(n);
          break;
        default:
          // moved, import, check, removed: nothing a rule reads yet
          break;
      }
    });
    const lifted = this.lifted;
    this.lifted = [];
    for (const l of lifted) this.lowerTopBlock(l);
  }

  /** The block type and its labels (strings or identifiers). */
  private blockHead(n: Node): { type: string; labels: { value: string; node: Node }[] } | undefined {
    const parts = kids(n);
    const id = parts[0];
    if (id?.type !== 'identifier') return undefined;
    const labels: { value: string; node: Node }[] = [];
    for (const p of parts.slice(1)) {
      if (p.type === 'string_lit') labels.push({ value: this.stringLitValue(p), node: p });
      else if (p.type === 'identifier') labels.push({ value: p.text, node: p });
      else break;
    }
    return { type: id.text, labels };
  }

  private bodyOf(block: Node): Node | undefined {
    return block.namedChildren.find((c) => c.type === 'body');
  }

  private lowerResource(n: Node, kind: 'resource' | 'data', labels: { value: string; node: Node }[]): void {
    const [t, name] = labels as [{ value: string; node: Node }, { value: string; node: Node }];
    const obj = this.blockObject(n, 0);
    const { props, options } = splitMeta(obj, RESOURCE_META);
    const resource: Resource = {
      id: kind === 'data' ? `data.${t.value}.${name.value}` : `${t.value}.${name.value}`,
      kind,
      type: t.value,
      typeAsWritten: t.value,
      name: this.labelValue(name.node, name.value),
      logicalName: name.value,
      props,
      options,
      multiplicity: options.count || options.forEach ? 'unknown' : 'one',
      language: 'terraform',
      loc: this.locOf(n),
      headLoc: this.loc(n.startIndex, name.node.endIndex),
      typeLoc: this.labelInner(t.node),
    };
    this.model.resources.push(resource);
  }

  private lowerModule(n: Node, label: { value: string; node: Node }): void {
    const obj = this.blockObject(n, 0);
    const { props, options } = splitMeta(obj, MODULE_META);
    const source = obj.props.find((p) => p.key === 'source')?.value;
    this.facts.modules.push({
      name: label.value,
      loc: this.locOf(n),
      source: source?.kind === 'string' ? source.value : undefined,
      props,
      ...(options.count ? { count: options.count } : {}),
      ...(options.forEach ? { forEach: options.forEach } : {}),
    });
    this.model.resources.push({
      id: `module.${label.value}`,
      kind: 'module',
      type: 'module',
      typeAsWritten: 'module',
      name: this.labelValue(label.node, label.value),
      logicalName: label.value,
      props,
      options,
      multiplicity: options.count || options.forEach ? 'unknown' : 'one',
      language: 'terraform',
      loc: this.locOf(n),
      headLoc: this.loc(n.startIndex, label.node.endIndex),
    });
  }

  /** A block label without its quotes. */
  private labelInner(node: Node): Loc {
    const quoted = node.text.length >= 2 && node.text.startsWith('"') && node.text.endsWith('"');
    return quoted ? this.loc(node.startIndex + 1, node.endIndex - 1) : this.locOf(node);
  }

  private labelValue(node: Node, value: string): Value {
    return { kind: 'string', value, loc: this.locOf(node) };
  }

  private lowerVariable(n: Node, name: string): void {
    const obj = this.blockObject(n, 0);
    const prop = (k: string): Property | undefined => obj.props.find((p) => p.key === k);
    const sensitive = prop('sensitive')?.value;
    const isSensitive = sensitive?.kind === 'bool' ? sensitive.value : undefined;
    const def = prop('default')?.value;
    if (def && isSensitive) def.secret = true;
    const type = prop('type');
    this.facts.variables.push({
      name,
      loc: this.locOf(n),
      default: def,
      type: type ? this.text.slice(type.value.loc.start, type.value.loc.end) : undefined,
      sensitive: isSensitive,
    });
  }

  private lowerOutput(n: Node, name: string): void {
    const obj = this.blockObject(n, 0);
    const value = obj.props.find((p) => p.key === 'value')?.value ?? this.unknown(n, 'the output has no value argument');
    const sensitive = obj.props.find((p) => p.key === 'sensitive')?.value;
    if (sensitive?.kind === 'bool' && sensitive.value) value.secret = true;
    this.facts.outputs.push({ name, loc: this.locOf(n), value });
  }

  private lowerTerraformBlock(n: Node): void {
    const props = this.blockObject(n, 0);
    this.facts.terraformBlocks.push({ loc: this.locOf(n), props });
    for (const b of this.bodyOf(n)?.namedChildren ?? []) {
      if (b.type !== 'block') continue;
      const head = this.blockHead(b);
      if (head?.type === 'backend' && head.labels[0])
        this.facts.backends.push({ type: head.labels[0].value, loc: this.locOf(b), props: this.blockObject(b, 1) });
      // Terraform Cloud replaces the backend: state lives remotely just the same.
      else if (head?.type === 'cloud') this.facts.backends.push({ type: 'cloud', loc: this.locOf(b), props: this.blockObject(b, 1) });
    }
  }

  private lowerTfvar(a: Node): void {
    this.facts.tfvars!.push(...this.namedAttribute(a));
  }

  private namedAttribute(a: Node): { name: string; loc: Loc; value: Value }[] {
    return this.attributes(a, 0).map((p) => ({ name: p.key, loc: p.loc, value: p.value }));
  }

  // ---------------------------------------------------------------------------------------------------------------
  // bodies

  /** A block's body as an object whose loc is the braces (where a fix inserts). */
  private blockObject(block: Node, depth: number, recovering = false): ObjectValue {
    const parts = kids(block);
    const open = parts.find((c) => c.type === 'block_start');
    const close = parts.find((c) => c.type === 'block_end');
    const start = open?.startIndex ?? block.startIndex;
    const end = close && !close.isMissing ? close.endIndex : block.endIndex;
    const body = this.bodyOf(block);
    const missingEnd = !close || close.isMissing || close.hasError;
    const props = body ? this.bodyProps(body, depth, recovering || missingEnd) : [];
    return { kind: 'object', props, loc: this.loc(start, end) };
  }

  private bodyProps(body: Node, depth: number, recovering: boolean): Property[] {
    const props: Property[] = [];
    if (depth > MAX_DEPTH) return props;
    /** Blocks of one type gather into one property (a list when repeated), placed where the first one is. */
    const groups = new Map<string, { prop: Property; items: Value[]; end: number; dynamic: boolean }>();
    for (const c of body.namedChildren) {
      if (c.type === 'attribute') {
        try {
          for (const p of this.attributes(c, depth)) props.push(p);
        } catch (e) {
          (this.model.internalErrors ??= []).push({ loc: this.locOf(c), message: `lowering this attribute failed: ${errorText(e)}` });
        }
        continue;
      }
      if (c.type !== 'block') continue;
      const head = this.blockHead(c);
      if (!head) continue;
      if (recovering && TOP_LEVEL_LABELS[head.type] === head.labels.length) {
        this.lifted.push(c);
        continue;
      }
      try {
        const lowered = this.nestedBlock(c, head, depth + 1, recovering);
        if (!lowered) continue;
        const { key, keyNode, value } = lowered;
        const g = groups.get(key);
        if (!g) {
          const prop: Property = { key, keyAsWritten: key, keyLoc: this.locOf(keyNode), value, loc: this.locOf(c), block: true };
          groups.set(key, { prop, items: [value], end: c.endIndex, dynamic: head.type === 'dynamic' });
          props.push(prop);
        } else {
          g.items.push(value);
          g.end = c.endIndex;
          g.prop.value = { kind: 'list', items: g.items, loc: this.loc(g.prop.loc.start, g.end) };
        }
      } catch (e) {
        (this.model.internalErrors ??= []).push({ loc: this.locOf(c), message: `lowering this block failed: ${errorText(e)}` });
      }
    }
    // A single dynamic block still produces a list (its length is unknown).
    for (const g of groups.values()) {
      if (g.items.length === 1 && g.prop.value.kind === 'object' && g.dynamic) {
        g.prop.value = { kind: 'list', items: [g.prop.value], loc: g.prop.loc };
      }
    }
    return props;
  }

  private nestedBlock(
    c: Node,
    head: { type: string; labels: { value: string; node: Node }[] },
    depth: number,
    recovering: boolean,
  ): { key: string; keyNode: Node; value: Value } | undefined {
    if (head.type !== 'dynamic') return { key: head.type, keyNode: kids(c)[0]!, value: this.blockObject(c, depth, recovering) };
    const label = head.labels[0];
    if (!label) return undefined;
    // `dynamic "x" { for_each = ...  content { ... } }`: the content is the shape of each generated block.
    const inner = this.bodyOf(c)?.namedChildren ?? [];
    const iterator = inner.find((a) => a.type === 'attribute' && kids(a)[0]?.text === 'iterator');
    const iterName = iterator
      ? this.text.slice(iterator.lastNamedChild!.startIndex, iterator.lastNamedChild!.endIndex).trim()
      : label.value;
    const content = inner.find((b) => b.type === 'block' && kids(b)[0]?.text === 'content');
    this.scope.push(iterName);
    try {
      const value = content
        ? this.blockObject(content, depth + 1, recovering)
        : this.unknown(c, `dynamic "${label.value}" has no content block`);
      return { key: label.value, keyNode: label.node, value };
    } finally {
      this.scope.pop();
    }
  }

  /**
   * An attribute as properties. Usually one; when the value is missing (`a =` then `b = 1` on the next line)
   * tree-sitter folds the next attribute into an error, which is recovered here and the broken one skipped.
   */
  private attributes(a: Node, depth: number): Property[] {
    const parts = kids(a);
    const key = parts[0];
    const error = parts.find((p) => p.type === 'ERROR');
    const expr = parts.find((p) => p.type === 'expression');
    if (!key || key.type !== 'identifier') return [];
    if (error) {
      const e = kids(error);
      const lost = e[0];
      if (
        e.length === 2 &&
        e[1]!.type === '=' &&
        lost?.type === 'expression' &&
        kids(lost).length === 1 &&
        kids(lost)[0]!.type === 'variable_expr' &&
        expr
      ) {
        return [this.property(lost, lost.text, this.loc(lost.startIndex, expr.endIndex), this.expression(expr, depth))];
      }
      return [];
    }
    if (!expr) return [];
    return [this.property(key, key.text, this.locOf(a), this.expression(expr, depth))];
  }

  private property(keyNode: Node, key: string, loc: Loc, value: Value): Property {
    return { key, keyAsWritten: key, keyLoc: this.locOf(keyNode), value, loc, block: false };
  }

  // ---------------------------------------------------------------------------------------------------------------
  // expressions

  private unknown(n: Span, reason: string): Value {
    return { kind: 'unknown', reason, text: this.text.slice(n.startIndex, n.endIndex), loc: this.locOf(n) };
  }

  expression(n: Node, depth: number): Value {
    if (depth > MAX_DEPTH) return this.unknown(n, 'the expression is nested too deeply to analyse');
    if (n.hasError) return this.unknown(n, 'the expression has a syntax error');
    const parts = kids(n);
    const first = parts[0];
    if (!first) return this.unknown(n, 'the expression is empty');
    if (n.type !== 'expression') return this.term(n, depth);
    if (first.type === '(') {
      const inner = parts[1];
      if (parts.length === 3 && inner?.type === 'expression') return { ...this.expression(inner, depth + 1), loc: this.locOf(n) };
      return this.unknown(n, 'indexing a parenthesised expression is not evaluated');
    }
    if (parts.length === 1) return this.term(first, depth);
    if (first.type === 'variable_expr') return this.traversal(n, first, parts.slice(1), depth);
    if (parts.some((p) => p.type === 'splat')) return this.unknown(n, 'splat expressions are not evaluated');
    return this.unknown(n, 'indexing into a value is not evaluated');
  }

  private term(n: Node, depth: number): Value {
    if (depth > MAX_DEPTH) return this.unknown(n, 'the expression is nested too deeply to analyse');
    switch (n.type) {
      case 'expression':
        return this.expression(n, depth + 1);
      case 'literal_value':
        return this.literal(n);
      case 'string_lit':
      case 'template_expr':
      case 'quoted_template':
      case 'heredoc_template':
        return this.template(n, depth);
      case 'collection_value':
        return this.term(namedKids(n)[0] ?? n, depth + 1);
      case 'tuple':
        return this.tuple(n, depth);
      case 'object':
        return this.object(n, depth);
      case 'variable_expr':
        return this.traversal(n, n, [], depth);
      case 'function_call':
        return this.call(n, depth);
      case 'for_expr':
        return this.unknown(n, 'for expressions are not evaluated');
      case 'conditional': {
        const [cond, yes, no] = namedKids(n);
        if (!cond || !yes || !no) return this.unknown(n, 'the conditional expression is not complete');
        return this.operator(
          n,
          '?:',
          [cond, yes, no].map((e) => this.expression(e, depth + 1)),
        );
      }
      case 'operation':
        return this.operation(n, depth);
      default:
        return this.unknown(n, `${n.type.replace(/_/g, ' ')} is not evaluated`);
    }
  }

  private literal(n: Node): Value {
    const v = namedKids(n)[0];
    const loc = this.locOf(n);
    switch (v?.type) {
      case 'numeric_lit': {
        const num = Number(v.text);
        return Number.isFinite(num) ? { kind: 'number', value: num, loc } : this.unknown(n, 'the number is not valid');
      }
      case 'bool_lit':
        return { kind: 'bool', value: v.text === 'true', loc };
      case 'null_lit':
        return { kind: 'null', loc };
      case 'string_lit':
        return this.template(v, 0);
      default:
        return this.unknown(n, 'the literal is not recognised');
    }
  }

  /**
   * `-5` and `!true` are literals; other operations become calls the evaluator computes when their operands are known.
   * The grammar lists a traversal operand's parts as siblings of the operator (`var.env == "prod"` is variable_expr,
   * get_attr, ==, literal_value), so the operands are the parts on either side of the operator token.
   */
  private operation(n: Node, depth: number): Value {
    const op = namedKids(n)[0];
    const parts = op ? kids(op) : [];
    if (op?.type === 'unary_operation') {
      const [sign, ...rest] = parts;
      const lit = rest.length === 1 && rest[0]!.type === 'literal_value' ? namedKids(rest[0]!)[0] : undefined;
      if (sign?.type === '-' && lit?.type === 'numeric_lit' && Number.isFinite(Number(lit.text))) {
        return { kind: 'number', value: -Number(lit.text), loc: this.locOf(n) };
      }
      if (sign?.type === '!' && lit?.type === 'bool_lit') return { kind: 'bool', value: lit.text !== 'true', loc: this.locOf(n) };
      if (sign && rest.length) return this.operator(n, sign.type === '!' ? '!' : 'negate', [this.operand(rest, depth)]);
    }
    const at = parts.findIndex((p) => !p.isNamed);
    if (op?.type === 'binary_operation' && at > 0 && at < parts.length - 1) {
      return this.operator(n, parts[at]!.type, [this.operand(parts.slice(0, at), depth), this.operand(parts.slice(at + 1), depth)]);
    }
    return this.unknown(n, 'the operation is not complete');
  }

  private operand(parts: readonly Node[], depth: number): Value {
    const first = parts[0]!;
    if (parts.length === 1) return this.term(first, depth + 1);
    const span = { startIndex: first.startIndex, endIndex: parts[parts.length - 1]!.endIndex };
    if (first.type === '(' && parts.length === 3 && parts[1]!.type === 'expression')
      return { ...this.expression(parts[1]!, depth + 1), loc: this.locOf(span) };
    if (first.type === 'variable_expr') return this.traversal(span, first, parts.slice(1), depth);
    return this.unknown(span, 'indexing into a value is not evaluated');
  }

  private operator(n: Node, name: string, args: Value[]): Value {
    return { kind: 'call', name, args, loc: this.locOf(n) };
  }

  private stringLitValue(n: Node): string {
    const v = this.template(n, 0);
    return v.kind === 'string' ? v.value : this.text.slice(n.startIndex, n.endIndex);
  }

  /** Quoted strings, quoted templates and heredocs. Literal text is taken from the gaps between interpolations. */
  private template(n: Node, depth: number): Value {
    const node = n.type === 'template_expr' ? (namedKids(n)[0] ?? n) : n;
    const parts = kids(node);
    if (node.type === 'heredoc_template') return this.heredoc(node, parts, depth);
    const open = parts[0];
    const close = parts[parts.length - 1];
    if (!open || !close || open.type !== 'quoted_template_start' || close.type !== 'quoted_template_end') {
      return this.unknown(n, 'the string is not terminated');
    }
    const pieces = this.templatePieces(parts.slice(1, -1), open.endIndex, close.startIndex, depth, unescapeQuoted);
    return this.templateValue(n, pieces);
  }

  private heredoc(n: Node, parts: readonly Node[], depth: number): Value {
    const ids = parts.filter((p) => p.type === 'heredoc_identifier');
    const strip = parts.find((p) => p.type === 'heredoc_start')?.text === '<<-';
    const [openId, closeId] = ids;
    if (!openId || !closeId || ids.length !== 2) return this.unknown(n, 'the heredoc is not terminated');
    // The content starts after the opener's line break and ends at the line of the closing marker.
    let start = openId.endIndex;
    while (start < this.text.length && this.text[start] !== '\n') start++;
    start++;
    const end = this.index.lineStart(closeId.startPosition.row);
    const inner = parts.filter((p) => p.type === 'template_interpolation' || p.type === 'template_directive');
    const pieces = this.templatePieces(inner, start, Math.max(start, end), depth, unescapeHeredoc);
    if (strip) this.flush(pieces);
    return this.templateValue(n, pieces);
  }

  /**
   * `<<-` removes the smallest indentation of the lines from every line. Lines are counted where the content
   * starts and after each line break; lines holding only whitespace do not count.
   */
  private flush(pieces: Piece[]): void {
    const starts: { piece: Piece & { kind: 'text' }; at: number }[] = [];
    let atLineStart = true;
    for (const p of pieces) {
      if (p.kind !== 'text') {
        atLineStart = false;
        continue;
      }
      if (atLineStart) starts.push({ piece: p, at: 0 });
      for (let i = p.text.indexOf('\n'); i >= 0; i = p.text.indexOf('\n', i + 1)) starts.push({ piece: p, at: i + 1 });
      atLineStart = p.text.endsWith('\n');
    }
    let min = Infinity;
    const lastPiece = pieces[pieces.length - 1];
    const widths = starts.map(({ piece, at }) => {
      let w = 0;
      while (piece.text[at + w] === ' ' || piece.text[at + w] === '\t') w++;
      const next = piece.text[at + w];
      const blank = next === '\n' || next === '\r' || (next === undefined && piece === lastPiece);
      if (!blank) min = Math.min(min, w);
      return w;
    });
    if (!Number.isFinite(min) || min === 0) return;
    // Remove from the end of each piece first so earlier positions stay valid.
    for (let i = starts.length - 1; i >= 0; i--) {
      const { piece, at } = starts[i]!;
      piece.text = piece.text.slice(0, at) + piece.text.slice(at + Math.min(min, widths[i]!));
    }
  }

  private templatePieces(inner: Node[], start: number, end: number, depth: number, unescape: (s: string) => string): Piece[] {
    const pieces: Piece[] = [];
    let pos = start;
    let stripNext = false;
    for (const p of inner) {
      if (p.type !== 'template_interpolation' && p.type !== 'template_directive') continue;
      const ps = kids(p);
      const stripBefore = ps[1]?.type === 'strip_marker';
      if (p.startIndex > pos) this.pushText(pieces, pos, p.startIndex, unescape, stripNext, stripBefore);
      stripNext = ps.length > 2 && ps[ps.length - 2]?.type === 'strip_marker';
      if (p.type === 'template_directive') {
        pieces.push({ kind: 'value', value: this.unknown(p, 'template directives (%{ if } / %{ for }) are not evaluated') });
      } else {
        const expr = ps.find((x) => x.type === 'expression');
        pieces.push({ kind: 'value', value: expr ? this.expression(expr, depth + 1) : this.unknown(p, 'the interpolation is empty') });
      }
      pos = p.endIndex;
    }
    if (end > pos) this.pushText(pieces, pos, end, unescape, stripNext, false);
    return pieces;
  }

  private pushText(
    pieces: Piece[],
    start: number,
    end: number,
    unescape: (s: string) => string,
    trimStart: boolean,
    trimEnd: boolean,
  ): void {
    let text = unescape(this.text.slice(start, end));
    if (trimStart) text = text.trimStart();
    if (trimEnd) text = text.trimEnd();
    pieces.push({ kind: 'text', start, end, text });
  }

  private templateValue(n: Node, pieces: Piece[]): Value {
    const loc = this.locOf(n);
    if (pieces.every((p) => p.kind === 'text'))
      return { kind: 'string', value: pieces.map((p) => (p.kind === 'text' ? p.text : '')).join(''), loc };
    const parts: Value[] = [];
    for (const p of pieces) {
      if (p.kind === 'value') parts.push(p.value);
      else if (p.text !== '') parts.push({ kind: 'string', value: p.text, loc: this.loc(p.start, p.end) });
    }
    const build: StringBuild = { kind: 'template', loc, parts };
    this.model.stringBuilds.push(build);
    return { kind: 'template', parts, loc };
  }

  private tuple(n: Node, depth: number): Value {
    const items = namedKids(n)
      .filter((c) => c.type === 'expression')
      .map((c) => this.expression(c, depth + 1));
    return { kind: 'list', items, loc: this.locOf(n) };
  }

  private object(n: Node, depth: number): Value {
    const props: Property[] = [];
    for (const el of namedKids(n)) {
      if (el.type !== 'object_elem') continue;
      const k = el.childForFieldName('key');
      const v = el.childForFieldName('val');
      if (!k || !v) continue;
      const key = this.objectKey(k);
      if (key === undefined) return this.unknown(n, 'object keys computed from expressions are not evaluated');
      props.push({
        key,
        keyAsWritten: key,
        keyLoc: this.locOf(k),
        value: this.expression(v, depth + 1),
        loc: this.locOf(el),
        block: false,
      });
    }
    return { kind: 'object', props, loc: this.locOf(n) };
  }

  /** A bare identifier or a literal string key; anything else is computed. */
  private objectKey(k: Node): string | undefined {
    const parts = kids(k);
    const only = parts[0];
    if (parts.length !== 1 || !only) return undefined;
    if (only.type === 'variable_expr') return only.text;
    if (only.type === 'literal_value') {
      const s = namedKids(only)[0];
      if (s?.type === 'string_lit') return this.stringLitValue(s);
    }
    return undefined;
  }

  private call(n: Node, depth: number): Value {
    const [id, ...rest] = kids(n);
    const argsNode = rest.find((c) => c.type === 'function_arguments');
    const argNodes = argsNode ? kids(argsNode) : [];
    if (argNodes.some((c) => c.type === 'ellipsis')) return this.unknown(n, 'expanding a list into arguments (...) is not evaluated');
    const args = argNodes.filter((c) => c.type === 'expression').map((c) => this.expression(c, depth + 1));
    return { kind: 'call', name: id?.text ?? '', args, loc: this.locOf(n) };
  }

  /** The key of `[key]` (or the number of the legacy `.0`). */
  private indexKey(index: Node, depth: number): Value {
    const inner = namedKids(index)[0];
    const expr = inner && namedKids(inner)[0];
    if (inner?.type === 'new_index' && expr) return this.expression(expr, depth + 1);
    if (inner?.type === 'legacy_index') {
      const num = Number(inner.text.replace(/^\./, ''));
      if (Number.isInteger(num)) return { kind: 'number', value: num, loc: this.locOf(inner) };
    }
    return this.unknown(index, 'the index is not evaluated');
  }

  /** `var.x`, `local.x`, `aws_s3_bucket.b.id`, `data.T.N.attr`, `module.m.out`, `terraform.workspace`, ... */
  private traversal(n: Span, root: Node, steps: readonly Node[], depth = 0): Value {
    const head = root.text;
    const text = this.text.slice(n.startIndex, n.endIndex);
    const path: ({ attr: string } | { index: Node })[] = [];
    for (const s of steps) {
      if (s.type === 'get_attr') path.push({ attr: namedKids(s)[0]?.text ?? '' });
      else if (s.type === 'index') path.push({ index: s });
      else return this.unknown(n, s.type === 'splat' ? 'splat expressions are not evaluated' : `${text} is not evaluated`);
    }
    const attrAt = (i: number): string | undefined => {
      const p = path[i];
      return p && 'attr' in p ? p.attr : undefined;
    };
    const rest = (from: number): string | undefined => {
      const segs = path.slice(from).map((p) => ('attr' in p ? `.${p.attr}` : this.text.slice(p.index.startIndex, p.index.endIndex)));
      return segs.length ? segs.join('').replace(/^\./, '') : undefined;
    };
    const ref = (r: Reference, output = false): Value => ({ kind: 'ref', ref: r, loc: this.locOf(n), ...(output ? { output: true } : {}) });
    switch (head) {
      case 'var':
      case 'local': {
        const name = attrAt(0);
        if (!name) return this.unknown(n, `${text} is not a complete reference`);
        // `local.sizes[var.environment].multi_az`: each further step reads a key (or an element) of the value so far.
        let v = ref({ kind: head === 'var' ? 'variable' : 'local', name, text: path.length > 1 ? `${head}.${name}` : text });
        for (const step of path.slice(1)) {
          const key: Value = 'attr' in step ? { kind: 'string', value: step.attr, loc: v.loc } : this.indexKey(step.index, depth);
          v = { kind: 'call', name: 'index', args: [v, key], loc: this.locOf(n) };
        }
        return v;
      }
      case 'terraform':
        return attrAt(0) === 'workspace' && path.length === 1
          ? ref({ kind: 'stack', name: 'workspace', text })
          : this.unknown(n, `${text} is not evaluated`);
      case 'path': {
        const which = attrAt(0);
        // Known to be a directory of the configuration (file checks resolve it), not its text.
        if ((which === 'module' || which === 'root') && path.length === 1) return ref({ kind: 'path', name: which, text });
        return this.unknown(n, `${text} depends on the directory Terraform runs in`);
      }
      case 'count':
        return this.unknown(n, `${text} differs for each instance of the resource`);
      case 'each':
        return this.unknown(n, `${text} differs for each instance of the for_each`);
      case 'self':
        return this.unknown(n, `${text} is the resource's own attribute, known only after apply`);
      case 'module': {
        const name = attrAt(0);
        if (!name) return this.unknown(n, `${text} is not a complete reference`);
        return ref({ kind: 'module', name, attribute: rest(1), text }, true);
      }
      case 'data': {
        const type = attrAt(0);
        const name = attrAt(1);
        if (!type || !name) return this.unknown(n, `${text} is not a complete reference`);
        const from = path[2] && 'index' in path[2] ? 3 : 2;
        return ref({ kind: ACCOUNT_DATA.has(type) ? 'account' : 'data', name, resourceType: type, attribute: rest(from), text }, true);
      }
      default: {
        if (this.scope.includes(head)) return this.unknown(n, `${text} differs for each item of the loop`);
        const name = attrAt(0);
        if (!head.includes('_') && path.length <= 1 && this.inProviderArgument(root))
          return ref({ kind: 'provider', name: name ?? '', resourceType: head, text });
        // Resource types always contain an underscore (provider prefix); a bare name is a loop variable or a typo.
        if (!head.includes('_') || !name) return this.unknown(n, `${text} is not a reference Faultline follows`);
        const from = path[1] && 'index' in path[1] ? 2 : 1;
        const kind = head.startsWith('random_') ? 'random' : 'resource';
        return ref({ kind, name, resourceType: head, attribute: rest(from), text }, true);
      }
    }
  }
}

function firstLeaf(n: Node): Node | undefined {
  let cur: Node | null = n;
  while (cur && cur.childCount > 0) cur = cur.child(0);
  return cur ?? undefined;
}

/** Heads of traversals that name no declared object: meta values and provider-computed paths. */
const ADDRESS_BLOCKS = new Set(['moved', 'removed', 'import']);
const REFERENCE_NOT_NAMES = new Set(['count', 'each', 'self', 'path', 'terraform']);

const RESOURCE_META = new Set(['count', 'for_each', 'depends_on', 'provider', 'lifecycle', 'provisioner', 'connection']);
const MODULE_META = new Set(['count', 'for_each', 'depends_on', 'providers', 'source', 'version']);

/**
 * Meta-arguments go to `options`, everything else stays in props. Provisioners, connection blocks and a module's
 * source/version are not arguments of the resource (or inputs of the module) and go to neither.
 */
function splitMeta(obj: ObjectValue, meta: Set<string>): { props: ObjectValue; options: ResourceOptions } {
  const options: ResourceOptions = {};
  const props: Property[] = [];
  for (const p of obj.props) {
    if (!meta.has(p.key)) {
      props.push(p);
      continue;
    }
    switch (p.key) {
      case 'count':
        options.count = p.value;
        break;
      case 'for_each':
        options.forEach = p.value;
        break;
      case 'depends_on':
        options.dependsOn = p.value;
        break;
      case 'provider':
      case 'providers':
        options.provider = p.value;
        break;
      case 'lifecycle': {
        const lc =
          p.value.kind === 'object'
            ? p.value
            : p.value.kind === 'list' && p.value.items[0]?.kind === 'object'
              ? p.value.items[0]
              : undefined;
        for (const q of lc?.props ?? []) {
          if (q.key === 'prevent_destroy') options.preventDestroy = q.value;
          else if (q.key === 'create_before_destroy') options.createBeforeDestroy = q.value;
          else if (q.key === 'ignore_changes') options.ignoreChanges = q.value;
        }
        break;
      }
      default:
        break;
    }
  }
  return { props: { ...obj, props }, options };
}
