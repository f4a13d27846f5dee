// Without WebGPU the chip says CPU and why; the explorer still works.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serveDist, launch, guardedPage, backendChip } from './harness.mjs';

test('WebGPU off: the CPU chip gives the reason, and the page still works', async () => {
  const server = await serveDist();
  const browser = await launch({ webgpu: false });
  try {
    const { page, problems } = await guardedPage(browser, server.origin);
    await page.goto(server.base + '#/pe');
    const chip = await backendChip(page);
    assert.equal(chip.kind, 'cpu', chip.text);
    assert.match(chip.text, /^CPU · WebGPU unavailable: \S/);
    await page.waitForSelector('#pe-matrix[data-plot-width]');
    assert.deepEqual(problems.consoleErrors, []);
    assert.deepEqual(problems.foreignRequests, []);
  } finally {
    await browser.close();
    await server.close();
  }
});
