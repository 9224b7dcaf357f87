import type { Program } from '../model/program';
import { createsNothing, evaluate, walkValues } from '../model/evaluate';
import type { FileModel, Loc, Resource } from '../model/types';
import { allRules } from '../rules';
import { ruleSettings, type FaultlineConfig } from './config';
import { resolveProfile, type ProfileSetting } from './profile';
import type { Finding, Report, Rule, RuleContext, Severity } from './rule';
import { isSuppressed, parseSuppressions, type Suppression } from './suppress';

export interface AnalyzeOptions {
  profile?: ProfileSetting;
  config?: FaultlineConfig;
  /** Only these rule ids (CLI --rule). */
  only?: string[];
  /** Not these rule ids (CLI --skip-rule). */
  skip?: string[];
  /** Today's date as YYYY-MM-DD (suppression expiry); tests pin it. */
  today?: string;
  rules?: Rule[];
}

const ENGINE_RULES = new Set(['parse-error', 'suppression-unused', 'config-invalid', 'internal-error', 'analysis-timeout']);

function ruleEnabled(id: string, opts: AnalyzeOptions): boolean {
  if (opts.config?.rules?.[id] === 'off') return false;
  if (opts.only?.length && !opts.only.includes(id)) return false;
  return !opts.skip?.includes(id);
}

/** Runs every rule on a program. Exceptions in a rule become `internal-error` findings; the other rules go on. */
export function analyzeProgram(program: Program, opts: AnalyzeOptions = {}): Finding[] {
  const rules = opts.rules ?? allRules;
  const profile = resolveProfile(program, opts.config?.profile && !opts.profile ? opts.config.profile : opts.profile);
  const settings = ruleSettings(opts.config);
  const findings: Finding[] = [];
  // What Terraform creates no instance of (count 0, an empty for_each, a module no call instantiates) is not judged;
  // its declaration still counts for the Terraform rules that read `program.resources`.
  const created = program.uninstantiated
    ? []
    : program.resources.filter((r) => !createsNothing(r.options.count, r.options.forEach, program));
  const byType = new Map<string, Resource[]>();
  for (const r of created) {
    const list = byType.get(r.type);
    if (list) list.push(r);
    else byType.set(r.type, [r]);
  }
  const metaById = new Map(rules.map((r) => [r.meta.id, r.meta]));
  const today = opts.today ?? new Date().toISOString().slice(0, 10);

  const emit = (rule: Rule, rep: Report): void => {
    findings.push({
      ruleId: rule.meta.id,
      severity: rep.severity ?? rule.meta.severity,
      message: rep.message,
      loc: rep.loc,
      resource: rep.resource ? { type: rep.resource.type, name: rep.resource.logicalName, id: rep.resource.id } : undefined,
      related: rep.related,
      fixes: rep.fixes,
      evaluation: rep.evaluation,
      profile,
    });
  };
  const internal = (message: string, loc: Loc): void => {
    findings.push({ ruleId: 'internal-error', severity: 'low', message, loc, profile });
  };

  for (const rule of rules) {
    const id = rule.meta.id;
    if (ENGINE_RULES.has(id) || !ruleEnabled(id, opts)) continue;
    if (rule.meta.profiles !== 'all' && !rule.meta.profiles.includes(profile.name)) continue;
    if (rule.companions && suppliedByCaller(program, rule.companions)) continue;
    const dispatched = (r: Resource): boolean => r.kind !== 'data' || rule.dataSources === true;
    const ctx: RuleContext = {
      program,
      profile: profile.name,
      settings,
      report: (rep) => emit(rule, rep),
      evaluate: (v) => evaluate(v, program),
      resourcesOf: (...types) => types.flatMap((t) => byType.get(t) ?? []).filter(dispatched),
      today,
    };
    const targets = rule.resourceTypes ? rule.resourceTypes.flatMap((t) => byType.get(t) ?? []) : created;
    if (rule.resource) {
      for (const r of targets) {
        if (!dispatched(r) || !languageApplies(rule, r.language)) continue;
        try {
          rule.resource(r, ctx);
        } catch (e) {
          internal(`rule ${id} failed on ${r.id}: ${errorText(e)}`, r.headLoc);
        }
      }
    }
    if (rule.program) {
      try {
        rule.program(ctx);
      } catch (e) {
        internal(`rule ${id} failed: ${errorText(e)}`, program.files[0] ? fileStart(program.files[0]) : zeroLoc(program.root));
      }
    }
  }

  for (const f of program.files) {
    if (f.parseErrors.length && ruleEnabled('parse-error', opts)) {
      const first = f.parseErrors[0]!;
      const more =
        f.parseErrors.length > 1 ? ` (and ${f.parseErrors.length - 1} more syntax error${f.parseErrors.length > 2 ? 's' : ''})` : '';
      findings.push({
        ruleId: 'parse-error',
        severity: 'high',
        message: `syntax error at line ${first.loc.range.start.line + 1}, column ${first.loc.range.start.character + 1}: ${first.message.replace(/\.$/, '')}${more}; the rest of the file is still analysed`,
        loc: first.loc,
        profile,
      });
    }
    for (const e of f.internalErrors ?? []) internal(e.message, e.loc ?? fileStart(f));
    if (f.timedOut && ruleEnabled('analysis-timeout', opts)) {
      findings.push({
        ruleId: 'analysis-timeout',
        severity: 'medium',
        message: `${f.timedOut}; the file was not analysed`,
        loc: fileStart(f),
        profile,
      });
    }
  }

  const out: Finding[] = [];
  const byFile = new Map<string, Suppression[]>();
  for (const f of program.files) byFile.set(f.path, parseSuppressions(f, rules));
  for (const f of findings) {
    const override = opts.config?.rules?.[f.ruleId];
    if (override && override !== 'off') f.severity = override as Severity;
    if (!isSuppressed(f, byFile.get(f.loc.file) ?? [], today)) out.push(f);
  }
  if (ruleEnabled('suppression-unused', opts)) {
    for (const sups of byFile.values()) {
      for (const s of sups) {
        if (!s.own) continue;
        const unknown = s.ruleIds.filter((id) => !metaById.has(id));
        let message: string | undefined;
        if (unknown.length) message = `suppression names unknown rule ${unknown.map((u) => `"${u}"`).join(', ')}`;
        else if (s.expires && s.expires < today) message = `suppression of ${s.ruleIds.join(', ')} expired on ${s.expires}`;
        else if (!s.used) message = `suppression of ${s.ruleIds.join(', ')} suppresses nothing here; remove it`;
        if (message)
          out.push({
            ruleId: 'suppression-unused',
            severity: (opts.config?.rules?.['suppression-unused'] as Severity) ?? 'low',
            message,
            loc: s.loc,
            profile,
          });
      }
    }
  }
  return sortFindings(out);
}

/** Whether a module calling this one declares a resource of the given types that reads the called module's outputs. */
function suppliedByCaller(program: Program, types: string[]): boolean {
  return (program.callers ?? []).some((c) =>
    c.callerFiles.some((f) =>
      f.resources.some(
        (r) =>
          types.includes(r.type) &&
          [...walkValues(r.props), ...walkValues(r.options.dependsOn)].some(
            (v) => v.kind === 'ref' && v.ref.kind === 'module' && v.ref.name === c.call.name,
          ),
      ),
    ),
  );
}

function languageApplies(rule: Rule, lang: Resource['language']): boolean {
  const fam = lang === 'javascript' ? 'typescript' : lang;
  return rule.meta.languages.includes(fam);
}

export function sortFindings<T extends Pick<Finding, 'loc' | 'ruleId'>>(fs: T[]): T[] {
  return fs.sort((a, b) =>
    a.loc.file < b.loc.file
      ? -1
      : a.loc.file > b.loc.file
        ? 1
        : a.loc.start - b.loc.start || (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0),
  );
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function fileStart(f: FileModel): Loc {
  return zeroLoc(f.path);
}

function zeroLoc(file: string): Loc {
  return { file, start: 0, end: 0, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } };
}
