import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, type Metafile } from 'esbuild';
import type { BenchFigure } from './figure';

/**
 * Size and cold module-load time of every Lambda bundle (lambdas/handlers/*.ts), bundled with esbuild exactly as
 * lib/constructs/product-function.ts has the CDK NodejsFunction do it (`esbuild --bundle` with ESM, node22,
 * minify, linked source map without sources content, `--main-fields=module,main`, platform node, the createRequire
 * banner, no external modules). Bundles go to a temporary directory, never into the repository.
 *
 * Figures: `bundle_<name>_size <KiB> KiB` (the .mjs, without its map) and `bundle_<name>_load <ms> ms` (median of
 * 3 fresh `node` processes: time to `import()` the bundle, with dummy TABLE_NAME/AWS_REGION; the configuration is
 * read at the first invocation, not at import).
 * Targets: < 1.5 MB and < 300 ms. A bundle over a target gets a note on stderr naming the packages that dominate it.
 */

const repositoryRoot = fileURLToPath(new URL('..', import.meta.url));
const handlersDir = join(repositoryRoot, 'lambdas', 'handlers');
const SIZE_TARGET_BYTES = 1.5 * 1024 * 1024;
const LOAD_TARGET_MS = 300;
const LOAD_RUNS = 3;

/** The banner of product-function.ts: ESM bundles still meet CommonJS dependencies that call require(). */
const BANNER =
  "import { createRequire as __createRequire } from 'module'; const require = __createRequire(import.meta.url);";

/** Bytes of the output per package (`node_modules/<pkg>` or `(own code)`), largest first. */
function dominantPackages(metafile: Metafile): Array<[string, number]> {
  const byPackage = new Map<string, number>();
  for (const output of Object.values(metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
      const name = match ? match[1]! : '(own code)';
      byPackage.set(name, (byPackage.get(name) ?? 0) + bytesInOutput);
    }
  }
  return [...byPackage.entries()].sort((a, b) => b[1] - a[1]);
}

function loadTimeMs(file: string): number {
  const script = `const t = performance.now(); await import(${JSON.stringify(pathToFileURL(file).href)}); process.stdout.write(String(performance.now() - t));`;
  const times: number[] = [];
  for (let run = 0; run < LOAD_RUNS; run += 1) {
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      env: {
        PATH: process.env.PATH,
        TABLE_NAME: 'carbon-aware-scheduler-bench',
        AWS_REGION: 'eu-central-1',
        AWS_ACCESS_KEY_ID: 'bench',
        AWS_SECRET_ACCESS_KEY: 'bench',
        AWS_EC2_METADATA_DISABLED: 'true',
        POWERTOOLS_SERVICE_NAME: 'bench',
        POWERTOOLS_METRICS_NAMESPACE: 'CarbonAwareScheduler',
        POWERTOOLS_LOG_LEVEL: 'SILENT',
      },
      encoding: 'utf8',
      timeout: 30_000,
    });
    if (child.status !== 0) throw new Error(`loading ${file} failed: ${child.stderr}`);
    times.push(Number(child.stdout));
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)]!;
}

export async function bench(): Promise<BenchFigure[]> {
  const figures: BenchFigure[] = [];
  const outDir = mkdtempSync(join(tmpdir(), 'cas-bundles-'));
  try {
    const entries = readdirSync(handlersDir)
      .filter((file) => file.endsWith('.ts'))
      .sort();
    for (const entry of entries) {
      const name = basename(entry, '.ts').replace(/-/g, '_');
      const outfile = join(outDir, basename(entry, '.ts'), 'index.mjs');
      const result = await build({
        absWorkingDir: repositoryRoot,
        entryPoints: [join(handlersDir, entry)],
        bundle: true,
        platform: 'node',
        target: 'node22',
        format: 'esm',
        outfile,
        minify: true,
        sourcemap: true,
        sourcesContent: false,
        mainFields: ['module', 'main'],
        banner: { js: BANNER },
        metafile: true,
        logLevel: 'silent',
      });
      const bytes = statSync(outfile).size;
      const load = loadTimeMs(outfile);
      figures.push({ name: `bundle_${name}_size`, value: Number((bytes / 1024).toFixed(1)), unit: 'KiB' });
      figures.push({ name: `bundle_${name}_load`, value: Number(load.toFixed(1)), unit: 'ms' });
      if (bytes > SIZE_TARGET_BYTES || load > LOAD_TARGET_MS) {
        const top = dominantPackages(result.metafile)
          .slice(0, 5)
          .map(([pkg, size]) => `${pkg} ${(size / 1024).toFixed(0)} KiB`)
          .join(', ');
        console.error(
          `bundle ${entry}: ${(bytes / 1024).toFixed(0)} KiB, ${load.toFixed(0)} ms (targets 1536 KiB, ${LOAD_TARGET_MS} ms); largest parts: ${top}`,
        );
      }
    }
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
  return figures;
}
