/**
 * `npm run openapi`: write docs/openapi.json, the OpenAPI 3.1 document of the HTTP API generated from the route
 * table and its zod schemas (lambdas/core/api/openapi.ts). `--check` exits 1 when the committed file is out of date.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WORKER_MEMORY_MB, WORKER_TIMEOUT_SECONDS } from '../lambdas/contract';
import { openApiDocument } from '../lambdas/core/api/openapi';
import { apiRoutes } from '../lambdas/core/api/route-table';

const root = fileURLToPath(new URL('..', import.meta.url));
export const OPENAPI_FILE = join(root, 'docs', 'openapi.json');

/** The document as JSON text (the committed file is this, formatted by biome). */
export function openApiText(): string {
  const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
  const routes = apiRoutes({ workerMemoryMB: WORKER_MEMORY_MB, workerTimeoutMinutes: WORKER_TIMEOUT_SECONDS / 60 });
  return `${JSON.stringify(openApiDocument(routes, version), null, 2)}\n`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const text = openApiText();
  if (process.argv.includes('--check')) {
    const current: unknown = JSON.parse(readFileSync(OPENAPI_FILE, 'utf8'));
    if (JSON.stringify(current) !== JSON.stringify(JSON.parse(text))) {
      console.error('docs/openapi.json is out of date: run npm run openapi');
      process.exit(1);
    }
  } else {
    writeFileSync(OPENAPI_FILE, text);
    // The repository's formatter decides the layout (the test compares the parsed document).
    execFileSync(join(root, 'node_modules', '.bin', 'biome'), ['format', '--write', OPENAPI_FILE], { stdio: 'ignore' });
    console.log(`wrote ${OPENAPI_FILE}`);
  }
}
