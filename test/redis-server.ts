/**
 * A real `redis-server` (Debian's package) for the tests, on a free port, with no persistence. Without the binary
 * the tests that need it say so and are skipped — except in CI (`CI` set), where `.ci/run` installs it and its
 * absence is a failure.
 */
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { freePort } from './node-red-process';

export interface RunningRedis {
  url: string;
  port: number;
  stop(): Promise<void>;
  /** starts it again on the same port (after stop), empty */
  restart(): Promise<void>;
}

export function redisServerBinary(): string | undefined {
  try {
    return execFileSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

/** Skips the calling suite without a redis-server, or fails under CI. */
export function requireRedis(ctx: Mocha.Context): string {
  const binary = redisServerBinary();
  if (binary) return binary;
  if (process.env.CI) throw new Error('redis-server is not installed; .ci/run installs it (apt-get install redis-server)');
  console.warn('    (redis-server is not installed: the Redis tests are skipped; apt-get install redis-server to run them)');
  ctx.skip();
  return '';
}

function launch(binary: string, port: number, password?: string): Promise<ChildProcess> {
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'no'];
  if (password) args.push('--requirepass', password);
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let log = '';
    const timer = setTimeout(() => reject(new Error(`redis-server did not start:\n${log}`)), 15_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      log += chunk.toString();
      if (log.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve(child);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited with ${code}:\n${log}`));
    });
  });
}

function kill(child: ChildProcess | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (!child || child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

export async function startRedis(binary: string, password?: string): Promise<RunningRedis> {
  const port = await freePort();
  let child: ChildProcess | undefined = await launch(binary, port, password);
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    async stop() {
      await kill(child);
      child = undefined;
    },
    async restart() {
      await kill(child);
      child = await launch(binary, port, password);
    },
  };
}
