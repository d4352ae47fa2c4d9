/** Failure in how the command was called: exit code 2 and a pointer to --help. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const HELP = `Usage: authtoken <command> [options]

Mint, refresh, decode and verify HS256 auth tokens for a key/secret credential.

Commands:
  generate   Mint a token:        authtoken generate --key KEY [--ttl 3600] [--aud A] [--claim k=v]
  refresh    Re-mint a token:     authtoken refresh TOKEN
  decode     Show header, claims: authtoken decode TOKEN
  verify     Check a token:       authtoken verify TOKEN
  demo       Mint a token from a sample key and secret and show its claims

TOKEN may be "-" to read the token from standard input.

The secret (generate and verify) is read, in this order, from:
  --secret-stdin            the first line of standard input
  --secret SECRET           the command line (visible in shell history and process lists)
  AUTHTOKEN_SECRET          the environment
The key of generate may also come from AUTHTOKEN_KEY.

Options of generate:
  --key KEY                 credential key, becomes the "iss" claim
  --ttl SECONDS             lifetime in seconds, 1 to 31536000 (default 3600)
  --aud AUDIENCE            "aud" claim; repeat for several audiences
  --sub SUBJECT             "sub" claim
  --jti ID                  "jti" claim
  --nbf SECONDS             "nbf" claim, seconds since the epoch
  --claim NAME=VALUE        custom claim with a string value; repeatable
  --claim-json NAME=JSON    custom claim with a JSON value, such as n=5 or tags='["a"]'
  --no-store                do not save the secret to the credential file (by default it is
                            saved there, mode 0600, so that refresh can find it later)

Options of refresh:
  --ttl SECONDS             lifetime of the new token (default: the old token's lifetime)

Options of verify:
  --audience AUDIENCE       expected audience; repeatable
  --issuer KEY              expected issuer (credential key); repeatable
  --subject SUBJECT         expected subject
  --clock-tolerance SECONDS tolerated clock difference, 0 to 3600 (default 0)

Common options:
  --store FILE              credential file for generate and refresh (default $AUTHTOKEN_STORE,
                            else $XDG_CONFIG_HOME/authtoken/credentials.json, else
                            ~/.config/authtoken/credentials.json)
  --json                    print results as JSON on stdout and errors as JSON on stderr;
                            verify prints {"valid":false,"error":{...}} on stdout instead
  -h, --help                show this help

Exit codes: 0 success, 1 invalid token or failed operation, 2 usage error.
`;
