import type { SyncCredentialStore, VerificationSecret } from './runtime.js';
import type { DecodedToken, GenerateOptions, RefreshOptions, TokenClaims, VerifyOptions } from './types.js';

/** The token functions bound to a synchronous runtime, such as `@authtoken/node`'s. */
export interface SyncTokenApi {
  /** Mints a token for the credential and stores the credential for later refreshes. */
  generate(key: string, secret: string, options?: GenerateOptions<SyncCredentialStore>): string;
  /** Re-mints a token, also an expired one, after checking its signature with the stored secret. */
  refresh(oldToken: string, options?: RefreshOptions<SyncCredentialStore>): string;
  /** Checks the signature and claims of a token and returns its claims. */
  verify(token: string, secret: VerificationSecret, options?: VerifyOptions): TokenClaims;
  /** Decodes a token without checking its signature. Never trust the result for access decisions. */
  decode(token: string): DecodedToken;
}

/** The token functions bound to an asynchronous runtime, such as `@authtoken/browser`'s. */
export interface AsyncTokenApi {
  /** Mints a token for the credential and stores the credential for later refreshes. */
  generate(key: string, secret: string, options?: GenerateOptions): Promise<string>;
  /** Re-mints a token, also an expired one, after checking its signature with the stored secret. */
  refresh(oldToken: string, options?: RefreshOptions): Promise<string>;
  /** Checks the signature and claims of a token and resolves to its claims. */
  verify(token: string, secret: VerificationSecret, options?: VerifyOptions): Promise<TokenClaims>;
  /** Decodes a token without checking its signature. Never trust the result for access decisions. */
  decode(token: string): Promise<DecodedToken>;
}
