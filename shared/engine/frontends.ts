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

/** Loads the parsers; await once before parsing. */
export function initEngine(): Promise<void> {
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
