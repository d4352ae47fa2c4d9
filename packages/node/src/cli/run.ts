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

  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    output.stdout(HELP);
    return command === undefined ? EXIT_USAGE : EXIT_OK;
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
    output.stdout(`${json ? JSON.stringify(result.json) : result.text}\n`);
    return EXIT_OK;
  } catch (error) {
    return reportError(error, json, output);
  }
}

function reportError(error: unknown, json: boolean, output: CliOutput): number {
  let code: string;
  let exitCode: number;
  if (isAuthTokenError(error)) {
    code = error.code;
    exitCode = USAGE_CODES.has(error.code) ? EXIT_USAGE : EXIT_INVALID;
  } else if (error instanceof UsageError || isParseArgsError(error)) {
    code = 'ERR_USAGE';
    exitCode = EXIT_USAGE;
  } else {
    throw error;
  }
  const message = (error as Error).message;
  if (json) {
    output.stderr(`${JSON.stringify({ error: { code, message } })}\n`);
  } else {
    const hint = exitCode === EXIT_USAGE ? '\nRun "authtoken --help" for usage.' : '';
    output.stderr(`authtoken: ${message} [${code}]${hint}\n`);
  }
  return exitCode;
}

function isParseArgsError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_');
}
