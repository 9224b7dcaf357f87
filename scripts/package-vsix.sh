#!/usr/bin/env bash
# Builds the minified bundles and packages the extension as out/faultline.vsix (what users install).
set -euo pipefail
cd "$(dirname "$0")/.."
node scripts/build.mjs --production
npx vsce package --no-dependencies --allow-missing-repository --skip-license --out out/faultline.vsix
