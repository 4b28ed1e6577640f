/** One benchmark figure, printed by `npm run bench` as `name value unit`. */
export interface BenchFigure {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
}

/** A benchmark module exports `bench()`; bench/run.ts collects every `bench/*.bench.ts`. */
export type Bench = () => Promise<BenchFigure[]>;

/** Peak resident set size of this process so far, MiB. */
export function peakRssMiB(): number {
  return process.resourceUsage().maxRSS / 1024;
}
