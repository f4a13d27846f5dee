// Regenerates docs/screenshot.jpg (the README's picture) from the release build in dist/.
// Usage: trunk build --release && node tools/readme-screenshot.mjs
import { join } from 'node:path';
import { serveDist, launch, guardedPage, ROOT } from '../tests/e2e/harness.mjs';

const server = await serveDist();
const browser = await launch({ webgpu: true });
try {
  const { page } = await guardedPage(browser, server.origin, { width: 1100, height: 760 });
  await page.emulateMedia({ colorScheme: 'light' });
  await page.goto(server.base + '#/pe?d=128&n=96&base=10000&dims=10,11,30,31');
  await page.waitForSelector('#pe-similarity[data-plot-width]');
  await page.locator('#pe-matrix').scrollIntoViewIfNeeded();
  await page.evaluate(() => window.scrollTo(0, 120));
  await page.screenshot({ path: join(ROOT, 'docs/screenshot.jpg'), type: 'jpeg', quality: 78 });
} finally {
  await browser.close();
  await server.close();
}
