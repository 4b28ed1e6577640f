import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FUNCTION_CONFIG_FILE, LAMBDA_TASK_ROOT_ENV } from '../../lambdas/contract';

const created: string[] = [];
process.once('exit', () => {
  for (const dir of created) rmSync(dir, { recursive: true, force: true });
});

/**
 * The environment a deployed function gets for its configuration: a fresh temporary "task root" holding
 * `config.json` with `input` as the user would write it, and `LAMBDA_TASK_ROOT` pointing at it (what Lambda sets).
 * Spread it into a handler's `env`: `{ ...functionConfigEnv({ managedRegions: ['eu-central-1'] }), TABLE_NAME }`.
 * Each call makes a new directory, so the loader's per-container cache never hands one test another's config.
 * A string `input` is written as is (to test malformed files).
 */
export function functionConfigEnv(input: unknown): { [LAMBDA_TASK_ROOT_ENV]: string } {
  const dir = mkdtempSync(join(tmpdir(), 'task-root-'));
  created.push(dir);
  writeFileSync(join(dir, FUNCTION_CONFIG_FILE), typeof input === 'string' ? input : JSON.stringify(input));
  return { [LAMBDA_TASK_ROOT_ENV]: dir };
}

/** A task root without `config.json` (a bundle deployed without its configuration). */
export function emptyTaskRootEnv(): { [LAMBDA_TASK_ROOT_ENV]: string } {
  const dir = mkdtempSync(join(tmpdir(), 'task-root-'));
  created.push(dir);
  return { [LAMBDA_TASK_ROOT_ENV]: dir };
}
