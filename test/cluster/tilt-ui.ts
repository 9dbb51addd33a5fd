/** The Tilt UI of a running `tilt up`, in Chromium (playwright-core), as a developer looks at it. */
import { launchBrowser } from '../helpers/browser.js';
import { join } from 'node:path';
import { ROOT } from './cluster.js';

export async function checkTiltUi(url: string, _workspace: string): Promise<void> {
  const browser = await launchBrowser();
  try {
    const page = await browser.context.newPage();
    await page.goto(`${url}/overview`);
    await page.waitForTimeout(3000);
    await page.screenshot({ path: join(ROOT, '.cache/tilt-ui-overview.png'), fullPage: true });
    console.log((await page.textContent('body'))?.slice(0, 3000));
    await page.goto(`${url}/r/whc-api/overview`);
    await page.waitForTimeout(3000);
    await page.screenshot({ path: join(ROOT, '.cache/tilt-ui-whc-api.png'), fullPage: true });
    console.log((await page.textContent('body'))?.slice(0, 3000));
  } finally {
    await browser.close();
  }
}
