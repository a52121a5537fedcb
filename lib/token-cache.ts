/**
 * An OAuth access token shared by every node on one connection. Fetched on first use, fetched once when many
 * callers ask at the same time (single flight), renewed shortly before it expires, and dropped when the API
 * answers 401 so that the next caller fetches a new one. Tokens live in memory only.
 */
export interface TokenResponse {
  access_token: string;
  token_type?: string;
  expires_in?: number;
  [key: string]: unknown;
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

  constructor(
    private readonly fetchToken: () => Promise<TokenResponse>,
    private readonly now: () => number = Date.now,
  ) {}

  private fresh(entry: Cached | undefined): entry is Cached {
    return !!entry && this.now() < entry.expiresAt;
  }

  private async load(): Promise<Cached> {
    const fetchedAt = this.now();
    const response = await this.fetchToken();
    const lifetimeS = typeof response.expires_in === 'number' && response.expires_in > 0 ? response.expires_in : DEFAULT_LIFETIME_S;
    const lifetimeMs = lifetimeS * 1000;
    const margin = Math.min(MAX_MARGIN_MS, lifetimeMs / 10);
    return { response, fetchedAt, expiresAt: fetchedAt + lifetimeMs - margin };
  }

  /** The current token response, fetching it when there is none or it is about to expire. */
  async get(): Promise<TokenResponse> {
    if (this.fresh(this.cached)) return this.cached.response;
    if (!this.pending) {
      this.pending = this.load()
        .then((entry) => {
          this.cached = entry;
          return entry;
        })
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

  clear(): void {
    this.cached = undefined;
  }
}
