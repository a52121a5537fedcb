/**
 * One table of the connection settings that shape the request lifecycle, with their defaults and bounds.
 */
import type { Reliability } from './connection';

/** A connection's settings as the config node holds them (numbers, or strings from the editor). */
type Settings = Readonly<Record<string, unknown>>;

/** Seconds one try may wait for its answer, when the connection says nothing. */
export const DEFAULT_TIMEOUT_S = 30;

/**
 * The reliability settings every connection has (README "Reliability"): the runtime reads them here, the
 * connection takes its defaults from here, and the build writes their editor rows, defaults and help from this table.
 */
export const RELIABILITY_SETTINGS = [
  { key: 'maxInFlight', default: 32, min: 1, max: 1000, unit: '' },
  { key: 'queueLength', default: 10000, min: 0, max: 1000000, unit: '' },
  { key: 'queueWait', default: 120, min: 0.1, max: 86400, unit: 's' },
  { key: 'retryAttempts', default: 3, min: 1, max: 10, unit: '' },
  { key: 'retryDelay', default: 0.5, min: 0, max: 60, unit: 's' },
  { key: 'retryMaxDelay', default: 10, min: 0, max: 600, unit: 's' },
  { key: 'maxResponseMB', default: 16, min: 0.001, max: 1024, unit: 'MB' },
  { key: 'stopGrace', default: 5, min: 0, max: 12, unit: 's' },
] as const;

export type ReliabilityKey = (typeof RELIABILITY_SETTINGS)[number]['key'];

/** A setting's number: the default when blank or not a number, kept within its bounds. */
export function settingOf(def: Settings, key: ReliabilityKey): number {
  const spec = RELIABILITY_SETTINGS.find((s) => s.key === key) as (typeof RELIABILITY_SETTINGS)[number];
  const raw = def[key];
  const value = raw === '' || raw === undefined || raw === null ? NaN : Number(raw);
  if (!Number.isFinite(value)) return spec.default;
  return Math.min(spec.max, Math.max(spec.min, value));
}

/** The reliability of a connection with these settings (none given: every default). */
export function reliabilityOf(def: Settings): Reliability {
  return {
    limits: {
      limit: Math.round(settingOf(def, 'maxInFlight')),
      queueLength: Math.round(settingOf(def, 'queueLength')),
      queueWaitMs: settingOf(def, 'queueWait') * 1000,
    },
    retry: {
      attempts: Math.round(settingOf(def, 'retryAttempts')),
      baseDelayMs: settingOf(def, 'retryDelay') * 1000,
      maxDelayMs: settingOf(def, 'retryMaxDelay') * 1000,
    },
    graceMs: settingOf(def, 'stopGrace') * 1000,
  };
}
