import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { BenchFigure } from './figure';

/** Runs every `bench/*.bench.ts` in turn (or those whose name contains argv[2]) and prints `name value unit`. */
const dir = fileURLToPath(new URL('.', import.meta.url));
const filter = process.argv[2];
const files = readdirSync(dir)
  .filter((file) => file.endsWith('.bench.ts') && (!filter || file.includes(filter)))
  .sort();
let failed = 0;
for (const file of files) {
  try {
    const mod = (await import(`./${file}`)) as { bench: () => Promise<BenchFigure[]> };
    for (const figure of await mod.bench()) {
      const value = Number.isInteger(figure.value) ? figure.value : Number(figure.value.toPrecision(4));
      console.log(`${figure.name} ${value} ${figure.unit}`);
    }
  } catch (error) {
    failed += 1;
    console.error(`bench ${file} failed: ${(error as Error).stack ?? error}`);
  }
}
process.exitCode = failed > 0 ? 1 : 0;
