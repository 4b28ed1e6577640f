import { parseOverrideTag, SCHEDULE_OVERRIDE_TAG } from '../schedule';
import type { DesiredState, Schedule } from '../schedule/types';
import type { CarbonInput } from '../scheduler/carbon-input';
import {
  deferStartDecision,
  INITIAL_PAUSE_STATE,
  type IntensityPoint,
  type PauseState,
  pausePolicyStep,
} from '../scheduler/carbon-policy';
import type { DecisionConfig } from '../scheduler/decide-instance';
import type { ScheduleEvaluator } from '../scheduler/schedule-evaluator';
import { inMaintenanceWindow, MAINTENANCE_LEAD_MINUTES, parseMaintenanceWindow } from './maintenance-window';
import type { CarbonContext, PolicyHold, ResourceReasonStep } from './reason';

/**
 * What a resource should be, before the transition rules: schedule → `ScheduleOverride` → preferred maintenance
 * window (DB instances and clusters, `useMaintenanceWindow`) → carbon policy. The same order and the same policy
 * steps (`pausePolicyStep`, `deferStartDecision`) as the EC2 decision (lambdas/core/scheduler/decide-instance.ts).
 */

/** Threshold and hysteresis a policy compares a reading with, or why it must not compare. */
export type ResourcePolicyThreshold =
  | {
      readonly usable: true;
      readonly threshold: number;
      readonly hysteresis: number;
      readonly label: 'threshold' | 'marginal threshold';
    }
  | { readonly usable: false; readonly threshold: number; readonly hold: PolicyHold };

/**
 * The threshold of a reading, as the EC2 decision chooses it: static-only data holds under `carbon.whenNoLiveData`
 * `hold`; a marginal signal is compared only with `carbon.marginalThresholds[region]` (hysteresis scaled in
 * proportion) and holds without one; an average signal uses the region's threshold and hysteresis.
 */
export function resourcePolicyThreshold(carbon: CarbonInput, config: DecisionConfig): ResourcePolicyThreshold {
  const region = carbon.region;
  const threshold = config.thresholdFor(region);
  if (carbon.origin === 'static' && config.carbon.whenNoLiveData === 'hold') {
    return { usable: false, threshold, hold: { kind: 'static-only' } };
  }
  if (carbon.signal === 'marginal') {
    const marginal = config.carbon.marginalThresholds?.[region];
    if (marginal === undefined) {
      return { usable: false, threshold, hold: { kind: 'marginal-unconfigured', provider: carbon.provider, region } };
    }
    const ratio = threshold > 0 && Number.isFinite(threshold) ? config.hysteresisFor(region) / threshold : 0.1;
    return { usable: true, threshold: marginal, hysteresis: marginal * ratio, label: 'marginal threshold' };
  }
  return { usable: true, threshold, hysteresis: config.hysteresisFor(region), label: 'threshold' };
}

/** Input of {@link desiredForResource}. */
export interface DesireInput {
  readonly schedule: Schedule;
  readonly tags: Readonly<Record<string, string>>;
  /** Whether the resource is down or going down now (a `defer-start` only delays a start). */
  readonly stoppedLike: boolean;
  /** The resource's preferred maintenance window, for schedules with `useMaintenanceWindow` (DB resources only). */
  readonly maintenanceWindow?: string;
  readonly storedPause?: PauseState;
  readonly carbon: CarbonInput;
  readonly forecast?: readonly IntensityPoint[];
  readonly config: DecisionConfig;
  readonly evaluator: ScheduleEvaluator;
}

/** What {@link desiredForResource} found. */
export type Desire =
  | { readonly ok: false; readonly step: ResourceReasonStep }
  | {
      readonly ok: true;
      readonly desired: DesiredState;
      readonly steps: readonly ResourceReasonStep[];
      /** `pause-when-dirty` state to store (absent for other policies). */
      readonly pause?: PauseState;
      readonly plannedStartAt?: string;
      /** True when the carbon policy (not the time schedule) made the resource stopped. */
      readonly carbonDriven: boolean;
      readonly override: boolean;
      /** The maintenance window that holds the resource running now (start it even if not enforced). */
      readonly maintenanceWindow?: string;
    };

/**
 * The desired state of a managed resource at the evaluator's `now`, with its reason steps (pure).
 * An active override wins over everything; a maintenance window (when the schedule uses it and the window is
 * current) wins over the schedule and the carbon policy; otherwise the schedule and then its carbon policy decide.
 */
export function desiredForResource(input: DesireInput): Desire {
  const { schedule, carbon, config, evaluator } = input;
  const now = evaluator.now;
  const at = now.toISOString();
  const overrideText = input.tags[SCHEDULE_OVERRIDE_TAG];
  let override: { state: 'running' | 'stopped'; text: string } | undefined;
  if (overrideText !== undefined && overrideText.trim() !== '') {
    const parsed = parseOverrideTag(overrideText, now);
    if (!parsed.ok) return { ok: false, step: { rule: 'invalid.override-tag', tag: overrideText, why: parsed.reason } };
    if (parsed.active) override = { state: parsed.state, text: overrideText };
  }
  const desire = evaluator.desired(schedule);
  const threshold = resourcePolicyThreshold(carbon, config);
  const context: CarbonContext = {
    reading: carbon,
    at,
    thresholdGCO2ePerKWh: threshold.threshold,
    thresholdLabel: threshold.usable ? threshold.label : 'threshold',
  };
  const policy = schedule.carbonPolicy;
  const steps: ResourceReasonStep[] = [];
  const initialPause = policy === 'pause-when-dirty' ? INITIAL_PAUSE_STATE : undefined;

  if (override) {
    steps.push({
      rule: 'override.active',
      schedule: schedule.name,
      tag: override.text,
      state: override.state,
      scheduleState: desire.state,
    });
    steps.push({ rule: 'carbon.under-override', carbon: context, policy });
    return {
      ok: true,
      desired: override.state,
      steps,
      ...(policy === 'pause-when-dirty' ? { pause: input.storedPause ?? INITIAL_PAUSE_STATE } : {}),
      carbonDriven: false,
      override: true,
    };
  }
  steps.push({ rule: 'schedule.desired', schedule: schedule.name, desired: desire.state, detail: desire.reason });

  if (schedule.useMaintenanceWindow && input.maintenanceWindow !== undefined) {
    const parsed = parseMaintenanceWindow(input.maintenanceWindow);
    if (!parsed.ok) {
      steps.push({ rule: 'maintenance.bad-window', why: parsed.reason });
    } else if (inMaintenanceWindow(parsed.window, now.getTime())) {
      steps.push({ rule: 'maintenance.window', window: parsed.window.text, leadMinutes: MAINTENANCE_LEAD_MINUTES });
      steps.push({ rule: 'carbon.in-maintenance-window', carbon: context, policy });
      return {
        ok: true,
        desired: 'running',
        steps,
        ...(initialPause ? { pause: initialPause } : {}),
        carbonDriven: false,
        override: false,
        maintenanceWindow: parsed.window.text,
      };
    }
  }

  if (policy === 'none' || desire.state !== 'running') {
    steps.push({ rule: 'carbon.not-applied', carbon: context, policy });
    return {
      ok: true,
      desired: desire.state,
      steps,
      ...(initialPause ? { pause: initialPause } : {}),
      carbonDriven: false,
      override: false,
    };
  }
  if (policy === 'pause-when-dirty') {
    if (!threshold.usable) {
      steps.push({ rule: 'pause.holds', carbon: context, policy, hold: threshold.hold });
      return { ok: true, desired: 'running', steps, pause: INITIAL_PAUSE_STATE, carbonDriven: false, override: false };
    }
    const step = pausePolicyStep(
      input.storedPause ?? INITIAL_PAUSE_STATE,
      { gCO2ePerKWh: carbon.gCO2ePerKWh, at: now },
      {
        thresholdGCO2ePerKWh: threshold.threshold,
        hysteresisGCO2ePerKWh: threshold.hysteresis,
        minRunMinutes: config.minRunMinutes,
        minStopMinutes: config.minStopMinutes,
      },
    );
    steps.push({ rule: 'pause.step', carbon: context, policy, detail: step.reason });
    return {
      ok: true,
      desired: step.paused ? 'stopped' : 'running',
      steps,
      pause: step.state,
      carbonDriven: step.paused,
      override: false,
    };
  }
  // defer-start: only delays a start; a running resource is left running.
  const periodStart = evaluator.periodStart(schedule, schedule.maxDeferMinutes);
  if (!input.stoppedLike) {
    steps.push({ rule: 'defer.not-stopped', carbon: context, policy, state: 'up' });
  } else if (periodStart === undefined) {
    steps.push({ rule: 'defer.window-passed', carbon: context, policy, maxDeferMinutes: schedule.maxDeferMinutes });
  } else if (!threshold.usable) {
    steps.push({ rule: 'defer.holds', carbon: context, policy, hold: threshold.hold });
  } else {
    const defer = deferStartDecision({
      now,
      periodStart,
      maxDeferMinutes: schedule.maxDeferMinutes,
      currentGCO2ePerKWh: carbon.gCO2ePerKWh,
      thresholdGCO2ePerKWh: threshold.threshold,
      ...(input.forecast ? { forecast: input.forecast } : {}),
    });
    const plannedStartAt = defer.plannedStartAt?.toISOString();
    steps.push({
      rule: 'defer.step',
      carbon: context,
      policy,
      detail: defer.reason,
      ...(plannedStartAt ? { plannedStartAt } : {}),
    });
    if (!defer.start) {
      return {
        ok: true,
        desired: 'stopped',
        steps,
        ...(plannedStartAt ? { plannedStartAt } : {}),
        carbonDriven: true,
        override: false,
      };
    }
  }
  return { ok: true, desired: 'running', steps, carbonDriven: false, override: false };
}
