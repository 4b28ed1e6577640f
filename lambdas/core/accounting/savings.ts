import type { InstanceSpecs } from '../ec2/instance-specs';
import { AccountingInputError, emissionsGrams, instanceEnergyKWh } from './energy';
import type { PriceQuote } from './price-book';

/** Savings of not running an instance, against the counterfactual of running it (docs/accounting.md). */
export interface StoppedSavings {
  /** On-demand compute cost avoided, USD (0 when `price` is undefined: see `priced`). */
  readonly usd: number;
  /** Emissions avoided, grams CO2e. */
  readonly gCO2e: number;
  /** Grid energy avoided (PUE included), kWh. */
  readonly kWh: number;
  /** False when no price was known, so `usd` is 0 for lack of data rather than a real zero. */
  readonly priced: boolean;
}

/** Input of {@link stoppedSavings}. */
export interface StoppedSavingsInput {
  readonly instanceType: string;
  /** AWS region of the instance (kept for the record; the price and PUE passed in are the region's). */
  readonly region: string;
  /** Instance-hours stopped (e.g. one scheduling interval: 5 / 60). */
  readonly hours: number;
  /** Carbon intensity of the hours stopped, gCO2e/kWh (the reading the decision used). */
  readonly gCO2ePerKWh: number;
  /** PUE of the region (`config.pueFor(region)`). */
  readonly pue: number;
  /** Price of the instance type in the region (from a PriceBook), or undefined when unknown. */
  readonly price: PriceQuote | undefined;
  /** Average CPU utilisation the instance would have run at, fraction 0..1 (default 0.5). */
  readonly utilisation?: number;
  /** Specs for a type the bundled snapshot lacks (e.g. from DescribeInstanceTypes). */
  readonly specs?: InstanceSpecs;
}

/**
 * What stopping an instance for `hours` saved against running it: cost = usdPerHour × hours (on-demand compute
 * only: EBS volumes and Elastic IPs are billed whether running or not, so they are not savings); energy =
 * CCF energy model (see energy.ts) × hours; emissions = kWh × gCO2ePerKWh.
 *
 * Example: m5.large in us-east-1 (0.096 USD/h) stopped 10 h at 400 g/kWh, PUE 1.135, u = 0.5:
 * kWh = 4.7172 W × 1.135 × 10 h ÷ 1000 = 0.05354; gCO2e = 21.42; usd = 0.96.
 * @throws {UnknownInstanceTypeError} when the type is unknown and no `specs` are given
 * @throws {AccountingInputError} for negative hours/intensity, PUE < 1 or utilisation outside 0..1
 */
export function stoppedSavings(input: StoppedSavingsInput): StoppedSavings {
  const kWh = instanceEnergyKWh(input.instanceType, input.hours, {
    pue: input.pue,
    ...(input.utilisation !== undefined ? { utilisation: input.utilisation } : {}),
    ...(input.specs ? { specs: input.specs } : {}),
  });
  return {
    usd: input.price ? input.price.usdPerHour * input.hours : 0,
    gCO2e: emissionsGrams(kWh, input.gCO2ePerKWh),
    kWh,
    priced: input.price !== undefined,
  };
}

/**
 * Emissions avoided by running a job's energy in the chosen region instead of the home region, grams CO2e:
 * kWh × (home gCO2e/kWh − chosen gCO2e/kWh). Negative when the chosen region was dirtier (e.g. the only allowed
 * region), so totals stay honest.
 * @throws {AccountingInputError} for a negative or non-finite kWh or intensity
 */
export function dispatchSavingsGrams(input: {
  readonly kWh: number;
  readonly homeGCO2ePerKWh: number;
  readonly chosenGCO2ePerKWh: number;
}): number {
  const home = emissionsGrams(input.kWh, input.homeGCO2ePerKWh);
  const chosen = emissionsGrams(input.kWh, input.chosenGCO2ePerKWh);
  return home - chosen;
}

export { AccountingInputError };
