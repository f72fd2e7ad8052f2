/**
 * One-time callback URLs and tokens for async service jobs, independent of any HTTP server: a
 * host gives it a base URL and forwards each `POST <base>/<id>` to {@link CallbackRegistry.deliver}.
 */
import {
  CallbackCode,
  MAX_CALLBACK_BODY_BYTES,
  parseCallbackPayload,
} from './service-callbacks.js';
import type {
  CallbackDelivery,
  CallbackPayload,
  CallbackRefusal,
  CallbackRegistration,
  RegisterOptions,
  ServiceCallbacks,
} from './service-callbacks.js';

export interface CallbackRegistryOptions {
  /** Prefix of every callback URL, e.g. `http://127.0.0.1:4567/callbacks` (no trailing slash needed). */
  readonly baseUrl: string;
  /** Ended registrations remembered, so their late callbacks get `CALLBACK_EXPIRED` (default 10 000). */
  readonly keepEnded?: number;
  /** Refusals nobody is waiting for (unknown id, after the job ended): the host records them. */
  readonly onRefused?: (refusal: CallbackRefusal) => void;
  /** Random hex of `bytes` bytes; tests may replace it. Default: `crypto.getRandomValues`. */
  readonly randomHex?: (bytes: number) => string;
}

type State = 'waiting' | 'delivered' | 'ended';

interface Entry {
  readonly jobId: string;
  readonly token: string;
  state: State;
  resolve: (payload: CallbackPayload) => void;
  onRefused: ((refusal: CallbackRefusal) => void) | undefined;
}

/**
 * Implements {@link ServiceCallbacks}. Each registration gets a random id (128 bits, the last
 * URL segment) and token (256 bits). A callback is accepted once: the first valid delivery with
 * the right token resolves the registration's `result`; after that a delivery is refused as
 * `CALLBACK_ALREADY_USED` (409), after `dispose` as `CALLBACK_EXPIRED` (410). A wrong or missing
 * token is `CALLBACK_TOKEN_INVALID` (403) whatever the state, so the state is not revealed to a
 * caller without the token; tokens are compared in constant time. A bad body is
 * `CALLBACK_INVALID_BODY` (400) or `CALLBACK_TOO_LARGE` (413) and does not use up the callback.
 * An unknown id is `CALLBACK_NOT_FOUND` (404). Synchronous; all methods are safe at any time.
 */
export class CallbackRegistry implements ServiceCallbacks {
  private readonly entries = new Map<string, Entry>();
  /** Ended ids in the order they ended, to forget the oldest beyond `keepEnded`. */
  private readonly ended: string[] = [];
  private readonly baseUrl: string;
  private readonly keepEnded: number;
  private readonly onRefused: ((refusal: CallbackRefusal) => void) | undefined;
  private readonly randomHex: (bytes: number) => string;

  constructor(options: CallbackRegistryOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.keepEnded = options.keepEnded ?? 10_000;
    this.onRefused = options.onRefused;
    this.randomHex = options.randomHex ?? randomHex;
  }

  /** Registrations still waiting for their callback. */
  get waiting(): number {
    let n = 0;
    for (const e of this.entries.values()) if (e.state === 'waiting') n++;
    return n;
  }

  register(jobId: string, options: RegisterOptions = {}): CallbackRegistration {
    let id = this.randomHex(16);
    while (this.entries.has(id)) id = this.randomHex(16);
    const token = this.randomHex(32);
    let resolve: (payload: CallbackPayload) => void = () => undefined;
    const result = new Promise<CallbackPayload>((r) => {
      resolve = r;
    });
    const entry: Entry = { jobId, token, state: 'waiting', resolve, onRefused: options.onRefused };
    this.entries.set(id, entry);
    return {
      url: `${this.baseUrl}/${id}`,
      token,
      result,
      dispose: () => this.end(id, entry),
    };
  }

  /**
   * Hands over one callback: `token` as the caller sent it (see `callbackTokenFromHeaders`),
   * `body` the request body as text. Returns what to answer; never throws.
   */
  deliver(id: string, token: string | undefined, body: string): CallbackDelivery {
    const entry = this.entries.get(id);
    if (entry === undefined) {
      return this.refuse(id, undefined, 404, CallbackCode.notFound, 'no such callback');
    }
    if (token === undefined || !sameToken(token, entry.token)) {
      return this.refuse(
        id,
        entry,
        403,
        CallbackCode.tokenInvalid,
        'wrong or missing callback token',
      );
    }
    if (entry.state === 'delivered') {
      return this.refuse(
        id,
        entry,
        409,
        CallbackCode.alreadyUsed,
        'the callback was already used: only the first one counts',
      );
    }
    if (entry.state === 'ended') {
      return this.refuse(id, entry, 410, CallbackCode.expired, 'the job is no longer waiting');
    }
    if (body.length > MAX_CALLBACK_BODY_BYTES) {
      return this.refuse(
        id,
        entry,
        413,
        CallbackCode.tooLarge,
        `the body is over ${MAX_CALLBACK_BODY_BYTES} bytes`,
      );
    }
    const parsed = parseCallbackPayload(body);
    if ('error' in parsed) {
      return this.refuse(id, entry, 400, CallbackCode.invalidBody, parsed.error);
    }
    entry.state = 'delivered';
    entry.resolve(parsed.payload);
    return { status: 200, code: CallbackCode.accepted, message: 'accepted' };
  }

  private end(id: string, entry: Entry): void {
    if (entry.state === 'ended') return;
    entry.state = 'ended';
    entry.onRefused = undefined;
    entry.resolve = () => undefined;
    this.ended.push(id);
    while (this.ended.length > this.keepEnded) {
      const oldest = this.ended.shift();
      if (oldest !== undefined) this.entries.delete(oldest);
    }
  }

  private refuse(
    id: string,
    entry: Entry | undefined,
    status: number,
    code: CallbackCode,
    message: string,
  ): CallbackDelivery {
    const delivery: CallbackDelivery = { status, code, message };
    const refusal: CallbackRefusal = {
      ...delivery,
      id,
      ...(entry === undefined ? {} : { jobId: entry.jobId }),
    };
    const listener = entry?.onRefused ?? this.onRefused;
    try {
      listener?.(refusal);
    } catch {
      // A listener's failure must not change the answer to the caller.
    }
    return delivery;
  }
}

/**
 * Constant-time string comparison: the time depends on the lengths only, never on where the
 * strings differ, so a caller cannot guess a token character by character.
 */
export function sameToken(given: string, expected: string): boolean {
  let diff = given.length ^ expected.length;
  const n = Math.max(given.length, expected.length, 1);
  for (let i = 0; i < n; i++) {
    const a = given.length === 0 ? 0 : given.charCodeAt(i % given.length);
    const b = expected.length === 0 ? 0 : expected.charCodeAt(i % expected.length);
    diff |= a ^ b;
  }
  return diff === 0;
}

function randomHex(bytes: number): string {
  const buf = new Uint8Array(bytes);
  globalThis.crypto.getRandomValues(buf);
  let out = '';
  for (const b of buf) out += b.toString(16).padStart(2, '0');
  return out;
}
