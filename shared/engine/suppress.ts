import type { Comment, FileModel, Loc, Property } from '../model/types';
import type { Finding, Rule } from './rule';

/** A parsed suppression comment. */
export interface Suppression {
  ruleIds: string[];
  /** 'line' covers its own line (trailing) or the next statement; 'file' the whole file. */
  scope: 'line' | 'file';
  /** 0-based first and last line covered (for 'line'). */
  fromLine: number;
  toLine: number;
  expires?: string;
  reason?: string;
  loc: Loc;
  /** faultline's own comments are checked for staleness; other scanners' are not. */
  own: boolean;
  used: boolean;
}

const OWN = /faultline:(ignore|ignore-file):([a-z0-9-]+(?:,[a-z0-9-]+)*)(?::exp:(\d{4}-\d{2}-\d{2}))?(?:\s+--\s*(.*))?/;
const CHECKOV = /checkov:skip=([A-Z0-9_]+)/g;
const TFSEC = /(tfsec|trivy):ignore:([A-Za-z0-9-]+)/g;

/**
 * Finds the suppressions in a file's comments. A comment alone on its line covers the next statement: the resource,
 * block or property that starts on the next code line (all of its lines), else that line.
 */
export function parseSuppressions(file: FileModel, rules: Rule[]): Suppression[] {
  const out: Suppression[] = [];
  let byEquivalent: Map<string, string[]> | undefined;
  // Built for the first comment that covers the next statement; most files have none, and building it reads the
  // line range of every property.
  let nextStatement: ((line: number) => { fromLine: number; toLine: number }) | undefined;
  for (const c of file.comments) {
    const own = OWN.exec(c.text);
    const ids: string[] = [];
    let scope: Suppression['scope'] = 'line';
    let expires: string | undefined;
    let reason: string | undefined;
    if (own) {
      scope = own[1] === 'ignore-file' ? 'file' : 'line';
      ids.push(...own[2]!.split(','));
      expires = own[3];
      reason = own[4]?.trim();
    } else {
      byEquivalent ??= equivalentIndex(rules);
      for (const m of c.text.matchAll(CHECKOV)) ids.push(...(byEquivalent.get(`checkov:${m[1]}`) ?? []));
      for (const m of c.text.matchAll(TFSEC)) ids.push(...(byEquivalent.get(`${m[1]}:${m[2]!.toLowerCase()}`) ?? []));
      if (ids.length === 0) continue;
    }
    let fromLine = c.loc.range.start.line;
    let toLine = c.loc.range.end.line;
    if (!c.trailing && scope === 'line') ({ fromLine, toLine } = (nextStatement ??= nextStatementFinder(file))(toLine + 1));
    out.push({ ruleIds: ids, scope, fromLine, toLine, expires, reason, loc: c.loc, own: !!own, used: false });
  }
  return out;
}

/** The lines of the statement on the first code line from `line`: a resource, or a property or block at any depth. */
function nextStatementFinder(file: FileModel): (line: number) => { fromLine: number; toLine: number } {
  // The last line of the statement starting on each line.
  const statementEnd = new Map<number, number>();
  const addProps = (props: Property[], depth: number): void => {
    if (depth > 50) return;
    for (const p of props) {
      const line = p.loc.range.start.line;
      if (!statementEnd.has(line)) statementEnd.set(line, p.loc.range.end.line);
      const v = p.value;
      if (v.kind === 'object') addProps(v.props, depth + 1);
      else if (v.kind === 'list') for (const i of v.items) if (i.kind === 'object') addProps(i.props, depth + 1);
    }
  };
  for (const r of file.resources) {
    statementEnd.set(r.loc.range.start.line, r.loc.range.end.line);
    addProps(r.props.props, 0);
  }
  const codeLines = nextCodeLineFinder(file);
  return (line) => {
    const next = codeLines(line);
    return { fromLine: next, toLine: statementEnd.get(next) ?? next };
  };
}

function nextCodeLineFinder(file: FileModel): (line: number) => number {
  const commentLines = new Set<number>();
  for (const c of file.comments) for (let l = c.loc.range.start.line; l <= c.loc.range.end.line; l++) commentLines.add(l);
  const lines = file.text.split(/\r\n|\r|\n/);
  return (line: number) => {
    let l = line;
    while (l < lines.length && (commentLines.has(l) || lines[l]!.trim() === '')) l++;
    return l;
  };
}

function equivalentIndex(rules: Rule[]): Map<string, string[]> {
  const m = new Map<string, string[]>();
  const add = (k: string, id: string): void => {
    m.set(k, [...(m.get(k) ?? []), id]);
  };
  for (const r of rules) {
    const eq = r.meta.equivalents;
    for (const c of eq?.checkov ?? []) add(`checkov:${c}`, r.meta.id);
    for (const t of eq?.tfsec ?? []) add(`tfsec:${t.toLowerCase()}`, r.meta.id);
    for (const t of eq?.trivy ?? []) add(`trivy:${t.toLowerCase()}`, r.meta.id);
  }
  return m;
}

/** True when a suppression covers the finding; marks it used. Expired suppressions cover nothing. */
export function isSuppressed(f: Finding, sups: Suppression[], today: string): boolean {
  const line = f.loc.range.start.line;
  for (const s of sups) {
    if (!s.ruleIds.includes(f.ruleId)) continue;
    if (s.expires && s.expires < today) continue;
    if (s.scope === 'file' || (line >= s.fromLine && line <= s.toLine)) {
      s.used = true;
      return true;
    }
  }
  return false;
}

export type { Comment };
