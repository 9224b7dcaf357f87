// The @vscode/test-electron runTests() stand-in: runs test/e2e/suite in the real extension host of code-server
// (through the workbench's test payload, which the smoke-test driver switch enables), with Faultline installed
// from its .vsix. Exit code 0 when the suite passes.
const path = require('path');
const util = require('util');
const { ROOT, sandbox, installVsix, startServer, launchBrowser, cleanup } = require('./code-server.cjs');

const NOISE =
  /color: #|Resolving connection|Creating a socket|AccountPolicyGate|AgentHost|grace time|Service Worker|builtin extensions cache|ChatSessionStore|open-vsx|authentication provider|vsda/;

(async () => {
  const box = sandbox();
  let server;
  let ctx;
  let code;
  try {
    installVsix(box);
    server = await startServer(box, ['--vscode-option', 'enable-smoke-test-driver']);
    ctx = await launchBrowser(box);
    const page = ctx.pages()[0] ?? (await ctx.newPage());
    let exit;
    const exited = new Promise((r) => (exit = r));
    await page.exposeFunction('codeAutomationLog', (_type, args) => {
      const line = util.format(...[].concat(args).map((x) => (typeof x === 'string' ? x.replace(/%c/g, '') : x)));
      if (!NOISE.test(line)) console.log(line);
    });
    await page.exposeFunction('codeAutomationExit', (c) => exit(c));
    const remote = (p) => `vscode-remote://127.0.0.1:${server.port}${p}`;
    const payload = [
      ['extensionDevelopmentPath', remote(path.join(__dirname, 'dev-extension'))],
      ['extensionTestsPath', remote(path.join(__dirname, 'suite/index.js'))],
      ['skipWelcome', 'true'],
    ];
    const folder = path.join(__dirname, 'workspace');
    const t0 = Date.now();
    await page.goto(
      `http://127.0.0.1:${server.port}/?folder=${encodeURIComponent(folder)}&payload=${encodeURIComponent(JSON.stringify(payload))}`,
    );
    code = await Promise.race([
      exited,
      new Promise((_, rej) => setTimeout(() => rej(new Error('timed out waiting for the suite')), 240000)),
    ]);
    console.log(`[e2e] extension suite exit code ${code} after ${Date.now() - t0} ms`);
  } catch (e) {
    console.error('[e2e]', e, server ? server.log() : '');
    code = 2;
  } finally {
    await ctx?.close().catch(() => {});
    server?.stop();
    cleanup(box);
  }
  process.exit(code);
})();

module.exports = { ROOT };
