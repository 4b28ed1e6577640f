import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FUNCTION_CONFIG_FILE } from '../lambdas/contract';
import { configToInput } from '../lambdas/core/config/resolve';
import type { Config } from '../lambdas/core/config/schema';

/**
 * Write the validated configuration, as the user wrote it (`configToInput`), to a file that synth copies into the
 * code asset of every function that reads it (docs/configuration-delivery.md). The file lives in its own directory
 * under the OS temp directory, named by the SHA-256 of its content: the same configuration always gives the same
 * path (re-synthesizing creates nothing new), and a changed configuration gives a new path, so the CDK never reuses
 * a bundle built for another configuration.
 *
 * @param dir where to create the directory (default: the OS temp directory)
 * @returns the absolute path of the written `config.json`
 */
export function writeFunctionConfig(config: Config, dir: string = tmpdir()): string {
  const json = `${JSON.stringify(configToInput(config), null, 2)}\n`;
  const hash = createHash('sha256').update(json).digest('hex').slice(0, 16);
  const folder = join(dir, `carbon-aware-scheduler-config-${hash}`);
  mkdirSync(folder, { recursive: true });
  const file = join(folder, FUNCTION_CONFIG_FILE);
  writeFileSync(file, json);
  return file;
}

/**
 * The shell command that copies `source` to `target` during local bundling. Paths are quoted for the shell the CDK
 * runs the bundling commands in: POSIX single quotes for `bash -c` (every `'` closed, escaped and reopened), double
 * quotes for `cmd /c` on Windows.
 */
export function copyCommand(source: string, target: string, platform: NodeJS.Platform = process.platform): string {
  if (platform === 'win32') return `copy /Y "${source}" "${target}"`;
  const quote = (path: string) => `'${path.replaceAll("'", "'\\''")}'`;
  return `cp ${quote(source)} ${quote(target)}`;
}
