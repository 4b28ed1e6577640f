import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { BenchFigure } from './figure';

/**
 * Start-up of the `carbon-scheduler` CLI (cli/bin.mjs, the compiled build cached under node_modules/.cache) against
 * a bare `node -e 0`: median wall time of 9 fresh processes each, after one warm-up run that builds the cache if it
 * is missing. Figures: `cli_startup_node` (the floor), `cli_startup_version`, `cli_startup_help`, and their ratios
 * to the floor. Target (docs/cli.md, "Start-up"): `--help` and `--version` within 4 × `node -e 0`.
 */

const repositoryRoot = fileURLToPath(new URL('..', import.meta.url));
const RUNS = 9;
const TARGET_RATIO = 4;

function medianMs(args: readonly string[]): number {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i += 1) {
    const start = process.hrtime.bigint();
    const result = spawnSync(process.execPath, args, { cwd: repositoryRoot, stdio: 'ignore' });
    if (result.status !== 0) throw new Error(`node ${args.join(' ')} exited ${result.status}`);
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

export async function bench(): Promise<BenchFigure[]> {
  spawnSync(process.execPath, ['cli/bin.mjs', '--version'], { cwd: repositoryRoot, stdio: 'ignore' });
  const node = medianMs(['-e', '0']);
  const version = medianMs(['cli/bin.mjs', '--version']);
  const help = medianMs(['cli/bin.mjs', '--help']);
  for (const [name, ms] of [
    ['--version', version],
    ['--help', help],
  ] as const) {
    if (ms > TARGET_RATIO * node) {
      console.error(`note: carbon-scheduler ${name} took ${ms.toFixed(0)} ms, over ${TARGET_RATIO} × node -e 0`);
    }
  }
  return [
    { name: 'cli_startup_node', value: node, unit: 'ms' },
    { name: 'cli_startup_version', value: version, unit: 'ms' },
    { name: 'cli_startup_help', value: help, unit: 'ms' },
    { name: 'cli_startup_version_ratio', value: version / node, unit: 'x' },
    { name: 'cli_startup_help_ratio', value: help / node, unit: 'x' },
  ];
}
