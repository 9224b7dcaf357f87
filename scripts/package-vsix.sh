#!/usr/bin/env bash
# Builds the minified bundles and packages the extension as out/faultline.vsix (what users install).
set -euo pipefail
cd "$(dirname "$0")/.."
node scripts/build.mjs --production
npx vsce package --no-dependencies --allow-missing-repository --skip-license --out out/faultline.vsix
# The server needs its audit worker and data files at run time: fail here, not in a user's editor.
listed=$(npx vsce ls --no-dependencies 2>/dev/null)
for f in out/server.js out/worker.js out/extension.js out/aws-schema.json out/tree-sitter-terraform.wasm out/tree-sitter-python.wasm; do
  grep -qx "$f" <<<"$listed" || { echo "package-vsix: $f is missing from the package (.vscodeignore)" >&2; exit 1; }
done
