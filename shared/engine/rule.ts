import type { Evaluated, Program } from '../model/program';
import type { FixIntent, Language, Loc, Resource, Value } from '../model/types';

export type Severity = 'critical' | 'high' | 'medium' | 'low';
export const SEVERITIES: Severity[] = ['critical', 'high', 'medium', 'low'];
export type Profile = 'production' | 'ephemeral';
export type Category =
  'deployability' | 'naming' | 'security' | 'reliability' | 'operations' | 'cost' | 'pulumi' | 'terraform' | 'schema' | 'analyser';

/** Ids in other scanners that check the same thing (their suppression comments are honoured). */
export interface Equivalents {
  checkov?: string[];
  tfsec?: string[];
  trivy?: string[];
  kics?: string[];
}

export interface RuleMeta {
  /** Stable forever: tests, suppressions and users' configurations name it. */
  id: string;
  title: string;
  category: Category;
  severity: Severity;
  /** 'all' or the profiles the rule applies to. */
  profiles: 'all' | Profile[];
  languages: ('terraform' | 'typescript' | 'python')[];
  /** Why the deploy (or the system) fails. */
  impact: string;
  /** How to fix it, in words. */
  fix: string;
  links: string[];
  equivalents?: Equivalents;
  /** Diagnostic tags where they fit. */
  tags?: ('unnecessary' | 'deprecated')[];
}

export interface Fix {
  title: string;
  intents: FixIntent[];
  /** Safe fixes are preferred in the editor and applied by `--fix`. */
  safe: boolean;
}

export interface Related {
  loc: Loc;
  message: string;
}

export interface Finding {
  ruleId: string;
  severity: Severity;
  message: string;
  loc: Loc;
  resource?: { type: string; name: string; id: string };
  related?: Related[];
  fixes?: Fix[];
  /** Hover text: how the value in question evaluated ("`multi_az` = var.ha -> false (default)"). */
  evaluation?: string;
  /** The profile that applied and why (set by the engine). */
  profile?: { name: Profile; reason: string };
}

export interface Report {
  message: string;
  loc: Loc;
  resource?: Resource;
  severity?: Severity;
  related?: Related[];
  fixes?: Fix[];
  evaluation?: string;
}

export interface RuleContext {
  program: Program;
  profile: Profile;
  settings: RuleSettings;
  report(r: Report): void;
  evaluate(v: Value | undefined): Evaluated;
  /** Resources of the given canonical types. */
  resourcesOf(...types: string[]): Resource[];
  /** Today's date as YYYY-MM-DD (dated facts such as runtime deprecations); tests pin it. */
  today: string;
}

/** The parts of faultline.json rules read. */
export interface RuleSettings {
  requiredTags: string[];
  minLogRetentionDays: number;
  minBackupRetentionDays: number;
  defaultLogRetentionDays: number;
  namingConvention?: string;
}

export interface RuleCheck {
  /** Canonical types the resource check runs on; omitted: every resource. */
  resourceTypes?: string[];
  /**
   * Also dispatch data sources (and list them in `resourcesOf`). Off by default: a data source reads what exists and
   * takes none of the arguments a configuration rule asks for (`data "aws_db_instance"` has no `multi_az`).
   */
  dataSources?: boolean;
  /**
   * Resource types that, declared in a Terraform module calling this one and reading its outputs (an alarm on
   * `module.db.identifier`), supply what the rule finds missing here: in such a called module the rule stays silent.
   */
  companions?: string[];
  resource?(r: Resource, ctx: RuleContext): void;
  program?(ctx: RuleContext): void;
}

export interface Rule extends RuleCheck {
  meta: RuleMeta;
}

export function defineRule(rule: { meta: RuleMeta } & RuleCheck): Rule {
  return rule;
}

/** Languages value shorthand: every rule applies to all three unless it says otherwise. */
export const ALL_LANGUAGES: RuleMeta['languages'] = ['terraform', 'typescript', 'python'];
export const PULUMI_LANGUAGES: RuleMeta['languages'] = ['typescript', 'python'];

export function languageFamily(l: Language): 'terraform' | 'typescript' | 'python' {
  return l === 'javascript' ? 'typescript' : l;
}
