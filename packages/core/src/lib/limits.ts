/** Maximum length of a credential key, in UTF-16 code units. */
export const MAX_KEY_LENGTH = 256;

/** Maximum length of a secret: characters for text, bytes for a `Uint8Array`. */
export const MAX_SECRET_LENGTH = 4096;

/**
 * Maximum length of a token, in characters. Gateways commonly cap one request header line
 * at 8 KiB (nginx's default `large_client_header_buffers` is 8k), so a longer token would be
 * cut or rejected on its way to the API.
 */
export const MAX_TOKEN_LENGTH = 8192;

/** Default token lifetime, in seconds. */
export const DEFAULT_TTL = 3600;

/** Maximum token lifetime, in seconds (365 days). */
export const MAX_TTL = 31_536_000;

/** Maximum `clockTolerance`, in seconds. */
export const MAX_CLOCK_TOLERANCE = 3600;

/**
 * Largest NumericDate accepted: 9999-12-31T23:59:59Z. A larger time claim is almost always a
 * millisecond timestamp written where seconds belong.
 */
export const MAX_NUMERIC_DATE = 253_402_300_799;

/** Maximum nesting depth of a custom claim value. */
export const MAX_CLAIM_DEPTH = 16;
