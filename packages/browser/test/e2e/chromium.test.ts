import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { build as viteBuild } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BAD_INPUT_CASES } from '../../../core/test/bad_inputs.js';
import { KEY, NOW_MS, NOW_SECONDS, SECRET, signWithJose, verifyWithJose } from '../helpers.js';
import {
  bundlePage,
  chromiumAvailable,
  launchChromium,
  linkPackageForBundlers,
  PACKAGE_DIR,
  PAGES_DIR,
  startPageServer,
  type ChromiumSession,
  type PageServer,
} from './chromium_session.js';

// In CI a missing Chromium fails the suite in beforeAll instead of skipping it.
const runSuite = chromiumAvailable() || process.env['CI'] === 'true';

/** Token that jose signs for the test key at `nowMs` with the default lifetime. */
function joseToken(nowMs: number): Promise<string> {
  const seconds = Math.floor(nowMs / 1000);
  return signWithJose({ iss: KEY, iat: seconds, exp: seconds + 3600 }, SECRET);
}

const CLASSIC_PAGE = `<!doctype html>
<script src="/dist/auth-token-generator.min.js"></script>
<script>
  var config = {};
  config.authToken = AuthTokenGenerate.generate(${JSON.stringify(KEY)}, ${JSON.stringify(SECRET)});
  config.refreshed = AuthTokenGenerate.refresh(config.authToken);
  window.classicGenerate = function (now) {
    return AuthTokenGenerate.generate(${JSON.stringify(KEY)}, ${JSON.stringify(SECRET)}, { clock: function () { return now; } });
  };
</script>`;

const MODULE_PAGE = `<!doctype html>
<script type="module">
  import { generate } from '/dist/standalone.js';
  window.moduleGenerate = (now) => generate(${JSON.stringify(KEY)}, ${JSON.stringify(SECRET)}, { clock: () => now, store: false });
</script>`;

/**
 * Host name that the suite's Chromium resolves to the loopback server. Unlike 127.0.0.1 and
 * localhost it is not a secure context, like a site served over plain http.
 */
const INSECURE_HOST = 'insecure.test';

const VITE_ENTRY = `import { generate } from '@authtoken/browser';
window.viteGenerate = (key, secret, now) => generate(key, secret, { clock: () => now, store: false });
`;

describe.runIf(runSuite)('Chromium', () => {
  let session: ChromiumSession;
  let server: PageServer;

  beforeAll(async () => {
    const nodeModules = await linkPackageForBundlers();
    const harness = await bundlePage(join(PACKAGE_DIR, 'test/e2e/pages/harness.ts'), nodeModules);
    const sandboxProbe = await bundlePage(join(PACKAGE_DIR, 'test/e2e/pages/sandbox_probe.ts'), nodeModules);

    const viteRoot = join(PAGES_DIR, 'vite-app');
    await mkdir(viteRoot, { recursive: true });
    await writeFile(join(viteRoot, 'index.html'), '<!doctype html><script type="module" src="./main.js"></script>');
    await writeFile(join(viteRoot, 'main.js'), VITE_ENTRY);
    await viteBuild({
      root: viteRoot,
      base: '/vite/',
      configFile: false,
      logLevel: 'silent',
      build: { outDir: join(viteRoot, 'dist'), emptyOutDir: true },
    });

    server = await startPageServer(
      {
        '/': '<!doctype html><title>harness</title><script type="module" src="/harness.js"></script>',
        '/harness.js': harness,
        '/classic.html': CLASSIC_PAGE,
        '/module.html': MODULE_PAGE,
        '/sandbox-host.html': '<!doctype html><iframe sandbox="allow-scripts" src="/sandboxed.html"></iframe>',
        '/sandboxed.html': '<!doctype html><script type="module" src="/sandbox_probe.js"></script>',
        '/sandbox_probe.js': sandboxProbe,
        '/storage-probe.html': '<!doctype html><script type="module" src="/sandbox_probe.js"></script>',
      },
      { '/dist/': join(PACKAGE_DIR, 'dist'), '/vite/': join(viteRoot, 'dist') },
    );
    session = await launchChromium([`--host-resolver-rules=MAP ${INSECURE_HOST} 127.0.0.1`]);
  });

  afterAll(async () => {
    await session?.close();
    await server?.close();
  });

  async function openHarness(): Promise<Page> {
    const page = await session.context.newPage();
    await page.goto(`${server.origin}/`);
    await page.waitForFunction(() => window.harness !== undefined);
    return page;
  }

  it('generates, survives a reload and refreshes', async () => {
    const page = await openHarness();
    await page.evaluate((now) => window.harness.setNow(now), NOW_MS);
    const first = await page.evaluate(({ key, secret }) => window.harness.startClient(key, secret), {
      key: KEY,
      secret: SECRET,
    });
    expect(first).toBe(await joseToken(NOW_MS));

    const storedKey = await page.evaluate((key) => window.harness.inspectStoredKey(key), KEY);
    expect(storedKey).toEqual({
      type: 'secret',
      extractable: false,
      algorithm: 'HMAC',
      usages: ['sign'],
      exportable: false,
    });

    await page.reload();
    await page.waitForFunction(() => window.harness !== undefined);
    await page.evaluate((now) => window.harness.setNow(now), NOW_MS + 60_000);
    const resumed = await page.evaluate((key) => window.harness.startClient(key), KEY);
    expect(resumed).toBe(first);

    const later = NOW_MS + 3_600_000;
    await page.evaluate((now) => window.harness.setNow(now), later);
    const refreshed = await page.evaluate(() => window.harness.getToken());
    expect(refreshed).toBe(await joseToken(later));
    await expect(verifyWithJose(refreshed, SECRET, later)).resolves.toMatchObject({
      iss: KEY,
      iat: NOW_SECONDS + 3600,
    });
    await page.close();
  });

  /** Starts clients in two tabs, makes their token due, and renews in both at once. */
  async function renewInTwoTabs(key: string, crossTab: boolean) {
    const tabs = [await openHarness(), await openHarness()];
    for (const tab of tabs) await tab.evaluate((now) => window.harness.setNow(now), NOW_MS);
    const seeded = await tabs[0]!.evaluate(({ key, secret }) => window.harness.seed(key, secret), {
      key,
      secret: SECRET,
    });
    for (const tab of tabs) {
      expect(
        await tab.evaluate(({ key, crossTab }) => window.harness.startClient(key, undefined, crossTab), {
          key,
          crossTab,
        }),
      ).toBe(seeded);
      await tab.evaluate((now) => window.harness.setNow(now), NOW_MS + 3_600_000);
      await tab.evaluate(() => window.harness.setReadDelay(300));
    }

    const tokens = await Promise.all(tabs.map((tab) => tab.evaluate(() => window.harness.getToken())));
    let reads = 0;
    for (const tab of tabs) {
      reads += await tab.evaluate(() => window.harness.credentialReads());
      await tab.close();
    }
    return { seeded, tokens, reads };
  }

  it('shares one refresh between two tabs', async () => {
    const { seeded, tokens, reads } = await renewInTwoTabs('cross-tab-key', true);
    expect(tokens[1]).toBe(tokens[0]);
    expect(tokens[0]).not.toBe(seeded);
    expect(reads).toBe(1);
  });

  it('renews past a lock held forever', async () => {
    const [holder, waiter] = [await openHarness(), await openHarness()];
    await holder.evaluate(() => window.harness.holdLock('authtoken:stuck-lock-key'));
    await waiter.evaluate((now) => window.harness.setNow(now), NOW_MS);
    const seeded = await waiter.evaluate(({ key, secret }) => window.harness.seed(key, secret), {
      key: 'stuck-lock-key',
      secret: SECRET,
    });
    await waiter.evaluate(({ key }) => window.harness.startClient(key, undefined, true, 300), {
      key: 'stuck-lock-key',
    });
    await waiter.evaluate((now) => window.harness.setNow(now), NOW_MS + 3_600_000);

    const started = Date.now();
    const renewed = await waiter.evaluate(() => window.harness.getToken());
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(renewed).not.toBe(seeded);
    await expect(verifyWithJose(renewed, SECRET, NOW_MS + 3_600_000)).resolves.toMatchObject({ iss: 'stuck-lock-key' });
    await holder.close();
    await waiter.close();
  });

  it('refreshes in each tab without coordination', async () => {
    // The control case: it shows that the overlap above is real, so one read proves the lock.
    const { reads } = await renewInTwoTabs('uncoordinated-key', false);
    expect(reads).toBe(2);
  });

  it('gives the shared bad-input codes', async () => {
    const page = await openHarness();
    const results = await page.evaluate(() => window.harness.badInputCodes());
    expect(results).toEqual(BAD_INPUT_CASES.map((testCase) => ({ name: testCase.name, code: testCase.code })));
    await page.close();
  });

  it('keeps sessionStorage credentials across a reload', async () => {
    const page = await openHarness();
    await page.evaluate(({ key, secret }) => window.harness.sessionStore(key, secret), { key: KEY, secret: SECRET });
    await page.reload();
    await page.waitForFunction(() => window.harness !== undefined);
    expect(await page.evaluate((key) => window.harness.sessionRead(key), KEY)).toBe(SECRET);
    await page.close();
  });

  it('reports a full localStorage', async () => {
    const page = await openHarness();
    const code = await page.evaluate(({ key, secret }) => window.harness.fillLocalStorageAndStore(key, secret), {
      key: KEY,
      secret: SECRET,
    });
    expect(code).toBe('ERR_STORE_QUOTA_EXCEEDED');
    await page.close();
  });

  /** Opens the page that embeds the sandboxed iframe, and returns the page and the iframe. */
  async function openSandboxedFrame(): Promise<{ page: Page; frame: Frame }> {
    const page = await session.context.newPage();
    await page.goto(`${server.origin}/sandbox-host.html`);
    const frame = page.frames().find((candidate) => candidate.url().endsWith('/sandboxed.html'));
    expect(frame).toBeDefined();
    return { page, frame: frame! };
  }

  it('reports blocked storage as unavailable', async () => {
    const { page, frame } = await openSandboxedFrame();
    await frame.waitForFunction(() => window.probe !== undefined);
    const probe = await frame.evaluate(() => window.probe);
    expect(probe).toEqual({
      indexedDB: 'ERR_STORE_UNAVAILABLE',
      localStorage: 'ERR_STORE_UNAVAILABLE',
      sessionStorage: 'ERR_STORE_UNAVAILABLE',
    });
    await page.close();
  });

  it('runs a token client in a sandboxed iframe', async () => {
    // The opaque origin is denied Web Locks, but it is unique, so there is no tab to share with.
    const { page, frame } = await openSandboxedFrame();
    await frame.waitForFunction(() => window.tokenClientProbe !== undefined);
    expect(await frame.evaluate(() => window.tokenClientProbe)).toBe('no error');
    await page.close();
  });

  it('reports blocked site data as unavailable', async () => {
    // Chromium's setting that sites may not save data, which has no command-line flag.
    const blocked = await launchChromium([], { profile: { default_content_setting_values: { cookies: 2 } } });
    try {
      const page = await blocked.context.newPage();
      await page.goto(`${server.origin}/storage-probe.html`);
      await page.waitForFunction(() => window.tokenClientProbe !== undefined);
      expect(await page.evaluate(() => window.probe)).toEqual({
        indexedDB: 'ERR_STORE_UNAVAILABLE',
        localStorage: 'ERR_STORE_UNAVAILABLE',
        sessionStorage: 'ERR_STORE_UNAVAILABLE',
      });
      // The browser denies Web Locks there too, so a client shares renewals only within a tab.
      expect(await page.evaluate(() => window.tokenClientProbe)).toBe('no error');
    } finally {
      await blocked.close();
    }
  });

  it('runs the classic script synchronously', async () => {
    const page = await session.context.newPage();
    await page.goto(`${server.origin}/classic.html`);
    const config = await page.evaluate(
      () => (window as unknown as { config: { authToken: unknown; refreshed: unknown } }).config,
    );
    expect(typeof config.authToken).toBe('string');
    expect(typeof config.refreshed).toBe('string');
    await expect(verifyWithJose(config.authToken as string, SECRET, Date.now())).resolves.toMatchObject({ iss: KEY });

    const token = await page.evaluate(
      (now) => (window as unknown as { classicGenerate(now: number): string }).classicGenerate(now),
      NOW_MS,
    );
    expect(token).toBe(await joseToken(NOW_MS));
    await page.close();
  });

  it('loads the standalone module in a plain module script', async () => {
    const page = await session.context.newPage();
    await page.goto(`${server.origin}/module.html`);
    await page.waitForFunction(() => 'moduleGenerate' in window);
    const token = await page.evaluate(
      (now) => (window as unknown as { moduleGenerate(now: number): Promise<string> }).moduleGenerate(now),
      NOW_MS,
    );
    expect(token).toBe(await joseToken(NOW_MS));
    await page.close();
  });

  it('reports missing WebCrypto over plain http', async () => {
    const page = await session.context.newPage();
    await page.goto(`http://${INSECURE_HOST}:${new URL(server.origin).port}/module.html`);
    await page.waitForFunction(() => 'moduleGenerate' in window);
    const outcome = await page.evaluate(async (now) => {
      const moduleGenerate = (window as unknown as { moduleGenerate(now: number): Promise<string> }).moduleGenerate;
      try {
        return { secureContext: window.isSecureContext, token: await moduleGenerate(now) };
      } catch (error) {
        return { secureContext: window.isSecureContext, code: (error as { code?: unknown }).code };
      }
    }, NOW_MS);
    expect(outcome.secureContext).toBe(false);
    expect(outcome).toEqual({ secureContext: false, code: 'ERR_CRYPTO_UNAVAILABLE' });
    await page.close();
  });

  it('works when bundled by Vite', async () => {
    const page = await session.context.newPage();
    await page.goto(`${server.origin}/vite/index.html`);
    await page.waitForFunction(() => 'viteGenerate' in window);
    const token = await page.evaluate(
      ({ key, secret, now }) =>
        (window as unknown as { viteGenerate(key: string, secret: string, now: number): Promise<string> }).viteGenerate(
          key,
          secret,
          now,
        ),
      { key: KEY, secret: SECRET, now: NOW_MS },
    );
    expect(token).toBe(await joseToken(NOW_MS));
    await page.close();
  });
});
