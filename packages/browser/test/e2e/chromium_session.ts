import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium, type BrowserContext } from 'playwright-core';

/**
 * Root folder of this package. It is searched for upwards because the benchmark runs this
 * module compiled into another folder.
 */
export const PACKAGE_DIR = findPackageDir(dirname(fileURLToPath(import.meta.url)));
/** Scratch folder for generated pages and bundles; git ignores it. */
export const PAGES_DIR = join(PACKAGE_DIR, 'test/e2e/.pages');

/** The Chromium binary from Debian's `chromium` package, unless `CHROMIUM_PATH` names another. */
export const CHROMIUM_PATH = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

/** Flags for a headless run as root in a container, without any traffic beyond loopback. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.map': 'application/json',
  '.css': 'text/css',
};

function findPackageDir(start: string): string {
  for (let folder = start; ; folder = dirname(folder)) {
    const manifest = join(folder, 'package.json');
    if (
      existsSync(manifest) &&
      (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === '@authtoken/browser'
    ) {
      return folder;
    }
    if (dirname(folder) === folder) throw new Error(`no @authtoken/browser package.json above ${start}`);
  }
}

/** Tells whether the Chromium suites can run here. */
export function chromiumAvailable(): boolean {
  return existsSync(CHROMIUM_PATH);
}

/**
 * Makes `@authtoken/browser` resolvable from {@link PAGES_DIR} as an installed package would
 * be, so that esbuild and Vite bundle the built package through its `exports` map.
 */
export async function linkPackageForBundlers(): Promise<string> {
  const scope = join(PAGES_DIR, 'node_modules/@authtoken');
  await mkdir(scope, { recursive: true });
  const link = join(scope, 'browser');
  await rm(link, { force: true, recursive: true });
  await symlink(PACKAGE_DIR, link, 'dir');
  return join(PAGES_DIR, 'node_modules');
}

/** Bundles a page script with esbuild for the browser, resolving the package as installed. */
export async function bundlePage(entry: string, nodeModules: string, minify = false): Promise<string> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify,
    nodePaths: [nodeModules],
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
}

/** A loopback HTTP server for test pages: fixed routes first, then files under folders. */
export interface PageServer {
  origin: string;
  close(): Promise<void>;
}

/**
 * Starts an HTTP server on 127.0.0.1 with a free port. `routes` maps paths to page text, and
 * `folders` maps path prefixes to folders whose files are served as they are. Loopback is a
 * secure context, so pages get WebCrypto without TLS.
 */
export async function startPageServer(
  routes: Record<string, string>,
  folders: Record<string, string>,
): Promise<PageServer> {
  const server: Server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
    void respond(path, routes, folders).then(
      ({ status, body, type }) => {
        // Sandboxed iframes have an opaque origin, so their module scripts load only with CORS.
        response.writeHead(status, {
          'content-type': type,
          'cache-control': 'no-store',
          'access-control-allow-origin': '*',
        });
        response.end(body);
      },
      (error: unknown) => {
        response.writeHead(500, { 'content-type': 'text/plain' });
        response.end(String(error));
      },
    );
  });
  await new Promise<void>((resolveListen) => server.listen(0, '127.0.0.1', resolveListen));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolveClose) => {
        server.closeAllConnections();
        server.close(() => resolveClose());
      }),
  };
}

async function respond(
  path: string,
  routes: Record<string, string>,
  folders: Record<string, string>,
): Promise<{ status: number; body: string | Buffer; type: string }> {
  const route = routes[path];
  if (route !== undefined) return { status: 200, body: route, type: CONTENT_TYPES[extname(path) || '.html']! };

  for (const [prefix, folder] of Object.entries(folders)) {
    if (!path.startsWith(prefix)) continue;
    const file = normalize(join(folder, path.slice(prefix.length)));
    // Serve nothing outside the folder, whatever the path contains.
    if (!file.startsWith(folder)) break;
    if (!existsSync(file)) break;
    return {
      status: 200,
      body: await readFile(file),
      type: CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
    };
  }
  return { status: 404, body: `not found: ${path}`, type: 'text/plain' };
}

/** A headless Chromium with a fresh profile, removed again by `close`. */
export interface ChromiumSession {
  context: BrowserContext;
  close(): Promise<void>;
}

/**
 * Launches Debian's Chromium through playwright-core with a new user-data folder, passing
 * `extraArgs` after {@link CHROMIUM_ARGS}. When given, `preferences` is written to the
 * profile's `Default/Preferences` file first, for settings that have no command-line flag.
 */
export async function launchChromium(
  extraArgs: readonly string[] = [],
  preferences?: object,
): Promise<ChromiumSession> {
  if (!chromiumAvailable()) {
    throw new Error(
      `Chromium was not found at ${CHROMIUM_PATH}; install Debian's package with "apt-get install -y chromium", or set CHROMIUM_PATH`,
    );
  }
  const userDataDir = await mkdtemp(join(tmpdir(), 'authtoken-chromium-'));
  if (preferences !== undefined) {
    await mkdir(join(userDataDir, 'Default'));
    await writeFile(join(userDataDir, 'Default/Preferences'), JSON.stringify(preferences));
  }
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [...CHROMIUM_ARGS, ...extraArgs],
  });
  return {
    context,
    async close() {
      await context.close();
      await rm(userDataDir, { recursive: true, force: true });
    },
  };
}
