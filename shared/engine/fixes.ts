import type { FileModel, TextEdit } from '../model/types';
import { frontendFor } from './frontends';
import type { Fix } from './rule';

/** Renders a fix's intents into text edits with the frontend of each file; undefined if any intent cannot be rendered. */
export function renderFix(fix: Fix, fileOf: (path: string) => FileModel | undefined): TextEdit[] | undefined {
  const edits: TextEdit[] = [];
  for (const intent of fix.intents) {
    const path = intentFile(intent);
    const file = path ? fileOf(path) : undefined;
    if (!file) return undefined;
    const rendered = frontendFor(file.language).render(intent, file);
    if (!rendered) return undefined;
    for (const e of rendered) edits.push(e);
  }
  return edits;
}

function intentFile(intent: Fix['intents'][number]): string | undefined {
  switch (intent.kind) {
    case 'setProperty':
    case 'addBlock':
      return intent.target.loc.file;
    case 'removeProperty':
    case 'renameKey':
      return intent.property.loc.file;
    case 'replaceValue':
    case 'appendToString':
      return intent.value.loc.file;
    case 'wrapOutputString':
      return intent.build.loc.file;
    case 'registerOutputs':
      return intent.component.file;
    case 'renameType':
      return intent.resource.loc.file;
    case 'addResource':
      return intent.after.loc.file;
    case 'setOption':
    case 'addListItem':
      return intent.resource.loc.file;
  }
}

/** Applies edits to one text (edits of other files are ignored). Overlapping edits: the later ones are dropped. */
export function applyEdits(text: string, edits: TextEdit[]): { text: string; applied: number } {
  const sorted = [...edits].sort((a, b) => a.start - b.start || a.end - b.end);
  const kept: TextEdit[] = [];
  let lastEnd = -1;
  for (const e of sorted) {
    if (e.start < lastEnd) continue;
    kept.push(e);
    lastEnd = Math.max(e.end, e.start);
  }
  let out = text;
  for (let i = kept.length - 1; i >= 0; i--) {
    const e = kept[i]!;
    out = out.slice(0, e.start) + e.newText + out.slice(e.end);
  }
  return { text: out, applied: kept.length };
}
