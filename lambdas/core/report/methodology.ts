import type { ReportMethodology } from './model';
import type { ReportSourceInfo } from './report-input';

/**
 * The formulas of docs/accounting.md as the report states them (the same ones lambdas/core/accounting implements), so a
 * reader of an ESG update can check every number.
 */
export const REPORT_FORMULAS: ReportMethodology['formulas'] = [
  {
    name: 'Energy of an instance-hour',
    text:
      'average watts = vCPUs × (minW + u × (maxW − minW)) per processor family (Cloud Carbon Footprint coefficients; ' +
      'u = 50 % CPU utilisation unless CloudWatch says otherwise); kWh = watts × PUE × hours ÷ 1000 ' +
      '(PUE 1.135 unless configured per region). CPU term only: memory, storage, network and embodied emissions are not counted.',
  },
  {
    name: 'Emissions',
    text: 'gCO2e = kWh × grid carbon intensity (gCO2e/kWh) of the region at the time the energy was (or would have been) used.',
  },
  {
    name: 'Schedule savings',
    text:
      'Each instance-hour the scheduler kept an instance stopped counts against the counterfactual of running it: ' +
      'USD = on-demand price per hour (AWS Price List API, bundled snapshot as fallback, or a configured override) × hours; ' +
      'gCO2e = kWh of that hour × the intensity the scheduler used at that run. EBS volumes and Elastic IPs are billed ' +
      'either way and are not savings. Hours an instance was stopped by a person are not counted.',
  },
  {
    name: 'Dispatch savings',
    text:
      'For each job handed to a worker: saved gCO2e = kWh at home × home intensity − kWh in the chosen region × ' +
      'chosen-region intensity, both read at the time of the decision (the two kWh differ only by the regions’ PUE). ' +
      'An estimate made at decision time; negative when the chosen region was dirtier.',
  },
  {
    name: 'Rightsizing',
    text:
      'Monthly USD = (current − proposed on-demand USD per hour) × hours the instance runs per month (its schedule, ' +
      'or 730 h); monthly gCO2e = kWh saved × the region’s average intensity. Counted for recommendations whose status ' +
      'is open or pending-apply at the time of the report.',
  },
  {
    name: 'Intensity statistics',
    text:
      'Mean, minimum and maximum of the stored readings of each region in the period (each reading counts once; ' +
      'forecasts are excluded). Charts show the mean per hour (per 6 hours beyond 31 days, per day beyond 92 days).',
  },
];

/** Where each section's data comes from in the product's table. */
function tableSources(): string[] {
  return [
    'Savings: daily totals per region (items SAVINGS#<yyyy-mm-dd> / <region>), added by every scheduler run.',
    'Carbon intensity: stored readings (CARBON#<region> / READING#<observedAt>), kept carbon.cacheTtlMinutes ' +
      '(default 2 days) — raise it to keep intensity history for longer reports.',
    'Actions: scheduler history (HISTORY#<region>#<instanceId> / <at>#<action>), kept 90 days.',
    'Top instances: per-instance state (INSTANCE#<region> / <instanceId>), cumulative since the scheduler first saw the instance.',
    'Rightsizing: recommendations (RIGHTSIZING#<region> / <instanceId>) as they are now, kept 30 days after their last update.',
    'Dispatch: job decisions and outcomes (JOB#<jobId> / DECISION and OUTCOME), kept 90 days.',
    'Carbon providers: Electricity Maps, WattTime, UK Carbon Intensity API; the static fallback is the Electricity Maps ' +
      '2025 yearly average (life-cycle) per zone.',
  ];
}

/**
 * The reporting boundary, stated on every report (GHG Protocol terms): what the CO2e figures include and exclude.
 */
export const REPORT_BOUNDARY =
  'Scope: electricity of the CPU of the EC2 instances this product schedules and of the jobs it dispatches, estimated ' +
  'with the Cloud Carbon Footprint model at 50% CPU utilisation and the data centre PUE. Memory, storage, networking, ' +
  'idle and embodied (manufacturing) emissions are not included, so every CO2e figure is a lower bound of the real ' +
  'effect. Grid intensity is location-based (the average or marginal intensity of the grid where the energy is used, ' +
  'from the providers below), not market-based: renewable energy certificates and power purchase agreements are not ' +
  'taken into account. Dollars are on-demand Linux list prices (or configured overrides), not the bill.';

/**
 * The methodology section of a report built from `source`.
 * @param accessPaths how the reader read the data (one line each)
 * @param providers providers of the readings in the report
 */
export function reportMethodology(
  source: ReportSourceInfo,
  accessPaths: readonly string[],
  providers: readonly string[],
): ReportMethodology {
  const dataSources =
    source.kind === 'backtest'
      ? [
          `Backtest result file ${source.description} (carbon-scheduler backtest --json): historical carbon intensity ` +
            'replayed through the same decision code; no instance was touched.',
        ]
      : [
          source.kind === 'dynamodb'
            ? `DynamoDB table ${source.description}, read with Query on known partition keys (see notes for the one Scan).`
            : `JSON export of the table's items: ${source.description}.`,
          ...tableSources(),
        ];
  const notes = [...accessPaths];
  if (providers.length > 0) notes.push(`Providers of the readings in this report: ${providers.join(', ')}.`);
  notes.push(
    'Savings are estimates against the counterfactual of running; they are not a measured bill and do not include ' +
      'the product’s own running cost.',
  );
  return { boundary: REPORT_BOUNDARY, formulas: REPORT_FORMULAS, dataSources, notes };
}
