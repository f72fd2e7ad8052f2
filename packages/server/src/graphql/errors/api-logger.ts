/** Where the API layer reports what clients must not see (internal errors with their log id). */
export interface ApiLogger {
  error(message: string, fields: Readonly<Record<string, unknown>>): void;
  warn(message: string, fields: Readonly<Record<string, unknown>>): void;
}

/** One JSON line per entry on stderr: greppable by log id, parseable by log shippers. */
export const stderrApiLogger: ApiLogger = {
  error(message, fields) {
    process.stderr.write(
      `${JSON.stringify({ level: 'error', scope: 'graphql', message, ...fields })}\n`,
    );
  },
  warn(message, fields) {
    process.stderr.write(
      `${JSON.stringify({ level: 'warn', scope: 'graphql', message, ...fields })}\n`,
    );
  },
};
