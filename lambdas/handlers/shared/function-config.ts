import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FUNCTION_CONFIG_FILE, LAMBDA_TASK_ROOT_ENV } from '../../contract';
import { ConfigError, configFromJson } from '../../core/config/resolve';
import type { Config } from '../../core/config/schema';

/**
 * How a Lambda of the product gets its configuration: `cdk synth` validates the configuration and copies it, as the
 * user wrote it, into each function's code asset as `config.json`, next to the bundled handler
 * (docs/configuration-delivery.md). Lambda unpacks the asset into `LAMBDA_TASK_ROOT`, so the function reads
 * `${LAMBDA_TASK_ROOT}/config.json` once per container and validates it with the same schema as synth.
 * The file name and the variable are part of the contract with the CDK app (lambdas/contract/).
 */

const SOURCE = 'function configuration';

/**
 * Path of the function's configuration file: `${LAMBDA_TASK_ROOT}/config.json`.
 * @throws {ConfigError} when `LAMBDA_TASK_ROOT` is not set
 */
export function functionConfigPath(env: Readonly<Record<string, string | undefined>>): string {
  const root = env[LAMBDA_TASK_ROOT_ENV];
  if (!root) {
    throw new ConfigError(SOURCE, [
      `${LAMBDA_TASK_ROOT_ENV} is not set: the configuration is read from $${LAMBDA_TASK_ROOT_ENV}/${FUNCTION_CONFIG_FILE} (Lambda sets it to the directory of the function's code; set it to the asset directory when running a bundle yourself)`,
    ]);
  }
  return join(root, FUNCTION_CONFIG_FILE);
}

/**
 * Read and validate the function's configuration file, without caching (see {@link loadFunctionConfig}).
 * @throws {ConfigError} when `LAMBDA_TASK_ROOT` is unset, the file is missing or unreadable, is not JSON, or has
 *   invalid fields (each named, as at synth)
 */
export function readFunctionConfig(env: Readonly<Record<string, string | undefined>>): Config {
  const path = functionConfigPath(env);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError(path, [
      code === 'ENOENT'
        ? `(file): missing; cdk synth bundles the validated configuration into every function's code as ${FUNCTION_CONFIG_FILE}. Deploy with \`cdk deploy --all\` (never upload a bundle without it); the function does not run on defaults`
        : `(file): cannot be read: ${(error as Error).message}`,
    ]);
  }
  return configFromJson(text, path);
}

const loaded = new Map<string, Config>();

/**
 * The function's configuration, read from `${LAMBDA_TASK_ROOT}/config.json` and validated on first use in the
 * container, then kept for the container's lifetime (the file is part of the immutable code asset). A failure is not
 * cached: every invocation fails with the same error until the function is redeployed with its configuration.
 *
 * @param env the function's environment (its wiring passes it); only `LAMBDA_TASK_ROOT` is read
 * @throws {ConfigError} naming what is missing or wrong (see {@link readFunctionConfig})
 */
export function loadFunctionConfig(env: Readonly<Record<string, string | undefined>>): Config {
  const path = functionConfigPath(env);
  const cached = loaded.get(path);
  if (cached) return cached;
  const config = readFunctionConfig(env);
  loaded.set(path, config);
  return config;
}
