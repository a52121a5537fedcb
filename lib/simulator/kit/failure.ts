/**
 * The one failure type of the simulator: handlers throw a {@link SimFailure} (via `fail()` or a family's
 * shorthand such as Biller Direct's `badRequest`), and the module's guard turns it into that family's error
 * response (Platform E1 envelope or OAuth error, Helix envelope, Biller Direct `{success:false, …}`,
 * control-endpoint `{error, message}`). Anything else thrown is a simulator bug (answered 500 by the server).
 */
export class SimFailure extends Error {
  constructor(
    /** HTTP status of the answer. */
    readonly status: number,
    /** The family's error code: a string (`bad_request`) or a number (Helix 62201). */
    readonly code: string | number,
    message: string,
    /** Extra response headers (e.g. `www-authenticate`). */
    readonly headers?: Record<string, string>,
  ) {
    super(message);
  }
}

export function fail(status: number, code: string | number, message: string, headers?: Record<string, string>): never {
  throw new SimFailure(status, code, message, headers);
}

/** The failure `err` is, or `err` thrown again when it is anything else (a simulator bug). */
export function asFailure(err: unknown): SimFailure {
  if (err instanceof SimFailure) return err;
  throw err;
}

/** Runs `body`; a SimFailure it throws becomes `render(failure)`, other errors pass through. */
export function catchFailure<T>(body: () => T, render: (failure: SimFailure) => T): T {
  try {
    return body();
  } catch (err) {
    return render(asFailure(err));
  }
}
