import * as fs from 'node:fs';
import * as path from 'node:path';
import { Language as TsLanguage, Parser } from 'web-tree-sitter';

/**
 * Loads web-tree-sitter and the grammars once. The `.wasm` files sit next to the bundle in `out/`
 * (copied by scripts/build.mjs); when running from source (tests) they come from node_modules.
 */
const WASM: Record<string, string[]> = {
  'web-tree-sitter.wasm': ['web-tree-sitter/web-tree-sitter.wasm'],
  'tree-sitter-terraform.wasm': ['@tree-sitter-grammars/tree-sitter-hcl/tree-sitter-terraform.wasm'],
  'tree-sitter-python.wasm': ['tree-sitter-python/tree-sitter-python.wasm'],
};

function locate(file: string): string {
  const beside = path.join(__dirname, file);
  if (fs.existsSync(beside)) return beside;
  for (const candidate of WASM[file] ?? []) {
    try {
      return require.resolve(candidate);
    } catch {
      // try the next candidate
    }
  }
  return beside;
}

export type GrammarName = 'terraform' | 'python';

let initPromise: Promise<void> | undefined;
const languages = new Map<GrammarName, TsLanguage>();

/** Must be awaited once before any tree-sitter frontend parses. Safe to call many times. */
export function initTreeSitter(): Promise<void> {
  initPromise ??= (async () => {
    await Parser.init({ locateFile: (f: string) => locate(f) });
    const [tf, py] = await Promise.all([
      TsLanguage.load(fs.readFileSync(locate('tree-sitter-terraform.wasm'))),
      TsLanguage.load(fs.readFileSync(locate('tree-sitter-python.wasm'))),
    ]);
    languages.set('terraform', tf);
    languages.set('python', py);
  })();
  return initPromise;
}

const parsers = new Map<GrammarName, Parser>();

/** A parser for the grammar; throws if initTreeSitter() has not completed. */
export function parserFor(grammar: GrammarName): Parser {
  let p = parsers.get(grammar);
  if (!p) {
    const lang = languages.get(grammar);
    if (!lang) throw new Error('tree-sitter is not initialised: await initTreeSitter() first');
    p = new Parser();
    p.setLanguage(lang);
    parsers.set(grammar, p);
  }
  return p;
}
