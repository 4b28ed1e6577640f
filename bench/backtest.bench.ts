import { createReadStream, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { forecastViews, mergeTraces, simulateDispatch, simulatePause, simulateShift } from '../cli/backtest';
import { parseTrace, readTrace, type Trace, type TraceSeries } from '../cli/trace';
import { type BenchFigure, peakRssMiB } from './figure';

/**
 * Wall time of one-year backtests on real data: the 16 zones of 2023 from the green-dcc traces in
 * `BACKTEST_TRACES_DIR` (default `../shared/data/traces` beside the repository, where the project's reference data
 * lives; the traces are not in the repository) when present, else a synthetic
 * year (daily sine plus a weekly swing per zone, hourly). Figures:
 * - `backtest_trace_read_16zones_wall` — reading the 16 CSV files (8,760 rows each);
 * - `backtest_pause_1y_wall` — pause, DE, perfect forecast (the scheduler's pause-when-dirty every hour);
 * - `backtest_shift_1y_wall` — shift, DE, 2 h job due 09:00 ± 4 h, noise:5;
 * - `backtest_dispatch_1y_16zones_wall` — dispatch, 2 h job every hour to the cleanest of 16 zones, noise:5;
 * - `backtest_peak_rss` — peak resident memory of the process afterwards.
 */

const TRACES_DIR =
  process.env.BACKTEST_TRACES_DIR ?? fileURLToPath(new URL('../../shared/data/traces', import.meta.url));
const YEAR = '2023';
const HOURS = 8760;

async function realTraces(): Promise<Trace[] | undefined> {
  if (!existsSync(TRACES_DIR)) return undefined;
  const files = readdirSync(TRACES_DIR).filter((f) => f.startsWith('green-dcc_') && f.includes(`_${YEAR}_hourly`));
  if (files.length < 16) return undefined;
  const traces: Trace[] = [];
  for (const file of files.sort()) {
    traces.push(
      await readTrace(createInterface({ input: createReadStream(join(TRACES_DIR, file)) }), { source: file }),
    );
  }
  return traces;
}

function syntheticTraces(): Trace[] {
  const zones = Array.from({ length: 16 }, (_, z) => (z === 0 ? 'DE' : `Z${z}`));
  const lines = ['datetime,zone,carbon_intensity'];
  const start = Date.parse(`${YEAR}-01-01T00:00:00Z`);
  zones.forEach((zone, z) => {
    for (let h = 0; h < HOURS; h += 1) {
      const g =
        200 + 20 * z + 120 * Math.sin((2 * Math.PI * (h + 3 * z)) / 24) + 60 * Math.sin((2 * Math.PI * h) / 168);
      lines.push(`${new Date(start + h * 3_600_000).toISOString()},${zone},${g.toFixed(2)}`);
    }
  });
  return [parseTrace(lines.join('\n'))];
}

function wall<T>(run: () => T): { ms: number; value: T } {
  const started = performance.now();
  const value = run();
  return { ms: performance.now() - started, value };
}

export async function bench(): Promise<BenchFigure[]> {
  const read = performance.now();
  const real = await realTraces();
  const traces = real ?? syntheticTraces();
  const readMs = performance.now() - read;
  if (!real) {
    console.error(
      `WARNING backtest bench: no traces in ${TRACES_DIR} (set BACKTEST_TRACES_DIR); the backtest figures below are of a SYNTHETIC year, not of 2023's data`,
    );
  }
  const series: TraceSeries[] = mergeTraces(traces);
  const de = series.find((s) => s.zone === 'DE')!;
  const kWhPerHour = 0.005354;

  const pause = wall(() =>
    simulatePause({
      view: forecastViews([de], { kind: 'perfect' }, 1)[0]!,
      params: { thresholdGCO2ePerKWh: 300, hysteresisGCO2ePerKWh: 30, minRunMinutes: 30, minStopMinutes: 30 },
      timezone: 'UTC',
      kWhPerHour,
      usdPerHour: 0.115,
    }),
  );
  const shift = wall(() =>
    simulateShift({
      view: forecastViews([de], { kind: 'noise', percent: 5 }, 1)[0]!,
      durationMinutes: 120,
      startMinutes: 9 * 60,
      windowMinutes: 240,
      timezone: 'UTC',
      kWhPerHour,
    }),
  );
  const dispatch = wall(() =>
    simulateDispatch({
      views: forecastViews(series, { kind: 'noise', percent: 5 }, 1),
      home: 'DE',
      durationMinutes: 120,
      everyMinutes: 60,
      timezone: 'UTC',
      kWhPerHour,
    }),
  );
  if (pause.value.jobs < 8000 || shift.value.jobs < 360 || dispatch.value.jobs < 8000 || series.length < 16) {
    throw new Error('backtest bench: the year was not simulated in full');
  }
  return [
    {
      name: 'backtest_data',
      value: real ? 1 : 0,
      unit: real ? '(1 = the 2023 traces)' : '(0 = SYNTHETIC year: no traces found)',
    },
    { name: 'backtest_trace_read_16zones_wall', value: readMs, unit: 'ms' },
    { name: 'backtest_pause_1y_wall', value: pause.ms, unit: 'ms (target ≤ 5)' },
    { name: 'backtest_shift_1y_wall', value: shift.ms, unit: 'ms' },
    { name: 'backtest_dispatch_1y_16zones_wall', value: dispatch.ms, unit: 'ms (target ≤ 30)' },
    { name: 'backtest_peak_rss', value: peakRssMiB(), unit: 'MiB' },
  ];
}
