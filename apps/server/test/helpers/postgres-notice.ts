/**
 * Vitest global setup: prints one line at the start of a run when the PostgreSQL variants of
 * the server tests are left out. Without it they would vanish from the results instead of
 * showing as skipped.
 */
export default function announcePostgresTargets(): void {
  const url = process.env['AUTHTOKEN_TEST_POSTGRES_URL'];
  if ((url === undefined || url === '') && process.env['CI'] !== 'true') {
    process.stderr.write(
      'server tests: PostgreSQL variants not run because AUTHTOKEN_TEST_POSTGRES_URL is unset; ' +
        'set it, for example to postgres://postgres@127.0.0.1:5432/test, to run them too\n',
    );
  }
}
