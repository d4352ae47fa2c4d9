import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
  type Stats,
} from 'node:fs';
import { dirname, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { AuthTokenError, type SyncCredentialStore } from '@authtoken/core';
import { acquireLock, type LockOptions } from './file_lock.js';

/** Options of {@link FileCredentialStore}. */
export interface FileCredentialStoreOptions extends LockOptions {}

interface StoredCredential {
  secret: string;
  /** ISO 8601 time of the last write. */
  updatedAt: string;
}

interface StoreFile {
  version: 1;
  credentials: Record<string, StoredCredential>;
}

interface CachedRead {
  stats: Stats;
  file: StoreFile;
}

/**
 * Credential store in a JSON file, so that `refresh` works across process restarts and from
 * several processes at once. The file is created with mode 0600 in a folder created with mode
 * 0700. Writes take a lock file beside it, re-read the file under the lock, and replace it
 * atomically (write a temporary file, fsync, rename), so concurrent writers lose nothing and
 * readers never see a half-written file.
 *
 * A corrupt file is reported with `ERR_STORE_CORRUPT` and left as it is: the store never
 * overwrites what it cannot read.
 *
 * All methods are synchronous, so the store works with both the synchronous and asynchronous
 * APIs. They block the event loop for one small file read or write, and while another process
 * holds the lock, for at most `lockTimeout` milliseconds.
 *
 * @example
 * ```ts
 * const store = new FileCredentialStore('/var/lib/myapp/credentials.json');
 * const token = generate(key, secret, { store });
 * // Later, possibly in another process:
 * const next = refresh(token, { store });
 * ```
 */
export class FileCredentialStore implements SyncCredentialStore {
  /** Absolute path of the credential file. */
  readonly path: string;
  readonly #lockOptions: LockOptions;
  #cache: CachedRead | undefined;

  constructor(path: string, options: FileCredentialStoreOptions = {}) {
    if (typeof path !== 'string' || path.length === 0) {
      throw new AuthTokenError(
        'ERR_INVALID_OPTION',
        'FileCredentialStore needs the path of its credential file as a non-empty string',
      );
    }
    this.path = resolve(path);
    this.#lockOptions = options;
  }

  get(key: string): string | undefined {
    return this.#read().credentials[key]?.secret;
  }

  set(key: string, secret: string): void {
    if (this.#read().credentials[key]?.secret === secret) return;
    this.#update((credentials) => {
      if (credentials[key]?.secret === secret) return false;
      credentials[key] = { secret, updatedAt: new Date().toISOString() };
      return true;
    });
  }

  delete(key: string): void {
    this.#update((credentials) => {
      if (credentials[key] === undefined) return false;
      delete credentials[key];
      return true;
    });
  }

  /** Returns the stored keys, for listing; never the secrets. */
  keys(): string[] {
    return Object.keys(this.#read().credentials);
  }

  /** Reads the file, reusing the last parse while its size, inode and mtime are unchanged. */
  #read(): StoreFile {
    let stats: Stats;
    try {
      stats = statSync(this.path);
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return emptyFile();
      throw this.#ioError('read', error);
    }
    const cached = this.#cache;
    if (cached !== undefined && sameFile(cached.stats, stats)) {
      return cached.file;
    }
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return emptyFile();
      throw this.#ioError('read', error);
    }
    const file = this.#parse(text);
    this.#cache = { stats, file };
    return file;
  }

  #parse(text: string): StoreFile {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      // The parser's own message can quote file content, which includes secrets, so it is
      // neither shown nor kept as the cause.
      throw this.#corrupt('is not valid JSON');
    }
    if (!isStoreFile(value)) {
      throw this.#corrupt('does not have the layout {"version":1,"credentials":{"<key>":{"secret":"…"}}}');
    }
    return value;
  }

  #update(change: (credentials: Record<string, StoredCredential>) => boolean): void {
    this.#ensureFolder();
    const release = acquireLock(`${this.path}.lock`, this.#lockOptions);
    try {
      this.#cache = undefined;
      const file = this.#read();
      const credentials = { ...file.credentials };
      if (!change(credentials)) return;
      this.#writeAtomically({ version: 1, credentials });
    } finally {
      release();
    }
  }

  #writeAtomically(file: StoreFile): void {
    const temporary = `${this.path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      writeFileSync(temporary, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
      const descriptor = openSync(temporary, 'r');
      try {
        fsyncSync(descriptor);
      } finally {
        closeSync(descriptor);
      }
      renameSync(temporary, this.path);
    } catch (error) {
      try {
        unlinkSync(temporary);
      } catch {
        // The temporary file was never created or is already renamed.
      }
      throw this.#ioError('write', error);
    }
    this.#cache = undefined;
  }

  #ensureFolder(): void {
    try {
      mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
    } catch (error) {
      throw this.#ioError('create the folder of', error);
    }
  }

  #corrupt(problem: string): AuthTokenError {
    return new AuthTokenError(
      'ERR_STORE_CORRUPT',
      `credential file ${this.path} ${problem}; move it aside or delete it, then run generate again for each credential. The store does not overwrite it`,
    );
  }

  #ioError(action: string, cause: unknown): AuthTokenError {
    const code = errorCode(cause);
    const unavailable =
      code === 'EACCES' || code === 'EPERM' || code === 'EISDIR' || code === 'ENOTDIR' || code === 'EROFS';
    return new AuthTokenError(
      unavailable ? 'ERR_STORE_UNAVAILABLE' : 'ERR_STORE_FAILED',
      `cannot ${action} credential file ${this.path} (${code ?? 'unknown error'}); ${
        unavailable ? 'check that the path is a file this user can read and write' : 'check the disk and the path'
      }`,
      { cause },
    );
  }
}

function emptyFile(): StoreFile {
  return { version: 1, credentials: {} };
}

function sameFile(left: Stats, right: Stats): boolean {
  return left.mtimeMs === right.mtimeMs && left.size === right.size && left.ino === right.ino;
}

function isStoreFile(value: unknown): value is StoreFile {
  if (typeof value !== 'object' || value === null) return false;
  const { version, credentials } = value as Partial<StoreFile>;
  if (version !== 1 || typeof credentials !== 'object' || credentials === null || Array.isArray(credentials))
    return false;
  return Object.values(credentials).every(
    (entry: unknown) =>
      typeof entry === 'object' && entry !== null && typeof (entry as StoredCredential).secret === 'string',
  );
}

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}
