import { isAuthTokenError, type AuthTokenErrorCode } from '@authtoken/core';
import { runDecode, runDemo, runGenerate, runRefresh, runVerify, type CommandResult } from './commands.js';
import { processEnvironment, type CliEnvironment } from './inputs.js';
import { HELP, UsageError } from './usage.js';

/** Exit codes of the CLI. */
export const EXIT_OK = 0;
export const EXIT_INVALID = 1;
export const EXIT_USAGE = 2;

// Codes caused by how the command was called rather than by the token or the store.
const USAGE_CODES: ReadonlySet<AuthTokenErrorCode> = new Set([
  'ERR_INVALID_KEY',
  'ERR_INVALID_SECRET',
  'ERR_INVALID_OPTION',
  'ERR_RESERVED_CLAIM',
  'ERR_INVALID_CLAIM_VALUE',
]);

const COMMANDS: Record<string, (args: string[], environment: CliEnvironment) => CommandResult> = {
  generate: runGenerate,
  refresh: runRefresh,
  decode: runDecode,
  verify: runVerify,
  demo: runDemo,
};

/** Output streams of a run, so tests can capture them. */
export interface CliOutput {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

/** Runs the CLI with `argv` (without the node and script paths) and returns its exit code. */
export function runCli(argv: string[], output: CliOutput, environment: CliEnvironment = processEnvironment): number {
  const [command, ...args] = argv;
  const json = args.includes('--json');

  if (command === undefined) {
    output.stderr(HELP);
    return EXIT_USAGE;
  }
  if (command === '--help' || command === '-h' || command === 'help') {
    output.stdout(HELP);
    return EXIT_OK;
  }
  if (args.includes('--help') || args.includes('-h')) {
    output.stdout(HELP);
    return EXIT_OK;
  }

  const handler = COMMANDS[command];
  try {
    if (handler === undefined) {
      throw new UsageError(
        `unknown command ${JSON.stringify(command)}; the commands are ${Object.keys(COMMANDS).join(', ')}`,
      );
    }
    if (args.includes('--secret')) {
      output.stderr(
        'authtoken: warning: --secret puts the secret in shell history and process lists; prefer AUTHTOKEN_SECRET or --secret-stdin\n',
      );
    }
    const result = handler(args, environment);
    if (result.notice !== undefined) output.stderr(`authtoken: ${result.notice}\n`);
    output.stdout(`${json ? JSON.stringify(result.json) : result.text}\n`);
    return EXIT_OK;
  } catch (error) {
    return reportError(error, { json, verify: command === 'verify' }, output);
  }
}

/**
 * Prints an error. Under --json it is a JSON object on stderr, except for verify, which prints
 * `{"valid":false,"error":…}` on stdout so a pipe receives a result either way.
 */
function reportError(error: unknown, mode: { json: boolean; verify: boolean }, output: CliOutput): number {
  let code: string;
  let exitCode: number;
  let message: string;
  if (isAuthTokenError(error)) {
    code = error.code;
    exitCode = USAGE_CODES.has(error.code) ? EXIT_USAGE : EXIT_INVALID;
    message = inCliTerms(error.code, error.message);
  } else if (error instanceof UsageError) {
    code = 'ERR_USAGE';
    exitCode = EXIT_USAGE;
    message = error.message;
  } else if (isParseArgsError(error)) {
    code = 'ERR_USAGE';
    exitCode = EXIT_USAGE;
    message = parseArgsMessage(error as Error);
  } else {
    throw error;
  }
  if (mode.json && mode.verify) {
    output.stdout(`${JSON.stringify({ valid: false, error: { code, message } })}\n`);
  } else if (mode.json) {
    output.stderr(`${JSON.stringify({ error: { code, message } })}\n`);
  } else {
    const hint = exitCode === EXIT_USAGE ? '\nRun "authtoken --help" for usage.' : '';
    output.stderr(`authtoken: ${message} [${code}]${hint}\n`);
  }
  return exitCode;
}

// Library option names, as core's messages use them, and the CLI flags that set them.
const FLAGS: Record<string, string> = {
  ttl: '--ttl',
  nbf: '--nbf',
  aud: '--aud',
  sub: '--sub',
  jti: '--jti',
  clockTolerance: '--clock-tolerance',
  audience: '--audience',
  issuer: '--issuer',
  subject: '--subject',
};

/** Rewords a library message in the CLI's own terms: flags for options, commands for calls. */
function inCliTerms(code: AuthTokenErrorCode, message: string): string {
  const reworded = message.replace(/^option (\w+)/u, (whole, name: string) => FLAGS[name] ?? whole);
  switch (code) {
    case 'ERR_TOKEN_EXPIRED':
      return `${reworded.split(';')[0]}; run "authtoken refresh TOKEN" for a new one`;
    case 'ERR_RESERVED_CLAIM':
      return `${reworded.split(';')[0]}; set registered claims with --key, --ttl, --aud, --sub, --jti or --nbf`;
    default:
      return reworded;
  }
}

/** Replaces node:util parseArgs messages, which suggest JavaScript syntax, with CLI wording. */
function parseArgsMessage(error: Error): string {
  const option = /'(-{1,2}[^' ]+)/u.exec(error.message)?.[1] ?? 'an option';
  switch ((error as { code?: string }).code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option ${option}`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return `option ${option} needs a value, as in ${option} VALUE (a value that starts with "-" is not accepted)`;
    default:
      return error.message;
  }
}

function isParseArgsError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_');
}
