/**
 * The one error type that reaches Catch nodes, and the redaction applied to any text that came from a server.
 * A Q2Error never carries request headers, credentials or the request body: only what is safe to log.
 */
/**
 * `queue`: refused by the connection's queue (full, or waited too long), never sent; `tooLarge`: the response
 * body passed the limit; `stopped`: the node or connection closed before the message ended.
 */
export type Q2ErrorKind = 'input' | 'config' | 'security' | 'http' | 'api' | 'timeout' | 'network' | 'parse' | 'queue' | 'tooLarge' | 'stopped';

export interface Q2ErrorDetails {
  kind: Q2ErrorKind;
  statusCode?: number;
  requestId?: string;
  body?: unknown;
  /** the short status text for the node's red ring */
  status: string;
  /** what is known of the exchange, for msg.q2 (request id, duration, …) */
  q2?: Record<string, unknown>;
}

export class Q2Error extends Error {
  readonly kind: Q2ErrorKind;
  readonly statusCode?: number;
  readonly requestId?: string;
  readonly body?: unknown;
  readonly status: string;
  readonly q2?: Record<string, unknown>;
  /** for a token failure that asked for a wait: how long the token cache holds off */
  holdMs?: number;

  constructor(message: string, details: Q2ErrorDetails) {
    super(message);
    this.name = 'Q2Error';
    this.kind = details.kind;
    this.statusCode = details.statusCode;
    this.requestId = details.requestId;
    this.status = details.status;
    this.q2 = details.q2;
    // the body is kept off the enumerable properties so that util.inspect(err) does not print it
    Object.defineProperty(this, 'body', { value: details.body, enumerable: false });
  }

  /** Node-RED puts err.toString() in msg.error.message: the message alone, without "Q2Error: ". */
  override toString(): string {
    return this.message;
  }
}

/**
 * Masks what could be personal data in server-supplied text: any run of 6+ digits (SSN, TaxID, account and
 * card numbers) becomes six stars and its last four digits, as the APIs themselves mask (`******1234`), and bearer tokens
 * or JWT-looking strings are removed.
 */
export function redact(text: string): string {
  return (
    text
      .replace(/Bearer\s+[\w.~+/=-]+/gi, 'Bearer ***')
      .replace(/\beyJ[\w-]+\.[\w-]+\.[\w-]*/g, '***')
      // a run of 6+ digits (spaces or hyphens between them allowed) that is not part of a longer word: the digits
      // inside ids such as UUIDs (`3b57-4579-934c`) or hex object ids (`64b000…0001`) are left alone
      .replace(/(?<![A-Za-z0-9-])\d(?:[ -]?\d){5,}(?![A-Za-z0-9]|-[A-Za-z0-9])/g, (digits) => `******${digits.replace(/[ -]/g, '').slice(-4)}`)
  );
}

/** Shortens a server message so that error texts stay readable. */
export function clip(text: string, max = 200): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}
