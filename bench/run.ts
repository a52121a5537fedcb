/**
 * `npm run bench`: the throughput/latency/heap benchmark of the pack's q2-lookup-user node against the same
 * lookups built from core nodes and against a plain axios loop, all on one local simulator. A report, not a
 * test: it exits 0 whatever the numbers (non-zero only when it crashes). Needs `global.gc`, so without
 * --expose-gc it runs itself again with it. See bench/main.ts.
 */
import { spawnSync } from 'node:child_process';

if (typeof globalThis.gc !== 'function') {
  const child = spawnSync(process.execPath, [...process.execArgv, '--expose-gc', __filename, ...process.argv.slice(2)], { stdio: 'inherit' });
  if (child.error) throw child.error;
  process.exit(child.status ?? 1);
} else {
  import('./main')
    .then(({ main }) => main())
    .then(() => process.exit(0))
    .catch((err: unknown) => {
      console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
      process.exit(1);
    });
}
