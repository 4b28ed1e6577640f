#!/usr/bin/env node
// Entry point of the `carbon-scheduler` command. It runs the CLI compiled to JavaScript: built with esbuild on the
// first run, and again after any of its sources changes, into node_modules/.cache/carbon-scheduler/cli, so no
// install script is needed and `--help` starts in a fraction of a second (docs/cli.md, "Start-up"). Without esbuild
// it falls back to running the TypeScript through tsx.
import { readFileSync, statSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const cacheDir = `${root}node_modules/.cache/carbon-scheduler/cli/`;

// A closed pipe (`| head`, a pager that quits) ends the command quietly and successfully.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED') process.exit(0);
    throw error;
  });
}

/** The built entry when every recorded input is unchanged (size and modification time), else undefined. */
function freshBuild() {
  try {
    const manifest = JSON.parse(readFileSync(`${cacheDir}manifest.json`, 'utf8'));
    if (manifest.node !== process.version) return undefined;
    for (const [file, stamp] of Object.entries(manifest.inputs)) {
      const stats = statSync(root + file);
      if (stats.size !== stamp[0] || stats.mtimeMs !== stamp[1]) return undefined;
    }
    return `${cacheDir}${manifest.dir}/main.mjs`;
  } catch {
    return undefined;
  }
}

let entry = freshBuild();
if (entry === undefined && process.env.CARBON_SCHEDULER_NO_BUILD === undefined) {
  try {
    entry = await (await import('./build.mjs')).buildCli();
  } catch (error) {
    if (process.env.CARBON_SCHEDULER_DEBUG) process.stderr.write(`build failed, using tsx: ${error.stack}\n`);
  }
}
let main;
if (entry !== undefined) {
  ({ main } = await import(pathToFileURL(entry).href));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('./main.ts'));
}
process.exitCode = await main(process.argv.slice(2));
