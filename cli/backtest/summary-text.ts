import { formatDuration } from './duration';
import type { BacktestReport } from './report';

/** The human-readable summary `carbon-scheduler backtest` prints without `--json`. */

const grams = (g: number, unitOf = g): string =>
  unitOf >= 10_000 ? `${(g / 1000).toFixed(1)} kg` : `${g.toFixed(1)} g`;
const intensity = (g: number | null): string => (g === null ? '—' : `${g.toFixed(1)}`);
const percent = (p: number | null): string => (p === null ? '—' : `${p.toFixed(1)}%`);
const int = (n: number): string => Math.round(n).toLocaleString('en-US');

function table(report: BacktestReport, baselineLabel: string): string[] {
  const rows: [string, number | null, number, number | null][] = [
    [baselineLabel, report.baselineIntensity, report.baselineGCO2e, null],
    ['policy', report.policyIntensity, report.policyGCO2e, report.savingsPercent],
    ['oracle', report.oracleIntensity, report.oracleGCO2e, report.oracleSavingsPercent],
  ];
  return [
    `  ${'run'.padEnd(22)}${'gCO2e/kWh'.padStart(10)}${'emissions'.padStart(12)}${'saved'.padStart(9)}`,
    ...rows.map(
      ([label, g, total, saved]) =>
        `  ${label.padEnd(22)}${intensity(g).padStart(10)}${grams(total, report.baselineGCO2e).padStart(12)}${(saved === null ? '' : percent(saved)).padStart(9)}`,
    ),
    `  policy's share of the oracle's savings: ${report.shareOfOracle === null ? '— (the oracle saves nothing)' : percent(report.shareOfOracle * 100)}`,
  ];
}

/** Several lines of text, ending with a newline. */
export function formatBacktestSummary(report: BacktestReport): string {
  const lines: string[] = [];
  const where =
    report.scenario === 'dispatch' ? `zones ${report.zones.join(', ')} (home ${report.home})` : `zone ${report.zone}`;
  lines.push(
    `Backtest ${report.scenario}: ${where}, ${report.period.from.slice(0, 16)}Z → ${report.period.to.slice(0, 16)}Z ` +
      `(${report.stepMinutes}-minute steps)`,
    `  forecast ${report.forecast}${report.seed === null ? '' : ` (seed ${report.seed})`}, data lag ${formatDuration(report.lagMinutes)}, ` +
      `energy ${report.energy.instanceType}${report.energy.region ? ` in ${report.energy.region}` : ''}: ` +
      `${(report.energy.kWhPerHour * 1000).toFixed(3)} Wh per hour (PUE ${report.energy.pue})`,
  );
  if (report.scenario === 'shift') {
    const s = report.settings;
    lines.push(
      `  ${report.jobs} daily jobs of ${formatDuration(Number(s.durationMinutes))} due at ${String(s.start)} ${report.timezone}, ` +
        `window ±${formatDuration(Number(s.windowMinutes))}`,
      '',
      ...table(report, 'baseline (at due time)'),
    );
  } else if (report.scenario === 'dispatch') {
    const s = report.settings;
    const chosen = Object.entries(report.policyZoneCounts)
      .filter(([, n]) => n > 0)
      .sort((a, b) => b[1] - a[1])
      .map(([zone, n]) => `${zone} ${n}`)
      .join(', ');
    lines.push(
      `  ${int(report.jobs)} jobs of ${formatDuration(Number(s.durationMinutes))} every ${formatDuration(Number(s.everyMinutes))}`,
      '',
      ...table(report, `baseline (${report.home})`),
      `  policy sent jobs to: ${chosen}`,
    );
  } else {
    const share = report.jobHours > 0 ? (report.hoursPaused / report.jobHours) * 100 : 0;
    lines.push(
      `  pause-when-dirty: threshold ${report.thresholdGCO2ePerKWh} gCO2e/kWh, resume below ` +
        `${report.thresholdGCO2ePerKWh - report.hysteresisGCO2ePerKWh} (hysteresis ${report.hysteresisGCO2ePerKWh}), ` +
        `min run ${report.minRunMinutes} min, min stop ${report.minStopMinutes} min`,
      '',
      ...table(report, 'baseline (always on)'),
      `  hours paused: ${int(report.hoursPaused)} of ${int(report.jobHours)} (${share.toFixed(1)}%) in ${int(report.pauses)} pauses`,
      `  CO2e avoided: ${grams(report.gCO2eAvoided)} (${report.kWhAvoided.toFixed(2)} kWh not used)`,
      `  USD saved: ${report.usdSaved === null ? 'unknown (no price for this instance type and region)' : `$${report.usdSaved.toFixed(2)} at $${report.usdPerHour}/h`}`,
      `  oracle (the same ${int(report.oracleHoursPaused)} hours, the dirtiest ones): ${grams(report.oracleGCO2eAvoided)} avoided`,
      `  pausing exactly the hours above the threshold: ${int(report.thresholdOracle.hoursPaused)} h, ` +
        `${grams(report.thresholdOracle.gCO2eAvoided)} avoided`,
    );
  }
  for (const note of report.notes) lines.push(`  note: ${note}`);
  return `${lines.join('\n')}\n`;
}
