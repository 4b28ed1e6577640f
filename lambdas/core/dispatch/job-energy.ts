import {
  CCF_AWS_AVERAGE_MAX_WATTS,
  CCF_AWS_AVERAGE_MIN_WATTS,
  DEFAULT_UTILISATION,
  instanceEnergyKWh,
} from '../accounting/energy';
import type { Job } from './job-request';

/**
 * Memory at which a Lambda function gets the equivalent of one full vCPU, MB (AWS Lambda Developer Guide,
 * "Configuring function memory": "At 1,769 MB, a function has the equivalent of one vCPU").
 */
export const LAMBDA_MB_PER_VCPU = 1769;

/** How a job's energy was estimated. */
export type JobEnergyBasis = 'estimatedKWh' | 'instanceType' | 'worker-lambda';

/** A job's estimated energy in one region and how it was obtained. */
export interface JobEnergy {
  /** Grid energy of the job, kWh. */
  readonly kWh: number;
  readonly basis: JobEnergyBasis;
  /** How long the job is expected to run, minutes (used for deferral slots). */
  readonly durationMinutes: number;
  /** One line a person can check, e.g. `m5.large × 2 h, PUE 1.135 (CCF)`. */
  readonly detail: string;
}

/** What the estimate needs besides the job. */
export interface JobEnergyOptions {
  /** PUE of the region the energy is drawn in (`config.pueFor(region)`). */
  readonly pue: number;
  /** Memory of the worker function, MB (the default estimate's size). */
  readonly workerMemoryMB: number;
  /** Expected duration when the job names none, minutes (the worker timeout). */
  readonly defaultDurationMinutes: number;
}

/** Expected duration of a job, minutes: `durationMinutes`, else `hours` × 60, else the default. */
export function jobDurationMinutes(job: Job, defaultDurationMinutes: number): number {
  return job.durationMinutes ?? (job.hours !== undefined ? job.hours * 60 : defaultDurationMinutes);
}

/**
 * Average power of a Lambda function, watts, excluding PUE: vCPU-equivalents × CCF's AWS average watts per vCPU
 * at 50% utilisation = (memoryMB ÷ 1769) × (0.74 + 0.5 × (3.5 − 0.74)) = (memoryMB ÷ 1769) × 2.12 W.
 * CPU term only, as the rest of the product's energy model (see accounting/energy.ts).
 */
export function lambdaPowerWatts(memoryMB: number): number {
  const perVcpu =
    CCF_AWS_AVERAGE_MIN_WATTS + DEFAULT_UTILISATION * (CCF_AWS_AVERAGE_MAX_WATTS - CCF_AWS_AVERAGE_MIN_WATTS);
  return (memoryMB / LAMBDA_MB_PER_VCPU) * perVcpu;
}

/**
 * A job's energy, in order of preference:
 * 1. `estimatedKWh` as given by the caller;
 * 2. `instanceType` + `hours`: Cloud Carbon Footprint model (`instanceEnergyKWh`, 50% CPU, the region's PUE);
 * 3. otherwise the worker Lambda itself: {@link lambdaPowerWatts}(workerMemoryMB) × PUE × expected duration.
 *
 * Example (3): 1024 MB for 15 minutes, PUE 1.135 → 1024/1769 × 2.12 W = 1.2272 W × 1.135 × 0.25 h ÷ 1000
 * = 0.000348 kWh.
 * @throws {UnknownInstanceTypeError} when `instanceType` is not in the bundled specs (the request schema checks it)
 */
export function jobEnergy(job: Job, options: JobEnergyOptions): JobEnergy {
  const durationMinutes = jobDurationMinutes(job, options.defaultDurationMinutes);
  if (job.estimatedKWh !== undefined) {
    return { kWh: job.estimatedKWh, basis: 'estimatedKWh', durationMinutes, detail: 'energy as given (estimatedKWh)' };
  }
  if (job.instanceType !== undefined && job.hours !== undefined) {
    return {
      kWh: instanceEnergyKWh(job.instanceType, job.hours, { pue: options.pue }),
      basis: 'instanceType',
      durationMinutes,
      detail: `${job.instanceType} × ${job.hours} h at 50% CPU, PUE ${options.pue} (Cloud Carbon Footprint model)`,
    };
  }
  const watts = lambdaPowerWatts(options.workerMemoryMB);
  return {
    kWh: (watts * options.pue * (durationMinutes / 60)) / 1000,
    basis: 'worker-lambda',
    durationMinutes,
    detail: `worker Lambda ${options.workerMemoryMB} MB (${watts.toFixed(3)} W) × ${durationMinutes} min, PUE ${options.pue}`,
  };
}
