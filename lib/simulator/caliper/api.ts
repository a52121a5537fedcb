/**
 * What a Caliper area of the Platform simulator (one module per resource node: lib/simulator/caliper/<area>.ts) may
 * use of PlatformSim: the shared state (customers, users, logons, accounts), the envelope answers, the body readers
 * and the lookups. An area declares its routes (path after `/{version}`, `:name` for a path parameter) and, when it
 * keeps state of its own, a `reset()` that restores its seed. Answers never echo request values (SSN, TaxID,
 * account numbers, passwords).
 */
import type { RecordedRequest, SimResponse } from '../server';
import type { Body } from '../kit';
import type { Customer, PlatformState, User } from '../platform-data';

/** An area's handler: the request and its path parameters (`version` included). Throws a SimFailure to answer E1. */
export type CaliperHandler = (req: RecordedRequest, params: Record<string, string>) => SimResponse;

export interface CaliperApi {
  /** the live shared state (replaced on reset: read it through this getter each time) */
  readonly state: PlatformState;
  /** `{data, success: true, errors, requestid, status: 200, log_ref_id}` */
  ok(data: unknown, errors?: unknown): SimResponse;
  /** a failure reported inside HTTP 200: `success: false` with these `data` and `errors` (CALIPER §3.3) */
  okFailure(data: unknown, errors: unknown): SimResponse;
  /** an E1 answer (`errors: [{code, message}]`) with this HTTP status, thrown */
  fail(status: number, message: string): never;
  /** a 400 E1 answer, thrown */
  invalid(message: string): never;
  /** the JSON object body (`{}` when there is none); 400 for anything else */
  body(req: RecordedRequest): Body;
  /** 400 `<key> is required` for the first blank one */
  required(body: Body, keys: readonly string[]): void;
  /** the single present key of `keys` (400 otherwise) */
  exactlyOne(body: Body, keys: readonly string[]): { key: string; value: unknown };
  /** a positive integer from a number or digit string, else undefined */
  id(value: unknown): number | undefined;
  activeUser(id: number): User | undefined;
  activeCustomer(id: number): Customer | undefined;
  /** the active user of an active logon name (case-insensitive) */
  userByLogon(name: string): User | undefined;
}

export interface CaliperRoute {
  method: string;
  /** after `/{version}`, e.g. `/ACH/GetPayment/:paymentid` */
  path: string;
  handler: CaliperHandler;
}

export interface CaliperArea {
  routes: readonly CaliperRoute[];
  /** restores the area's own state to its seed (PlatformSim.reset calls it) */
  reset?(): void;
}

export type CaliperAreaFactory = (api: CaliperApi) => CaliperArea;
