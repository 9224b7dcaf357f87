// Bundles the CLI, the language server, the extension client and the benchmark into out/ and copies the
// tree-sitter .wasm files and the provider schema beside them (loaded at run time).
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
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

/**
 * The TypeScript compiler is 9 MB of JavaScript that takes ~300 ms to compile and initialise, which Terraform and
 * Python users should never pay (server start, `faultline audit` of a Terraform tree). It ships beside the bundles as
 * out/typescript.js, and every `import ... from 'typescript'` gets a stand-in whose properties load it on first use
 * and then replace themselves with its plain values.
 */
const require = createRequire(import.meta.url);
const lazyTypeScript = {
  name: 'lazy-typescript',
  setup(build) {
    const keys = Object.keys(require('typescript'));
    build.onResolve({ filter: /^typescript$/ }, (args) =>
      args.namespace === 'lazy-typescript'
        ? { path: './typescript.js', external: true }
        : { path: 'typescript', namespace: 'lazy-typescript' },
    );
    build.onLoad({ filter: /.*/, namespace: 'lazy-typescript' }, () => ({
      loader: 'js',
      contents: `const stub = {};
function load() {
  const ts = require('typescript');
  for (const k of Object.keys(ts)) Object.defineProperty(stub, k, { value: ts[k], writable: true, enumerable: true, configurable: true });
}
for (const k of ${JSON.stringify(keys)}) Object.defineProperty(stub, k, { get() { load(); return stub[k]; }, enumerable: true, configurable: true });
module.exports = stub;`,
    }));
  },
};
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
      plugins: [lazyTypeScript],
      // jsonc-parser's UMD build hides its requires from the bundler; its ESM build bundles cleanly.
      mainFields: ['module', 'main'],
      // The ESM build of web-tree-sitter uses import.meta.url, which a CJS bundle does not have.
      alias: { 'web-tree-sitter': path.join(root, 'node_modules/web-tree-sitter/web-tree-sitter.cjs') },
      logLevel: 'warning',
    }),
  ),
);

for (const [from, to] of [
  ['node_modules/typescript/lib/typescript.js', 'typescript.js'],
  ['node_modules/web-tree-sitter/web-tree-sitter.wasm', 'web-tree-sitter.wasm'],
  ['node_modules/@tree-sitter-grammars/tree-sitter-hcl/tree-sitter-terraform.wasm', 'tree-sitter-terraform.wasm'],
  ['node_modules/tree-sitter-python/tree-sitter-python.wasm', 'tree-sitter-python.wasm'],
  // read with JSON.parse on first use (shared/knowledge/data-file.ts): much cheaper than bundled as code
  ['shared/knowledge/data/aws-schema.json', 'aws-schema.json'],
  ['shared/knowledge/data/pulumi-types.json', 'pulumi-types.json'],
]) {
  fs.copyFileSync(path.join(root, from), path.join(out, to));
}
fs.chmodSync(path.join(out, 'cli.js'), 0o755);
