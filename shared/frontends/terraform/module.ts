import * as path from 'node:path';
import { asObject, createsNothing, evalString, evaluate, get, getProperty } from '../../model/evaluate';
import {
  isTerraformOverride,
  lazy,
  type Evaluated,
  type Known,
  type ModuleCaller,
  type Program,
  type ProviderConstraint,
} from '../../model/program';
import type { FileModel, Reference, Resource, TfNamed, TfVariable, Value } from '../../model/types';

/** Variables whose value names the environment: a hint for profile inference. */
const ENV_VARIABLES = new Set(['environment', 'env', 'stage']);

const ORIGIN: Partial<Record<Reference['kind'], (ref: Reference) => string>> = {
  resource: (r) => `${r.text} is known only after apply`,
  data: (r) => `${r.text} is read from the provider during plan`,
  module: (r) => `${r.text} is an output of module "${r.name}"`,
  stack: (r) => `${r.text} is chosen when Terraform runs (terraform workspace select)`,
  random: (r) => `${r.text} is generated at apply`,
  account: (r) => `${r.text} comes from the AWS credentials in use`,
  path: (r) => `${r.text} depends on the directory Terraform runs in`,
  provider: (r) => `${r.text} is a provider configuration, not a value`,
};

const base = (file: string): string => path.basename(file).toLowerCase();
const isTfvars = (f: FileModel): boolean => base(f.path).endsWith('.tfvars');
const isAutoLoaded = (f: FileModel): boolean => base(f.path) === 'terraform.tfvars' || base(f.path).endsWith('.auto.tfvars');

/**
 * A Terraform module: the `.tf` files of one directory plus its `.tfvars` files. Variables resolve like
 * `terraform plan` without -var flags: terraform.tfvars, then *.auto.tfvars in lexical order (later wins),
 * else the default. A variable that a -var-file (`prod.tfvars`) sets to something else stays unknown, since the
 * deployed value depends on which file is passed; so do those of subfolders holding only tfvars (`env/prod.tfvars`,
 * given as `nestedVarFiles`: they are not sources of this program). In a module other modules call, a variable takes
 * what the calls pass, evaluated where each call is written: the scalar they all agree on, else it is unknown; the
 * default counts only for calls that omit it. When `production` says some calling modules deploy production, only
 * their calls count: what dev passes does not hide what prod passes.
 */
export function buildTerraformProgram(
  root: string,
  files: FileModel[],
  lockfile?: () => FileModel | undefined,
  callers: ModuleCaller[] = [],
  nestedVarFiles: FileModel[] = [],
  production?: (caller: Program) => boolean,
): Program {
  const sources = files.filter((f) => !isTfvars(f));
  const varFiles = [...files.filter(isTfvars), ...nestedVarFiles];
  const autoFiles = varFiles
    .filter(isAutoLoaded)
    .sort((a, b) =>
      base(a.path) === 'terraform.tfvars' ? -1 : base(b.path) === 'terraform.tfvars' ? 1 : base(a.path) < base(b.path) ? -1 : 1,
    );
  const otherFiles = varFiles.filter((f) => !isAutoLoaded(f));

  const variables = new Map<string, TfVariable>();
  const locals = new Map<string, TfNamed>();
  const overrides = sources.filter((f) => isTerraformOverride(f.path)).sort((a, b) => (base(a.path) < base(b.path) ? -1 : 1));
  for (const f of sources) {
    if (isTerraformOverride(f.path)) continue;
    for (const v of f.terraform?.variables ?? []) if (!variables.has(v.name)) variables.set(v.name, v);
    for (const l of f.terraform?.locals ?? []) if (!locals.has(l.name)) locals.set(l.name, l);
  }
  // Override files replace what they name, argument by argument (Terraform merges them after the other files).
  for (const f of overrides) {
    for (const v of f.terraform?.variables ?? []) {
      const orig = variables.get(v.name);
      variables.set(v.name, orig && v.default === undefined ? { ...orig, ...(v.type ? { type: v.type } : {}) } : { ...orig, ...v });
    }
    for (const l of f.terraform?.locals ?? []) locals.set(l.name, l);
  }
  const assigned = new Map<string, TfNamed>();
  for (const f of autoFiles) for (const a of f.terraform?.tfvars ?? []) assigned.set(a.name, a);

  const key = (v: Value | undefined): string => {
    const e = evaluate(v);
    return e.state === 'known' ? JSON.stringify(e.value) : `?${e.state}`;
  };
  /** The -var-files that set the variable to a different value than the one resolved without them. */
  const conflicts = (name: string, value: Value | undefined): string[] =>
    otherFiles
      .filter((f) => f.terraform?.tfvars?.some((a) => a.name === name && (!value || key(a.value) !== key(value))))
      .map((f) => (path.dirname(f.path) === root ? path.basename(f.path) : path.relative(root, f.path)));

  // The calls that create instances, each judged in the module that holds it (its variables, tfvars and locals).
  const callerPrograms = new Map<string, Program>();
  const callerProgram = (c: ModuleCaller): Program => {
    const dir = path.dirname(c.file);
    let p = callerPrograms.get(dir);
    if (!p) callerPrograms.set(dir, (p = buildTerraformProgram(dir, c.callerFiles)));
    return p;
  };
  const instantiating = callers.filter((c) => !createsNothing(c.call.count, c.call.forEach, callerProgram(c)));
  const inProduction = production ? instantiating.filter((c) => production(callerProgram(c))) : [];
  const live = inProduction.length ? inProduction : instantiating;
  /**
   * What each call passes for the variable, evaluated where the call is written; the default where it passes none.
   * Kept per variable: every rule that reads the variable asks again.
   */
  const passedByName = new Map<string, { c: ModuleCaller; v?: Value; e: Evaluated }[]>();
  const passed = (name: string, value: Value | undefined): { c: ModuleCaller; v?: Value; e: Evaluated }[] => {
    let p = passedByName.get(name);
    if (!p) {
      p = live.map((c) => {
        const v = getProperty(c.call.props, name)?.value;
        return { c, v, e: v ? evaluate(v, callerProgram(c)) : evaluate(value) };
      });
      passedByName.set(name, p);
    }
    return p;
  };
  /** The calls that set the variable, when the calls do not all end with one and the same scalar. */
  const passedDifferently = (name: string, value: Value | undefined): ModuleCaller[] => {
    const p = passed(name, value);
    const scalar = (e: Evaluated): boolean => e.state === 'known' && (e.value === null || typeof e.value !== 'object');
    const first = p[0] && JSON.stringify(p[0].e.state === 'known' ? p[0].e.value : undefined);
    const agreed = p.every((x) => scalar(x.e) && x.e.state === 'known' && JSON.stringify(x.e.value) === first);
    return agreed ? [] : p.filter((x) => x.v).map((x) => x.c);
  };
  /** The scalar the calls agree on, as a value at the first call that sets it; the default when none sets it. */
  const callerValue = (name: string, value: Value | undefined): Value | undefined => {
    const set = passed(name, value).find((x) => x.v);
    return set?.e.state === 'known' ? scalarValue(set.e.value, set.v!) : value;
  };

  const variableValue = (name: string): Value | undefined => {
    const decl = variables.get(name);
    if (!decl) return undefined;
    const value = assigned.get(name)?.value ?? decl.default;
    if (conflicts(name, value).length || passedDifferently(name, value).length) return undefined;
    return callerValue(name, value);
  };

  const stackNames = new Set<string>();
  const parts = path.resolve(root).split(path.sep).filter(Boolean);
  if (parts.length) stackNames.add(parts[parts.length - 1]!);
  if (parts.length > 1) stackNames.add(parts.slice(-2).join('/'));
  for (const f of varFiles) {
    const name = path.basename(f.path).replace(/(\.auto)?\.tfvars$/i, '');
    if (name.toLowerCase() !== 'terraform') stackNames.add(name);
    for (const a of f.terraform?.tfvars ?? []) if (ENV_VARIABLES.has(a.name)) addKnownString(stackNames, a.value);
  }
  for (const v of variables.values()) if (ENV_VARIABLES.has(v.name)) addKnownString(stackNames, v.default);

  return {
    kind: 'terraform-module',
    root,
    language: 'terraform',
    files,
    resources: withOverrides(sources, overrides),
    // A called module deploys in its callers' environments: their names decide its profile (dev only: ephemeral).
    stackNames: live.length ? [...new Set(live.flatMap((c) => callerProgram(c).stackNames))] : [...stackNames],
    stackConfig: {},
    // A called module that pins nothing runs with the provider its callers pin.
    awsProvider: lazy(() => awsConstraint(sources, lockfile?.()) ?? live.map((c) => callerProgram(c).awsProvider()).find((p) => p)),
    callers,
    ...(callers.length && !live.length ? { uninstantiated: true } : {}),
    resolve(ref) {
      if (ref.kind === 'variable') return variableValue(ref.name);
      if (ref.kind === 'local') return locals.get(ref.name)?.value;
      return undefined;
    },
    explainUnknown(ref) {
      if (ref.kind === 'variable') {
        const decl = variables.get(ref.name);
        if (!decl) return `var.${ref.name} is not declared in this module`;
        const value = assigned.get(ref.name)?.value ?? decl.default;
        const differ = conflicts(ref.name, value);
        if (differ.length) return `var.${ref.name} is set differently in ${differ.join(', ')} (passed with -var-file)`;
        const calls = passedDifferently(ref.name, value);
        if (calls.length) {
          const [first] = calls;
          const where = `module "${first!.call.name}" in ${path.relative(root, first!.file)}`;
          return `var.${ref.name} is set by the modules that call this one (${where}${calls.length > 1 ? ` and ${calls.length - 1} more` : ''})`;
        }
        return `var.${ref.name} has no default and no tfvars value`;
      }
      if (ref.kind === 'local')
        return locals.has(ref.name) ? `local.${ref.name} is not known` : `local.${ref.name} is not declared in this module`;
      return ORIGIN[ref.kind]?.(ref) ?? `${ref.text} is not evaluated`;
    },
  };
}

/**
 * The module's resources with the blocks of its override files merged in: each argument (or nested block type) an
 * override block sets replaces the original's, in the order of the override files' names. An override block with no
 * original is an error for Terraform and is left out.
 */
function withOverrides(sources: FileModel[], overrides: FileModel[]): Resource[] {
  const out = sources.filter((f) => !isTerraformOverride(f.path)).flatMap((f) => f.resources);
  if (!overrides.length) return out;
  const index = new Map(out.map((r, i) => [`${r.kind}.${r.type}.${r.logicalName}`, i]));
  for (const o of overrides.flatMap((f) => f.resources)) {
    const i = index.get(`${o.kind}.${o.type}.${o.logicalName}`);
    if (i === undefined) continue;
    const orig = out[i]!;
    const set = new Set(o.props.props.map((p) => p.key));
    const options = Object.fromEntries(Object.entries(o.options).filter(([, v]) => v !== undefined));
    out[i] = {
      ...orig,
      props: { ...orig.props, props: [...orig.props.props.filter((p) => !set.has(p.key)), ...o.props.props] },
      options: { ...orig.options, ...options },
    };
  }
  return out;
}

/** A known scalar as a literal value where `at` is written (what the calls of a module pass it). */
function scalarValue(k: Known, at: Value): Value | undefined {
  if (typeof k === 'string') return { kind: 'string', value: k, loc: at.loc };
  if (typeof k === 'number') return { kind: 'number', value: k, loc: at.loc };
  if (typeof k === 'boolean') return { kind: 'bool', value: k, loc: at.loc };
  if (k === null) return { kind: 'null', loc: at.loc };
  return undefined;
}

function addKnownString(out: Set<string>, v: Value | undefined): void {
  const e = evaluate(v);
  if (e.state === 'known' && typeof e.value === 'string' && e.value) out.add(e.value);
}

/**
 * The AWS provider version: the one `.terraform.lock.hcl` records, else the `required_providers` constraint of the
 * entry named `aws` or sourced from hashicorp/aws.
 */
function awsConstraint(sources: FileModel[], lockfile: FileModel | undefined): ProviderConstraint | undefined {
  for (const p of lockfile?.terraform?.providers ?? []) {
    const version = p.name.endsWith('/hashicorp/aws') ? evalString(get(p.props, 'version')) : undefined;
    if (version) return { version, syntax: 'terraform', source: '.terraform.lock.hcl' };
  }
  for (const f of sources) {
    for (const block of f.terraform?.terraformBlocks ?? []) {
      const required = asObject(get(block.props, 'required_providers'));
      for (const entry of required?.props ?? []) {
        const spec = asObject(entry.value);
        const source = spec ? evalString(get(spec, 'source')) : undefined;
        const aws = source ? /^(registry\.terraform\.io\/)?hashicorp\/aws$/i.test(source) : entry.key === 'aws';
        if (!aws) continue;
        // `aws = "~> 5.0"` is the pre-0.13 shorthand for the version.
        const version = evalString(spec ? get(spec, 'version') : entry.value);
        if (version) return { version, syntax: 'terraform', source: path.basename(f.path) };
      }
    }
  }
  return undefined;
}
