/**
 * Merges settings (flags > environment > file > defaults) into a validated {@link ServerConfig}.
 * Every problem is a UserError INVALID_CONFIG naming where the bad value came from.
 */
import { isAbsolute, join, resolve } from 'node:path';
import { parseDuration, parseMemory } from '@containerops/core';
import { configError } from './config-error.js';
import { envSettings, fileSettings, flagSettings } from './config-sources.js';
import type { RawSetting, RawSettings, SettingKey } from './config-sources.js';
import {
  DEFAULT_DATA_DIR,
  DEFAULT_HOST,
  DEFAULT_PORT,
  DEFAULT_RETENTION_INTERVAL_MS,
  DEFAULT_RETENTION_WORKSPACES_MS,
  DEFAULT_LEASE_TTL_MS,
  DEFAULT_SHUTDOWN_GRACE_MS,
  DEFAULT_JOB_LOG_LIMIT_BYTES,
} from './server-config.js';
import type {
  DatabaseConfig,
  PluginReference,
  ReplicaMode,
  ServerConfig,
  ServerConfigInput,
} from './server-config.js';

/** A plugin name (the host checks at start that one exists) or `auto`. */
const ORCHESTRATOR_NAME = /^[a-z0-9][a-z0-9-]*$/;
const PLUGIN_REFERENCE_KEYS = ['module', 'config', 'baseDir', 'where'];

export interface LoadConfigOptions {
  /** `--config FILE`; when absent, `./containerops.yaml` is read if it exists. */
  readonly file?: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly flags?: Readonly<Partial<Record<SettingKey, unknown>>>;
  /** Base for relative paths; default the process's working directory. */
  readonly cwd?: string;
}

/** Reads the file (if any), the environment and flags, and resolves them. */
export async function loadServerConfig(options: LoadConfigOptions = {}): Promise<ServerConfig> {
  const cwd = options.cwd ?? process.cwd();
  let file: RawSettings = {};
  if (options.file !== undefined) file = await fileSettings(resolve(cwd, options.file));
  else {
    const implicit = resolve(cwd, 'containerops.yaml');
    file = await fileSettings(implicit).catch((error: unknown) => {
      if (String((error as Error).message).includes('ENOENT')) return {};
      throw error;
    });
  }
  const merged: RawSettings = {
    ...file,
    ...envSettings(options.env ?? {}),
    ...flagSettings(options.flags ?? {}),
  };
  return resolveSettings(merged, cwd);
}

/** Resolves programmatic settings (tests, `startServer`): no file, no environment. */
export function resolveServerConfig(
  input: ServerConfigInput = {},
  cwd = process.cwd(),
): ServerConfig {
  const raw: RawSettings = {};
  const set = (key: SettingKey, value: unknown): void => {
    if (value !== undefined) raw[key] = { value, where: key, fromCode: true };
  };
  set('port', input.port);
  set('host', input.host);
  set('data', input.dataDir);
  set('database', input.database);
  set('logStore', input.logStorePath);
  set('orchestrator', input.orchestrator);
  set('orchestratorConfig', input.orchestratorConfig);
  set('retention.runs', input.retention?.runsMs);
  set('retention.interval', input.retention?.intervalMs);
  set('retention.workspaces', input.retention?.workspacesMs);
  set('plugins', input.plugins);
  set('publicUrl', input.publicUrl);
  set('web', input.webDir);
  set('secretKey', input.secretKey);
  set('shutdownGrace', input.shutdownGraceMs);
  set('replicas', input.replicas);
  set('redis', input.redisUrl);
  set('leaseTtl', input.leaseTtlMs);
  set('jobLogLimit', input.jobLogLimitBytes);
  const config = resolveSettings(raw, cwd);
  return input.announce === undefined ? config : { ...config, announce: input.announce };
}

function resolveSettings(raw: RawSettings, cwd: string): ServerConfig {
  const dataDir = resolve(cwd, text(raw.data) ?? DEFAULT_DATA_DIR);
  const database = databaseOf(raw.database, dataDir, cwd);
  const logStore = text(raw.logStore);
  const publicUrl = text(raw.publicUrl);
  const web = text(raw.web);
  const secretKey = text(raw.secretKey);
  const redisUrl = text(raw.redis);
  if (redisUrl !== undefined && !/^rediss?:\/\//.test(redisUrl))
    throw configError(
      (raw.redis as RawSetting).where,
      `expected a redis:// URL, got "${redisUrl}"`,
    );
  const runsMs = durationOf(raw['retention.runs']);
  if (publicUrl !== undefined) checkUrl(raw.publicUrl as RawSetting, publicUrl);
  if (secretKey !== undefined && Buffer.from(secretKey, 'base64').length !== 32) {
    throw configError(
      (raw.secretKey as RawSetting).where,
      'must be the base64 of exactly 32 bytes',
    );
  }
  return {
    port: portOf(raw.port),
    host: text(raw.host) ?? DEFAULT_HOST,
    dataDir,
    database,
    logStorePath: logStore === undefined ? join(dataDir, 'logs.db') : resolve(cwd, logStore),
    orchestrator: orchestratorOf(raw.orchestrator),
    ...objectOf(raw.orchestratorConfig),
    retention: {
      ...(runsMs === undefined ? {} : { runsMs }),
      intervalMs: durationOf(raw['retention.interval']) ?? DEFAULT_RETENTION_INTERVAL_MS,
      workspacesMs: durationOf(raw['retention.workspaces']) ?? DEFAULT_RETENTION_WORKSPACES_MS,
    },
    plugins: pluginsOf(raw.plugins, cwd),
    shutdownGraceMs: durationOf(raw.shutdownGrace) ?? DEFAULT_SHUTDOWN_GRACE_MS,
    replicas: replicasOf(raw.replicas),
    leaseTtlMs: durationOf(raw.leaseTtl) ?? DEFAULT_LEASE_TTL_MS,
    ...(redisUrl === undefined ? {} : { redisUrl }),
    jobLogLimitBytes: byteSizeOf(raw.jobLogLimit) ?? DEFAULT_JOB_LOG_LIMIT_BYTES,
    ...(publicUrl === undefined ? {} : { publicUrl: publicUrl.replace(/\/+$/, '') }),
    ...(web === undefined ? {} : { webDir: resolve(cwd, web) }),
    ...(secretKey === undefined ? {} : { secretKey }),
  };
}

function text(setting: RawSetting | undefined): string | undefined {
  if (setting === undefined || setting.value === null || setting.value === undefined)
    return undefined;
  if (typeof setting.value === 'string') return setting.value;
  if (typeof setting.value === 'number') return String(setting.value);
  throw configError(setting.where, `expected a string, got ${JSON.stringify(setting.value)}`);
}

function portOf(setting: RawSetting | undefined): number {
  if (setting === undefined) return DEFAULT_PORT;
  const { value } = setting;
  // Only numbers and digit strings: Number('') and Number(null) are 0 (any port), Number(true) 1.
  const port =
    typeof value === 'number' || (typeof value === 'string' && /^\d+$/.test(value.trim()))
      ? Number(value)
      : NaN;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw configError(
      setting.where,
      `port must be an integer from 0 to 65535 (0: any free port), got ${JSON.stringify(setting.value)}`,
    );
  }
  return port;
}

function orchestratorOf(setting: RawSetting | undefined): string {
  const value = text(setting) ?? 'auto';
  if (!ORCHESTRATOR_NAME.test(value)) {
    throw configError(
      (setting as RawSetting).where,
      `orchestrator "${value}" is not a plugin name ([a-z0-9-]); use auto, local, docker, ` +
        'swarm or the name of an orchestrator plugin loaded under plugins:',
    );
  }
  return value;
}

/** A size in bytes: a number (bytes) or `64Mi`, `1G`...; 0 is allowed (no limit). */
function byteSizeOf(setting: RawSetting | undefined): number | undefined {
  if (setting === undefined || setting.value === null || setting.value === undefined)
    return undefined;
  const { value } = setting;
  if (typeof value !== 'number' && typeof value !== 'string')
    throw configError(setting.where, `expected a size such as 64Mi, got ${JSON.stringify(value)}`);
  try {
    return parseMemory(value);
  } catch (error) {
    throw configError(setting.where, `${(error as Error).message}; 0 means no limit`);
  }
}

function replicasOf(setting: RawSetting | undefined): ReplicaMode {
  const value = text(setting) ?? 'one';
  if (value !== 'one' && value !== 'many') {
    throw configError(
      (setting as RawSetting).where,
      `replicas must be "one" or "many" (several servers on one PostgreSQL/MySQL database), got "${value}"`,
    );
  }
  return value;
}

/**
 * A duration: from code, ms; from a file, the environment or a flag, what workflow files accept
 * (`30d`, `1h30m`, or a plain number of seconds).
 */
function durationOf(setting: RawSetting | undefined): number | undefined {
  if (setting === undefined || setting.value === null || setting.value === undefined)
    return undefined;
  const { value } = setting;
  const invalid = (why: string): Error =>
    configError(
      setting.where,
      `invalid duration ${JSON.stringify(value)}: ${why}; e.g. 30d, 12h, 90m`,
    );
  let ms: number;
  if (setting.fromCode === true && typeof value === 'number') ms = value;
  else if (typeof value === 'number' || typeof value === 'string') {
    try {
      ms = parseDuration(value);
    } catch {
      throw invalid('use number+unit parts (ms, s, m, h, d) or seconds');
    }
  } else throw invalid('expected a string');
  if (!Number.isFinite(ms) || ms <= 0) throw invalid('must be more than 0');
  return ms;
}

/**
 * Plugins: a comma-separated string (environment), or a list of package names / paths and
 * `{ module, config }` maps. Relative paths (`./x`, `../x`) are resolved against `cwd`. In the
 * environment a JSON list (`[{"module": "...", "config": {...}}]`) gives plugins their config too,
 * for deployments configured by environment alone (containers, replicas).
 */
function pluginsOf(setting: RawSetting | undefined, cwd: string): readonly PluginReference[] {
  if (setting === undefined || setting.value === null || setting.value === undefined) return [];
  const where = setting.where;
  let value: unknown = setting.value;
  if (typeof value === 'string' && value.trimStart().startsWith('[')) {
    try {
      value = JSON.parse(value) as unknown;
    } catch (error) {
      throw configError(where, `not a valid JSON list: ${(error as Error).message}`);
    }
  }
  const bad = (index: number | undefined, why: string): Error =>
    configError(
      index === undefined ? where : `${where} (plugin ${index + 1})`,
      `${why}; expected a list of package names or paths, or { module: NAME, config: {...} }`,
    );
  const items: unknown[] =
    typeof value === 'string'
      ? value
          .split(',')
          .map((part) => part.trim())
          .filter(Boolean)
      : Array.isArray(value)
        ? value
        : [];
  if (typeof value !== 'string' && !Array.isArray(value)) throw bad(undefined, 'not a list');
  return items.map((item, index): PluginReference => {
    let module: unknown = item;
    let config: unknown;
    let baseDir = cwd;
    let itemWhere = Array.isArray(value) ? `${where} (plugin ${index + 1})` : where;
    if (typeof item === 'object' && item !== null && !Array.isArray(item)) {
      const map = item as Record<string, unknown>;
      // From code, a resolved PluginReference may come back (startServer re-resolves a config).
      const known = setting.fromCode === true ? PLUGIN_REFERENCE_KEYS : ['module', 'config'];
      const unknownKeys = Object.keys(map).filter((k) => !known.includes(k));
      if (unknownKeys.length > 0) throw bad(index, `unknown key ${unknownKeys.join(', ')}`);
      module = map['module'];
      config = map['config'];
      if (typeof map['baseDir'] === 'string') baseDir = map['baseDir'];
      if (typeof map['where'] === 'string') itemWhere = map['where'];
    }
    if (typeof module !== 'string' || module.trim() === '') throw bad(index, 'no module name');
    const name = module.trim();
    const isPath = name.startsWith('./') || name.startsWith('../') || isAbsolute(name);
    return {
      module: isPath ? resolve(cwd, name) : name,
      ...(config === undefined ? {} : { config }),
      baseDir,
      where: itemWhere,
    };
  });
}

function checkUrl(setting: RawSetting, value: string): void {
  try {
    const url = new URL(value);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http(s)');
  } catch {
    throw configError(setting.where, `expected an http(s) URL, got "${value}"`);
  }
}

/**
 * `sqlite:PATH`, a bare path (SQLite), `postgres://...`/`postgresql://...` or
 * `mysql://...`/`mariadb://...`; default SQLite `<data>/containerops.db`.
 */
function databaseOf(setting: RawSetting | undefined, dataDir: string, cwd: string): DatabaseConfig {
  const value = setting?.value;
  if (setting?.fromCode === true && typeof value === 'object' && value !== null && 'type' in value)
    return value as DatabaseConfig;
  const url = text(setting);
  if (url === undefined) return { type: 'sqlite', path: join(dataDir, 'containerops.db') };
  if (/^postgres(ql)?:\/\//.test(url)) return { type: 'postgres', url };
  if (/^(mysql|mariadb):\/\//.test(url))
    return { type: 'mysql', url: url.replace(/^mariadb:/, 'mysql:') };
  const path = url.startsWith('sqlite:')
    ? url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '')
    : url;
  if (/^[a-z]+:\/\//.test(path) || path === '') {
    throw configError(
      (setting as RawSetting).where,
      `unsupported database URL "${url}"; use sqlite:PATH, postgres://... or mysql://...`,
    );
  }
  return { type: 'sqlite', path: isAbsolute(path) ? path : resolve(cwd, path) };
}

/** A map, or its JSON text (environment variables). */
function objectOf(setting: RawSetting | undefined): {
  orchestratorConfig?: Record<string, unknown>;
} {
  if (setting === undefined || setting.value === null || setting.value === undefined) return {};
  let value: unknown = setting.value;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value) as unknown;
    } catch {
      throw configError(setting.where, 'expected a JSON object such as {"network":"none"}');
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw configError(setting.where, 'expected a map of orchestrator settings');
  }
  return { orchestratorConfig: value as Record<string, unknown> };
}
