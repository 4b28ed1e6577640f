import { fileURLToPath } from 'node:url';

/** Absolute path of a handler in lambdas/handlers (`name` without extension). */
export function lambdaEntry(name: string): string {
  return fileURLToPath(new URL(`../lambdas/handlers/${name}.ts`, import.meta.url));
}

/** Absolute path of the repository root. */
export const repositoryRoot: string = fileURLToPath(new URL('..', import.meta.url));
