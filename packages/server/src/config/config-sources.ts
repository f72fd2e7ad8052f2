/**
 * Raw settings from one source (flags, environment, `containerops.yaml`), each remembering where
 * it came from so a bad value is reported as `--port`, `CONTAINEROPS_PORT` or
 * `containerops.yaml:3:7`.
 */
import { readFile } from 'node:fs/promises';
import { isMap, isScalar, LineCounter, parseDocument } from 'yaml';
import type { Node, YAMLMap } from 'yaml';
import { configError } from './config-error.js';

/** The keys a source may set. */
export const SETTING_KEYS = [
  'port',
  'host',
  'data',
  'database',
  'logStore',
  'orchestrator',
  'orchestratorConfig',
  'retention.runs',
  'retention.interval',
  'retention.workspaces',
  'plugins',
  'publicUrl',
  'web',
  'secretKey',
  'shutdownGrace',
  'replicas',
  'redis',
  'leaseTtl',
  'jobLogLimit',
] as const;
export type SettingKey = (typeof SETTING_KEYS)[number];

export interface RawSetting {
  readonly value: unknown;
  /** Human-readable origin, used in error messages. */
  readonly where: string;
  /**
   * Set by code (`startServer({...})`), not by a user-edited source: durations are then ms
   * numbers and `database` may be a `DatabaseConfig` object.
   */
  readonly fromCode?: boolean;
}

export type RawSettings = Partial<Record<SettingKey, RawSetting>>;

/** Environment variables and the setting each one sets. */
export const ENV_SETTINGS: Readonly<Record<string, SettingKey>> = {
  // The platform convention (Heroku, Cloud Run, many PaaS): weaker than CONTAINEROPS_PORT, which
  // comes later in this list and so wins when both are set.
  PORT: 'port',
  CONTAINEROPS_PORT: 'port',
  CONTAINEROPS_HOST: 'host',
  CONTAINEROPS_DATA: 'data',
  CONTAINEROPS_DATABASE_URL: 'database',
  CONTAINEROPS_LOG_STORE: 'logStore',
  CONTAINEROPS_ORCHESTRATOR: 'orchestrator',
  CONTAINEROPS_ORCHESTRATOR_CONFIG: 'orchestratorConfig',
  CONTAINEROPS_RETENTION_RUNS: 'retention.runs',
  CONTAINEROPS_RETENTION_INTERVAL: 'retention.interval',
  CONTAINEROPS_RETENTION_WORKSPACES: 'retention.workspaces',
  CONTAINEROPS_PLUGINS: 'plugins',
  CONTAINEROPS_PUBLIC_URL: 'publicUrl',
  CONTAINEROPS_WEB_DIR: 'web',
  CONTAINEROPS_SECRET_KEY: 'secretKey',
  CONTAINEROPS_SHUTDOWN_GRACE: 'shutdownGrace',
  CONTAINEROPS_REPLICAS: 'replicas',
  CONTAINEROPS_REDIS_URL: 'redis',
  CONTAINEROPS_LEASE_TTL: 'leaseTtl',
  CONTAINEROPS_JOB_LOG_LIMIT: 'jobLogLimit',
};

export function envSettings(env: Readonly<Record<string, string | undefined>>): RawSettings {
  const out: RawSettings = {};
  for (const [name, key] of Object.entries(ENV_SETTINGS)) {
    const value = env[name];
    if (value !== undefined && value !== '') out[key] = { value, where: name };
  }
  return out;
}

/** Flag values as parsed by the CLI (`--port 9000` → `{ port: '9000' }`). */
export function flagSettings(flags: Readonly<Partial<Record<SettingKey, unknown>>>): RawSettings {
  const out: RawSettings = {};
  for (const key of SETTING_KEYS) {
    const value = flags[key];
    if (value !== undefined) out[key] = { value, where: `--${flagName(key)}` };
  }
  return out;
}

/** The command-line spelling of a setting: `shutdownGrace` → `shutdown-grace`. */
function flagName(key: SettingKey): string {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/**
 * Reads `containerops.yaml`. Nested `retention: { runs, interval, workspaces }` maps to `retention.*`;
 * unknown keys are errors (a typo must not be silently ignored).
 *
 * @throws UserError INVALID_CONFIG with `file:line:col` for syntax errors and unknown keys.
 */
export async function fileSettings(path: string): Promise<RawSettings> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw configError(path, `cannot read the config file (${(error as Error).message})`);
  }
  return parseConfigFile(path, text);
}

export function parseConfigFile(path: string, text: string): RawSettings {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const at = (node: Node | null | undefined): string => {
    const offset = node?.range?.[0];
    if (offset === undefined) return path;
    const pos = lines.linePos(offset);
    return `${path}:${pos.line}:${pos.col}`;
  };
  const firstError = doc.errors[0];
  if (firstError !== undefined) {
    const pos = lines.linePos(firstError.pos[0]);
    throw configError(`${path}:${pos.line}:${pos.col}`, firstError.message.split('\n')[0] ?? '');
  }
  const out: RawSettings = {};
  if (doc.contents === null) return out;
  if (!isMap(doc.contents)) throw configError(at(doc.contents), 'expected a map of settings');
  const visit = (map: YAMLMap, prefix: string): void => {
    for (const pair of map.items) {
      const keyNode = pair.key as Node | null;
      const name = `${prefix}${String(isScalar(keyNode) ? keyNode.value : keyNode)}`;
      const valueNode = pair.value as Node | null;
      if (name === 'retention') {
        if (!isMap(valueNode)) {
          throw configError(
            at(valueNode ?? keyNode),
            'expected a map such as { runs: 30d, interval: 10m, workspaces: 24h }',
          );
        }
        visit(valueNode, 'retention.');
        continue;
      }
      if (!(SETTING_KEYS as readonly string[]).includes(name)) {
        throw configError(
          at(keyNode),
          `unknown setting "${name}"; known: ${SETTING_KEYS.join(', ')}`,
        );
      }
      const value: unknown = valueNode === null ? null : (valueNode.toJSON() as unknown);
      out[name as SettingKey] = { value, where: at(valueNode ?? keyNode) };
    }
  };
  visit(doc.contents, '');
  return out;
}
