import ts from 'typescript';
import type { Comment, FileModel, Loc, PulumiFacts, Resource, StringBuild, Value } from '../../model/types';
import type { TextChange } from '../../model/text';

/**
 * Lowering again only the statements an edit touched (the language server). The compiler's incremental parse keeps
 * every top-level statement the edit did not touch (the same node, moved); what lowering such a statement produced
 * last time is still right if nothing it read changed: the statements declaring the top-level names it looked up,
 * and the file's imports and name sets. Its locations move with the text after the edit.
 *
 * Kept outputs are the very objects of the model returned last for the file, moved in place: that model is stale once
 * the same path is parsed again (the server replaces its results within the same call; audits parse in workers).
 */

/** How many top-level statements the last TypeScript lowering kept and lowered (for tests). */
export const reuseCounts = { kept: 0, lowered: 0 };

/** The lists of a file model a statement's lowering adds to, in one object. */
export interface Outputs {
  resources: Resource[];
  stringBuilds: StringBuild[];
  comments: Comment[];
  components: PulumiFacts['components'];
  configReads: PulumiFacts['configReads'];
  invokes: NonNullable<PulumiFacts['invokes']>;
  internalErrors: NonNullable<FileModel['internalErrors']>;
}

export const OUTPUTS = ['resources', 'stringBuilds', 'comments', 'components', 'configReads', 'invokes', 'internalErrors'] as const;

export function newOutputs(): Outputs {
  return { resources: [], stringBuilds: [], comments: [], components: [], configReads: [], invokes: [], internalErrors: [] };
}

/** What lowering one top-level statement produced and read. */
export interface StatementRecord {
  /** Its range, leading trivia included, in the text it was last lowered from or moved in. */
  pos: number;
  end: number;
  /** Where what it produced lies in its file's outputs: a start and an end per list of `OUTPUTS`. */
  spans: number[];
  transforms: boolean;
  /** What its scan adds to the file's name sets. */
  reassigned: string[];
  nested: string[];
  componentClasses: ts.ClassLikeDeclaration[];
  /** The top-level names it declares. */
  declares: string[];
  /** The top-level names its lowering looked up, declared or not (and those the initializers it lowered looked up). */
  lookups: Set<string>;
}

export function newRecord(st: ts.Statement): StatementRecord {
  return {
    pos: st.pos,
    end: st.end,
    spans: [],
    transforms: false,
    reassigned: [],
    nested: [],
    componentClasses: [],
    declares: declaredNames(st),
    lookups: new Set(),
  };
}

/** Notes where the lists of `out` stand: the start of a statement's outputs, or (again) their end. */
export function markSpans(rec: StatementRecord, out: Outputs): void {
  for (const k of OUTPUTS) rec.spans.push(out[k].length);
}

/** A file's lowering by top-level statement, kept with its source file for the next edit. */
export interface FileLowering {
  text: string;
  records: Map<ts.Statement, StatementRecord>;
  outputs: Outputs;
  /** The file's imports and name sets, which every statement's lowering reads. */
  signature: string;
}

/** The names a top-level statement declares in the file's scope (those `scope(sourceFile)` holds). */
function declaredNames(st: ts.Statement): string[] {
  const out: string[] = [];
  const add = (n: ts.BindingName): void => {
    if (ts.isIdentifier(n)) out.push(n.text);
    else for (const el of n.elements) if (!ts.isOmittedExpression(el)) add(el.name);
  };
  if (ts.isVariableStatement(st)) for (const d of st.declarationList.declarations) add(d.name);
  else if ((ts.isFunctionDeclaration(st) || ts.isClassDeclaration(st)) && st.name) out.push(st.name.text);
  return out;
}

/** Which statements keep their lowering, and how the text after the edit moved. */
export interface ReusePlan {
  /** Kept statements. */
  reuse: Set<ts.Statement>;
  /** The edit, in the previous text: locations before `start` stay, those from `lineAfter` on move by `delta`. */
  start: number;
  lineAfter: number;
  delta: number;
}

function breaksLine(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13) return true;
  }
  return false;
}

/**
 * The statements of `statements` whose previous lowering still holds after `change`, the edit from `previous.text`
 * to `text` (the one the incremental parse used); undefined when the edit breaks or joins lines (lines and resource ids
 * after it would change: all is lowered again).
 */
export function planReuse(
  previous: FileLowering,
  { start, oldEnd, newEnd }: TextChange,
  text: string,
  statements: readonly ts.Statement[],
): ReusePlan | undefined {
  if (breaksLine(previous.text, start, oldEnd) || breaksLine(text, start, newEnd)) return undefined;
  // the first line after the edit's: what starts there moves by whole characters only, and keeps its line and column
  let lineAfter = Infinity;
  for (let i = start; i < previous.text.length; i++) {
    const c = previous.text.charCodeAt(i);
    if (c === 10 || c === 13) {
      lineAfter = c === 13 && previous.text.charCodeAt(i + 1) === 10 ? i + 2 : i + 1;
      break;
    }
  }
  const reuse = new Set<ts.Statement>();
  const dirty = new Set<string>();
  const live = new Set(statements);
  for (const [st, rec] of previous.records) if (!live.has(st)) for (const n of rec.declares) dirty.add(n);
  for (const st of statements) {
    const rec = previous.records.get(st);
    if (rec && (rec.end <= start || rec.pos >= lineAfter)) reuse.add(st);
    else for (const n of declaredNames(st)) dirty.add(n);
  }
  // What read a name whose declaration changed is lowered again, and so is what read the names it declares: a walk
  // from the names to their readers (passes over the kept statements until none changed were quadratic in a chain).
  if (dirty.size > 0) {
    const readers = new Map<string, ts.Statement[]>();
    for (const st of reuse) {
      for (const n of previous.records.get(st)!.lookups) {
        const list = readers.get(n);
        if (list) list.push(st);
        else readers.set(n, [st]);
      }
    }
    const names = [...dirty];
    while (names.length) {
      for (const st of readers.get(names.pop()!) ?? []) {
        if (!reuse.delete(st)) continue;
        for (const n of previous.records.get(st)!.declares) {
          if (dirty.has(n)) continue;
          dirty.add(n);
          names.push(n);
        }
      }
    }
  }
  return { reuse, start, lineAfter, delta: newEnd - oldEnd };
}

/**
 * Moves the locations of a kept statement's lowering that lie after the edit (those of other statements included:
 * initializers it read). False when one lies on the edit's line after its start: it cannot be moved by offset alone.
 */
export function moveRecord(previous: FileLowering, rec: StatementRecord, plan: ReusePlan, seen: Set<Loc>): boolean {
  let ok = true;
  const loc = (l: Loc | undefined): void => {
    if (!l || seen.has(l)) return;
    seen.add(l);
    if (l.end < plan.start || (l.end === plan.start && l.start < l.end)) return;
    if (l.start < plan.lineAfter) ok = false;
    else {
      l.start += plan.delta;
      l.end += plan.delta;
    }
  };
  const value = (v: Value | undefined): void => {
    if (!v) return;
    loc(v.loc);
    switch (v.kind) {
      case 'template':
        for (const p of v.parts) value(p);
        break;
      case 'list':
        for (const i of v.items) value(i);
        break;
      case 'object':
        for (const p of v.props) {
          loc(p.keyLoc);
          loc(p.loc);
          value(p.value);
        }
        break;
      case 'ref':
        value(v.resolved);
        value(v.fallback);
        break;
      case 'call':
        for (const a of v.args) value(a);
        break;
    }
  };
  const out = previous.outputs;
  const span = <T>(list: T[], k: number): T[] => list.slice(rec.spans[k], rec.spans[OUTPUTS.length + k]);
  for (const r of span(out.resources, 0)) {
    loc(r.loc);
    loc(r.headLoc);
    loc(r.typeLoc);
    value(r.name);
    value(r.props);
    for (const o of Object.values(r.options)) if (typeof o === 'object') value(o);
  }
  for (const b of span(out.stringBuilds, 1)) {
    loc(b.loc);
    for (const p of b.parts) value(p);
  }
  for (const c of span(out.comments, 2)) loc(c.loc);
  for (const c of span(out.components, 3)) loc(c.loc);
  for (const c of span(out.configReads, 4)) {
    loc(c.loc);
    value(c.fallback);
  }
  for (const i of span(out.invokes, 5)) {
    loc(i.loc);
    value(i.provider);
  }
  for (const e of span(out.internalErrors, 6)) loc(e.loc);
  return ok;
}
