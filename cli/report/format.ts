/**
 * Display formats of report numbers (HTML report and CLI summary). Fixed to US English number formatting so the same
 * report reads the same everywhere; the JSON and CSV forms carry the unrounded numbers.
 */

const usd = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', minimumFractionDigits: 2 });
const fixed = (digits: number) =>
  new Intl.NumberFormat('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const integer = fixed(0);
const oneDecimal = fixed(1);
const twoDecimals = fixed(2);

/** `$1,234.56` (two decimals). */
export function formatUsd(value: number): string {
  return usd.format(value === 0 ? 0 : value);
}

/**
 * Grams CO2e in a readable unit: below 1 kg in whole grams (`620 g CO₂e`), below 1 t in kilograms with two decimals
 * (`1.66 kg CO₂e`), else tonnes with two decimals (`3.25 t CO₂e`).
 */
export function formatGrams(grams: number): string {
  const abs = Math.abs(grams);
  if (abs < 1000) return `${integer.format(grams === 0 ? 0 : grams)} g CO₂e`;
  if (abs < 1_000_000) return `${twoDecimals.format(grams / 1000)} kg CO₂e`;
  return `${twoDecimals.format(grams / 1_000_000)} t CO₂e`;
}

/** Intensity with one decimal: `275.0 gCO₂e/kWh`. */
export function formatIntensity(gCO2ePerKWh: number): string {
  return `${oneDecimal.format(gCO2ePerKWh)} gCO₂e/kWh`;
}

/** A count with thousands separators. */
export function formatCount(value: number): string {
  return integer.format(value);
}

/** A number with `digits` decimals and thousands separators. */
export function formatNumber(value: number, digits: number): string {
  return fixed(digits).format(value);
}
