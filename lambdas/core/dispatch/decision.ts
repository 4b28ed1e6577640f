import type { RankedRegion } from '../carbon/ranking';
import type { DeferralSlot } from './deferral';
import type { JobEnergy } from './job-energy';

/**
 * The record of one dispatch decision (`JOB#<jobId>` / `DECISION`): every candidate with its data and source,
 * what was chosen and when, the counterfactual at home, and each invoke attempt. Plain JSON (ISO-8601 strings),
 * so it is stored, logged and returned unchanged.
 */

/** One candidate region as the ranking saw it. */
export interface CandidateRecord {
  /** 1 = cleanest. */
  readonly rank: number;
  readonly region: string;
  readonly zone: string;
  readonly provider: string;
  /** `live`, `cached` or `static` (fallback chain, docs/carbon.md). */
  readonly origin: string;
  readonly signal: string;
  /** Intensity as reported, gCO2e/kWh. */
  readonly gCO2ePerKWh: number;
  /** Intensity after freshness/estimate penalties, used for the order, gCO2e/kWh. */
  readonly adjustedGCO2ePerKWh: number;
  /** Age of the reading, seconds; null when its time could not be read. */
  readonly ageSeconds: number | null;
  readonly observedAt: string;
  readonly isEstimated: boolean;
  readonly fallbackReason?: string;
}

/** One asynchronous invoke of a worker. */
export interface InvokeAttempt {
  readonly region: string;
  readonly at: string;
  readonly outcome: 'invoked' | 'failed';
  /** The error message when the invoke failed. */
  readonly error?: string;
}

/** A scheduled re-submission. */
export interface DeferralRecord extends DeferralSlot {
  /** EventBridge Scheduler schedule name (in the dispatch schedule group). */
  readonly scheduleName: string;
  /** Intensity the job would have run at now, gCO2e/kWh. */
  readonly baselineGCO2ePerKWh: number;
  readonly latestStart: string;
}

/** The intensity at home, the counterfactual. */
export interface HomeRecord {
  readonly region: string;
  readonly gCO2ePerKWh: number;
  readonly provider: string;
  readonly origin: string;
  readonly ageSeconds: number | null;
}

/** Estimated emissions of the job, grams CO2e. */
export interface EmissionsEstimate {
  /** Running at home now. */
  readonly homeGrams: number;
  /** Running where (and when) it was sent. */
  readonly chosenGrams: number;
  /** homeGrams − chosenGrams; negative when the chosen region is dirtier than home. */
  readonly savedGrams: number;
  /** Energy at home and in the chosen region (they differ only by PUE), kWh. */
  readonly homeKWh: number;
  readonly chosenKWh: number;
}

/**
 * What happened: `dispatched` (a worker accepted the job), `deferred` (a schedule will re-submit it),
 * `failed` (every invoke failed), `planned` (dry run: nothing done).
 */
export type DispatchAction = 'dispatched' | 'deferred' | 'failed' | 'planned';

/** The request fields that shaped the decision. */
export interface DecisionRequest {
  readonly regions: string[];
  readonly deadline?: string;
  readonly maxDeferMinutes: number;
  readonly minImprovementPercent: number;
  readonly noDefer: boolean;
  readonly deferredFrom?: { scheduleName: string; decidedAt: string; plannedStart: string };
}

/** One dispatch decision. */
export interface DispatchDecision {
  readonly jobId: string;
  readonly kind: string;
  readonly decidedAt: string;
  readonly action: DispatchAction;
  readonly dryRun: boolean;
  /** One or two sentences: what was chosen and why. */
  readonly reason: string;
  readonly request: DecisionRequest;
  /** Candidates, cleanest first. */
  readonly candidates: CandidateRecord[];
  readonly home: HomeRecord;
  /** Mean of the candidates' reported intensities, gCO2e/kWh. */
  readonly averageGCO2ePerKWh: number;
  /** The job's energy (home region's PUE). */
  readonly energy: JobEnergy;
  /** Region the job runs (or, for a dry run, would run) in; for a deferral, the region expected then. */
  readonly chosenRegion?: string;
  /** When it runs: now, or the deferral's start; ISO-8601. */
  readonly runAt?: string;
  readonly attempts: InvokeAttempt[];
  readonly deferral?: DeferralRecord;
  /** Why the job was or was not deferred. */
  readonly deferralNote: string;
  /** Estimated emissions against running at home now (absent when every invoke failed). */
  readonly emissions?: EmissionsEstimate;
  /** The job payload, when its JSON is at most {@link STORED_JOB_MAX_BYTES}; else its size. */
  readonly job?: Record<string, unknown>;
  readonly jobBytes: number;
}

/** Largest job payload kept in the decision record, bytes (DynamoDB items are limited to 400 KB). */
export const STORED_JOB_MAX_BYTES = 32_768;

/** A ranked region as a decision record row. */
export function candidateRecord(ranked: RankedRegion, index: number): CandidateRecord {
  const reading = ranked.sourced.reading;
  return {
    rank: index + 1,
    region: ranked.region,
    zone: reading.zone,
    provider: reading.provider,
    origin: ranked.sourced.origin,
    signal: reading.signal,
    gCO2ePerKWh: ranked.gCO2ePerKWh,
    adjustedGCO2ePerKWh: ranked.adjustedGCO2ePerKWh,
    ageSeconds: Number.isFinite(ranked.ageSeconds) ? ranked.ageSeconds : null,
    observedAt: reading.observedAt,
    isEstimated: reading.isEstimated,
    ...(ranked.sourced.fallbackReason ? { fallbackReason: ranked.sourced.fallbackReason } : {}),
  };
}
