import type { PriceBook } from '../accounting/price-book';
import { parseOverrideTag, type ScheduleRegistry } from '../schedule';
import type { DesiredState } from '../schedule/types';
import type { CarbonInput } from './carbon-input';
import type { IntensityPoint } from './carbon-policy';
import { type Decision, type DecisionConfig, decideInstance, policyThreshold } from './decide-instance';
import { estimateImpact, type ImpactEstimate } from './impact';
import { type InstanceFacts, OVERRIDE_TAG, SCHEDULE_TAG } from './instance-facts';
import type { SchedulerAction } from './instance-state';
import type { ExecutedDecision } from './region-types';
import { scheduleEvaluator } from './schedule-evaluator';

/** One line of a plan (docs/scheduler.md): what the scheduler does with an instance and why. */
export interface PlanEntry {
  readonly instanceId: string;
  readonly region: string;
  readonly instanceType: string;
  /** Schedule name; the raw tag value for a bad tag; null without a Schedule tag. */
  readonly schedule: string | null;
  readonly desired: DesiredState | null;
  readonly action: SchedulerAction;
  readonly reason: string;
  readonly carbon: {
    readonly gCO2ePerKWh: number;
    readonly provider: string;
    readonly ageSeconds: number;
    /** `live`, `cached`, `static` or `trace`. */
    readonly origin: string;
  };
  /**
   * After a real run: `ok` or `failed`, or `carried` when the run deadline came before the action was sent (the
   * next tick decides again); `planned` in a dry run; absent for `none`.
   */
  readonly result?: 'ok' | 'failed' | 'planned' | 'carried';
  readonly error?: string;
  /** When `defer-start` holds a start: the planned start. */
  readonly plannedStartAt?: string;
}

/** Counts over a plan. */
export interface PlanTotals {
  /** Instances listed. */
  readonly instances: number;
  /** Instances with a valid schedule. */
  readonly managed: number;
  readonly start: number;
  readonly stop: number;
  readonly resize: number;
  readonly none: number;
  /** Bad Schedule or ScheduleOverride values (reported, never acted on). */
  readonly invalidTags: number;
  /** Auto Scaling group members, spot and terminating instances. */
  readonly skipped: number;
  /** Instances without a Schedule tag (CLI fleet files only; the Lambda never describes them). */
  readonly unmanaged: number;
  /** Actions that failed (after a real run). */
  readonly failed: number;
  /** Managed instances stopped or kept stopped by a carbon policy. */
  readonly carbonHeld: number;
}

/** A plan entry from a decision. */
export function planEntry(decision: Decision | ExecutedDecision): PlanEntry {
  const executed = decision as ExecutedDecision;
  return {
    instanceId: decision.instanceId,
    region: decision.region,
    instanceType: decision.instanceType,
    schedule: decision.schedule,
    desired: decision.desired,
    action: decision.action,
    reason: decision.reason,
    carbon: {
      gCO2ePerKWh: decision.carbon.gCO2ePerKWh,
      provider: decision.carbon.provider,
      ageSeconds: decision.carbon.ageSeconds,
      origin: decision.carbon.origin,
    },
    ...(executed.result ? { result: executed.result } : {}),
    ...(executed.error ? { error: executed.error } : {}),
    ...(decision.plannedStartAt ? { plannedStartAt: decision.plannedStartAt } : {}),
  };
}

/** Totals of a set of decisions. */
export function planTotals(decisions: readonly (Decision | ExecutedDecision)[]): PlanTotals {
  const count = (predicate: (d: Decision | ExecutedDecision) => boolean) => decisions.filter(predicate).length;
  return {
    instances: decisions.length,
    managed: count((d) => d.kind === 'managed'),
    start: count((d) => d.action === 'start'),
    stop: count((d) => d.action === 'stop'),
    resize: count((d) => d.action === 'resize'),
    none: count((d) => d.action === 'none'),
    invalidTags: count((d) => d.kind === 'invalid-tag'),
    skipped: count((d) => d.kind === 'skipped'),
    unmanaged: count((d) => d.kind === 'unmanaged'),
    failed: count((d) => (d as ExecutedDecision).result === 'failed'),
    carbonHeld: count((d) => d.carbonDriven === true),
  };
}

/** A plan entry with the estimated impact of the instance's schedule over the coming hours (CLI `plan`). */
export interface FleetPlanEntry {
  readonly decision: Decision;
  readonly impact: ImpactEstimate;
}

/** Totals of a fleet plan: counts plus the estimated impact over the horizon. */
export interface FleetPlanTotals extends PlanTotals {
  /** Horizon of the estimate, hours. */
  readonly horizonHours: number;
  readonly estimatedStoppedHours: number;
  readonly estimatedUsd: number;
  readonly estimatedKWh: number;
  readonly estimatedGCO2e: number;
}

/** Input of {@link buildFleetPlan}. */
export interface FleetPlanInput {
  readonly instances: readonly InstanceFacts[];
  readonly now: Date;
  readonly tick: string;
  readonly config: DecisionConfig & { readonly pueFor: (region: string) => number };
  readonly registry: ScheduleRegistry;
  /** The reading of each region. */
  readonly carbonFor: (region: string) => CarbonInput;
  /** Forecast points of a region (defer-start), if any. */
  readonly forecastFor?: (region: string) => readonly IntensityPoint[] | undefined;
  /** Intensity over time of a region (a trace), for the impact estimate and pause simulation. */
  readonly seriesFor?: (region: string) => ((atMs: number) => number | undefined) | undefined;
  readonly prices: PriceBook;
  /** Estimate horizon, hours (default 24). */
  readonly horizonHours?: number;
}

/**
 * The plan for a fleet seen for the first time (no stored state): every instance's decision (the same
 * {@link decideInstance} the Lambda runs) and the estimated impact of its schedule over the next `horizonHours`.
 * Pure; used by the `plan` CLI.
 */
export function buildFleetPlan(input: FleetPlanInput): { entries: FleetPlanEntry[]; totals: FleetPlanTotals } {
  const horizonHours = input.horizonHours ?? 24;
  const evaluator = scheduleEvaluator(input.now);
  const none: ImpactEstimate = { stoppedHours: 0, usd: 0, kWh: 0, gCO2e: 0, priced: true };
  const entries = input.instances.map((instance): FleetPlanEntry => {
    const carbon = input.carbonFor(instance.region);
    const forecast = input.forecastFor?.(instance.region);
    const decision = decideInstance({
      instance,
      registry: input.registry,
      stored: undefined,
      carbon,
      ...(forecast ? { forecast } : {}),
      config: input.config,
      evaluator,
      tick: input.tick,
    });
    if (decision.kind !== 'managed') return { decision, impact: none };
    const resolved = input.registry.resolve(instance.tags[SCHEDULE_TAG] ?? '');
    if (!resolved.ok) return { decision, impact: none };
    const overrideTag = instance.tags[OVERRIDE_TAG];
    const override = overrideTag ? parseOverrideTag(overrideTag, input.now) : undefined;
    const threshold = policyThreshold(carbon, input.config);
    const series = input.seriesFor?.(instance.region);
    const impact = estimateImpact({
      schedule: resolved.schedule,
      ...(override?.ok && override.active
        ? { override: { state: override.state, ...(override.until ? { until: override.until } : {}) } }
        : {}),
      from: input.now,
      hours: horizonHours,
      instanceType: instance.instanceType,
      region: instance.region,
      pue: input.config.pueFor(instance.region),
      prices: input.prices,
      gCO2ePerKWh: carbon.gCO2ePerKWh,
      ...(series ? { intensityAt: series } : {}),
      ...(threshold.usable
        ? {
            pause: {
              thresholdGCO2ePerKWh: threshold.threshold,
              hysteresisGCO2ePerKWh: threshold.hysteresis,
              minRunMinutes: input.config.minRunMinutes,
              minStopMinutes: input.config.minStopMinutes,
            },
          }
        : {}),
    });
    return { decision, impact };
  });
  const sum = (pick: (i: ImpactEstimate) => number) => entries.reduce((total, e) => total + pick(e.impact), 0);
  return {
    entries,
    totals: {
      ...planTotals(entries.map((e) => e.decision)),
      horizonHours,
      estimatedStoppedHours: sum((i) => i.stoppedHours),
      estimatedUsd: sum((i) => i.usd),
      estimatedKWh: sum((i) => i.kWh),
      estimatedGCO2e: sum((i) => i.gCO2e),
    },
  };
}
