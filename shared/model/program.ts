import type { FileModel, Language, Loc, Reference, Resource, Value } from './types';

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
  /** Config values per stack (Pulumi.<stack>.yaml `config:`), keys without the project prefix. */
  stackConfig: Record<string, Record<string, unknown>>;
  /** Resolves a program-level reference (variable, local, config...) to its value, if the program can. */
  resolve(ref: Reference): Value | undefined;
  /** Why a reference stays unknown ("var.ha has no default"). */
  explainUnknown(ref: Reference): string;
}

/** A value the evaluator knows: JSON-like. */
export type Known = string | number | boolean | null | Known[] | { [k: string]: Known };

export type Evaluated = { state: 'known'; value: Known } | { state: 'unknown'; reason: string; loc?: Loc } | { state: 'absent' };
