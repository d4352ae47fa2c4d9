/**
 * The platform primitives that core needs. `@authtoken/node` implements them with
 * `node:crypto` and `Buffer`; `@authtoken/browser` with WebCrypto and `TextEncoder`.
 */

/** Value that is either ready now or arrives later. */
export type MaybePromise<T> = T | Promise<T>;

/**
 * Platform key object holding a secret, such as a WebCrypto `CryptoKey` (which may be
 * non-extractable) or a Node `KeyObject`. Both have `type === 'secret'` for HMAC keys.
 */
export interface SecretKeyHandle {
  readonly type: 'secret';
}

/** Secret as a credential store returns it: the text itself or a platform key handle. */
export type StoredSecret = string | SecretKeyHandle;

/** Secret as `verify` accepts it: text (signed as its UTF-8 bytes), raw bytes or a key handle. */
export type VerificationSecret = string | Uint8Array | SecretKeyHandle;

/**
 * Keeps credential secrets by credential key, so that `refresh` can re-sign a token from its
 * `iss` alone. Methods may be synchronous or return promises; the synchronous API of
 * `@authtoken/node` takes only stores whose methods return plain values.
 *
 * Implementations report their own failures as `AuthTokenError` with an `ERR_STORE_*` code.
 */
export interface CredentialStore {
  /** Returns the stored secret for `key`, or `undefined` when there is none. */
  get(key: string): MaybePromise<StoredSecret | undefined>;
  /** Stores `secret` for `key`, replacing any earlier secret. */
  set(key: string, secret: string): MaybePromise<void>;
  /** Removes the credential for `key`; removing a missing key is not an error. */
  delete(key: string): MaybePromise<void>;
}

/** Credential store whose methods complete synchronously. */
export interface SyncCredentialStore extends CredentialStore {
  get(key: string): StoredSecret | undefined;
  set(key: string, secret: string): void;
  delete(key: string): void;
}

/** Converts between text and unpadded base64url (RFC 4648 section 5) of its UTF-8 bytes. */
export interface TextCodec {
  /** Returns the unpadded base64url encoding of the UTF-8 bytes of `text`. */
  encode(text: string): string;
  /**
   * Decodes a segment that core has already checked to be canonical unpadded base64url, and
   * returns its bytes as UTF-8 text. Throws any error when the bytes are not valid UTF-8.
   */
  decode(segment: string): string;
}

/** Primitives for the synchronous API. */
export interface SyncRuntime {
  readonly mode: 'sync';
  readonly text: TextCodec;
  /** Returns the unpadded base64url HMAC-SHA-256 of the UTF-8 bytes of `data`. */
  hmacSha256(secret: VerificationSecret, data: string): string;
  /** Store used when a call names none. */
  readonly defaultStore: SyncCredentialStore;
}

/** Primitives for the asynchronous API. */
export interface AsyncRuntime {
  readonly mode: 'async';
  readonly text: TextCodec;
  /** Resolves to the unpadded base64url HMAC-SHA-256 of the UTF-8 bytes of `data`. */
  hmacSha256(secret: VerificationSecret, data: string): Promise<string>;
  /** Store used when a call names none. */
  readonly defaultStore: CredentialStore;
}
