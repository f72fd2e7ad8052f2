/**
 * The server's resolved configuration: what `containerops serve` and `startServer` run with, after
 * flags, environment, `containerops.yaml` and defaults were merged and validated
 * (see load-config.ts).
 */

/** Where the server's state lives. */
export type DatabaseConfig =
  | { readonly type: 'sqlite'; readonly path: string }
  | { readonly type: 'postgres' | 'mysql'; readonly url: string };

export interface RetentionConfig {
  /** Finished runs (with their events and log lines) older than this are pruned; undefined: kept. */
  readonly runsMs?: number;
  /** How often the pruning and SQLite maintenance run. */
  readonly intervalMs: number;
  /**
   * How long the workspace of a failed or cancelled run is kept for a re-run from its failed job
   * (it goes earlier when the run is pruned or re-run successfully).
   */
  readonly workspacesMs: number;
}

/**
 * How many server processes may share one PostgreSQL/MySQL database: `one` (the default: a
 * second process is refused at start) or `many` (replicas: each run is claimed by one replica with
 * a lease in the database, renewed by heartbeat; the runs of a replica that stopped renewing are
 * taken over by another, which re-attaches their running jobs; live events, cache invalidations
 * and run control cross replicas through Redis, `redisUrl`). SQLite is always `one`: `many` on
 * SQLite is refused at start.
 */
export type ReplicaMode = 'one' | 'many';

/** A plugin named in the config: an npm package name or a path, and its settings. */
export interface PluginReference {
  /** An npm package name (resolved from `baseDir`'s node_modules) or an absolute path. */
  readonly module: string;
  /** Checked against the plugin's config schema at start. */
  readonly config?: unknown;
  /** Where package names are resolved from (the server's working directory). */
  readonly baseDir: string;
  /** Where it was named (`containerops.yaml:7:5`), for error messages. */
  readonly where: string;
}

export interface ServerConfig {
  readonly port: number;
  /** Address to listen on; default loopback ({@link DEFAULT_HOST}); `0.0.0.0` exposes it. */
  readonly host: string;
  /** Absolute directory for SQLite files, the secret key, local workspaces. */
  readonly dataDir: string;
  readonly database: DatabaseConfig;
  /** SQLite file of the job log store. */
  readonly logStorePath: string;
  /**
   * Which orchestrator new runs use: the name of any orchestrator plugin the server knows
   * (built-in `local`, `docker`, `swarm`, or one loaded from {@link plugins}), or `auto`: docker
   * when its socket answers, else local. The one way to choose; an unknown name stops the start.
   */
  readonly orchestrator: string;
  /**
   * Settings of a built-in orchestrator (its config schema checks them), e.g. `{ network: none }`;
   * a plugin loaded from {@link plugins} takes its settings from its own `config`.
   */
  readonly orchestratorConfig?: Readonly<Record<string, unknown>>;
  readonly retention: RetentionConfig;
  /**
   * Third-party plugins to load at start, beside the built-ins (one named like a built-in takes
   * its place, with its `config`). Loading an orchestrator does not select it: `orchestrator:`
   * does. A loaded log store replaces the built-in SQLite one. A broken plugin stops the start
   * with a message naming it.
   */
  readonly plugins: readonly PluginReference[];
  /** The base URL clients reach this server under (service-job callbacks); default from host:port. */
  readonly publicUrl?: string;
  /** Directory of the built dashboard (`web/dist`); undefined: the server looks for it. */
  readonly webDir?: string;
  /** base64 of 32 bytes; default: `<data>/secret.key` (generated on first start, mode 0600). */
  readonly secretKey?: string;
  /**
   * On SIGTERM/SIGINT, how long running local jobs may take to finish before they are stopped
   * (see lifecycle/graceful-shutdown.ts). Default {@link DEFAULT_SHUTDOWN_GRACE_MS}.
   */
  readonly shutdownGraceMs: number;
  /** See {@link ReplicaMode}. Default `one`. */
  readonly replicas: ReplicaMode;
  /**
   * `redis://host:6379/0`: with `replicas: many`, live events, cache invalidations and run
   * control (cancel, approve) cross replicas through its pub/sub. Required with `many`.
   */
  readonly redisUrl?: string;
  /**
   * With `replicas: many`, how long a replica's claim on a run lasts without a heartbeat: a
   * replica that died has its runs taken over by another after at most this long. Default
   * {@link DEFAULT_LEASE_TTL_MS}.
   */
  readonly leaseTtlMs: number;
  /**
   * Most bytes of log text stored per job attempt (`jobLogLimit: 64Mi`); a longer log ends with a
   * "log truncated at N bytes" line and the job is marked `logTruncated` (its status is left to
   * its exit). 0: no limit. Default {@link DEFAULT_JOB_LOG_LIMIT_BYTES}.
   */
  readonly jobLogLimitBytes: number;
  /** Where the first-start admin token is printed; default stdout. */
  readonly announce?: (text: string) => void;
}

/** What callers may set; everything else gets its default. */
export type ServerConfigInput = Partial<
  Omit<ServerConfig, 'retention' | 'database' | 'plugins'>
> & {
  readonly database?: DatabaseConfig | string;
  readonly retention?: Partial<RetentionConfig>;
  /** Package names or paths, or `{ module, config }` (paths relative to the working directory). */
  readonly plugins?: readonly (
    string | { readonly module: string; readonly config?: unknown; readonly baseDir?: string }
  )[];
};

export const DEFAULT_PORT = 8080;
/** Loopback: a fresh install is not reachable from the network until the operator says so. */
export const DEFAULT_HOST = '127.0.0.1';
/** Running local jobs get 30 s to finish on shutdown. */
export const DEFAULT_SHUTDOWN_GRACE_MS = 30_000;
/** See {@link ServerConfig.leaseTtlMs}. */
export const DEFAULT_LEASE_TTL_MS = 15_000;
/** Per job attempt: one runaway job must not fill the disk (a flood reached 433 MB with no limit). */
export const DEFAULT_JOB_LOG_LIMIT_BYTES = 64 * 1024 * 1024;
export const DEFAULT_DATA_DIR = './data';
/** Retention runs every 10 minutes by default. */
export const DEFAULT_RETENTION_INTERVAL_MS = 10 * 60_000;
/** Workspaces of failed runs are kept a day for a re-run from the failed job. */
export const DEFAULT_RETENTION_WORKSPACES_MS = 24 * 60 * 60_000;
