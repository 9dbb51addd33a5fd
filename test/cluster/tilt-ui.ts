/**
 * The Tilt UI of a running `tilt up`, in Chromium (playwright-core), as a developer looks at it:
 * the table of resources by label group, the links of the API, the smoke button. What the page
 * shows is compared with what Tilt's own API reports (`tilt get`), not with a list written here.
 */
import { expect } from 'chai';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { launchBrowser } from '../helpers/browser.js';
import { ROOT, runAsync, sleep } from './cluster.js';

interface UIResource {
  metadata: { name: string; labels?: Record<string, string> };
  status: { updateStatus?: string; runtimeStatus?: string; endpointLinks?: { url: string; name?: string }[] };
}

async function tiltGet<T>(port: number, ...args: string[]): Promise<T> {
  const result = await runAsync('tilt', ['get', '--port', String(port), ...args, '-o', 'json']);
  if (result.status !== 0) throw new Error(`tilt get ${args.join(' ')}: ${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}

/** Where the screenshot goes: .cache/ by default (runs leave the tree clean); docs/ with REFRESH_SCREENSHOT=1. */
const SCREENSHOT = join(ROOT, process.env['REFRESH_SCREENSHOT'] === '1' ? 'docs' : '.cache/docs', 'tilt-ui.png');

/** The label group each resource is shown in: Tilt shows an unlabelled resource under "unlabeled", the Tiltfile under "Tiltfile". */
const groupOf = (r: UIResource) =>
  r.metadata.name === '(Tiltfile)'
    ? 'Tiltfile'
    : (Object.keys(r.metadata.labels ?? {}).find((l) => !l.startsWith('tilt.dev/')) ?? 'unlabeled');

/** Waits until the first element `locator` finds is visible; fails with `what` otherwise, keeping the page's HTML. */
async function visible(locator: Locator, what: string) {
  try {
    await locator.first().waitFor({ state: 'visible', timeout: 30_000 });
  } catch {
    const html = join(ROOT, '.cache/docs/tilt-ui-failed.html');
    mkdirSync(join(html, '..'), { recursive: true });
    writeFileSync(html, await locator.page().content());
    throw new Error(`the Tilt UI does not show ${what} (the page: ${html})`);
  }
}

async function dismissAnalyticsBanner(page: Page) {
  const nope = page.getByRole('button', { name: /nope/i });
  if (await nope.isVisible().catch(() => false)) await nope.click();
}

export async function checkTiltUi(port: number, smokeButton: { id: string; text: string }): Promise<void> {
  const url = `http://127.0.0.1:${port}`;
  const resources = async () => (await tiltGet<{ items: UIResource[] }>(port, 'uiresources')).items;
  const browser = await launchBrowser();
  try {
    const page = await browser.context.newPage();
    await page.goto(`${url}/overview`);
    await dismissAnalyticsBanner(page);
    // The checks wait for a click under `tilt up`: click each one's trigger in its row, as a developer does.
    for (const r of (await resources()).filter((r) => r.status.updateStatus === 'none')) {
      const row = page.getByRole('row').filter({ has: page.getByText(r.metadata.name, { exact: true }) });
      await row
        .getByRole('button', { name: /trigger update/i })
        .first()
        .click();
    }
    // Then green everywhere, per Tilt's own API: every update ok, every runtime ok (or not applicable).
    const deadline = Date.now() + 300_000;
    let all = await resources();
    const green = (r: UIResource) =>
      ['ok', 'not_applicable'].includes(r.status.updateStatus ?? '') && ['ok', 'not_applicable'].includes(r.status.runtimeStatus ?? '');
    while (!all.every(green) && Date.now() < deadline) {
      await sleep(1_000);
      all = await resources();
    }
    expect(all.filter((r) => !green(r)).map((r) => `${r.metadata.name}: ${r.status.updateStatus}/${r.status.runtimeStatus}`)).to.deep.equal(
      [],
    );
    // The table view: one table per label group, headed by the group's name and "healthy/total".
    const groups = new Map<string, string[]>();
    for (const r of all) groups.set(groupOf(r), [...(groups.get(groupOf(r)) ?? []), r.metadata.name]);
    for (const [group, names] of groups) {
      // Tilt's table view: a MUI accordion per label group, headed #tableOverview-<group>, with a status summary.
      const section = page.locator('.MuiAccordion-root').filter({ has: page.locator(`[id="tableOverview-${group}"]`) });
      for (const name of names) await visible(section.getByText(name, { exact: true }), `${name} in the group ${group}`);
      const summary = page.getByLabel(`Status summary for ${group} group`);
      const healthy = `${names.length}/${names.length}`;
      const until = Date.now() + 30_000;
      let text = '';
      while (!(text = (await summary.textContent()) ?? '').endsWith(healthy) && Date.now() < until) await sleep(500);
      expect(text, `the group ${group}'s summary counts every resource healthy`).to.match(new RegExp(`(^|\\D)${healthy}$`));
    }
    // The API's links, as Tilt made them from the Tiltfile, and each one answers.
    const api = all.find((r) => r.metadata.name === 'whc-api');
    const links = api?.status.endpointLinks ?? [];
    expect(links.map((l) => l.name)).to.include.members(['query 230', 'health', 'ready']);
    for (const link of links.filter((l) => l.url.startsWith('http://127.0.0.1:32638'))) {
      await visible(page.locator(`a[href="${link.url}"]`), `the link ${link.name ?? link.url}`);
      expect((await fetch(link.url)).status, link.url).to.equal(200);
    }
    mkdirSync(join(SCREENSHOT, '..'), { recursive: true });
    await page.screenshot({ path: SCREENSHOT });

    // The detail page of the API: its button runs the smoke check, whose output shows in the log pane.
    await page.goto(`${url}/r/whc-api/overview`);
    await dismissAnalyticsBanner(page);
    const before = Date.now();
    await page.getByRole('button', { name: smokeButton.text }).click();
    const smokeDeadline = Date.now() + 120_000;
    for (;;) {
      const cmd = await tiltGet<{ status?: { terminated?: { exitCode: number; startedAt?: string } } }>(
        port,
        'cmd',
        `btn-${smokeButton.id}`,
      );
      const done = cmd.status?.terminated;
      if (done !== undefined && Date.parse(done.startedAt ?? '') >= before - 1_000) {
        expect(done.exitCode, 'the smoke check run by the button').to.equal(0);
        break;
      }
      if (Date.now() > smokeDeadline) throw new Error('the smoke button did not run the check within 120 s');
      await sleep(500);
    }
    await visible(page.getByText(/smoke: ok/), "the check's output in the log pane");
  } finally {
    await browser.close();
  }
}
