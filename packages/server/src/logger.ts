/** The server's own log: one line per message on stderr. Never given secret values or tokens. */
export interface ServerLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string, error?: unknown): void;
}

export const consoleLogger: ServerLogger = {
  info: (m) => process.stderr.write(`${new Date().toISOString()} info ${m}\n`),
  warn: (m) => process.stderr.write(`${new Date().toISOString()} warn ${m}\n`),
  error: (m, e) =>
    process.stderr.write(
      `${new Date().toISOString()} error ${m}${e === undefined ? '' : `: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`}\n`,
    ),
};

export const silentServerLogger: ServerLogger = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
