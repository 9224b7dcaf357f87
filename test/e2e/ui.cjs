// Drives the real VS Code UI (code-server + Chromium) with the Faultline .vsix installed: squiggles and Problems
// entries for a .tf, a .ts and a .py file, a hover, the multi_az quick fix, and Audit Workspace with its report.
// Screenshots go to test-results/e2e/ (dark and light theme).
const fs = require('fs');
const path = require('path');
const { ROOT, sandbox, installVsix, startServer, launchBrowser, cleanup } = require('./code-server.cjs');

const SHOTS = path.join(ROOT, 'test-results/e2e');

async function run(theme) {
  const box = sandbox({ 'workbench.colorTheme': theme });
  const ws = path.join(box.tmp, 'workspace');
  fs.cpSync(path.join(__dirname, 'workspace'), ws, { recursive: true });
  let server;
  let ctx;
  const tag = theme.includes('Light') ? 'light' : 'dark';
  const shot = (page, name) => page.screenshot({ path: path.join(SHOTS, `${tag}-${name}.png`) });
  try {
    installVsix(box);
    server = await startServer(box);
    ctx = await launchBrowser(box);
    const page = ctx.pages()[0] ?? (await ctx.newPage());
    await page.goto(`http://127.0.0.1:${server.port}/?folder=${encodeURIComponent(ws)}`);
    await page.waitForSelector('.monaco-workbench', { timeout: 90000 });

    const open = async (label, parent) => {
      if (parent) {
        const row = page.locator(`.explorer-folders-view .monaco-list-row:has-text("${parent}")`).first();
        await row.click();
      }
      await page.locator(`.explorer-folders-view .monaco-list-row:has-text("${label}")`).first().dblclick({ timeout: 30000 });
      await page.waitForSelector(`.tab.active:has-text("${label}")`, { timeout: 30000 });
    };
    const squiggle = '.monaco-editor .squiggly-error, .monaco-editor .squiggly-warning, .monaco-editor .squiggly-info';

    await open('main.tf', 'prod');
    await page.waitForSelector(squiggle, { timeout: 60000 });
    await open('index.ts');
    await page.waitForSelector(squiggle, { timeout: 60000 });
    await open('__main__.py');
    await page.waitForSelector(squiggle, { timeout: 60000 });

    await page.keyboard.press('Control+Shift+M');
    await page.waitForSelector('.markers-panel .monaco-list-row:has-text("faultline")', { timeout: 30000 });
    await shot(page, '1-problems');

    // Back to main.tf: hover the Multi-AZ squiggle, then apply its quick fix.
    await open('main.tf');
    // The squiggle sits under the text layer: move the mouse to it rather than asking Playwright to hover it.
    const bounds = await page.locator(squiggle).first().boundingBox();
    const at = { x: bounds.x + Math.min(bounds.width / 2, 20), y: bounds.y + bounds.height / 2 };
    await page.mouse.move(at.x, at.y);
    await page.waitForSelector('.monaco-hover-content:has-text("Multi-AZ")', { timeout: 30000 });
    await shot(page, '2-hover');
    await page.keyboard.press('Escape');
    await page.mouse.click(at.x, at.y);
    await page.waitForTimeout(500);
    await page.keyboard.press('Control+.');
    await page.waitForSelector('.action-widget', { timeout: 30000 }).catch(async (e) => {
      await shot(page, 'quickfix-missing');
      throw e;
    });
    await page.locator('.action-widget').getByText('Set multi_az = true').first().click({ timeout: 30000 });
    await page.waitForSelector('.view-lines:has-text("multi_az")', { timeout: 30000 });
    await shot(page, '3-fixed');

    await page.keyboard.press('F1');
    await page.keyboard.type('Faultline: Audit Workspace');
    await page.waitForSelector('.quick-input-list .monaco-list-row:has-text("Audit Workspace")', { timeout: 30000 });
    await page.keyboard.press('Enter');
    await page.waitForSelector('.tab:has-text("Faultline Report")', { timeout: 60000 });
    const frame = page.frameLocator('iframe.webview').frameLocator('iframe');
    await frame.locator('h1:has-text("Faultline report")').waitFor({ timeout: 30000 });
    await shot(page, '4-report');
    console.log(`[e2e-ui] ${tag}: squiggles, Problems, hover, quick fix and report seen`);
  } finally {
    await ctx?.close().catch(() => {});
    server?.stop();
    cleanup(box);
  }
}

(async () => {
  fs.mkdirSync(SHOTS, { recursive: true });
  const t0 = Date.now();
  await run('Default Dark Modern');
  await run('Default Light Modern');
  console.log(`[e2e-ui] passed in ${Date.now() - t0} ms; screenshots in ${path.relative(process.cwd(), SHOTS)}`);
})().catch((e) => {
  console.error('[e2e-ui] failed:', e);
  process.exit(1);
});
