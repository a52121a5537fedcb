/** In-memory state helpers shared by the simulator modules: a seeded store that reset() restores, ids and the default clock. */
import { randomBytes } from 'node:crypto';

/** A module's live state, built by `seed` at construction and again by reset(). */
export class SeededStore<T> {
  private value: T;

  constructor(private readonly seed: () => T) {
    this.value = seed();
  }

  get state(): T {
    return this.value;
  }

  reset(): void {
    this.value = this.seed();
  }
}

/** A random 24-hex-digit id (the shape of Biller Direct's ids). */
export const hexId = (): string => randomBytes(12).toString('hex');

/** One more than the largest `key` in `list` (1 for an empty list). */
export function nextNumber<T>(list: readonly T[], key: (t: T) => number): number {
  return list.reduce((m, t) => Math.max(m, key(t)), 0) + 1;
}

/** The real clock (the default of every module's `now` option). */
export const systemClock = (): Date => new Date();
