/**
 * The gate of Redis-backed test files: the local Redis of the dev machine (127.0.0.1:6379, from
 * `scripts/ci/ensure-databases.sh`; `TEST_REDIS_URL` overrides).
 * ```ts
 * const redis = await requireRedis();
 * describe.skipIf(!redis.available)('...', () => { ... });
 * ```
 * With `CI=true` it THROWS when Redis does not answer, so the test file fails (CI must not pass
 * by skipping); otherwise it prints why on stderr and returns `{ available: false }`.
 */
import { Redis } from 'ioredis';

export const REDIS_URL = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379/0';

export type RedisGate = { available: true } | { available: false; reason: string };

export async function requireRedis(url: string = REDIS_URL): Promise<RedisGate> {
  const probe = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    connectTimeout: 2_000,
  });
  probe.on('error', () => undefined); // the connect() rejection below says it
  try {
    await probe.connect();
    const pong = await probe.ping();
    if (pong !== 'PONG') throw new Error(`PING answered ${pong}`);
    return { available: true };
  } catch (error) {
    const reason =
      `Redis at ${url} is not reachable: ${(error as Error).message} ` +
      '(start it: bash scripts/ci/ensure-databases.sh)';
    if (process.env['CI'] === 'true') throw new Error(`Redis required in CI: ${reason}`);
    process.stderr.write(`[redis tests skipped] ${reason}\n`);
    return { available: false, reason };
  } finally {
    probe.disconnect();
  }
}
