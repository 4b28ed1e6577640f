import { METRICS, type MetricName } from '../lambdas/contract';

/**
 * The product's own monthly running cost (Lambda, DynamoDB, CloudWatch), from measured or stated usage and the
 * public unit prices of AWS. Pure: usage comes in, dollars come out; bench/running-cost.bench.ts measures the
 * scheduler's share of the usage at 100 and 10,000 instances. Formula (per month, free tiers not deducted):
 *
 *   Lambda     = Σ_functions invocations × (usdPerMillionRequests ÷ 10⁶
 *                                         + billedMs ÷ 1000 × memoryMB ÷ 1024 × usdPerGbSecond)
 *   DynamoDB   = writeRequestUnits × usdPerMillionWRU ÷ 10⁶ + readRequestUnits × usdPerMillionRRU ÷ 10⁶
 *                + storedGB × usdPerGbMonth
 *   CloudWatch = metricSeries × usdPerMetricMonth + dashboards × usdPerDashboard + alarmMetrics × usdPerAlarmMetric
 *                + getMetricDataMetrics ÷ 1000 × usdPerThousandMetrics + logGBIngested × usdPerGbIngested
 *                + logGBStored × usdPerGbMonthStored + logsInsightsGBScanned × usdPerGbScanned
 *   KMS        = customer-managed keys × usdPerKeyMonth
 */

/** Public on-demand unit prices of one region, USD. */
export interface RegionUnitPrices {
  readonly region: string;
  /** Lambda duration, arm64, first 7.5 billion GB-s per month. */
  readonly lambdaArmUsdPerGbSecond: number;
  readonly lambdaUsdPerMillionRequests: number;
  /** DynamoDB on-demand, standard table class. */
  readonly dynamoUsdPerMillionWriteUnits: number;
  readonly dynamoUsdPerMillionReadUnits: number;
  readonly dynamoUsdPerGbMonth: number;
  /** Custom metrics, first 10,000 series. */
  readonly cloudWatchUsdPerMetricMonth: number;
  readonly cloudWatchUsdPerDashboardMonth: number;
  /** Standard-resolution alarm, per metric the alarm evaluates. */
  readonly cloudWatchUsdPerAlarmMetricMonth: number;
  /** GetMetricData, per 1,000 metrics requested. */
  readonly cloudWatchUsdPerThousandMetricsRequested: number;
  /** CloudWatch Logs, standard log class. */
  readonly logsUsdPerGbIngested: number;
  readonly logsUsdPerGbMonthStored: number;
  /** CloudWatch Logs Insights queries (the dashboard's log widgets), per GB scanned. */
  readonly logsInsightsUsdPerGbScanned: number;
  /** KMS customer-managed key, per month (requests within the free 20,000 a month). */
  readonly kmsUsdPerKeyMonth: number;
  /** Where the numbers come from. */
  readonly source: string;
}

/**
 * Unit prices of the two regions the README quotes. Sources: https://aws.amazon.com/lambda/pricing/ (arm64
 * $0.0000133334 per GB-s and $0.20 per million requests in both regions);
 * https://aws.amazon.com/dynamodb/pricing/on-demand/ (after the November 2024 on-demand price reduction: us-east-1
 * $0.625 per million WRU, $0.125 per million RRU, $0.25 per GB-month; eu-central-1 $0.7625, $0.1525, $0.306);
 * https://aws.amazon.com/cloudwatch/pricing/ ($0.30 per metric-month, $3.00 per dashboard-month, $0.10 per alarm
 * metric, $0.01 per 1,000 GetMetricData metrics; Logs ingestion $0.50 per GB in us-east-1 and $0.63 in eu-central-1,
 * storage $0.03 and $0.0324 per GB-month; Logs Insights $0.005 and $0.0063 per GB scanned);
 * https://aws.amazon.com/kms/pricing/ ($1 per customer-managed key and month). Prices change: check the pages (or the
 * Price List API) before quoting.
 */
export const UNIT_PRICES = {
  'us-east-1': {
    region: 'us-east-1',
    lambdaArmUsdPerGbSecond: 0.0000133334,
    lambdaUsdPerMillionRequests: 0.2,
    dynamoUsdPerMillionWriteUnits: 0.625,
    dynamoUsdPerMillionReadUnits: 0.125,
    dynamoUsdPerGbMonth: 0.25,
    cloudWatchUsdPerMetricMonth: 0.3,
    cloudWatchUsdPerDashboardMonth: 3,
    cloudWatchUsdPerAlarmMetricMonth: 0.1,
    cloudWatchUsdPerThousandMetricsRequested: 0.01,
    logsUsdPerGbIngested: 0.5,
    logsUsdPerGbMonthStored: 0.03,
    logsInsightsUsdPerGbScanned: 0.005,
    kmsUsdPerKeyMonth: 1,
    source: 'AWS pricing pages for Lambda, DynamoDB on-demand and CloudWatch, US East (N. Virginia)',
  },
  'eu-central-1': {
    region: 'eu-central-1',
    lambdaArmUsdPerGbSecond: 0.0000133334,
    lambdaUsdPerMillionRequests: 0.2,
    dynamoUsdPerMillionWriteUnits: 0.7625,
    dynamoUsdPerMillionReadUnits: 0.1525,
    dynamoUsdPerGbMonth: 0.306,
    cloudWatchUsdPerMetricMonth: 0.3,
    cloudWatchUsdPerDashboardMonth: 3,
    cloudWatchUsdPerAlarmMetricMonth: 0.1,
    cloudWatchUsdPerThousandMetricsRequested: 0.01,
    logsUsdPerGbIngested: 0.63,
    logsUsdPerGbMonthStored: 0.0324,
    logsInsightsUsdPerGbScanned: 0.0063,
    kmsUsdPerKeyMonth: 1,
    source: 'AWS pricing pages for Lambda, DynamoDB on-demand and CloudWatch, Europe (Frankfurt)',
  },
} as const satisfies Record<string, RegionUnitPrices>;

/** Hours in a month (730, the AWS pricing convention: lambdas/core/accounting/units.ts). */
export { HOURS_PER_MONTH } from '../lambdas/core/accounting/units';

/** One Lambda function's monthly load. */
export interface FunctionLoad {
  readonly name: string;
  readonly invocationsPerMonth: number;
  /** Mean billed duration per invocation (init included when billed), ms. */
  readonly avgBilledMs: number;
  readonly memoryMB: number;
  /** Where the figures come from (`measured`, or the assumption). */
  readonly basis: string;
}

/** Everything the monthly cost is computed from. */
export interface RunningCostInput {
  readonly functions: readonly FunctionLoad[];
  readonly dynamoWriteUnitsPerMonth: number;
  readonly dynamoReadUnitsPerMonth: number;
  readonly dynamoStoredGB: number;
  readonly metricSeries: number;
  readonly dashboards: number;
  readonly alarmMetrics: number;
  /** Metrics requested with GetMetricData (the rightsizer's CPU and memory queries). */
  readonly getMetricDataMetricsPerMonth: number;
  readonly logGBIngestedPerMonth: number;
  /** Log data kept (retention × ingestion), GB. */
  readonly logGBStored: number;
  /** Bytes the dashboard's Logs Insights widgets scan a month, GB. */
  readonly logsInsightsGBScannedPerMonth: number;
  /** Customer-managed KMS keys the stacks create. */
  readonly kmsKeys: number;
}

/** One line of the cost table. */
export interface CostLine {
  readonly service: 'Lambda' | 'DynamoDB' | 'CloudWatch' | 'KMS';
  readonly item: string;
  readonly quantity: number;
  readonly unit: string;
  readonly usd: number;
}

/** The monthly cost, line by line. */
export interface RunningCost {
  readonly region: string;
  readonly lines: readonly CostLine[];
  readonly byService: Readonly<Record<CostLine['service'], number>>;
  readonly totalUsd: number;
}

/** A negative or non-finite usage figure. */
export class RunningCostInputError extends RangeError {
  constructor(field: string, value: number) {
    super(`${field} = ${value} is not allowed; expected a finite number ≥ 0`);
    this.name = 'RunningCostInputError';
  }
}

function check(field: string, value: number): number {
  if (!Number.isFinite(value) || value < 0) throw new RunningCostInputError(field, value);
  return value;
}

/**
 * The monthly running cost of `input` at `prices` (formula in the module comment).
 * @throws {RunningCostInputError} for a negative or non-finite usage figure
 */
export function monthlyRunningCost(input: RunningCostInput, prices: RegionUnitPrices): RunningCost {
  const lines: CostLine[] = [];
  for (const fn of input.functions) {
    const invocations = check(`${fn.name}.invocationsPerMonth`, fn.invocationsPerMonth);
    const gbSeconds =
      invocations *
      (check(`${fn.name}.avgBilledMs`, fn.avgBilledMs) / 1000) *
      (check(`${fn.name}.memoryMB`, fn.memoryMB) / 1024);
    lines.push({
      service: 'Lambda',
      item: `${fn.name} requests`,
      quantity: invocations,
      unit: 'requests',
      usd: (invocations / 1e6) * prices.lambdaUsdPerMillionRequests,
    });
    lines.push({
      service: 'Lambda',
      item: `${fn.name} duration (${fn.memoryMB} MB × ${Math.round(fn.avgBilledMs)} ms)`,
      quantity: gbSeconds,
      unit: 'GB-s',
      usd: gbSeconds * prices.lambdaArmUsdPerGbSecond,
    });
  }
  const wru = check('dynamoWriteUnitsPerMonth', input.dynamoWriteUnitsPerMonth);
  const rru = check('dynamoReadUnitsPerMonth', input.dynamoReadUnitsPerMonth);
  const storedGB = check('dynamoStoredGB', input.dynamoStoredGB);
  lines.push({
    service: 'DynamoDB',
    item: 'write request units',
    quantity: wru,
    unit: 'WRU',
    usd: (wru / 1e6) * prices.dynamoUsdPerMillionWriteUnits,
  });
  lines.push({
    service: 'DynamoDB',
    item: 'read request units',
    quantity: rru,
    unit: 'RRU',
    usd: (rru / 1e6) * prices.dynamoUsdPerMillionReadUnits,
  });
  lines.push({
    service: 'DynamoDB',
    item: 'storage',
    quantity: storedGB,
    unit: 'GB-month',
    usd: storedGB * prices.dynamoUsdPerGbMonth,
  });
  const series = check('metricSeries', input.metricSeries);
  const dashboards = check('dashboards', input.dashboards);
  const alarms = check('alarmMetrics', input.alarmMetrics);
  const gmd = check('getMetricDataMetricsPerMonth', input.getMetricDataMetricsPerMonth);
  const logIn = check('logGBIngestedPerMonth', input.logGBIngestedPerMonth);
  const logStored = check('logGBStored', input.logGBStored);
  lines.push({
    service: 'CloudWatch',
    item: 'custom metric series (EMF)',
    quantity: series,
    unit: 'metrics',
    usd: series * prices.cloudWatchUsdPerMetricMonth,
  });
  lines.push({
    service: 'CloudWatch',
    item: 'dashboards',
    quantity: dashboards,
    unit: 'dashboards',
    usd: dashboards * prices.cloudWatchUsdPerDashboardMonth,
  });
  lines.push({
    service: 'CloudWatch',
    item: 'alarm metrics',
    quantity: alarms,
    unit: 'alarm metrics',
    usd: alarms * prices.cloudWatchUsdPerAlarmMetricMonth,
  });
  lines.push({
    service: 'CloudWatch',
    item: 'GetMetricData (rightsizing)',
    quantity: gmd,
    unit: 'metrics requested',
    usd: (gmd / 1000) * prices.cloudWatchUsdPerThousandMetricsRequested,
  });
  lines.push({
    service: 'CloudWatch',
    item: 'Logs ingestion',
    quantity: logIn,
    unit: 'GB',
    usd: logIn * prices.logsUsdPerGbIngested,
  });
  lines.push({
    service: 'CloudWatch',
    item: 'Logs storage',
    quantity: logStored,
    unit: 'GB-month',
    usd: logStored * prices.logsUsdPerGbMonthStored,
  });
  const scanned = check('logsInsightsGBScannedPerMonth', input.logsInsightsGBScannedPerMonth);
  lines.push({
    service: 'CloudWatch',
    item: 'Logs Insights (dashboard)',
    quantity: scanned,
    unit: 'GB scanned',
    usd: scanned * prices.logsInsightsUsdPerGbScanned,
  });
  const keys = check('kmsKeys', input.kmsKeys);
  lines.push({ service: 'KMS', item: 'keys', quantity: keys, unit: 'keys', usd: keys * prices.kmsUsdPerKeyMonth });
  const byService = { Lambda: 0, DynamoDB: 0, CloudWatch: 0, KMS: 0 };
  for (const line of lines) byService[line.service] += line.usd;
  return {
    region: prices.region,
    lines,
    byService,
    totalUsd: byService.Lambda + byService.DynamoDB + byService.CloudWatch + byService.KMS,
  };
}

/** The shape of a deployment that the metric and alarm counts depend on (not the fleet size). */
export interface DeploymentShape {
  /** Regions whose carbon intensity is fetched (config `carbonRegions`). */
  readonly carbonRegions: number;
  /** Carbon regions that can get live data (a keyed provider, or eu-west-2 with the UK API): they report an age. */
  readonly liveCarbonRegions: number;
  /** Regions whose instances are scheduled (config `managedRegions`). */
  readonly managedRegions: number;
  /** Regions with a worker (config `workerRegions`). */
  readonly workerRegions: number;
  /** Carbon providers configured (config `carbon.providers`). */
  readonly providers: number;
  /** Control-plane functions watched by the dashboard's alarms (fetcher, scheduler, rightsizer, dispatcher, recorder). */
  readonly controlPlaneFunctions: number;
}

/**
 * Custom metric series (unique namespace × name × dimension values) the product publishes, by metric: only the
 * catalogue's `alarm` metrics are CloudWatch metrics; `log` figures are log fields and cost no series (0 here).
 * Fleet size never enters. `CarbonDataAge` has a data point only for regions with a live or cached reading (the
 * live carbon regions). Counts every series that can appear (an upper bound: CloudWatch bills a series only for the
 * hours it receives data). Every metric of lambdas/contract/metrics.ts needs a rule here (the type and a runtime
 * check make a new metric fail loudly).
 */
export function customMetricSeries(shape: DeploymentShape): { total: number; byMetric: Record<string, number> } {
  const alarmSeries: Partial<Record<MetricName, number>> = {
    CarbonDataAge: shape.liveCarbonRegions,
    ActionFailures: 1,
    StateWriteFailures: 1,
    DispatchFailures: 1,
  };
  const perMetric = {} as Record<MetricName, number>;
  for (const name of Object.keys(METRICS) as MetricName[]) {
    if (METRICS[name].use === 'log') {
      perMetric[name] = 0;
      continue;
    }
    const series = alarmSeries[name];
    if (series === undefined) throw new Error(`customMetricSeries: no series rule for alarm metric ${name}`);
    perMetric[name] = series;
  }
  return { total: Object.values(perMetric).reduce((t, n) => t + n, 0), byMetric: { ...perMetric } };
}

/**
 * Alarm metrics of the deployed alarms (lib/constructs/observability.ts and lib/stacks/worker-stack.ts at the time
 * of writing): per control-plane function an Errors and a DeadLetters alarm; one CarbonDataStale alarm per live
 * carbon region; ActionFailures, on the scheduler's one run-level total of failed actions; StateWriteFailures, on its
 * run-level count of regions whose state write failed; DispatchFailures; and per worker region a WorkerErrors and a
 * WorkerDeadLetters alarm. The bench checks this against the synthesized templates (bench/inventory.ts) and prices
 * the templates' count.
 */
export function alarmMetrics(shape: DeploymentShape): number {
  return shape.controlPlaneFunctions * 2 + shape.liveCarbonRegions + 1 + 1 + 1 + shape.workerRegions * 2;
}

/**
 * Size of a DynamoDB item, bytes, by DynamoDB's rules: every attribute name's UTF-8 length plus its value's size —
 * strings their UTF-8 length, numbers 1 byte per two significant digits plus 1 (at most 21), booleans and null 1,
 * lists and maps 3 bytes plus 1 per element plus their elements (map keys counted as names).
 * Source: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html
 */
export function dynamoItemSizeBytes(item: Readonly<Record<string, unknown>>): number {
  let size = 0;
  for (const [name, value] of Object.entries(item)) {
    if (value === undefined) continue;
    size += utf8Length(name) + valueSize(value);
  }
  return size;
}

const utf8 = new TextEncoder();

function utf8Length(text: string): number {
  return utf8.encode(text).length;
}

function valueSize(value: unknown): number {
  if (value === null || typeof value === 'boolean') return 1;
  if (typeof value === 'string') return utf8Length(value);
  if (typeof value === 'number') {
    const digits = Math.abs(value)
      .toPrecision(15)
      .replace(/e.*$/, '')
      .replace('.', '')
      .replace(/^0+/, '')
      .replace(/0+$/, '');
    return Math.min(21, Math.ceil(Math.max(1, digits.length) / 2) + 1);
  }
  if (Array.isArray(value)) return 3 + value.reduce((t: number, v) => t + 1 + valueSize(v), 0);
  if (typeof value === 'object') {
    return (
      3 +
      Object.entries(value as Record<string, unknown>)
        .filter(([, v]) => v !== undefined)
        .reduce((t, [k, v]) => t + 1 + utf8Length(k) + valueSize(v), 0)
    );
  }
  return 0;
}

/** Write request units of a standard write of an item of `bytes` (1 WRU per started KB). */
export function writeUnits(bytes: number): number {
  return Math.max(1, Math.ceil(bytes / 1024));
}

/** Read request units of an eventually consistent Query returning `bytes` (0.5 RRU per started 4 KB). */
export function eventuallyConsistentReadUnits(bytes: number): number {
  return Math.max(0.5, Math.ceil(bytes / 4096) * 0.5);
}
