/**
 * The webhook's duplicate stores (lib/billerdirect/dedupe.ts) on their own: claims with expiry pruned oldest
 * first (memory held to one window), the context store's one key per id and its bounded calls, and Redis's atomic
 * `SET NX PX` against a real redis-server — shared by namespace, expiring, and failing within its timeout when the
 * server is gone.
 */
import assert from 'node:assert/strict';
import { createClient } from '@redis/client';
import { bounded, ContextDedupe, DedupeUnavailable, ExpiringClaims, MemoryDedupe, RedisDedupe, type ContextLike } from '../lib/billerdirect/dedupe';
import { requireRedis, startRedis, type RunningRedis } from './redis-server';

/** A context store in a Map, as Node-RED's memory store answers; `fail` / `hang` make its calls misbehave. */
class FakeContext implements ContextLike {
  readonly data = new Map<string, unknown>();
  fail = false;
  hang = false;
  calls = 0;

  private answer(run: () => void): void {
    this.calls += 1;
    if (this.hang) return;
    setImmediate(run);
  }

  get(key: string, callback: (err: Error | undefined, value: unknown) => void): void {
    this.answer(() => (this.fail ? callback(new Error('store down'), undefined) : callback(undefined, this.data.get(key))));
  }

  set(key: string, value: unknown, callback: (err?: Error) => void): void {
    this.answer(() => {
      if (this.fail) return callback(new Error('store down'));
      if (value === undefined) this.data.delete(key);
      else this.data.set(key, value);
      callback();
    });
  }

  keys(callback: (err: Error | undefined, keys: string[]) => void): void {
    this.answer(() => (this.fail ? callback(new Error('store down'), []) : callback(undefined, [...this.data.keys()])));
  }
}

describe('dedupe stores', function () {
  this.timeout(30_000);

  describe('ExpiringClaims (memory)', () => {
    it('first, then duplicate within the window, first again after it; a duplicate does not extend the claim', () => {
      let now = 0;
      const claims = new ExpiringClaims(1000, () => now);
      assert.equal(claims.claim('a'), 'first');
      now = 900;
      assert.equal(claims.claim('a'), 'duplicate');
      now = 1000;
      assert.equal(claims.claim('a'), 'first', 'the window counts from the first sighting');
    });

    it('memory holds one window of ids: old claims are pruned oldest first as new ones come', () => {
      let now = 0;
      const expired: string[] = [];
      const claims = new ExpiringClaims(
        100,
        () => now,
        (key) => expired.push(key),
      );
      for (let i = 0; i < 1000; i++) {
        now = i;
        claims.claim(`id-${i}`);
      }
      // ids 0..899 are older than the window: the claims made while they expired pruned them in order
      assert.ok(claims.size <= 100 + 64, `held ${claims.size}`);
      assert.deepEqual(expired.slice(0, 3), ['id-0', 'id-1', 'id-2']);
      assert.deepEqual(
        expired,
        [...expired].sort((a, b) => Number(a.slice(3)) - Number(b.slice(3))),
      );
      now = 10_000;
      claims.claim('late');
      claims.claim('later');
      assert.ok(claims.size < 100, 'a quiet period is pruned by the next claims');
    });

    it('100,000 ids: a claim still prunes a bounded number of old ones and finds duplicates', () => {
      let now = 0;
      const claims = new ExpiringClaims(50_000, () => now);
      for (let i = 0; i < 100_000; i++) {
        now = i;
        assert.equal(claims.claim(`e${i}`), 'first');
      }
      assert.equal(claims.size, 50_000);
      assert.equal(claims.claim('e99999'), 'duplicate');
      assert.equal(claims.claim('e10'), 'first', 'long expired, pruned or not, it is not a duplicate');
    });

    it('MemoryDedupe answers through the same claims; release forgets one', async () => {
      const store = new MemoryDedupe(60_000);
      assert.equal(await store.claim('x'), 'first');
      assert.equal(await store.claim('x'), 'duplicate');
      await store.release('x');
      assert.equal(await store.claim('x'), 'first');
      await store.close();
    });
  });

  describe('bounded', () => {
    it('a call that does not answer in time, or fails, becomes DedupeUnavailable naming its kind only', async () => {
      await assert.rejects(bounded(new Promise(() => undefined), 20, 'redis SET'), (err: unknown) => {
        assert.ok(err instanceof DedupeUnavailable);
        assert.match(err.reason, /redis SET: no answer within 20 ms/);
        return true;
      });
      const failing = Object.assign(new Error('secret-id-123 not found'), { code: 'ECONNREFUSED' });
      await assert.rejects(bounded(Promise.reject(failing), 1000, 'redis SET'), (err: unknown) => {
        assert.ok(err instanceof DedupeUnavailable);
        assert.equal(err.reason, 'redis SET: Error ECONNREFUSED');
        assert.doesNotMatch(err.message, /secret-id/);
        return true;
      });
      assert.equal(await bounded(Promise.resolve(7), 1000, 'x'), 7);
    });
  });

  describe('ContextDedupe', () => {
    it('one key per id (hashed, so dots and brackets are not paths), not one growing map', async () => {
      const context = new FakeContext();
      const store = new ContextDedupe(context, 60_000, 1000, () => undefined);
      assert.equal(await store.claim('evt.1[0]'), 'first');
      assert.equal(await store.claim('evt.1[0]'), 'duplicate');
      assert.equal(await store.claim('evt-2'), 'first');
      const keys = [...context.data.keys()];
      assert.equal(keys.length, 2);
      for (const key of keys) assert.match(key, /^q2dedupe_[A-Za-z0-9_-]{32}$/);
      for (const value of context.data.values()) assert.equal(typeof value, 'number');
    });

    it('claims stored before a restart are taken back; expired ones are deleted from the store', async () => {
      const context = new FakeContext();
      const first = new ContextDedupe(context, 60_000, 1000, () => undefined);
      assert.equal(await first.claim('kept'), 'first');
      assert.equal(await first.claim('old'), 'first');
      const oldKey = [...context.data.keys()][1];
      context.data.set(oldKey, Date.now() - 1);
      context.data.set('unrelated', 5);
      const second = new ContextDedupe(context, 60_000, 1000, () => undefined);
      assert.equal(await second.claim('kept'), 'duplicate');
      assert.equal(await second.claim('old'), 'first');
      assert.equal(context.data.get('unrelated'), 5, 'other context keys are left alone');
    });

    it('a failing or silent store: the claim fails within the timeout and is not held', async () => {
      const context = new FakeContext();
      const store = new ContextDedupe(context, 60_000, 50, () => undefined);
      assert.equal(await store.claim('warm-up'), 'first');
      context.fail = true;
      await assert.rejects(store.claim('a'), DedupeUnavailable);
      context.fail = false;
      context.hang = true;
      await assert.rejects(store.claim('a'), /no answer within 50 ms/);
      context.hang = false;
      assert.equal(await store.claim('a'), 'first', 'the failed claims were released');
    });

    it('a store that cannot be read at deploy fails every claim (bounded), never answers "first" unchecked', async () => {
      const context = new FakeContext();
      context.fail = true;
      const store = new ContextDedupe(context, 60_000, 50, () => undefined);
      await assert.rejects(store.claim('a'), DedupeUnavailable);
    });
  });

  describe('RedisDedupe against a real redis-server', function () {
    let redis: RunningRedis;
    const stores: RedisDedupe[] = [];
    const errors: DedupeUnavailable[] = [];
    const open = (namespace: string, extra: Partial<ConstructorParameters<typeof RedisDedupe>[0]> = {}): RedisDedupe => {
      const store = new RedisDedupe({ url: redis.url, namespace, windowMs: 60_000, timeoutMs: 500, onError: (e) => errors.push(e), ...extra });
      stores.push(store);
      return store;
    };

    before(async function () {
      redis = await startRedis(requireRedis(this), 'sekret-pass');
    });
    after(async () => {
      await Promise.all(stores.map((s) => s.close()));
      await redis?.stop();
    });

    it('SET NX PX: first, then duplicate — also from a second client on the same namespace; another namespace is separate', async () => {
      const a = open('ns1', { password: 'sekret-pass' });
      const b = open('ns1', { password: 'sekret-pass' });
      const c = open('ns2', { password: 'sekret-pass' });
      assert.equal(await a.claim('evt-1'), 'first');
      assert.equal(await b.claim('evt-1'), 'duplicate');
      assert.equal(await c.claim('evt-1'), 'first');
      const claims = await Promise.all(Array.from({ length: 50 }, (_, i) => (i % 2 ? a : b).claim('race')));
      assert.equal(claims.filter((x) => x === 'first').length, 1, 'exactly one of 50 concurrent claims wins');
    });

    it('keys carry the namespace and expire after the window (PX)', async () => {
      const store = open('ns-exp', { password: 'sekret-pass', windowMs: 1500 });
      assert.equal(await store.claim('short'), 'first');
      const client = createClient({ url: redis.url, password: 'sekret-pass' });
      await client.connect();
      try {
        const ttl = await client.pTTL('ns-exp:short');
        assert.ok(ttl > 0 && ttl <= 1500, `PX set: ${ttl}`);
        const long = 'x'.repeat(500);
        assert.equal(await store.claim(long), 'first');
        assert.deepEqual((await client.keys('ns-exp:sha256:*')).length, 1, 'a long id is hashed into the key');
      } finally {
        await client.close();
      }
      await new Promise((r) => setTimeout(r, 1600));
      assert.equal(await store.claim('short'), 'first');
    });

    it('a wrong password: claims fail within the timeout, no hang', async () => {
      const store = open('ns-bad', { password: 'wrong' });
      await assert.rejects(store.claim('a'), DedupeUnavailable);
    });

    it('the server stopped: claims fail within the timeout; started again, the client reconnects and claims work', async () => {
      const store = open('ns-down', { password: 'sekret-pass' });
      assert.equal(await store.claim('before'), 'first');
      await redis.stop();
      const started = Date.now();
      await assert.rejects(store.claim('during'), DedupeUnavailable);
      assert.ok(Date.now() - started < 5000, 'bounded, not hanging');
      assert.ok(errors.length > 0, 'the connection error was reported');
      await redis.restart();
      let result: string | undefined;
      for (let i = 0; i < 100 && !result; i++) {
        result = await store.claim('after').catch(() => undefined);
        if (!result) await new Promise((r) => setTimeout(r, 100));
      }
      assert.equal(result, 'first');
    });
  });
});
