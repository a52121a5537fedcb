/**
 * Duplicate suppression for webhook events (docs/api-notes.md §2.8: Q2 may deliver an event more than once, each
 * with its `_id`). One operation: `claim(id)` → `first` | `duplicate`, made before the webhook answers 2xx.
 *
 * - `memory`: claims with an expiry in insertion order (a Map). The window is fixed, so the oldest claim expires
 *   first: pruning walks from the front and stops at the first live one. Each claim costs the same whatever the
 *   number of ids held, and memory holds only the ids of one window. Per Node-RED instance.
 * - `context`: the same claims, each also written to node context under its own key (a hash of the id), so they
 *   follow the user's context store (survive a restart with a persistent store). Per instance: Node-RED's context
 *   has no set-if-absent, so two instances sharing a context store cannot claim atomically.
 * - `redis`: `SET <namespace>:<id> 1 NX PX <window>` — atomic across every instance using the same Redis and
 *   namespace.
 *
 * Every store call is bounded by a timeout; a store that fails or does not answer makes `claim` reject with a
 * DedupeUnavailable, and the node applies its failure policy.
 */
import crypto from 'node:crypto';
import { createClient } from '@redis/client';

export type Claim = 'first' | 'duplicate';
export type DedupeStoreKind = 'memory' | 'context' | 'redis';

export interface DedupeStore {
  readonly kind: DedupeStoreKind;
  claim(id: string): Promise<Claim>;
  /** A claim whose event could not be handled (refused with 503): forget it so the redelivery is taken. */
  release(id: string): Promise<void>;
  close(): Promise<void>;
}

/** The store failed or did not answer in time; `reason` names the kind of failure, never a key or an id. */
export class DedupeUnavailable extends Error {
  constructor(readonly reason: string) {
    super(`duplicate check unavailable: ${reason}`);
    this.name = 'DedupeUnavailable';
  }
}

/** Rejects with DedupeUnavailable when `work` does not settle within `ms`; its own failure is one too. */
export function bounded<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new DedupeUnavailable(`${what}: no answer within ${ms} ms`)), ms);
    work.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (err: unknown) => {
        clearTimeout(timer);
        reject(err instanceof DedupeUnavailable ? err : new DedupeUnavailable(`${what}: ${errorKind(err)}`));
      },
    );
  });
}

function errorKind(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as NodeJS.ErrnoException).code;
    return code ? `${err.name} ${code}` : err.name;
  }
  return typeof err;
}

/**
 * Claims with expiry, oldest first. `now` is a clock in ms; claims live `windowMs` from their first sighting
 * (a duplicate does not extend them).
 */
export class ExpiringClaims {
  private readonly expiries = new Map<string, number>();

  constructor(
    readonly windowMs: number,
    private readonly now: () => number = () => performance.now(),
    /** told of each claim pruned (the context store deletes its key) */
    private readonly onExpire?: (key: string) => void,
  ) {}

  get size(): number {
    return this.expiries.size;
  }

  /**
   * Removes expired claims from the front. At most `limit` per call, so one claim never pays for a long pause:
   * each claim prunes up to 64, more than it adds, so the expired ones are gone within a few events.
   */
  prune(limit = 64): void {
    const now = this.now();
    let pruned = 0;
    for (const [key, expires] of this.expiries) {
      if (expires > now || pruned >= limit) break;
      this.expiries.delete(key);
      pruned += 1;
      this.onExpire?.(key);
    }
  }

  claim(key: string): Claim {
    this.prune();
    if (this.expiries.has(key)) return 'duplicate';
    this.expiries.set(key, this.now() + this.windowMs);
    return 'first';
  }

  /** Adds a claim that expires at `expires` (loading a store); claims must be loaded oldest first. */
  restore(key: string, expires: number): void {
    this.expiries.set(key, expires);
  }

  release(key: string): void {
    this.expiries.delete(key);
  }
}

export class MemoryDedupe implements DedupeStore {
  readonly kind = 'memory';
  readonly claims: ExpiringClaims;

  constructor(windowMs: number, now?: () => number) {
    this.claims = new ExpiringClaims(windowMs, now);
  }

  claim(id: string): Promise<Claim> {
    return Promise.resolve(this.claims.claim(id));
  }

  release(id: string): Promise<void> {
    this.claims.release(id);
    return Promise.resolve();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

/** The callback half of Node-RED's context API that the context store uses. */
export interface ContextLike {
  get(key: string, callback: (err: Error | undefined, value: unknown) => void): void;
  set(key: string, value: unknown, callback: (err?: Error) => void): void;
  keys(callback: (err: Error | undefined, keys: string[]) => void): void;
}

const CONTEXT_PREFIX = 'q2dedupe_';

/** A context key for an id: a hash, so that ids with `.` or `[` are not read as property paths. */
function contextKey(id: string): string {
  return CONTEXT_PREFIX + crypto.createHash('sha256').update(id).digest('base64url').slice(0, 32);
}

export class ContextDedupe implements DedupeStore {
  readonly kind = 'context';
  private readonly claims: ExpiringClaims;
  private readonly loaded: Promise<void>;

  constructor(
    private readonly context: ContextLike,
    windowMs: number,
    private readonly timeoutMs: number,
    /** store errors outside a claim (pruning old keys): reported, never thrown */
    private readonly onError: (err: DedupeUnavailable) => void,
  ) {
    // wall-clock time: the expiries are stored and read back after a restart
    this.claims = new ExpiringClaims(windowMs, Date.now, (key) => this.forget(key));
    this.loaded = this.load();
    this.loaded.catch(() => undefined);
  }

  private call<T>(what: string, work: (done: (err: Error | undefined, value: T) => void) => void): Promise<T> {
    return bounded(
      new Promise<T>((resolve, reject) => {
        work((err, value) => (err ? reject(err) : resolve(value)));
      }),
      this.timeoutMs,
      `context ${what}`,
    );
  }

  /** Claims stored before a restart: live ones are taken back (oldest first), expired ones deleted. */
  private async load(): Promise<void> {
    const keys = (await this.call<string[]>('keys', (done) => this.context.keys(done))).filter((k) => k.startsWith(CONTEXT_PREFIX));
    const live: Array<[string, number]> = [];
    const now = Date.now();
    for (const key of keys) {
      const expires = await this.call<unknown>('get', (done) => this.context.get(key, done));
      if (typeof expires === 'number' && expires > now) live.push([key, expires]);
      else this.forget(key);
    }
    live.sort((a, b) => a[1] - b[1]);
    for (const [key, expires] of live) this.claims.restore(key, expires);
  }

  private forget(key: string): void {
    this.call<undefined>('delete', (done) => this.context.set(key, undefined, (err) => done(err, undefined))).catch((err: DedupeUnavailable) =>
      this.onError(err),
    );
  }

  async claim(id: string): Promise<Claim> {
    await bounded(this.loaded, this.timeoutMs, 'context load');
    const key = contextKey(id);
    // decided in memory, synchronously: two events with one id in this instance cannot both be first
    if (this.claims.claim(key) === 'duplicate') return 'duplicate';
    const expires = Date.now() + this.claims.windowMs;
    try {
      await this.call<undefined>('set', (done) => this.context.set(key, expires, (err) => done(err, undefined)));
    } catch (err) {
      this.claims.release(key);
      throw err;
    }
    return 'first';
  }

  async release(id: string): Promise<void> {
    const key = contextKey(id);
    this.claims.release(key);
    await this.call<undefined>('delete', (done) => this.context.set(key, undefined, (err) => done(err, undefined)));
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

export interface RedisOptions {
  /** `redis://[user@]host:port/db` or `rediss://` for TLS */
  url: string;
  password?: string;
  namespace: string;
  windowMs: number;
  timeoutMs: number;
  /** connection errors (the client reconnects by itself): reported, never thrown */
  onError: (err: DedupeUnavailable) => void;
}

type Redis = ReturnType<typeof createClient>;

/** Keys stay readable for ordinary ids; a very long id is hashed so a key never grows with the input. */
function redisKey(namespace: string, id: string): string {
  return `${namespace}:${id.length <= 200 ? id : `sha256:${crypto.createHash('sha256').update(id).digest('hex')}`}`;
}

export class RedisDedupe implements DedupeStore {
  readonly kind = 'redis';
  private readonly client: Redis;
  private readonly connecting: Promise<unknown>;
  private closed = false;

  constructor(private readonly options: RedisOptions) {
    this.client = createClient({
      url: options.url,
      ...(options.password ? { password: options.password } : {}),
      // fail at once while disconnected, never queue claims for later: the webhook must answer now
      disableOfflineQueue: true,
      commandOptions: { timeout: options.timeoutMs },
      socket: {
        connectTimeout: options.timeoutMs,
        reconnectStrategy: (retries: number) => Math.min(100 * 2 ** Math.min(retries, 6), 5000),
      },
    });
    // without a listener an 'error' event would end the process; the client reconnects by itself
    this.client.on('error', (err: unknown) => {
      if (!this.closed) options.onError(new DedupeUnavailable(`redis: ${errorKind(err)}`));
    });
    this.connecting = this.client.connect();
    this.connecting.catch(() => undefined);
  }

  /** One wait for the client's next 'ready', shared by every claim meanwhile (not one listener per event). */
  private nextReady?: Promise<void>;

  private async ready(): Promise<void> {
    if (this.client.isReady) return;
    if (this.closed) throw new DedupeUnavailable('redis: closed');
    this.nextReady ??= new Promise<void>((resolve) => {
      this.client.once('ready', () => {
        this.nextReady = undefined;
        resolve();
      });
    });
    await bounded(this.nextReady, this.options.timeoutMs, 'redis connect');
  }

  async claim(id: string): Promise<Claim> {
    await this.ready();
    const reply = await bounded(
      this.client.set(redisKey(this.options.namespace, id), '1', { condition: 'NX', expiration: { type: 'PX', value: this.options.windowMs } }),
      this.options.timeoutMs,
      'redis SET',
    );
    return reply === null ? 'duplicate' : 'first';
  }

  async release(id: string): Promise<void> {
    await this.ready();
    await bounded(this.client.del(redisKey(this.options.namespace, id)), this.options.timeoutMs, 'redis DEL');
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.client.isOpen) {
      try {
        await bounded(this.client.close(), this.options.timeoutMs, 'redis close');
        return;
      } catch {
        // it did not close in time: drop the socket instead (below)
      }
    }
    this.client.destroy();
  }
}
