import { performance } from 'node:perf_hooks';
import { desiredState, desiredStateAt } from '../lambdas/core/schedule/evaluate';
import { nextTransition } from '../lambdas/core/schedule/next-transition';
import { ScheduleRegistry } from '../lambdas/core/schedule/registry';
import type { BenchFigure } from './figure';

/**
 * Schedule evaluation speed. One scheduler run evaluates every managed instance at the same `now`:
 * `schedule_eval_10k_instances_50_schedules` resolves the Schedule tag of 10,000 instances spread over 50 distinct
 * schedules and evaluates each (target: under 100 ms). `schedule_eval_uncached` is one evaluation at an instant never
 * seen before (what backtests pay), `schedule_next_transition` one `nextTransition` search.
 */

const ZONES = ['UTC', 'Europe/Berlin', 'America/New_York', 'Australia/Sydney', 'Asia/Kolkata'];
const PATTERNS: Record<string, unknown>[][] = [
  [{ begintime: '08:00', endtime: '18:00', weekdays: 'mon-fri' }],
  [{ begintime: '22:00', endtime: '06:00', weekdays: 'mon-thu' }],
  [
    { begintime: '07:00', endtime: '12:00', weekdays: 'mon-fri' },
    { begintime: '13:00', endtime: '19:00' },
  ],
  [{ monthdays: '1-7', weekdays: 'mon-fri', begintime: '09:00', endtime: '17:00' }],
  [{ weekdays: 'fri#3,friL', begintime: '18:00' }],
  [{ monthdays: 'L,15W', months: 'jan/3' }],
  [{ endtime: '20:00', weekdays: 'sat,sun' }],
  [{ begintime: '06:30', endtime: '23:30', weekdays: 'fri-mon' }],
  [{ begintime: '09:00', endtime: '17:00', weekdays: 'mon-fri/2', instanceType: 'm7g.large' }],
  [{ begintime: '00:00', endtime: '24:00', monthdays: '1/14' }],
];

function definitions(): Record<string, unknown>[] {
  const result: Record<string, unknown>[] = [];
  for (let i = 0; i < 50; i++) {
    result.push({
      name: `bench-${i}`,
      timezone: ZONES[i % ZONES.length],
      periods: PATTERNS[i % PATTERNS.length],
      exceptions: i % 3 === 0 ? ['2026-12-24/2026-12-26'] : [],
    });
  }
  return result;
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
};

export async function bench(): Promise<BenchFigure[]> {
  const registry = ScheduleRegistry.fromConfig(definitions(), 'UTC');
  const tags = Array.from({ length: 10_000 }, (_, i) => (i % 7 === 0 ? `Bench_${i % 50}` : `bench-${i % 50}`));
  const start = Date.UTC(2026, 2, 2, 6, 0, 0);

  // One scheduler run = every instance at one `now`; each run uses a new `now` (no result carried between runs).
  const runs: number[] = [];
  let running = 0;
  for (let run = 0; run < 25; run++) {
    const now = new Date(start + run * 300_000);
    const began = performance.now();
    for (const tag of tags) {
      const resolved = registry.resolve(tag);
      if (resolved.ok && desiredState(resolved.schedule, now).state === 'running') running += 1;
    }
    runs.push(performance.now() - began);
  }
  if (running === 0) throw new Error('bench: no instance ever running; the bench schedules are wrong');

  const schedules = registry.schedules().filter((s) => s.name.startsWith('bench-'));
  const evaluations = 50_000;
  const evaluateSeries = (offsetMs: number) => {
    for (let i = 0; i < evaluations; i++) {
      desiredStateAt(schedules[i % schedules.length] as (typeof schedules)[number], offsetMs + start + i * 61_000);
    }
  };
  evaluateSeries(365 * 86_400_000); // warm-up (JIT), on other dates than the measured ones
  let began = performance.now();
  evaluateSeries(0);
  const uncachedMicros = ((performance.now() - began) * 1000) / evaluations;

  const searches = 500;
  began = performance.now();
  for (let i = 0; i < searches; i++) {
    nextTransition(schedules[i % schedules.length] as (typeof schedules)[number], new Date(start + i * 3_600_000));
  }
  const nextMicros = ((performance.now() - began) * 1000) / searches;

  const perRun = median(runs);
  return [
    { name: 'schedule_eval_10k_instances_50_schedules', value: perRun, unit: 'ms' },
    { name: 'schedule_eval_per_instance', value: (perRun * 1000) / tags.length, unit: 'µs' },
    { name: 'schedule_eval_uncached', value: uncachedMicros, unit: 'µs' },
    { name: 'schedule_next_transition', value: nextMicros, unit: 'µs' },
  ];
}
