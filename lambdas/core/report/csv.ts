import type { ReportDayRegion, ReportModel } from './model';

/**
 * The CSV form of a report: a header, one row per day × region (days in order, regions sorted), then one totals row
 * with `day` = `TOTAL` and `region` = `ALL`. Columns (units in the names):
 *
 * | column | meaning |
 * |---|---|
 * | day | UTC day, YYYY-MM-DD |
 * | region | AWS region |
 * | usd_saved | on-demand USD not spent on instances the scheduler kept stopped |
 * | gco2e_avoided | grams CO2e those stopped instance-hours avoided |
 * | kwh_avoided | grid energy of those hours (PUE included), kWh |
 * | stopped_instance_hours | instance-hours the scheduler kept instances stopped |
 * | starts, stops, resizes | successful scheduler actions (hibernations count as stops) |
 * | failed_actions | scheduler actions that failed |
 * | intensity_mean_gco2e_per_kwh, intensity_min_gco2e_per_kwh, intensity_max_gco2e_per_kwh | stored readings of the day (empty when none) |
 * | intensity_readings | how many readings |
 * | dispatched_jobs | jobs dispatched to this region |
 * | dispatch_gco2e_saved | grams CO2e those jobs saved against running in the home region |
 *
 * In the totals row the intensity columns describe all readings of the period (mean of readings, overall min/max).
 * Numbers use a dot as decimal separator and at most 6 decimals; fields are quoted per RFC 4180 when needed.
 */
export const REPORT_CSV_COLUMNS = [
  'day',
  'region',
  'usd_saved',
  'gco2e_avoided',
  'kwh_avoided',
  'stopped_instance_hours',
  'starts',
  'stops',
  'resizes',
  'failed_actions',
  'intensity_mean_gco2e_per_kwh',
  'intensity_min_gco2e_per_kwh',
  'intensity_max_gco2e_per_kwh',
  'intensity_readings',
  'dispatched_jobs',
  'dispatch_gco2e_saved',
] as const;

/** A number as CSV text: at most 6 decimals, no exponent, no trailing zeros; empty for null. */
export function csvNumber(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '';
  const fixed = value.toFixed(6).replace(/\.?0+$/, '');
  return fixed === '-0' ? '0' : fixed;
}

/** A field quoted per RFC 4180 when it holds a comma, quote, CR or LF; a leading =,+,-,@ is prefixed with '. */
export function csvField(text: string): string {
  const safe = /^[=+\-@]/.test(text) && !/^-?\d/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

function row(cells: readonly string[]): string {
  return cells.map(csvField).join(',');
}

function dayRegionRow(r: ReportDayRegion): string {
  return row([
    r.day,
    r.region,
    csvNumber(r.usdSaved),
    csvNumber(r.gCO2eAvoidedBySchedules),
    csvNumber(r.kWhAvoided),
    csvNumber(r.stoppedInstanceHours),
    csvNumber(r.starts),
    csvNumber(r.stops),
    csvNumber(r.resizes),
    csvNumber(r.failedActions),
    csvNumber(r.intensity?.meanGCO2ePerKWh),
    csvNumber(r.intensity?.minGCO2ePerKWh),
    csvNumber(r.intensity?.maxGCO2ePerKWh),
    csvNumber(r.intensity?.readings ?? 0),
    csvNumber(r.dispatchedJobs),
    csvNumber(r.gCO2eSavedByDispatch),
  ]);
}

/** The report as CSV text (CRLF line ends, as RFC 4180; ends with a line end). */
export function renderReportCsv(model: ReportModel): string {
  const { totals } = model;
  const withIntensity = model.regionSummaries.filter((r) => r.intensity !== null);
  const readings = withIntensity.reduce((t, r) => t + r.intensity!.readings, 0);
  const mean =
    readings > 0
      ? withIntensity.reduce((t, r) => t + r.intensity!.meanGCO2ePerKWh * r.intensity!.readings, 0) / readings
      : null;
  const min = readings > 0 ? Math.min(...withIntensity.map((r) => r.intensity!.minGCO2ePerKWh)) : null;
  const max = readings > 0 ? Math.max(...withIntensity.map((r) => r.intensity!.maxGCO2ePerKWh)) : null;
  const resizes = model.dayRegions.reduce((t, r) => t + r.resizes, 0);
  const lines = [
    row(REPORT_CSV_COLUMNS),
    ...model.dayRegions.map(dayRegionRow),
    row([
      'TOTAL',
      'ALL',
      csvNumber(totals.usdSaved),
      csvNumber(totals.gCO2eAvoidedBySchedules),
      csvNumber(totals.kWhAvoided),
      csvNumber(totals.stoppedInstanceHours),
      csvNumber(totals.starts),
      csvNumber(totals.stops),
      csvNumber(resizes),
      csvNumber(totals.failedActions),
      csvNumber(mean),
      csvNumber(min),
      csvNumber(max),
      csvNumber(readings),
      csvNumber(totals.dispatchedJobs),
      csvNumber(totals.gCO2eSavedByDispatch),
    ]),
  ];
  return `${lines.join('\r\n')}\r\n`;
}
