/**
 * `/docs` as a person uses it, in a real browser (headless Debian Chromium): the page loads
 * with no console error and no Content-Security-Policy violation; Execute on `GET /query`, as
 * the page first shows it, answers 200; Try it out with unique_number=230 shows Bamiyan; POST
 * /query works from the page; and a page on another origin reads `Link` and `X-Total-Count`.
 * The screenshot is taken here, into the git-ignored .cache/docs/ so that a test run leaves the
 * tree clean; `REFRESH_SCREENSHOT=1 npx mocha test/docs/swagger-ui.test.ts` writes the
 * docs/swagger-ui.png (shown in docs/api.md) instead.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { hasChromium, launchBrowser, type Browser } from '../helpers/browser.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

const SCREENSHOT = new URL(
  process.env['REFRESH_SCREENSHOT'] === '1' ? '../../docs/swagger-ui.png' : '../../.cache/docs/swagger-ui.png',
  import.meta.url,
).pathname;

/** What the page reported: console errors, uncaught exceptions, CSP violations. */
interface Reports {
  readonly errors: string[];
  readonly violations: string[];
}

// Page scripts run in the browser: given as text, since this project's types have no DOM.
const VIOLATION_LISTENER =
  "document.addEventListener('securitypolicyviolation', (e) => window.reportViolation(e.violatedDirective + ' ' + e.blockedURI));";

async function openDocs(browser: Browser, url: string): Promise<{ page: Page; reports: Reports }> {
  const page = await browser.context.newPage();
  const reports: Reports = { errors: [], violations: [] };
  page.on('console', (message) => {
    if (message.type() === 'error') reports.errors.push(message.text());
  });
  page.on('pageerror', (error) => reports.errors.push(error.message));
  page.on('response', (response) => {
    if (response.status() >= 400) reports.errors.push(`${response.status()} ${response.url()}`);
  });
  await page.exposeFunction('reportViolation', (text: string) => reports.violations.push(text));
  await page.addInitScript({ content: VIOLATION_LISTENER });
  await page.goto(`${url}/docs`, { waitUntil: 'load' });
  await page.locator('#operations-Sites-query').waitFor();
  return { page, reports };
}

/** Opens an operation, presses Execute and returns the status and body Swagger UI shows. */
async function execute(
  page: Page,
  operation: string,
  before?: (block: ReturnType<Page['locator']>) => Promise<void>,
): Promise<{ status: string; body: string }> {
  const block = page.locator(`#operations-Sites-${operation}`);
  if (!(await block.locator('.opblock-body').isVisible())) await block.locator('.opblock-summary').first().click();
  // A response shown by an earlier Execute would be read as this one's: Clear removes it first.
  const clear = block.locator('button.btn-clear');
  if (await clear.isVisible()) {
    await clear.click();
    await block.locator('.live-responses-table').waitFor({ state: 'detached' });
  }
  await before?.(block);
  await block.locator('button.execute').click();
  const status = block.locator('.live-responses-table tbody .response-col_status').first();
  await status.waitFor({ timeout: 20_000 });
  const body = await block.locator('.live-responses-table tbody .response-col_description').first().innerText();
  return { status: (await status.innerText()).trim(), body };
}

describe('/docs in a real browser (Chromium, playwright-core)', function () {
  this.timeout(90_000);
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let reports: Reports;
  let otherOrigin: Server;
  before(async function () {
    // .ci/run installs it (by hand: apt-get install chromium); in CI its absence is a failure, not a skip.
    if (!hasChromium && process.env['CI'] !== 'true') this.skip();
    server = await startTestServer();
    browser = await launchBrowser();
    ({ page, reports } = await openDocs(browser, server.url));
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    otherOrigin?.closeAllConnections();
    otherOrigin?.close();
  });

  it('loads with no console error and no CSP violation', async () => {
    expect(await page.title()).to.include('whc-api');
    expect(await page.locator('.information-container .title').innerText()).to.include('whc-api');
    expect(await page.locator('.opblock').count()).to.be.greaterThan(10);
    expect(reports.violations).to.deep.equal([]);
    expect(reports.errors).to.deep.equal([]);
    // The listener sees violations: an image from elsewhere is refused by the page's img-src (before any request).
    const other = await browser.context.newPage();
    const seen: string[] = [];
    await other.exposeFunction('reportViolation', (text: string) => seen.push(text));
    await other.addInitScript({ content: VIOLATION_LISTENER });
    await other.goto(`${server.url}/docs`);
    await other.locator('#operations-Sites-query').waitFor();
    await other.evaluate("new Image().src = 'https://elsewhere.invalid/pixel.png'");
    for (let waited = 0; seen.length === 0 && waited < 5000; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(seen.join()).to.include('img-src');
    await other.close();
  });

  it('answers 200 to Execute on GET /query as the page first shows it', async () => {
    const { status, body } = await execute(page, 'query');
    expect(status).to.equal('200');
    expect(body).to.include('"unique_number"');
  });

  it('answers every site to Execute on GET /stats as the page first shows it', async () => {
    const { status, body } = await execute(page, 'stats');
    expect(status).to.equal('200');
    expect(body).to.include('"total": 1121');
  });

  it('shows Bamiyan for Try it out with unique_number=230', async () => {
    const { status, body } = await execute(page, 'query', async (block) => {
      await block.locator('tr[data-param-name="unique_number"] input').fill('230');
    });
    expect(status).to.equal('200');
    expect(body).to.include('Bamiyan Valley');
    await page.locator('#operations-Sites-query .live-responses-table').scrollIntoViewIfNeeded();
    await page.screenshot({ path: SCREENSHOT });
  });

  it('runs POST /query from the page with the example body', async () => {
    const { status, body } = await execute(page, 'queryByBody');
    expect(status).to.equal('200');
    expect(body).to.include('"danger": true');
    expect(reports.violations).to.deep.equal([]);
    expect(reports.errors).to.deep.equal([]);
  });

  it('lets a page on another origin read Link and X-Total-Count', async () => {
    const api = server.url;
    const html = `<!doctype html><title>map</title><pre id="out">waiting</pre><script>
fetch(${JSON.stringify(`${api}/query?region=Africa&limit=2`)}).then(async (r) => {
  document.getElementById('out').textContent = JSON.stringify({ status: r.status, link: r.headers.get('Link'), total: r.headers.get('X-Total-Count'), rows: (await r.json()).length });
}, (e) => { document.getElementById('out').textContent = 'failed: ' + e; });
</script>`;
    otherOrigin = createServer((_, res) => res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(html));
    await new Promise<void>((resolve) => otherOrigin.listen(0, '127.0.0.1', resolve));
    const origin = `http://127.0.0.1:${(otherOrigin.address() as AddressInfo).port}`;
    expect(origin).not.to.equal(api);
    const map = await browser.context.newPage();
    await map.goto(origin);
    await map.waitForFunction("document.getElementById('out').textContent !== 'waiting'");
    const seen = JSON.parse((await map.locator('#out').textContent()) ?? '{}') as {
      status: number;
      link: string | null;
      total: string | null;
      rows: number;
    };
    expect(seen.status).to.equal(200);
    expect(seen.rows).to.equal(2);
    expect(Number(seen.total)).to.be.greaterThan(2);
    expect(seen.link).to.match(/^<\/query\?region=Africa&limit=2&cursor=[^>]+>; rel="next"$/);
  });
});
