/** (c) The floor: a plain axios loop, `concurrency` workers on one keep-alive http.Agent, the same POSTs. */
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import axios from 'axios';
import { DEMO_CLIENT } from '../lib/simulator';
import { SCOPE, SEEDED_SSN } from './flows';
import { ErrorTally, type RunResult } from './stats';

export interface AxiosLoop {
  run(count: number): Promise<RunResult>;
  close(): void;
}

export async function axiosLoop(url: string, concurrency: number): Promise<AxiosLoop> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const client = axios.create({ baseURL: url, httpAgent: agent, proxy: false, validateStatus: () => true });
  const form = new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: DEMO_CLIENT.clientId,
    client_secret: DEMO_CLIENT.clientSecret,
    scope: SCOPE,
  });
  const tokenResponse = await client.post<{ access_token?: unknown }>('/v2/oauth2/token', form.toString(), {
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
  });
  const token = tokenResponse.data.access_token;
  if (tokenResponse.status !== 200 || typeof token !== 'string') throw new Error(`axios loop: the token request answered ${tokenResponse.status}`);
  const headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
  const body = { SSN: SEEDED_SSN };

  async function run(count: number): Promise<RunResult> {
    const latencies = new Float64Array(count);
    const tally = new ErrorTally();
    let next = 0;
    let done = 0;
    let ok = 0;
    const worker = async (): Promise<void> => {
      while (next < count) {
        next += 1;
        const started = performance.now();
        let error: string | undefined;
        try {
          const res = await client.post<unknown>('/v2/LookupUser', body, { headers });
          if (res.status !== 200) error = `HTTP ${res.status}`;
        } catch (err) {
          error = err instanceof Error ? err.message : String(err);
        }
        latencies[done++] = performance.now() - started;
        if (error === undefined) ok += 1;
        else tally.add(error);
      }
    };
    const began = performance.now();
    await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
    return {
      count,
      durationMs: performance.now() - began,
      latencies,
      ok,
      errors: tally.errors,
      timeouts: tally.timeouts,
      lost: 0,
      atOutput: ok,
      atCatch: tally.errors,
      errorSamples: tally.samples,
    };
  }

  return { run, close: () => agent.destroy() };
}
