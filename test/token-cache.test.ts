/**
 * Unit tests, without Node-RED: the token cache (single flight, renewal before expiry, invalidation, failures,
 * remaining lifetime) with an injected clock and a fake token endpoint, and redact() from lib/errors.
 */
import assert from 'node:assert/strict';
import { redact } from '../lib/errors';
import { TokenCache, type TokenResponse } from '../lib/connection/token-cache';

/** A token endpoint whose answers the test releases one by one. */
class FakeTokenEndpoint {
  calls = 0;
  private waiting: Array<{ resolve: (r: TokenResponse) => void; reject: (e: Error) => void }> = [];

  readonly fetch = (): Promise<TokenResponse> => {
    this.calls += 1;
    return new Promise<TokenResponse>((resolve, reject) => this.waiting.push({ resolve, reject }));
  };

  get pending(): number {
    return this.waiting.length;
  }

  answer(response: TokenResponse): void {
    const next = this.waiting.shift();
    if (!next) throw new Error('no token request is waiting');
    next.resolve(response);
  }

  fail(error: Error): void {
    const next = this.waiting.shift();
    if (!next) throw new Error('no token request is waiting');
    next.reject(error);
  }
}

/** A token endpoint that answers at once with token-1, token-2, … and the given lifetime. */
function countingEndpoint(expiresIn: number | undefined): { fetch: () => Promise<TokenResponse>; calls: () => number } {
  let calls = 0;
  return {
    fetch: async () => {
      calls += 1;
      const response: TokenResponse = { access_token: `token-${calls}`, token_type: 'Bearer' };
      if (expiresIn !== undefined) response.expires_in = expiresIn;
      return response;
    },
    calls: () => calls,
  };
}

/** Lets pending promise callbacks run. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('TokenCache', () => {
  let now: number;
  const clock = (): number => now;

  beforeEach(() => {
    now = 1_000_000;
  });

  describe('single flight', () => {
    it('100 concurrent get() calls cause one fetch and all get the same token', async () => {
      const endpoint = new FakeTokenEndpoint();
      const cache = new TokenCache(endpoint.fetch, clock, () => 0);
      const waiters = Array.from({ length: 100 }, () => cache.get());
      await settle();
      assert.equal(endpoint.calls, 1);
      endpoint.answer({ access_token: 'shared', expires_in: 3600 });
      const tokens = await Promise.all(waiters);
      assert.equal(tokens.length, 100);
      assert.ok(tokens.every((t) => t.access_token === 'shared'));
      assert.equal(endpoint.calls, 1);
    });

    it('a get() after the fetch completed uses the cached token without fetching', async () => {
      const endpoint = countingEndpoint(3600);
      const cache = new TokenCache(endpoint.fetch, clock, () => 0);
      assert.equal((await cache.get()).access_token, 'token-1');
      now += 10_000;
      assert.equal((await cache.get()).access_token, 'token-1');
      assert.equal(endpoint.calls(), 1);
    });
  });

  describe('renewal before expiry', () => {
    it('renews a one-hour token 60 s before it expires (the margin is capped at a minute)', async () => {
      const endpoint = countingEndpoint(3600);
      const cache = new TokenCache(endpoint.fetch, clock, () => 0);
      const start = now;
      await cache.get();
      now = start + 3_540_000 - 1;
      assert.equal((await cache.get()).access_token, 'token-1');
      now = start + 3_540_000;
      assert.equal((await cache.get()).access_token, 'token-2');
      assert.equal(endpoint.calls(), 2);
    });

    it('renews a short token a tenth of its lifetime early', async () => {
      const endpoint = countingEndpoint(10);
      const cache = new TokenCache(endpoint.fetch, clock, () => 0);
      const start = now;
      await cache.get();
      now = start + 8_999;
      assert.equal((await cache.get()).access_token, 'token-1');
      now = start + 9_000;
      assert.equal((await cache.get()).access_token, 'token-2');
    });

    it('measures the lifetime from when the fetch started', async () => {
      const endpoint = new FakeTokenEndpoint();
      const cache = new TokenCache(endpoint.fetch, clock, () => 0);
      const start = now;
      const first = cache.get();
      await settle();
      now = start + 5_000; // the endpoint took 5 s to answer
      endpoint.answer({ access_token: 'slow', expires_in: 100 });
      assert.equal((await first).access_token, 'slow');
      now = start + 90_000; // 100 s lifetime − 10 s margin, counted from start
      const second = cache.get();
      await settle();
      assert.equal(endpoint.calls, 2);
      endpoint.answer({ access_token: 'next', expires_in: 100 });
      assert.equal((await second).access_token, 'next');
    });

    it('assumes 300 s when the response has no usable expires_in', async () => {
      for (const expiresIn of [undefined, 0, -5]) {
        now = 1_000_000;
        const endpoint = countingEndpoint(expiresIn);
        const cache = new TokenCache(endpoint.fetch, clock, () => 0);
        const start = now;
        await cache.get();
        now = start + 269_999;
        assert.equal((await cache.get()).access_token, 'token-1', `expires_in ${String(expiresIn)}`);
        now = start + 270_000;
        assert.equal((await cache.get()).access_token, 'token-2', `expires_in ${String(expiresIn)}`);
      }
    });
  });

  describe('invalidate(token)', () => {
    it('drops the cached token when it is the one named', async () => {
      const endpoint = countingEndpoint(3600);
      const cache = new TokenCache(endpoint.fetch, clock, () => 0);
      await cache.get();
      cache.invalidate('token-1');
      assert.equal((await cache.get()).access_token, 'token-2');
      assert.equal(endpoint.calls(), 2);
    });

    it('keeps the cached token when another token is named (a late 401 for an older token)', async () => {
      const endpoint = countingEndpoint(3600);
      const cache = new TokenCache(endpoint.fetch, clock, () => 0);
      await cache.get();
      cache.invalidate('token-1');
      await cache.get(); // token-2 is cached now
      cache.invalidate('token-1'); // a second request that also held token-1 got its 401
      cache.invalidate('something-else');
      assert.equal((await cache.get()).access_token, 'token-2');
      assert.equal(endpoint.calls(), 2);
    });

    it('clear() forgets the token', async () => {
      const endpoint = countingEndpoint(3600);
      const cache = new TokenCache(endpoint.fetch, clock, () => 0);
      await cache.get();
      cache.clear();
      assert.equal(cache.remainingSeconds(), undefined);
      assert.equal((await cache.get()).access_token, 'token-2');
    });
  });

  describe('a failed fetch', () => {
    it('rejects every waiter with the error, caches nothing, and the next get() tries again', async () => {
      const endpoint = new FakeTokenEndpoint();
      const cache = new TokenCache(endpoint.fetch, clock, () => 0);
      const waiters = Array.from({ length: 5 }, () => cache.get());
      await settle();
      assert.equal(endpoint.calls, 1);
      const failure = new Error('token endpoint down');
      endpoint.fail(failure);
      const results = await Promise.allSettled(waiters);
      for (const result of results) {
        assert.equal(result.status, 'rejected');
        assert.equal((result as PromiseRejectedResult).reason, failure);
      }
      assert.equal(cache.remainingSeconds(), undefined);

      const retry = cache.get();
      await settle();
      assert.equal(endpoint.calls, 2);
      assert.equal(endpoint.pending, 1);
      endpoint.answer({ access_token: 'recovered', expires_in: 60 });
      assert.equal((await retry).access_token, 'recovered');
    });
  });

  describe('remainingSeconds()', () => {
    it('is undefined before the first fetch', () => {
      const cache = new TokenCache(countingEndpoint(3600).fetch, clock, () => 0);
      assert.equal(cache.remainingSeconds(), undefined);
    });

    it('counts down the token’s own lifetime (not the renewal point), in whole seconds, never below 0', async () => {
      const cache = new TokenCache(countingEndpoint(100).fetch, clock, () => 0);
      const start = now;
      await cache.get();
      assert.equal(cache.remainingSeconds(), 100);
      now = start + 30_500;
      assert.equal(cache.remainingSeconds(), 69);
      now = start + 95_000; // past the renewal point (90 s), the token itself still lives 5 s
      assert.equal(cache.remainingSeconds(), 5);
      now = start + 150_000;
      assert.equal(cache.remainingSeconds(), 0);
    });

    it('is undefined when the token response has no expires_in', async () => {
      const cache = new TokenCache(countingEndpoint(undefined).fetch, clock, () => 0);
      await cache.get();
      assert.equal(cache.remainingSeconds(), undefined);
    });
  });
});

describe('redact()', () => {
  it('masks runs of six or more digits to their last four', () => {
    assert.equal(redact('SSN 123456789 is unknown'), 'SSN ******6789 is unknown');
    assert.equal(redact('TaxID 012345678'), 'TaxID ******5678');
    assert.equal(redact('account 123456'), 'account ******3456');
    assert.equal(redact('card 4111111111111111 declined'), 'card ******1111 declined');
  });

  it('masks digit runs written with dashes or spaces', () => {
    assert.equal(redact('SSN 123-45-6789'), 'SSN ******6789');
    assert.equal(redact('number 123 456 789'), 'number ******6789');
  });

  it('leaves short numbers and ordinary text alone', () => {
    assert.equal(redact('HTTP 500 after 12345 ms, user 42'), 'HTTP 500 after 12345 ms, user 42');
    assert.equal(redact('Invalid CustomerID'), 'Invalid CustomerID');
    assert.equal(redact(''), '');
  });

  it('removes bearer tokens, whatever the case of "Bearer"', () => {
    assert.equal(redact('sent Authorization: Bearer abc.DEF_123-~+/= to the API'), 'sent Authorization: Bearer *** to the API');
    assert.equal(redact('bearer Xy9_zz'), 'Bearer ***');
    const token = 'k3J9fQm2ZxP0aB7cD1eF4gH6iJ8kL0mN2oP4qR6sT8u';
    assert.ok(!redact(`invalid token: Bearer ${token}`).includes(token));
  });

  it('removes JWTs', () => {
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJkZW1vIn0.c2lnbmF0dXJl-x_y';
    assert.equal(redact(`token ${jwt} expired`), 'token *** expired');
    assert.ok(!redact(`{"access_token":"${jwt}"}`).includes(jwt));
  });
});
