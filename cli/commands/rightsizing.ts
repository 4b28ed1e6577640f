import type { Command } from 'commander';
import { FleetDocumentError, instancesFromDocument } from '../../lambdas/adapters/ec2/instance-facts';
import { snapshotPriceBook, withOverrides } from '../../lambdas/core/accounting/price-book';
import { regionFacts } from '../../lambdas/core/carbon/region-facts';
import { MetricsExportError, parseMetricsExport } from '../../lambdas/core/rightsizing/metric-export';
import {
  analysisWindow,
  type Datapoint,
  MAX_QUERIES_PER_CALL,
  type MetricQuery,
  metricQueriesFor,
} from '../../lambdas/core/rightsizing/metric-queries';
import { rightsizeMode } from '../../lambdas/core/rightsizing/mode';
import type { RightsizingRecommendation } from '../../lambdas/core/rightsizing/recommendation';
import {
  type DiscoveredInstance,
  type RightsizingRunResult,
  runRightsizing,
  snapshotInstanceTypeFacts,
} from '../../lambdas/core/rightsizing/run';
import { loadConfig } from '../../lib/config';
import type { CliContext } from '../context';
import { common, parseJsonInput, parseTime, readInputText, usage } from '../options';
import { checkRegion } from '../region-option';
import { type Column, formatNumber, type Row, renderCsv, renderTable, visible, wrap } from '../text';
import { SUMMARIES } from './summaries';

interface RightsizingOptions {
  fleet: string;
  metrics?: string[];
  region?: string;
  config?: string;
  at?: string;
  printQueries?: boolean;
  part?: string;
  json?: boolean;
}

async function readJson(ctx: CliContext, path: string, option: string): Promise<unknown> {
  return parseJsonInput(await readInputText(ctx, option, path), option, path);
}

/** Tagged, live instances of the fleet file (as the Lambda's DescribeInstances tag-key filter would return). */
async function fleetInstances(
  ctx: CliContext,
  path: string,
  region: string | undefined,
): Promise<DiscoveredInstance[]> {
  let parsed: ReturnType<typeof instancesFromDocument>;
  try {
    parsed = instancesFromDocument(await readJson(ctx, path, '--fleet'));
  } catch (error) {
    if (error instanceof FleetDocumentError) throw usage(`--fleet ${visible(path)}: ${error.message}`);
    throw error;
  }
  if (parsed.instances.length === 0 && parsed.errors.length > 0) {
    throw usage(
      `--fleet ${visible(path)}: no instance could be read:\n${parsed.errors.map((e) => `  - ${visible(e)}`).join('\n')}`,
    );
  }
  for (const problem of parsed.errors) {
    ctx.err(`carbon-scheduler: --fleet ${visible(path)}: skipped an instance: ${visible(problem)}\n`);
  }
  return parsed.instances
    .filter((i) => i.tags.Schedule !== undefined || i.tags.Rightsize !== undefined)
    .filter((i) => region === undefined || i.region === region)
    .map((i) => ({
      instanceId: i.instanceId,
      region: i.region,
      instanceType: i.instanceType,
      tags: i.tags,
      state: i.state,
      ...(i.lifecycle ? { lifecycle: i.lifecycle } : {}),
    }));
}

/** The day after the latest datapoint: the window then covers the export even when analysed days later. */
function inferAt(series: ReadonlyMap<string, readonly Datapoint[]>): Date | undefined {
  let latest = Number.NEGATIVE_INFINITY;
  for (const points of series.values()) for (const p of points) latest = Math.max(latest, Date.parse(p.timestamp));
  return Number.isFinite(latest) ? new Date(latest + 86_400_000) : undefined;
}

const oneDecimal = (value: number) => String(Number(value.toFixed(1)));

function formatRecommendation(rec: RightsizingRecommendation): Row {
  const e = rec.evidence;
  const cpu =
    e?.observedCpuPercent !== undefined
      ? `${oneDecimal(e.observedCpuPercent)}${rec.proposed ? `→${oneDecimal(rec.proposed.projectedCpuPercent)}` : ''}`
      : '-';
  const memory = e?.memory ? `${oneDecimal(e.memory.peakUsedGiB)}/${rec.current?.memoryGiB ?? '?'}` : 'n/a';
  const graviton = rec.graviton
    ? ` Graviton (arm64) option: ${rec.graviton.instanceType} saves $${formatNumber(rec.graviton.monthlySavingsUsd, 2)}/month (never applied automatically; the AMI must be arm64).`
    : '';
  return {
    cells: [
      rec.instanceId,
      rec.region,
      rec.currentInstanceType,
      rec.proposed?.instanceType ?? '-',
      cpu,
      memory,
      rec.proposed ? formatNumber(rec.proposed.monthlySavingsUsd, 2) : '-',
      rec.proposed ? formatNumber(rec.proposed.monthlySavingsGCO2e / 1000, 2) : '-',
      rec.confidence ?? '-',
      rec.status ?? rec.outcome,
    ],
    detail: `${rec.reason}.${graviton}`.replace('..', '.'),
  };
}

function printText(ctx: CliContext, result: RightsizingRunResult, statistic: string, width: number): void {
  const columns: Column[] = [
    { header: ['', 'INSTANCE'] },
    { header: ['', 'REGION'] },
    { header: ['', 'CURRENT'] },
    { header: ['', 'PROPOSED'] },
    { header: [`CPU ${statistic}`, '% now→new'], align: 'right' },
    { header: ['MEMORY', 'peak/GiB'], align: 'right' },
    { header: ['SAVES', '$/month'], align: 'right' },
    { header: ['SAVES', 'kg CO2e/mo'], align: 'right' },
    { header: ['', 'CONFIDENCE'], minWidth: 6 },
    { header: ['', 'STATUS'], minWidth: 7 },
  ];
  const rows = result.recommendations.map(formatRecommendation);
  const usd = result.recommendations.reduce(
    (sum, r) => sum + (r.proposed ? Number(r.proposed.monthlySavingsUsd.toFixed(2)) : 0),
    0,
  );
  const kg = result.recommendations.reduce(
    (sum, r) => sum + (r.proposed ? Number((r.proposed.monthlySavingsGCO2e / 1000).toFixed(2)) : 0),
    0,
  );
  const proposed = result.recommendations.filter((r) => r.proposed).length;
  rows.push({
    cells: [`Total (${proposed} proposed)`, '', '', '', '', '', formatNumber(usd, 2), formatNumber(kg, 2), '', ''],
    rule: true,
  });
  ctx.out(`Window ${result.window.start} → ${result.window.end}\n\n`);
  ctx.out(`${renderTable(columns, rows, { width })}\n\n`);
  for (const summary of result.regions) {
    const line =
      `${summary.region}: ${summary.analysed} analysed, ${summary.recommendations} recommendations, ` +
      `${summary.insufficientData} with too little data, $${formatNumber(summary.monthlySavingsUsd, 2)} and ` +
      `${formatNumber(summary.monthlySavingsGCO2e / 1000, 2)} kg CO2e a month (same-family downsizes; the Graviton ` +
      'option is extra and never applied automatically)';
    ctx.out(`${wrap(line, width).join('\n')}\n`);
    for (const skipped of summary.skipped) {
      ctx.out(
        `${wrap(`skipped ${visible(skipped.instanceId)}: ${visible(skipped.reason)}`, width - 2)
          .map((l) => `  ${l}`)
          .join('\n')}\n`,
      );
    }
  }
}

/**
 * `carbon-scheduler rightsizing --fleet FILE --metrics FILE [--region R] [--config F] [--at ISO]` computes rightsizing
 * recommendations offline, with the same core code as the rightsizer Lambda, from the JSON of
 * `aws ec2 describe-instances` and of `aws cloudwatch get-metric-data` (queries printed by `--print-queries`).
 * Instance facts and prices come from the bundled snapshot (plus config `priceOverrides`), CO2e from the static annual
 * average of each region. Nothing is stored.
 */
export function registerRightsizing(program: Command, ctx: CliContext): void {
  program
    .command('rightsizing')
    .description(SUMMARIES.rightsizing)
    .requiredOption('--fleet <file>', 'JSON printed by `aws ec2 describe-instances`, or - for standard input')
    .option('--metrics <file...>', 'JSON printed by `aws cloudwatch get-metric-data` (repeat for several calls)')
    .option('--config <file>', 'configuration file (default ./carbon-scheduler.config.json, else defaults)')
    .option('--at <time>', 'analyse as of this time, ISO-8601 (default: the day after the latest datapoint)')
    .option('--print-queries', 'print the --metric-data-queries JSON for `aws cloudwatch get-metric-data` and exit')
    .option('--part <n>', 'with --print-queries: which block of 500 queries to print (1, 2, …)', '1')
    .action(async (options: RightsizingOptions, command: Command) => {
      const opts = common(ctx, command, ['table', 'json', 'csv']);
      const { config } = loadConfig(options.config, ctx.cwd);
      // Only an explicit --region narrows the fleet (not AWS_REGION: the files may hold several regions).
      const region = opts.regionFromOption ? checkRegion(opts.region!, '--region') : undefined;
      const at = options.at === undefined ? undefined : new Date(parseTime(options.at, '--at'));
      if (options.fleet === '-' && options.metrics?.includes('-')) {
        throw usage('only one of --fleet and --metrics can read standard input (-)');
      }
      const instances = await fleetInstances(ctx, options.fleet, region);
      const settings = config.rightsizing;

      if (options.printQueries) {
        const queries: MetricQuery[] = instances
          .filter((i) => rightsizeMode(i.tags, settings.defaultMode).mode !== 'off')
          .flatMap((i) => metricQueriesFor(i.instanceId, settings.cpuStatistic));
        const parts = Math.max(1, Math.ceil(queries.length / MAX_QUERIES_PER_CALL));
        const part = Number(options.part);
        if (!Number.isInteger(part) || part < 1 || part > parts) {
          throw usage(`--part ${JSON.stringify(visible(String(options.part)))} is not valid; allowed: 1 to ${parts}`);
        }
        const window = analysisWindow(at ?? ctx.clock(), settings.lookbackDays);
        ctx.out(
          `${JSON.stringify(queries.slice((part - 1) * MAX_QUERIES_PER_CALL, part * MAX_QUERIES_PER_CALL), null, 2)}\n`,
        );
        ctx.err(
          `${queries.length} queries in ${parts} part(s) of at most ${MAX_QUERIES_PER_CALL}. Run per part:\n` +
            `  aws cloudwatch get-metric-data --region <region> --metric-data-queries file://queries.json ` +
            `--start-time ${window.start.toISOString()} --end-time ${window.end.toISOString()} > metrics.json\n`,
        );
        return;
      }

      if (!options.metrics || options.metrics.length === 0) {
        throw usage('--metrics <file> is required (or use --print-queries to make one)');
      }
      const exports: { source: string; json: unknown }[] = [];
      for (const path of options.metrics) exports.push({ source: path, json: await readJson(ctx, path, '--metrics') });
      let parsed: ReturnType<typeof parseMetricsExport>;
      try {
        parsed = parseMetricsExport(exports);
      } catch (error) {
        if (error instanceof MetricsExportError) throw usage(`--metrics ${visible(error.message)}`);
        throw error;
      }
      const now = at ?? inferAt(parsed.series) ?? ctx.clock();
      const regions = [...new Set(instances.map((i) => i.region))].sort();
      for (const r of regions) checkRegion(r, 'the fleet has an instance in');
      const prices = withOverrides(snapshotPriceBook(), config.priceOverrides);
      const result = await runRightsizing(
        {
          listInstances: async (r) => instances.filter((i) => i.region === r),
          instanceTypes: async () => snapshotInstanceTypeFacts(),
          fetchMetrics: async () => ({ series: parsed.series, failures: new Map() }),
          prices,
          carbonIntensity: (r) => {
            const facts = regionFacts(r);
            return facts
              ? { gCO2ePerKWh: facts.staticGCO2ePerKWh, source: `static annual average (${facts.staticSource})` }
              : { gCO2ePerKWh: 0, source: 'unknown region' };
          },
          pueFor: (r) => config.pueFor(r),
        },
        { regions, settings, defaultMode: settings.defaultMode, now, dryRun: true },
      );
      if (opts.output === 'json') ctx.out(`${JSON.stringify(result, null, 2)}\n`);
      else if (opts.output === 'csv') ctx.out(rightsizingCsv(result));
      else printText(ctx, result, settings.cpuStatistic, opts.columns);
    });
}

function rightsizingCsv(result: RightsizingRunResult): string {
  return renderCsv(
    [
      'instance_id',
      'region',
      'current_type',
      'proposed_type',
      'monthly_savings_usd',
      'monthly_savings_gco2e',
      'graviton_type',
      'graviton_monthly_savings_usd',
      'confidence',
      'status',
      'reason',
    ],
    result.recommendations.map((r) => [
      r.instanceId,
      r.region,
      r.currentInstanceType,
      r.proposed?.instanceType ?? null,
      r.proposed?.monthlySavingsUsd ?? null,
      r.proposed?.monthlySavingsGCO2e ?? null,
      r.graviton?.instanceType ?? null,
      r.graviton?.monthlySavingsUsd ?? null,
      r.confidence ?? null,
      r.status ?? r.outcome,
      r.reason,
    ]),
  );
}
