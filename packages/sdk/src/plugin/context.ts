/** What the host (server or CLI) gives a plugin factory. */

/** Structured logging for plugins; the host decides where it goes. Never throws. */
export interface PluginLogger {
  debug(message: string, fields?: Readonly<Record<string, unknown>>): void;
  info(message: string, fields?: Readonly<Record<string, unknown>>): void;
  warn(message: string, fields?: Readonly<Record<string, unknown>>): void;
  error(message: string, fields?: Readonly<Record<string, unknown>>): void;
}

export interface PluginContext {
  readonly logger: PluginLogger;
  /** A directory the plugin may keep state in (created by the host, survives restarts). */
  readonly dataDir?: string;
  /**
   * Aborted when the host shuts down: long-running work the plugin started on its own (timers,
   * polling, open connections) should end then. Absent in hosts that never stop (tests).
   */
  readonly signal?: AbortSignal;
}

/** A logger that drops everything; the default when a host passes none (tests). */
export const silentLogger: PluginLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
