import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError, resolveConfig } from '../lambdas/core/config/resolve';
import type { Config } from '../lambdas/core/config/schema';

export { ConfigError, resolveConfig } from '../lambdas/core/config/resolve';
export type { Config, ConfigInput } from '../lambdas/core/config/schema';
export { configSchema } from '../lambdas/core/config/schema';

/** File name looked for at the repository root when no path is given. */
export const DEFAULT_CONFIG_FILE = 'carbon-scheduler.config.json';

/**
 * Load the configuration (README, Configure). Order: `explicitPath` (CDK `-c config=PATH` or CLI `--config`),
 * else `carbon-scheduler.config.json` in `cwd` if present, else the defaults.
 *
 * @throws {ConfigError} when the file is missing, is not JSON, or has invalid fields (each named)
 */
export function loadConfig(explicitPath?: string, cwd: string = process.cwd()): { config: Config; source: string } {
  const candidate = explicitPath ? resolve(cwd, explicitPath) : resolve(cwd, DEFAULT_CONFIG_FILE);
  if (!existsSync(candidate)) {
    if (explicitPath) throw new ConfigError(explicitPath, [`(file): ${candidate} does not exist`]);
    return { config: resolveConfig({}, 'defaults'), source: 'defaults' };
  }
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(candidate, 'utf8'));
  } catch (error) {
    throw new ConfigError(candidate, [`(file): not valid JSON: ${(error as Error).message}`]);
  }
  return { config: resolveConfig(raw, candidate), source: candidate };
}
