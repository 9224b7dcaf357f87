import * as v8 from 'node:v8';
import { pythonFrontend } from '../frontends/python';
import { initTreeSitter } from '../frontends/treesitter';
import { terraformFrontend } from '../frontends/terraform';
import { typescriptFrontend } from '../frontends/typescript';
import type { FileModel, Frontend, Language } from '../model/types';

/** The language of a file by its name; undefined for files Faultline does not analyse. */
export function languageOf(file: string): Language | undefined {
  const lower = file.toLowerCase();
  if (lower.endsWith('.tf') || lower.endsWith('.tfvars')) return 'terraform';
  if (lower.endsWith('.d.ts')) return undefined;
  if (lower.endsWith('.ts') || lower.endsWith('.mts') || lower.endsWith('.cts') || lower.endsWith('.tsx')) return 'typescript';
  if (lower.endsWith('.js') || lower.endsWith('.mjs') || lower.endsWith('.cjs') || lower.endsWith('.jsx')) return 'javascript';
  if (lower.endsWith('.py')) return 'python';
  return undefined;
}

export function frontendFor(language: Language): Frontend {
  switch (language) {
    case 'terraform':
      return terraformFrontend;
    case 'typescript':
    case 'javascript':
      return typescriptFrontend;
    case 'python':
      return pythonFrontend;
  }
}

/**
 * Loads the parsers; await once before parsing. Also turns off V8's allocation-site pretenuring in this process: a
 * syntax tree is short-lived but wholly alive when a young-generation collection runs in the middle of a parse, so V8
 * decided, in some runs and not others, to allocate every later tree straight in the old generation, where each one
 * is garbage for a full collection and every scavenge walks its pointers into the young one. Python's copy and
 * lowering took 5 to 12 ms per 1,000 lines depending on the run, and 4 to 5 ms in every run without it.
 */
export function initEngine(): Promise<void> {
  v8.setFlagsFromString('--no-allocation-site-pretenuring');
  return initTreeSitter();
}

/** Parses one file; an exception in the frontend becomes an internal error of an empty model, never a throw. */
export function parseSource(file: string, text: string, language = languageOf(file)): FileModel {
  const lang = language ?? 'typescript';
  try {
    return frontendFor(lang).parse(text, file);
  } catch (e) {
    return {
      path: file,
      language: lang,
      text,
      resources: [],
      parseErrors: [],
      comments: [],
      stringBuilds: [],
      internalErrors: [{ message: `the ${lang} frontend failed: ${e instanceof Error ? e.message : String(e)}` }],
    };
  }
}
