import { DEFAULT_PUE } from '../config/schema';
import { POWER_COEFFICIENTS } from '../ec2/data/power-coefficients.generated';
import { type InstanceSpecs, instanceSpecs, UnknownInstanceTypeError } from '../ec2/instance-specs';

/**
 * Energy model of docs/accounting.md, after Cloud Carbon Footprint (CCF, https://www.cloudcarbonfootprint.org/docs/methodology):
 *
 *   average watts = vCPUs × (minW + u × (maxW − minW))          (IT power of the instance, CPU only)
 *   kWh           = average watts × PUE × hours ÷ 1000
 *   gCO2e         = kWh × gCO2e/kWh
 *
 * minW/maxW are watts per vCPU of the processor microarchitecture (CCF ccf-coefficients `coefficients-aws-use.csv`);
 * a type whose microarchitecture CCF lists several times uses the average of their coefficients (as CCF does);
 * a type with no known microarchitecture (or one without coefficients, e.g. first-generation Graviton, Apple M-series)
 * uses CCF's AWS averages {@link CCF_AWS_AVERAGE_MIN_WATTS} and {@link CCF_AWS_AVERAGE_MAX_WATTS}.
 * Memory, storage, network, GPU and embodied emissions are not counted: this is the CPU term of CCF only.
 */

/**
 * CCF's average minimum watts per vCPU for AWS, used when the microarchitecture is unknown
 * (cloud-carbon-footprint packages/aws/src/domain/AwsFootprintEstimationConstants.ts, `MIN_WATTS_AVG`).
 */
export const CCF_AWS_AVERAGE_MIN_WATTS = 0.74;
/** CCF's average maximum watts per vCPU for AWS (same source, `MAX_WATTS_AVG`). */
export const CCF_AWS_AVERAGE_MAX_WATTS = 3.5;
/** Default average CPU utilisation, as a fraction (CCF `AVG_CPU_UTILIZATION_2020` = 50%). */
export const DEFAULT_UTILISATION = 0.5;

export { DEFAULT_PUE };

/** Where the watts of an estimate come from, so a user can see why. */
export interface PowerBasis {
  readonly instanceType: string;
  readonly vcpu: number;
  /** Utilisation used, fraction 0..1. */
  readonly utilisation: number;
  /** Microarchitectures whose coefficients were averaged; empty when the AWS average was used. */
  readonly microarchitectures: readonly string[];
  readonly minWattsPerVcpu: number;
  readonly maxWattsPerVcpu: number;
  /** `ccf-microarchitecture` (coefficients of the listed microarchitectures) or `ccf-aws-average`. */
  readonly coefficients: 'ccf-microarchitecture' | 'ccf-aws-average';
}

/** A utilisation, PUE, duration or intensity outside its allowed range. */
export class AccountingInputError extends RangeError {
  constructor(field: string, value: unknown, allowed: string) {
    super(`${field} = ${JSON.stringify(value)} is not allowed; expected ${allowed}`);
    this.name = 'AccountingInputError';
  }
}

function checkFraction(field: string, value: number): number {
  if (!Number.isFinite(value) || value < 0 || value > 1) {
    throw new AccountingInputError(field, value, 'a fraction between 0 and 1 (0.5 = 50% CPU)');
  }
  return value;
}

function checkNonNegative(field: string, value: number, unit: string): number {
  if (!Number.isFinite(value) || value < 0) throw new AccountingInputError(field, value, `a finite number ≥ 0 ${unit}`);
  return value;
}

/**
 * Min and max watts per vCPU for a list of microarchitectures: the average of those with coefficients, else the
 * CCF AWS average (0.74 W, 3.5 W).
 */
export function wattsPerVcpu(microarchitectures: readonly string[]): {
  minWatts: number;
  maxWatts: number;
  microarchitectures: string[];
  coefficients: PowerBasis['coefficients'];
} {
  const known = microarchitectures.filter((name) => POWER_COEFFICIENTS[name] !== undefined);
  if (known.length === 0) {
    return {
      minWatts: CCF_AWS_AVERAGE_MIN_WATTS,
      maxWatts: CCF_AWS_AVERAGE_MAX_WATTS,
      microarchitectures: [],
      coefficients: 'ccf-aws-average',
    };
  }
  const sum = known.reduce(
    (acc, name) => ({
      min: acc.min + POWER_COEFFICIENTS[name]!.minWatts,
      max: acc.max + POWER_COEFFICIENTS[name]!.maxWatts,
    }),
    { min: 0, max: 0 },
  );
  return {
    minWatts: sum.min / known.length,
    maxWatts: sum.max / known.length,
    microarchitectures: known,
    coefficients: 'ccf-microarchitecture',
  };
}

/** Options of {@link instancePowerWatts}. */
export interface PowerOptions {
  /** Average CPU utilisation as a fraction 0..1 (default 0.5); e.g. CloudWatch average CPUUtilization ÷ 100. */
  readonly utilisation?: number;
  /**
   * Specs to use instead of the bundled snapshot (e.g. from DescribeInstanceTypes for a type the snapshot lacks);
   * their `microarchitectures` may be empty (then the CCF AWS average applies).
   */
  readonly specs?: InstanceSpecs;
}

/**
 * Average IT power of one running instance, watts, excluding PUE: vCPUs × (minW + u × (maxW − minW)).
 *
 * Example: m5.large (2 vCPU, Skylake: minW 0.6130, maxW 4.1042) at u = 0.5 → 2 × (0.6130 + 0.5 × 3.4912) = 4.717 W.
 * @throws {UnknownInstanceTypeError} when the type is not in the bundled snapshot and no `specs` are given
 * @throws {AccountingInputError} when `utilisation` is outside 0..1
 */
export function instancePowerWatts(
  instanceType: string,
  options: PowerOptions = {},
): { watts: number; basis: PowerBasis } {
  const utilisation = checkFraction('utilisation', options.utilisation ?? DEFAULT_UTILISATION);
  const specs = options.specs ?? instanceSpecs(instanceType);
  if (!specs) throw new UnknownInstanceTypeError(instanceType);
  const coefficients = wattsPerVcpu(specs.microarchitectures);
  const perVcpu = coefficients.minWatts + utilisation * (coefficients.maxWatts - coefficients.minWatts);
  return {
    watts: specs.vcpu * perVcpu,
    basis: {
      instanceType,
      vcpu: specs.vcpu,
      utilisation,
      microarchitectures: coefficients.microarchitectures,
      minWattsPerVcpu: coefficients.minWatts,
      maxWattsPerVcpu: coefficients.maxWatts,
      coefficients: coefficients.coefficients,
    },
  };
}

/** Options of {@link instanceEnergyKWh}. */
export interface EnergyOptions extends PowerOptions {
  /** Power usage effectiveness of the data centre (≥ 1; default 1.135, CCF's AWS figure): use `config.pueFor(region)`. */
  readonly pue?: number;
}

/**
 * Energy drawn from the grid by one instance running `hours` hours, kWh: watts × PUE × hours ÷ 1000.
 * @throws {UnknownInstanceTypeError} when the type is unknown and no `specs` are given
 * @throws {AccountingInputError} when hours < 0, PUE < 1 or utilisation outside 0..1
 */
export function instanceEnergyKWh(instanceType: string, hours: number, options: EnergyOptions = {}): number {
  checkNonNegative('hours', hours, 'hours');
  const pue = options.pue ?? DEFAULT_PUE;
  if (!Number.isFinite(pue) || pue < 1) throw new AccountingInputError('pue', pue, 'a number ≥ 1 (AWS: about 1.135)');
  const { watts } = instancePowerWatts(instanceType, options);
  return (watts * pue * hours) / 1000;
}

/**
 * Emissions of `kWh` at a grid carbon intensity, grams CO2e: kWh × gCO2e/kWh.
 * @throws {AccountingInputError} when either value is negative or not finite
 */
export function emissionsGrams(kWh: number, gCO2ePerKWh: number): number {
  checkNonNegative('kWh', kWh, 'kWh');
  checkNonNegative('gCO2ePerKWh', gCO2ePerKWh, 'gCO2e/kWh');
  return kWh * gCO2ePerKWh;
}
