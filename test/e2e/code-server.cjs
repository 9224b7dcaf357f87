// Starts code-server (from .tools/, see scripts/e2e-setup.sh) with the Faultline .vsix installed into a fresh
// profile, and Debian's Chromium through playwright-core. Shared by the extension-API suite and the UI test.
const { spawn, spawnSync } = require('child_process');
const fs = require('fs');
const http = require('http');
const os = require('os');
const path = require('path');

const ROOT = path.resolve(__dirname, '../..');
const TOOLS = path.join(ROOT, '.tools');
const NODE_BIN = path.join(TOOLS, 'node24/package/bin');
const CODE_SERVER = path.join(TOOLS, 'code-server/node_modules/.bin/code-server');
const VSIX = path.join(ROOT, 'out/faultline.vsix');
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A private HOME/TMPDIR per run so nothing leaks between runs or into the user's profile. */
function sandbox(settings = {}) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'faultline-e2e-'));
  const data = path.join(tmp, 'data');
  const exts = path.join(tmp, 'extensions');
  fs.mkdirSync(path.join(data, 'User'), { recursive: true });
  fs.mkdirSync(path.join(tmp, 'home'));
  fs.mkdirSync(path.join(tmp, 'tmp'));
  fs.writeFileSync(
    path.join(data, 'User/settings.json'),
    JSON.stringify({
      'security.workspace.trust.enabled': false,
      'workbench.startupEditor': 'none',
      'telemetry.telemetryLevel': 'off',
      'extensions.autoCheckUpdates': false,
      'extensions.autoUpdate': false,
      'update.mode': 'none',
      'chat.disableAIFeatures': true,
      'workbench.secondarySideBar.defaultVisibility': 'hidden',
      'faultline.debounceMs': 100,
      ...settings,
    }),
  );
  const env = {
    ...process.env,
    PATH: `${NODE_BIN}:${process.env.PATH}`,
    HOME: path.join(tmp, 'home'),
    TMPDIR: path.join(tmp, 'tmp'),
    XDG_CONFIG_HOME: path.join(tmp, 'home/.config'),
    XDG_CACHE_HOME: path.join(tmp, 'home/.cache'),
  };
  return { tmp, data, exts, env };
}

function installVsix(box) {
  const r = spawnSync(CODE_SERVER, ['--user-data-dir', box.data, '--extensions-dir', box.exts, '--install-extension', VSIX], {
    env: box.env,
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`installing the .vsix failed:\n${r.stdout}\n${r.stderr}`);
}

const up = (port) =>
  new Promise((resolve) =>
    http
      .get(`http://127.0.0.1:${port}/healthz`, (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      })
      .on('error', () => resolve(false)),
  );

/** Starts code-server in its own process group; returns { port, stop }. */
async function startServer(box, extraArgs = []) {
  const port = 8100 + Math.floor(Math.random() * 800);
  fs.writeFileSync(path.join(box.tmp, 'config.yaml'), `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
  const args = [
    '--config',
    path.join(box.tmp, 'config.yaml'),
    '--user-data-dir',
    box.data,
    '--extensions-dir',
    box.exts,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--ignore-last-opened',
    ...extraArgs,
  ];
  const proc = spawn(CODE_SERVER, args, { env: box.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let log = '';
  proc.stdout.on('data', (d) => (log += d));
  proc.stderr.on('data', (d) => (log += d));
  const t0 = Date.now();
  while (!(await up(port))) {
    if (Date.now() - t0 > 60000) throw new Error(`code-server did not start:\n${log}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    port,
    log: () => log,
    stop() {
      try {
        process.kill(-proc.pid, 'SIGTERM');
      } catch {
        // already gone
      }
    },
  };
}

async function launchBrowser(box) {
  const { chromium } = require('playwright-core');
  return chromium.launchPersistentContext(path.join(box.tmp, 'chromium'), {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1400, height: 900 },
  });
}

function cleanup(box) {
  fs.rmSync(box.tmp, { recursive: true, force: true });
}

module.exports = { ROOT, sandbox, installVsix, startServer, launchBrowser, cleanup };
