/**
 * An OAuth access token shared by every node on one connection. Fetched on first use, fetched once when many
 * callers ask at the same time (single flight: a failure, too, is shared by every caller waiting for it),
 * renewed shortly before it expires (the margin is jittered so that many connections do not renew together),
 * and dropped when the API answers 401 so that the next caller fetches a new one. After a failure that asked
 * for a wait (HTTP 429 or 503 from the token endpoint), callers get that failure at once until the wait is
 * over: one token request per backoff window, not one per message. Tokens live in memory only.
 */
export interface TokenResponse {
  access_token: string;
  token_type?: string;
  expires_in?: number;
  [key: string]: unknown;
}

/** A failed fetch may say how long to hold off (ms) before the next one. */
export interface HoldAdvice {
  holdMs?: number;
}

interface Cached {
  response: TokenResponse;
  fetchedAt: number;
  expiresAt: number;
}

/** Seconds of lifetime assumed when a token response has no usable expires_in. */
const DEFAULT_LIFETIME_S = 300;
/** Renew this long before expiry: a minute, or a tenth of a short token's lifetime. */
const MAX_MARGIN_MS = 60_000;

export class TokenCache {
  private cached?: Cached;
  private pending?: Promise<Cached>;
  private failure?: { error: unknown; until: number };

  constructor(
    private readonly fetchToken: () => Promise<TokenResponse>,
    private readonly now: () => number = Date.now,
    private readonly random: () => number = Math.random,
  ) {}

  private fresh(entry: Cached | undefined): entry is Cached {
    return !!entry && this.now() < entry.expiresAt;
  }

  private async load(): Promise<Cached> {
    const fetchedAt = this.now();
    const response = await this.fetchToken();
    const lifetimeS = typeof response.expires_in === 'number' && response.expires_in > 0 ? response.expires_in : DEFAULT_LIFETIME_S;
    const lifetimeMs = lifetimeS * 1000;
    const margin = Math.min(MAX_MARGIN_MS, lifetimeMs / 10) * (1 + this.random() / 2);
    return { response, fetchedAt, expiresAt: fetchedAt + lifetimeMs - margin };
  }

  /** The current token response, fetching it when there is none or it is about to expire. */
  async get(): Promise<TokenResponse> {
    if (this.fresh(this.cached)) return this.cached.response;
    if (!this.pending) {
      if (this.failure && this.now() < this.failure.until) throw this.failure.error;
      this.pending = this.load()
        .then(
          (entry) => {
            this.cached = entry;
            this.failure = undefined;
            return entry;
          },
          (error: unknown) => {
            const holdMs = (error as HoldAdvice | undefined)?.holdMs;
            this.failure = holdMs && holdMs > 0 ? { error, until: this.now() + holdMs } : undefined;
            throw error;
          },
        )
        .finally(() => {
          this.pending = undefined;
        });
    }
    return (await this.pending).response;
  }

  /** Seconds until the cached token itself expires (for Get Token's output), or undefined. */
  remainingSeconds(): number | undefined {
    if (!this.cached) return undefined;
    const lifetimeS = this.cached.response.expires_in;
    if (typeof lifetimeS !== 'number') return undefined;
    return Math.max(0, Math.floor((this.cached.fetchedAt + lifetimeS * 1000 - this.now()) / 1000));
  }

  /** Forgets `token` if it is still the cached one (a 401 said it is no longer valid). */
  invalidate(token: string): void {
    if (this.cached?.response.access_token === token) this.cached = undefined;
  }

  /** The cached token itself (scrubbed from error texts), if any. */
  current(): string | undefined {
    return this.cached?.response.access_token;
  }

  clear(): void {
    this.cached = undefined;
    this.failure = undefined;
  }
}
