/**
 * The canonical model. Every frontend lowers its language to these shapes; every rule reads only these.
 * Keys are Terraform's snake_case names; types are Terraform type names (aws_db_instance).
 * Positions are 0-based lines and UTF-16 columns (LSP's default encoding); offsets index the file's text.
 */

export type Language = 'terraform' | 'typescript' | 'javascript' | 'python';

export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

/** An exact source location: file path, offsets into its text, and the same as a range. */
export interface Loc {
  file: string;
  start: number;
  end: number;
  range: Range;
}

/** Where a reference points. `text` is the reference as written (`var.ha`, `config.get("x")`, `process.env.SUFFIX`). */
export type RefKind =
  | 'variable' // Terraform var.x
  | 'local' // Terraform local.x
  | 'resource' // an attribute of a resource: Terraform aws_s3_bucket.b.id, Pulumi bucket.id
  | 'data' // Terraform data source / Pulumi invoke result
  | 'module' // Terraform module.x.out
  | 'config' // Pulumi config key
  | 'stack' // pulumi.getStack() / terraform.workspace
  | 'project' // pulumi.getProject()
  | 'env' // process.env.X / os.environ / os.getenv
  | 'arg' // component constructor args / function parameters (args.environmentSuffix, self.x)
  | 'const' // a const/assignment followed by the frontend (its value is in `resolved`)
  | 'call' // a function or method call the engine does not fold
  | 'random' // a random provider resource (random_id, random.RandomId, random_password)
  | 'account' // account id / caller identity / region lookups
  | 'path' // Terraform path.module / path.root: a directory of the configuration; `__dirname` (name 'dirname'): the source file's folder
  | 'provider' // Terraform `provider = aws.west`: resourceType the provider name, name the alias ('' for the default)
  | 'other';

export interface Reference {
  kind: RefKind;
  /** Variable, local, config key, env var, const or resource name (for a resource: its logical/symbol name). */
  name: string;
  /** For resource/data/module: the canonical type (if known) and the attribute path read (`id`, `arn`). */
  resourceType?: string;
  attribute?: string;
  text: string;
}

interface ValueBase {
  loc: Loc;
  /** True when the value is a Pulumi Output (a resource property, an apply result, requireSecret, interpolate...). */
  output?: boolean;
  /** True when the value is marked secret (pulumi.secret, config.getSecret, sensitive variable). */
  secret?: boolean;
}

export interface StringValue extends ValueBase {
  kind: 'string';
  value: string;
}
export interface NumberValue extends ValueBase {
  kind: 'number';
  value: number;
}
export interface BoolValue extends ValueBase {
  kind: 'bool';
  value: boolean;
}
export interface NullValue extends ValueBase {
  kind: 'null';
}
/** A string built from parts: HCL "${...}", a template literal, an f-string, `+` concatenation, pulumi.interpolate. */
export interface TemplateValue extends ValueBase {
  kind: 'template';
  parts: Value[];
}
export interface ListValue extends ValueBase {
  kind: 'list';
  items: Value[];
}
/** An object, a map, a Terraform block body or a Pulumi args object. */
export interface ObjectValue extends ValueBase {
  kind: 'object';
  props: Property[];
  /**
   * True when the object may hold properties the frontend could not see (a spread of an unknown value, `**kwargs`,
   * arguments passed as a variable it cannot follow): a missing key is then unknown, not absent.
   */
  partial?: boolean;
}
export interface RefValue extends ValueBase {
  kind: 'ref';
  ref: Reference;
  /** The value the frontend followed this reference to (a const binding), if it could. */
  resolved?: Value;
  /** A default used when the reference has no value (`config.get("x") ?? "y"`, `os.getenv("X", "y")`). */
  fallback?: Value;
}
/** A pure function whose result the engine can compute when its arguments are known (format, lower, join, merge...). */
export interface CallValue extends ValueBase {
  kind: 'call';
  name: string;
  args: Value[];
}
/** Something the engine cannot evaluate; `reason` says why (shown in hovers). */
export interface UnknownValue extends ValueBase {
  kind: 'unknown';
  reason: string;
  text: string;
}

export type Value =
  StringValue | NumberValue | BoolValue | NullValue | TemplateValue | ListValue | ObjectValue | RefValue | CallValue | UnknownValue;

/** A key/value pair. `key` is canonical snake_case; `keyAsWritten` is the source spelling (multiAz). */
export interface Property {
  key: string;
  keyAsWritten: string;
  keyLoc: Loc;
  value: Value;
  /** The whole property (key to end of value), for removal. */
  loc: Loc;
  /** True for a Terraform nested block (`ingress { ... }`) rather than an attribute. */
  block?: boolean;
}

export interface ResourceOptions {
  /**
   * Pulumi: how the call passes its options. 'literal': an object literal / `ResourceOptions(...)` seen whole;
   * 'opaque': something the engine cannot see into (a variable, a spread, `merge`, `**kwargs`); absent: no options.
   */
  written?: 'literal' | 'opaque';
  dependsOn?: Value;
  parent?: Value;
  provider?: Value;
  /** Pulumi: the providers a component hands to its children (`providers: [p]`, `providers: { aws: p }`). */
  providers?: Value;
  protect?: Value;
  retainOnDelete?: Value;
  ignoreChanges?: Value;
  deleteBeforeReplace?: Value;
  /** Terraform meta-arguments. */
  count?: Value;
  forEach?: Value;
  preventDestroy?: Value;
  createBeforeDestroy?: Value;
}

export type ResourceKind = 'resource' | 'data' | 'component' | 'module';

export interface Resource {
  /** Unique within the program: `aws_db_instance.main` (Terraform) or `aws_db_instance:<logical name or file:line>`. */
  id: string;
  kind: ResourceKind;
  /** Canonical Terraform type (`aws_db_instance`); for an unmapped class, the class path as written. */
  type: string;
  /** Type as written: `aws_db_instance`, `aws.rds.Instance`, `rds.Instance`. */
  typeAsWritten: string;
  /** Pulumi type token (`aws:rds/instance:Instance`) when known. */
  token?: string;
  /** Logical name: Terraform label, Pulumi first constructor argument (may be a template or ref). */
  name: Value;
  /** The logical name when it is a literal; otherwise the source text. */
  logicalName: string;
  /** The source symbol it is bound to (`const db = new ...` -> `db`), if any. */
  symbol?: string;
  props: ObjectValue;
  options: ResourceOptions;
  /** 'one', or 'unknown' for count/for_each/dynamic/loops. */
  multiplicity: 'one' | 'unknown';
  language: Language;
  /** The whole declaration. */
  loc: Loc;
  /** Where a diagnostic about the resource itself goes (type + name, not the whole body). */
  headLoc: Loc;
  /** The type label (without quotes) or the class name (`BucketV2` of `aws.s3.BucketV2`): what a type rename replaces. */
  typeLoc?: Loc;
  /** Pulumi: created inside a class extending ComponentResource (its name) / inside an apply/then callback. */
  inComponent?: string;
  inCallback?: string;
}

export interface ParseError {
  loc: Loc;
  message: string;
}

export interface Comment {
  loc: Loc;
  /** The comment text without its delimiters. */
  text: string;
  /** True when code precedes the comment on its line. */
  trailing: boolean;
}

/** A place where a string is built from values (template literal, f-string, +, String(), JSON.stringify, str(), .format). */
export interface StringBuild {
  kind: 'template' | 'concat' | 'String' | 'JSON.stringify' | 'f-string' | 'str' | 'format' | 'json.dumps' | 'toString';
  loc: Loc;
  parts: Value[];
}

/** Terraform module-level declarations found in one file. */
export interface TfVariable {
  name: string;
  loc: Loc;
  default?: Value;
  type?: string;
  sensitive?: boolean;
}
export interface TfNamed {
  name: string;
  loc: Loc;
  value: Value;
}
export interface TfProvider {
  name: string;
  alias?: string;
  loc: Loc;
  props: ObjectValue;
}
export interface TfBlock {
  loc: Loc;
  props: ObjectValue;
}
export interface TfModuleCall {
  name: string;
  loc: Loc;
  source?: string;
  props: ObjectValue;
  /** The call's `count` and `for_each`, when it has them. */
  count?: Value;
  forEach?: Value;
}
export interface TerraformFacts {
  variables: TfVariable[];
  locals: TfNamed[];
  outputs: TfNamed[];
  providers: TfProvider[];
  /** The `terraform {}` blocks (required_version, required_providers, backend). */
  terraformBlocks: TfBlock[];
  backends: { type: string; loc: Loc; props: ObjectValue }[];
  modules: TfModuleCall[];
  /** Variable assignments from a .tfvars file. */
  tfvars?: TfNamed[];
  /** Every reference the file makes to a named object of the module, evaluated or not (declaration checks). */
  references?: TfReference[];
}

/** `var.x`, `local.x`, `aws_s3_bucket.b`, `data.aws_iam_policy_document.d`, `module.m`, `provider = aws.west`. */
export interface TfReference {
  kind: 'variable' | 'local' | 'resource' | 'data' | 'module' | 'provider';
  /** The resource or data source type; for a provider, its local name (`aws`). */
  type?: string;
  name: string;
  /** The reference as written up to the name (`var.region`, `aws_s3_bucket.logs`, `aws.west`). */
  text: string;
  /** Where that text is. */
  loc: Loc;
  /** Where the name is (the part a rename replaces). */
  nameLoc: Loc;
}

export interface PulumiFacts {
  /** True when the file imports a Pulumi package; files that don't are not Pulumi programs. */
  isPulumi: boolean;
  /** Package imports resolved: local alias -> module path (`aws` -> `@pulumi/aws`, `rds` -> `@pulumi/aws/rds`). */
  imports: Record<string, string>;
  /** Classes extending ComponentResource, with whether they call registerOutputs. */
  components: { name: string; loc: Loc; registersOutputs: boolean }[];
  /** Config keys read, with their accessor and default (for the hover and for naming inference). */
  configReads: { key: string; method: string; loc: Loc; fallback?: Value }[];
  /**
   * Calls of provider functions (invokes), as `aws.s3.getBucket`, with where the function name is written and the
   * `provider` of their options (`{ provider: p }`, `opts=pulumi.InvokeOptions(provider=p)`) when they name one.
   */
  invokes?: { name: string; loc: Loc; provider?: Value }[];
  /**
   * Providers passed in the options of calls the model has no resource for (Python: a component instance,
   * `Alerts("a", opts=pulumi.ResourceOptions(providers=[p]))`): `provider` and `providers` values.
   */
  optionProviders?: Value[];
  /** The program registers transformations (stack transforms, `transforms` options, auto-tagging helpers): they may change any resource's arguments. */
  transforms?: boolean;
}

export interface FileModel {
  path: string;
  language: Language;
  text: string;
  resources: Resource[];
  parseErrors: ParseError[];
  comments: Comment[];
  stringBuilds: StringBuild[];
  terraform?: TerraformFacts;
  pulumi?: PulumiFacts;
  /** Exceptions thrown while lowering a part of the file: the rest was still lowered. */
  internalErrors?: { loc?: Loc; message: string }[];
  /** Why the frontend stopped on its time budget: the file is not analysed (an `analysis-timeout` finding). */
  timedOut?: string;
}

/** A value a fix writes, rendered by the frontend in the file's language. */
export type FixValue =
  | { kind: 'literal'; value: string | number | boolean }
  /** A reference expression, written per language (`var.environment`, `environmentSuffix`, `pulumi.getStack()`). */
  | { kind: 'expr'; terraform?: string; typescript?: string; python?: string };

/** What a rule wants changed; the frontend of the file turns it into text edits in the file's own style. */
export type FixIntent =
  /** Set `key` (canonical, may be dotted for nested: `metadata_options.http_tokens`) on an object: replace or insert. */
  | { kind: 'setProperty'; target: ObjectValue; key: string; value: FixValue }
  | { kind: 'removeProperty'; property: Property }
  | { kind: 'replaceValue'; value: Value; with: FixValue }
  /** Set a Pulumi resource option (`parent: this`), adding the options argument when the call has none. */
  | { kind: 'setOption'; resource: Resource; key: string; value: FixValue }
  /**
   * Append to a list argument of a resource: a value (`"FARGATE"` into `capacity_providers`) or, with `fields`, an
   * object (Terraform: one more repeated block).
   */
  | { kind: 'addListItem'; resource: Resource; property: Property; value?: FixValue; fields?: Record<string, FixValue> }
  /** End the constructor of the component class whose name is at `component` with a call registering its outputs. */
  | { kind: 'registerOutputs'; component: Loc }
  /**
   * Add a nested block (Terraform `redirect { ... }`, `filter {}`) or object (Pulumi `redirect: { ... }`) with flat
   * fields (canonical keys) to an object.
   */
  | { kind: 'addBlock'; target: ObjectValue; key: string; fields: Record<string, FixValue> }
  /** Rename a property key (canonical new key). */
  | { kind: 'renameKey'; property: Property; newKey: string }
  /** Turn a string built from Outputs into an Output (pulumi.interpolate / pulumi.Output.concat / Output.format). */
  | { kind: 'wrapOutputString'; build: StringBuild }
  /**
   * Add a resource of Terraform type `type` after `after` (in its file), with flat arguments (canonical keys): the
   * frontend writes the Pulumi class and key spellings.
   */
  | { kind: 'addResource'; after: Resource; type: string; name: string; args: Record<string, FixValue>; data?: boolean }
  /** Rename a resource's type: the new Terraform type, or for Pulumi the new class name in the same module. */
  | { kind: 'renameType'; resource: Resource; name: string }
  /** Append a part (a suffix expression) to a string value. */
  | { kind: 'appendToString'; value: Value; suffix: FixValue; separator: string };

export interface TextEdit {
  file: string;
  start: number;
  end: number;
  range: Range;
  newText: string;
}

/** The interface every frontend implements. */
export interface Frontend {
  language: Language[];
  parse(text: string, path: string): FileModel;
  /** Render an intent into edits of `file`; undefined if this frontend cannot express it there. */
  render(intent: FixIntent, file: FileModel): TextEdit[] | undefined;
  /** The comment that suppresses `ruleId` on the line above `line` (0-based) in this language. */
  commentPrefix: string;
}
