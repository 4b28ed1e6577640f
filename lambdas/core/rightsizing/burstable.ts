/**
 * Baseline CPU utilisation of burstable (CPU-credit) instance sizes, percent per vCPU, which is also the level of
 * the CloudWatch `CPUUtilization` metric (an average over all vCPUs) at which the instance earns exactly the credits
 * it spends. Source: Amazon EC2 User Guide, "Key concepts and definitions for burstable performance instances"
 * (credits earned per hour ÷ (60 × vCPUs)). T3, T3a and T4g share one table; T2 differs.
 */
const T3_LIKE: Readonly<Record<string, number>> = {
  nano: 5,
  micro: 10,
  small: 20,
  medium: 20,
  large: 30,
  xlarge: 40,
  '2xlarge': 40,
};

const T2: Readonly<Record<string, number>> = {
  nano: 5,
  micro: 10,
  small: 20,
  medium: 20,
  large: 30,
  xlarge: 22.5,
  '2xlarge': 16.875,
};

/**
 * Baseline `CPUUtilization` (percent) of a burstable family size, e.g. `t3`, `large` → 30.
 * @returns undefined for a family or size that is not in the table (then no burstable rule can be checked)
 */
export function burstableBaselinePercent(family: string, size: string): number | undefined {
  if (family === 't2') return T2[size];
  if (family === 't3' || family === 't3a' || family === 't4g') return T3_LIKE[size];
  return undefined;
}
