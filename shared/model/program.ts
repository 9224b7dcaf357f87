import type { FileModel, Language, Loc, Reference, Resource, TfModuleCall, Value } from './types';

export type ProgramKind = 'terraform-module' | 'pulumi-project' | 'file';

/** One unit of analysis: a Terraform module (a directory) or a Pulumi project (a Pulumi.yaml folder) or a lone file. */
export interface Program {
  kind: ProgramKind;
  /** The directory (module / project root) or the file for a lone file. */
  root: string;
  language: Language;
  files: FileModel[];
  resources: Resource[];
  /** Pulumi stack names found (Pulumi.<stack>.yaml) or Terraform workspace hints; used for profile inference. */
  stackNames: string[];
  /** Pulumi project name from Pulumi.yaml. */
  projectName?: string;
  /**
   * Config values per stack (Pulumi.<stack>.yaml `config:`, and for the keys a stack does not set, the project-level
   * `config:` of Pulumi.yaml), keys without the project prefix.
   */
  stackConfig: Record<string, Record<string, unknown>>;
  /** How the program pins the AWS provider, as written; undefined when nothing pins it (read on first call). */
  awsProvider(): ProviderConstraint | undefined;
  /** Resolves a program-level reference (variable, local, config...) to its value, if the program can. */
  resolve(ref: Reference): Value | undefined;
  /** Why a reference stays unknown ("var.ha has no default"). */
  explainUnknown(ref: Reference): string;
  /** Terraform: the `module` blocks elsewhere in the workspace that call this module. */
  callers?: ModuleCaller[];
  /** Terraform: every call of this module has `count` 0 or an empty `for_each`, so Terraform creates none of it. */
  uninstantiated?: boolean;
  /** Terraform: the module's files in JSON syntax (`*.tf.json`), which Faultline does not read: what they declare is unseen. */
  unreadFiles?: string[];
}

/** A `module` block whose local `source` is a Terraform module, and the resources of the module that holds it. */
export interface ModuleCaller {
  call: TfModuleCall;
  /** The file that holds the block. */
  file: string;
  /** The files of the calling module (.tf and .tfvars): its resources add around the call (alarms, flow logs), and
   * its variables give the values it passes. */
  callerFiles: FileModel[];
}

/** A version constraint on the AWS provider as the project writes it (interpreted in knowledge/provider-version.ts). */
export interface ProviderConstraint {
  /** `~> 5.0`, `^6.0.0`, `>=6.0.0,<7.0.0`, or the exact version a lockfile holds. */
  version: string;
  syntax: 'terraform' | 'npm' | 'pep440';
  /** The file that says so (`versions.tf`, `package.json`, `.terraform.lock.hcl`). */
  source: string;
}

/** A value the evaluator knows: JSON-like. */
export type Known = string | number | boolean | null | Known[] | { [k: string]: Known };

export type Evaluated = { state: 'known'; value: Known } | { state: 'unknown'; reason: string; loc?: Loc } | { state: 'absent' };

/** Terraform's override files (`override.tf`, `*_override.tf`): merged into the blocks they name, not declarations. */
export function isTerraformOverride(file: string): boolean {
  const name = file.split(/[\\/]/).pop()!.toLowerCase();
  return name === 'override.tf' || name.endsWith('_override.tf');
}

/** `f`'s result, computed on the first call (program facts only some rules need). */
export function lazy<T>(f: () => T): () => T {
  let done = false;
  let value: T;
  return () => {
    if (!done) {
      value = f();
      done = true;
    }
    return value;
  };
}
