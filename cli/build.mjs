// Compile the CLI to JavaScript with esbuild (one ES module per command, loaded on demand) into
// node_modules/.cache/carbon-scheduler/cli/<build>/, and record its inputs with their sizes and modification times
// in manifest.json, which cli/bin.mjs checks on every start. Run directly (`npm run build:cli`) to build ahead.
import { mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const cacheDir = `${root}node_modules/.cache/carbon-scheduler/cli/`;

/** Build the CLI; returns the absolute path of the entry module. */
export async function buildCli() {
  const esbuild = await import('esbuild');
  const dir = `build-${Date.now()}-${process.pid}`;
  mkdirSync(cacheDir, { recursive: true });
  const result = await esbuild.build({
    absWorkingDir: root,
    entryPoints: { main: 'cli/main.ts' },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    outdir: `${cacheDir}${dir}`,
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunks/[name]-[hash]',
    metafile: true,
    logLevel: 'silent',
    legalComments: 'none',
    // CommonJS dependencies bundled into ES modules call require() for Node's built-ins.
    banner: {
      js: "import { createRequire as __cliRequire } from 'node:module'; const require = __cliRequire(import.meta.url);",
    },
  });
  const inputs = {};
  for (const file of [
    ...Object.keys(result.metafile.inputs).filter((f) => !f.includes('node_modules/')),
    'package-lock.json',
  ]) {
    const stats = statSync(root + file);
    inputs[file] = [stats.size, stats.mtimeMs];
  }
  const manifest = `${cacheDir}manifest.${process.pid}.json`;
  writeFileSync(manifest, JSON.stringify({ dir, node: process.version, inputs }));
  renameSync(manifest, `${cacheDir}manifest.json`);
  // Older builds go once they are an hour old (a command started from one may still load its chunks).
  for (const name of readdirSync(cacheDir)) {
    if (!name.startsWith('build-') || name === dir) continue;
    if (Date.now() - statSync(cacheDir + name).mtimeMs > 3_600_000)
      rmSync(cacheDir + name, { recursive: true, force: true });
  }
  return `${cacheDir}${dir}/main.mjs`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const entry = await buildCli();
  process.stdout.write(`built ${entry}\n`);
}
