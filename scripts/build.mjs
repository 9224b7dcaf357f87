// Bundles the CLI, the language server, the extension client and the benchmark into out/ and copies the
// tree-sitter .wasm files beside them (web-tree-sitter loads them at run time).
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const out = path.join(root, 'out');
fs.mkdirSync(out, { recursive: true });

const entries = [
  { in: 'cli/index.ts', out: 'cli' },
  { in: 'server/main.ts', out: 'server' },
  { in: 'client/extension.ts', out: 'extension', external: ['vscode'] },
  { in: 'bench/bench.ts', out: 'bench' },
  { in: 'bench/peers.ts', out: 'peers' },
  { in: 'shared/engine/worker.ts', out: 'worker' },
  { in: 'scripts/gen-docs.ts', out: 'gen-docs' },
].filter((e) => fs.existsSync(path.join(root, e.in)));

const production = process.argv.includes('--production');
await Promise.all(
  entries.map((e) =>
    esbuild.build({
      entryPoints: [path.join(root, e.in)],
      outfile: path.join(out, `${e.out}.js`),
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      sourcemap: !production,
      minify: production,
      external: e.external ?? [],
      // jsonc-parser's UMD build hides its requires from the bundler; its ESM build bundles cleanly.
      mainFields: ['module', 'main'],
      // The ESM build of web-tree-sitter uses import.meta.url, which a CJS bundle does not have.
      alias: { 'web-tree-sitter': path.join(root, 'node_modules/web-tree-sitter/web-tree-sitter.cjs') },
      logLevel: 'warning',
    }),
  ),
);

for (const [from, to] of [
  ['node_modules/web-tree-sitter/web-tree-sitter.wasm', 'web-tree-sitter.wasm'],
  ['node_modules/@tree-sitter-grammars/tree-sitter-hcl/tree-sitter-terraform.wasm', 'tree-sitter-terraform.wasm'],
  ['node_modules/tree-sitter-python/tree-sitter-python.wasm', 'tree-sitter-python.wasm'],
]) {
  fs.copyFileSync(path.join(root, from), path.join(out, to));
}
fs.chmodSync(path.join(out, 'cli.js'), 0o755);
