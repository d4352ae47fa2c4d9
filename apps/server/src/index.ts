// Public entry of @authtoken/server for other workspace packages: the API
// type for typed `@trpc/client` calls, and the server factory.
export type { AppRouter } from './routers/index.js';
export type { SignedIn } from './routers/auth.js';
export type { PublicUser } from './users.js';
export type { FieldError } from './errors.js';
export type { Role } from './db/schema.js';
export { createServer, type AuthTokenServer, type ServerOptions } from './server.js';
export { loadConfig, ConfigError, type Config } from './config.js';
