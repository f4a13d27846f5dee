// A small W3C WebDriver client for the Firefox run: geckodriver (cargo install, scripts/setup.sh)
// drives Debian's firefox-esr, headless, with a fresh profile. Only the commands the tests use.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** The WebDriver reference for element ids in responses and arguments. */
const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf';
/** The same for shadow roots. */
const SHADOW = 'shadow-6066-11e4-a52e-4f735466cecf';

/** A free port on the loopback interface. */
async function freePort() {
  const server = createServer();
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address();
  await new Promise((ok) => server.close(ok));
  return port;
}

/** Starts geckodriver and one Firefox session; resolves to a `Session`. */
export async function startFirefox({ width = 1280, height = 900 } = {}) {
  const port = await freePort();
  const driver = spawn(process.env.GECKODRIVER ?? 'geckodriver', ['--port', String(port), '--host', '127.0.0.1'],
    { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  driver.stderr.on('data', (d) => { log = (log + d).slice(-4000); });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${url}/status`)).ok) break;
    } catch {}
    if (i > 100) throw new Error(`geckodriver did not start: ${log}`);
    await sleep(100);
  }
  const capabilities = {
    browserName: 'firefox',
    'moz:firefoxOptions': {
      binary: process.env.FIREFOX ?? '/usr/bin/firefox-esr',
      args: ['-headless', `--width=${width}`, `--height=${height}`],
      // Nothing but the tests' own servers: no update, telemetry, safe-browsing or portal checks.
      prefs: {
        'app.update.disabledForTesting': true,
        'browser.safebrowsing.malware.enabled': false,
        'browser.safebrowsing.phishing.enabled': false,
        'datareporting.policy.dataSubmissionEnabled': false,
        'network.captive-portal-service.enabled': false,
        'network.connectivity-service.enabled': false,
        'toolkit.telemetry.enabled': false,
      },
    },
    timeouts: { script: 60000, pageLoad: 60000 },
  };
  const session = new Session(url, driver, () => log);
  const created = await session.command('POST', '/session', { capabilities: { alwaysMatch: capabilities } }, false);
  session.id = created.sessionId;
  session.capabilities = created.capabilities;
  return session;
}

/** One Firefox session. */
export class Session {
  constructor(url, driver, log) {
    this.url = url;
    this.driver = driver;
    this.log = log;
    this.id = null;
  }

  /** A WebDriver command; its `value`, or an Error with WebDriver's message. */
  async command(method, path, body, inSession = true) {
    const target = inSession ? `${this.url}/session/${this.id}${path}` : `${this.url}${path}`;
    const response = await fetch(target, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const reply = await response.json();
    if (!response.ok) throw new Error(`${method} ${path}: ${reply.value?.error}: ${reply.value?.message}`);
    return reply.value;
  }

  /** Opens `url` and waits for its load event. */
  goto(url) { return this.command('POST', '/url', { url }); }

  /** Runs `fn(...args)` in the page (a function's source, as WebDriver takes scripts). */
  evaluate(fn, ...args) {
    return this.command('POST', '/execute/sync', { script: `return (${fn}).apply(null, arguments);`, args });
  }

  /** Waits until `fn(...args)` is truthy in the page (polled); its value. */
  async waitFor(fn, args = [], { timeout = 30000, what = String(fn).slice(0, 80) } = {}) {
    const start = Date.now();
    let last;
    for (;;) {
      try {
        last = await this.evaluate(fn, ...args);
        if (last) return last;
      } catch (error) {
        last = error.message; // a page mid-navigation: try again
      }
      if (Date.now() - start > timeout) throw new Error(`timed out after ${timeout} ms waiting for ${what} (last: ${JSON.stringify(last)})`);
      await sleep(150);
    }
  }

  /** The element matched by `selector` (its WebDriver reference). */
  async element(selector) {
    const found = await this.command('POST', '/element', { using: 'css selector', value: selector });
    return found[ELEMENT];
  }

  /** The element matched by `selector` inside the open shadow root of the element matched by
   * `host`. */
  async shadowElement(host, selector) {
    const root = (await this.command('GET', `/element/${await this.element(host)}/shadow`))[SHADOW];
    const found = await this.command('POST', `/shadow/${root}/element`, { using: 'css selector', value: selector });
    return found[ELEMENT];
  }

  /** Sends `text` as key presses to the element matched by `selector`, or to an element
   * reference (`{ id }`). */
  async type(selector, text) {
    const id = typeof selector === 'string' ? await this.element(selector) : selector.id;
    await this.command('POST', `/element/${id}/value`, { text });
  }

  /** Empties a text field. */
  async clear(selector) {
    const id = await this.element(selector);
    await this.command('POST', `/element/${id}/clear`, {});
  }

  /** A PNG screenshot of the viewport. */
  async screenshot() {
    return Buffer.from(await this.command('GET', '/screenshot'), 'base64');
  }

  /** Ends the session and geckodriver. */
  async close() {
    try {
      if (this.id) await this.command('DELETE', '');
    } finally {
      this.driver.kill();
    }
  }
}
