import { AuthTokenError } from '../errors.js';
import type { TextCodec } from '../runtime.js';
import type { TokenClaims, TokenHeader } from '../types.js';
import { checkSegment, type SegmentName } from './base64url.js';
import { checkClaimTypes } from './claims.js';
import { describe, quote } from './quote.js';
import { MAX_TOKEN_LENGTH } from './limits.js';
import { mustBe } from './messages.js';

/** Header of every token minted here, `{"alg":"HS256","typ":"JWT"}`, already encoded. */
export const STANDARD_HEADER_SEGMENT = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9';
const STANDARD_HEADER: TokenHeader = /* @__PURE__ */ Object.freeze({ alg: 'HS256', typ: 'JWT' });

/** A token split into its parts, checked for shape but not for its signature. */
export interface ParsedToken {
  header: TokenHeader;
  claims: TokenClaims;
  /** `header + "." + claims`, the bytes the signature covers. */
  signingInput: string;
  /** The signature segment, canonical unpadded base64url. */
  signature: string;
}

/** Splits and decodes a compact JWS, rejecting every shape this suite does not issue. */
export function parseToken(token: unknown, text: TextCodec): ParsedToken {
  if (typeof token !== 'string') {
    throw mustBe('ERR_TOKEN_NOT_STRING', 'token', 'a string', describe(token));
  }
  if (token.length > MAX_TOKEN_LENGTH) {
    throw new AuthTokenError(
      'ERR_TOKEN_TOO_LONG',
      `token is ${token.length} characters long; the maximum is ${MAX_TOKEN_LENGTH}`,
    );
  }

  const firstDot = token.indexOf('.');
  const secondDot = firstDot < 0 ? -1 : token.indexOf('.', firstDot + 1);
  if (secondDot < 0 || token.indexOf('.', secondDot + 1) >= 0) {
    const segments = token.length === 0 ? 0 : token.split('.').length;
    throw new AuthTokenError(
      'ERR_TOKEN_SEGMENTS',
      `token ${quote(token)} must have 3 dot-separated segments (header.claims.signature), but has ${segments}`,
    );
  }
  const headerSegment = token.slice(0, firstDot);
  const claimsSegment = token.slice(firstDot + 1, secondDot);
  const signature = token.slice(secondDot + 1);

  const header =
    headerSegment === STANDARD_HEADER_SEGMENT
      ? STANDARD_HEADER
      : checkHeader(decodeJsonObject(headerSegment, 'header', text));
  const claims = decodeJsonObject(claimsSegment, 'claims', text) as TokenClaims;
  checkClaimTypes(claims);
  checkSegment(signature, 'signature');

  return { header, claims, signingInput: token.slice(0, secondDot), signature };
}

function decodeJsonObject(segment: string, name: SegmentName, text: TextCodec): Record<string, unknown> {
  checkSegment(segment, name);
  let json: string | undefined;
  let value: unknown;
  try {
    json = text.decode(segment);
    value = JSON.parse(json);
  } catch (cause) {
    // `json` is unset when the bytes are not UTF-8, and then there is no text to show.
    throw new AuthTokenError(
      'ERR_TOKEN_JSON',
      `token ${name} segment ${quote(segment)} is not UTF-8 JSON${json === undefined ? '' : `: ${quote(json)}`}`,
      { cause },
    );
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw mustBe('ERR_TOKEN_NOT_OBJECT', `token ${name}`, 'a JSON object', describe(value));
  }
  return value as Record<string, unknown>;
}

/** Accepts only HS256 with an optional `typ` of JWT, the header RFC 7515 Appendix A.1 also uses. */
function checkHeader(header: Record<string, unknown>): TokenHeader {
  const alg = header['alg'];
  if (alg !== 'HS256') {
    throw mustBe('ERR_ALG_UNSUPPORTED', 'token header "alg"', '"HS256"', describe(alg));
  }
  const typ = header['typ'];
  if (typ !== undefined && (typeof typ !== 'string' || typ.toUpperCase() !== 'JWT')) {
    throw mustBe('ERR_TOKEN_HEADER', 'token header "typ"', '"JWT" or absent', describe(typ));
  }
  // RFC 7515 section 4.1.11: a recipient that does not understand a listed extension must
  // reject the token, and this suite understands none.
  if (header['crit'] !== undefined) {
    throw new AuthTokenError('ERR_TOKEN_HEADER', 'token header has "crit" extensions, which are not supported');
  }
  return header as TokenHeader;
}
