import { forgetTrees, keepTreesForIncrementalParsing, keptTreeCount } from './syntax-tree';
import { forgetSourceFile, keepSourceFilesForIncrementalParsing, keptSourceFileCount } from './typescript/parse';

/**
 * Incremental parsing, for the language server: each frontend keeps the parse of the `n` files it parsed last, and
 * parses the next text of one of them as an edit of the last (tree-sitter's edited trees, the TypeScript compiler's
 * `updateSourceFile`). One-shot runs (the CLI, audits) keep none: 0 is the default.
 */
export function keepParsesForIncrementalParsing(n: number): void {
  keepTreesForIncrementalParsing(n);
  keepSourceFilesForIncrementalParsing(n);
}

/** A closed file's kept parses are freed. */
export function forgetParses(file: string): void {
  forgetTrees(file);
  forgetSourceFile(file);
}

/** How many parses are kept (tree-sitter trees, TypeScript source files), for the server's status. */
export function keptParseCount(): number {
  return keptTreeCount() + keptSourceFileCount();
}
