import { createTRPCClient, httpLink, TRPCClientError } from '@trpc/client';

import type { AppRouter } from '../../src/index.js';

/**
 * Minimal cookie store for one client: remembers cookies from Set-Cookie
 * and sends them back, which Node's fetch does not do by itself.
 */
export class CookieJar {
  readonly cookies = new Map<string, string>();
  /** Raw Set-Cookie headers of the latest response. */
  lastSetCookie: string[] = [];

  readonly fetch: typeof fetch = async (input, init) => {
    const headers = new Headers(init?.headers);
    if (this.cookies.size > 0) {
      headers.set('cookie', [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; '));
    }
    const response = await fetch(input, { ...init, headers });
    this.lastSetCookie = response.headers.getSetCookie();
    for (const header of this.lastSetCookie) {
      const [pair = ''] = header.split(';');
      const separator = pair.indexOf('=');
      const name = pair.slice(0, separator).trim();
      const value = pair.slice(separator + 1).trim();
      const expired = /max-age=0|expires=thu, 01 jan 1970/i.test(header);
      if (value === '' || expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return response;
  };
}

export interface ClientOptions {
  /** Session token to send as `Authorization: Bearer`. */
  token?: string;
  jar?: CookieJar;
  /** Extra headers for every request, such as X-Forwarded-For. */
  headers?: Record<string, string>;
}

/** Creates a typed tRPC client that talks to a running server over HTTP. */
export function createClient(baseUrl: string, options: ClientOptions = {}) {
  return createTRPCClient<AppRouter>({
    links: [
      httpLink({
        url: `${baseUrl}/trpc`,
        headers: () => ({
          ...options.headers,
          ...(options.token === undefined ? {} : { authorization: `Bearer ${options.token}` }),
        }),
        ...(options.jar === undefined ? {} : { fetch: options.jar.fetch }),
      }),
    ],
  });
}

export type Client = ReturnType<typeof createClient>;

/** Awaits a call that must fail and returns its tRPC error. */
export async function expectTRPCError(call: Promise<unknown>): Promise<TRPCClientError<AppRouter>> {
  try {
    await call;
  } catch (error) {
    if (error instanceof TRPCClientError) return error as TRPCClientError<AppRouter>;
    throw error;
  }
  throw new Error('expected the call to fail, but it succeeded');
}
