import pLimit from 'p-limit';
import type { CarbonLookup, ForecastLookup } from '../carbon/lookup';
import type { SourcedReading } from '../carbon/reading';
import { staticReading } from '../carbon/static-reading';
import type { ResourcesConfig } from '../resources/config';
import {
  type RegionResultWithResources,
  type ResourcePlanLine,
  type ResourcePorts,
  scheduleRegionWithResources,
} from '../resources/run-resources';
import type { ScheduleRegistry } from '../schedule';
import { errorMessage } from './batch';
import { carbonInputFromSourced } from './carbon-input';
import type { DecisionConfig } from './decide-instance';
import { type PlanEntry, type PlanTotals, planEntry, planTotals } from './plan';
import type { Lease, RunningTotals, SavingsIncrement } from './ports';
import type { ExecutedDecision, RegionPorts, RegionResult } from './region-types';
import { runRegion } from './run-region';
import { addSavings, NO_SAVINGS } from './savings';
import { scheduleEvaluator } from './schedule-evaluator';

/** Regions processed at the same time. */
const REGION_CONCURRENCY = 16;

/** The configuration a run reads. */
export interface SchedulerRunConfig extends DecisionConfig {
  readonly managedRegions: readonly string[];
  readonly pueFor: (region: string) => number;
  readonly carbon: DecisionConfig['carbon'] & { readonly zoneOverrides: Readonly<Record<string, string>> };
  /** RDS, Aurora and Auto Scaling scheduling (docs/resources.md). */
  readonly resources?: ResourcesConfig;
}

/** Ports of a run: the region ports plus carbon data and the lease. */
export interface SchedulerPorts extends RegionPorts {
  readonly carbon: CarbonLookup;
  readonly forecast?: ForecastLookup;
  /** Required for real runs; dry runs never touch it. */
  readonly lease?: Lease;
  /** Called once per instance with its final decision. */
  readonly log?: (decision: ExecutedDecision) => void;
  /** RDS DB instances, DB clusters and Auto Scaling groups; absent: EC2 only. */
  readonly resources?: ResourcePorts;
}

/** Input of {@link runScheduler}. */
export interface SchedulerRunInput {
  readonly now: Date;
  readonly tick: string;
  readonly dryRun: boolean;
  readonly config: SchedulerRunConfig;
  readonly registry: ScheduleRegistry;
  /** Lease holder id of this run (e.g. the Lambda request id). */
  readonly holder: string;
  /** How long the lease is held at most, seconds (≥ the Lambda timeout). */
  readonly leaseSeconds: number;
  /**
   * Epoch ms by which every region stops sending EC2 actions (e.g. the Lambda's deadline less a margin for the
   * state write); what is left is reported `carried` and decided again at the next tick. Absent: no deadline.
   */
  readonly deadline?: number;
}

/** What a run did (the scheduler Lambda's return value). */
export interface SchedulerRunResult {
  readonly at: string;
  readonly tick: string;
  readonly dryRun: boolean;
  /** `completed`, or `skipped` when another run holds the lease (nothing was done). */
  readonly status: 'completed' | 'skipped';
  /** Why the run was skipped. */
  readonly skippedReason?: string;
  /** The plan (docs/scheduler.md): one entry per described instance, then per described resource (docs/resources.md). */
  readonly plan: (PlanEntry | ResourcePlanLine)[];
  readonly totals: PlanTotals & { readonly savings: SavingsIncrement };
  /** Regions that failed as a whole, and other errors. */
  readonly errors: { readonly region?: string; readonly message: string }[];
  readonly warnings: { readonly region: string; readonly message: string }[];
  /** Per-region results (decisions, calls, savings) for metrics and logs. */
  readonly regions: RegionResult[];
  /** Running totals (UTC day, month, all time) after this run's savings were added; absent on dry runs. */
  readonly runningTotals?: RunningTotals;
}

async function readCarbon(
  lookup: CarbonLookup,
  regions: readonly string[],
  now: Date,
  zoneOverrides: Readonly<Record<string, string>>,
): Promise<Map<string, SourcedReading>> {
  let found = new Map<string, SourcedReading>();
  let reason = '';
  try {
    found = await lookup(regions, now);
  } catch (error) {
    reason = `carbon lookup failed: ${errorMessage(error)}`;
  }
  for (const region of regions) {
    if (!found.has(region)) {
      found.set(region, {
        reading: staticReading(region, now, zoneOverrides),
        origin: 'static',
        fallbackReason: reason || 'no reading for the region',
      });
    }
  }
  return found;
}

/**
 * One scheduler run over every managed region (regions in parallel; a failing region never stops the others).
 * Real runs first take the lease (a second overlapping run returns `skipped` and does nothing); dry runs take no
 * lease, call no mutating API and write nothing.
 */
export async function runScheduler(input: SchedulerRunInput, ports: SchedulerPorts): Promise<SchedulerRunResult> {
  const { now, tick, dryRun, config } = input;
  const base = { at: now.toISOString(), tick, dryRun };
  let leased = false;
  let fence: number | undefined;
  if (!dryRun) {
    if (!ports.lease) throw new Error('runScheduler: a real run needs a lease port');
    const lease = await ports.lease.acquire(input.holder, now, input.leaseSeconds);
    if (!lease.acquired) {
      return {
        ...base,
        status: 'skipped',
        skippedReason: `another scheduler run (${lease.holder}) holds the lease until ${lease.expiresAt}; nothing done`,
        plan: [],
        totals: { ...planTotals([]), savings: NO_SAVINGS },
        errors: [],
        warnings: [],
        regions: [],
      };
    }
    leased = true;
    // The lease's fencing token: every state write of the run is conditioned on it.
    fence = lease.token;
  }
  try {
    const regions = [...config.managedRegions];
    const readings = await readCarbon(ports.carbon, regions, now, config.carbon.zoneOverrides);
    const evaluator = scheduleEvaluator(now);
    const limit = pLimit(REGION_CONCURRENCY);
    const results = await Promise.all(
      regions.map((region) =>
        limit(() => {
          const regionInput = {
            region,
            tick,
            dryRun,
            registry: input.registry,
            config,
            evaluator,
            carbon: carbonInputFromSourced(readings.get(region)!),
            ...(ports.forecast
              ? {
                  forecast: async () =>
                    (await ports.forecast!(region, now))?.points.map((p) => ({
                      at: p.observedAt,
                      gCO2ePerKWh: p.gCO2ePerKWh,
                    })),
                }
              : {}),
            ports,
            ...(ports.log ? { log: ports.log } : {}),
            ...(fence !== undefined ? { fence } : {}),
            ...(input.deadline !== undefined ? { deadline: input.deadline } : {}),
          };
          // Resources and the start order across an application: lambdas/core/resources/run-resources.ts.
          return ports.resources && config.resources
            ? scheduleRegionWithResources(
                {
                  ...regionInput,
                  config: { ...config, resources: config.resources },
                  ports: { ...ports, ...ports.resources },
                },
                (hook) => runRegion({ ...regionInput, adjustDecisions: hook }),
              )
            : runRegion(regionInput);
        }),
      ),
    );
    const decisions = results.flatMap((r) => r.decisions);
    const savings = results.reduce((sum, r) => addSavings(sum, r.savings), NO_SAVINGS);
    const warnings = results.flatMap((r) => r.warnings.map((message) => ({ region: r.region, message })));
    let runningTotals: RunningTotals | undefined;
    if (!dryRun && ports.savings) {
      try {
        runningTotals = await ports.savings.addRunningTotals({ usd: savings.usd, gCO2e: savings.gCO2e }, now);
      } catch (error) {
        warnings.push({ region: 'all', message: `running savings totals not updated: ${(error as Error).message}` });
      }
    }
    return {
      ...base,
      status: 'completed',
      plan: [
        ...decisions.map(planEntry),
        ...results.flatMap((r) => (r as Partial<RegionResultWithResources>).resources?.plan ?? []),
      ],
      totals: { ...planTotals(decisions), savings },
      errors: results.filter((r) => r.error).map((r) => ({ region: r.region, message: r.error! })),
      warnings,
      regions: results,
      ...(runningTotals ? { runningTotals } : {}),
    };
  } finally {
    if (leased) {
      try {
        await ports.lease!.release(input.holder, fence);
      } catch {
        // The lease expires by itself (leaseSeconds).
      }
    }
  }
}
