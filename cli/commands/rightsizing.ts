import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
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
import { type CliContext, CliError, EXIT } from '../context';

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

function readJson(ctx: CliContext, path: string, what: string): unknown {
  const full = resolve(ctx.cwd, path);
  let text: string;
  try {
    text = readFileSync(full, 'utf8');
  } catch (error) {
    throw new CliError(
      `${what} ${path}: cannot read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
      EXIT.usage,
    );
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new CliError(`${what} ${path}: not valid JSON (${(error as Error).message})`, EXIT.usage);
  }
}

/** Tagged, live instances of the fleet file (as the Lambda's DescribeInstances tag-key filter would return). */
function fleetInstances(ctx: CliContext, path: string, region: string | undefined): DiscoveredInstance[] {
  let parsed: ReturnType<typeof instancesFromDocument>;
  try {
    parsed = instancesFromDocument(readJson(ctx, path, '--fleet'));
  } catch (error) {
    if (error instanceof FleetDocumentError) throw new CliError(`--fleet ${path}: ${error.message}`, EXIT.usage);
    throw error;
  }
  for (const problem of parsed.errors) ctx.err(`warning: --fleet ${path}: ${problem}; instance skipped\n`);
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

const pad = (text: string, width: number): string =>
  text.length >= width ? text : text + ' '.repeat(width - text.length);

function table(rows: readonly string[][]): string {
  const widths = rows[0]!.map((_, col) => Math.max(...rows.map((r) => r[col]!.length)));
  return rows
    .map((r) =>
      r
        .map((cell, col) => (col === r.length - 1 ? cell : pad(cell, widths[col]!)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

function formatRecommendation(rec: RightsizingRecommendation): string[] {
  const e = rec.evidence;
  const cpu =
    e?.observedCpuPercent !== undefined
      ? `${e.observedCpuPercent}%${rec.proposed ? `→${rec.proposed.projectedCpuPercent}%` : ''}`
      : '-';
  const memory = e?.memory ? `${e.memory.peakUsedGiB}/${rec.current?.memoryGiB ?? '?'} GiB` : 'n/a';
  return [
    rec.instanceId,
    rec.region,
    rec.currentInstanceType,
    rec.proposed?.instanceType ?? '-',
    cpu,
    memory,
    rec.proposed ? rec.proposed.monthlySavingsUsd.toFixed(2) : '-',
    rec.proposed ? (rec.proposed.monthlySavingsGCO2e / 1000).toFixed(2) : '-',
    rec.graviton ? `${rec.graviton.instanceType} (${rec.graviton.monthlySavingsUsd.toFixed(2)} USD)` : '-',
    rec.confidence ?? '-',
    rec.status ?? rec.outcome,
    rec.reason,
  ];
}

function printText(ctx: CliContext, result: RightsizingRunResult, statistic: string): void {
  const header = [
    'INSTANCE',
    'REGION',
    'CURRENT',
    'PROPOSED',
    `CPU ${statistic}`,
    'MEM PEAK',
    'USD/MONTH',
    'KG CO2E/MONTH',
    'GRAVITON (ARM64) OPTION',
    'CONFIDENCE',
    'STATUS',
    'REASON',
  ];
  ctx.out(`Window ${result.window.start} → ${result.window.end}\n\n`);
  ctx.out(`${table([header, ...result.recommendations.map(formatRecommendation)])}\n\n`);
  for (const summary of result.regions) {
    ctx.out(
      `${summary.region}: ${summary.analysed} analysed, ${summary.recommendations} recommendations, ` +
        `${summary.insufficientData} with too little data, ${summary.monthlySavingsUsd.toFixed(2)} USD and ` +
        `${(summary.monthlySavingsGCO2e / 1000).toFixed(2)} kg CO2e a month\n`,
    );
    for (const skipped of summary.skipped) ctx.out(`  skipped ${skipped.instanceId}: ${skipped.reason}\n`);
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
    .description('rightsizing recommendations from a describe-instances file and a get-metric-data export')
    .requiredOption('--fleet <file>', 'JSON printed by `aws ec2 describe-instances`')
    .option('--metrics <file...>', 'JSON printed by `aws cloudwatch get-metric-data` (repeat for several calls)')
    .option('--region <region>', 'only instances of this region')
    .option('--config <file>', 'configuration file (default ./carbon-scheduler.config.json, else defaults)')
    .option('--at <iso>', 'analyse as of this time (default: the day after the latest datapoint)')
    .option('--print-queries', 'print the --metric-data-queries JSON for `aws cloudwatch get-metric-data` and exit')
    .option('--part <n>', 'with --print-queries: which block of 500 queries to print (1, 2, …)', '1')
    .action(async (options: RightsizingOptions, command: Command) => {
      const json = Boolean(command.optsWithGlobals().json);
      const { config } = loadConfig(options.config, ctx.cwd);
      if (options.region !== undefined && !regionFacts(options.region)) {
        throw new CliError(`--region ${JSON.stringify(options.region)} is not a known AWS region`, EXIT.usage);
      }
      const instances = fleetInstances(ctx, options.fleet, options.region);
      const settings = config.rightsizing;

      if (options.printQueries) {
        const queries: MetricQuery[] = instances
          .filter((i) => rightsizeMode(i.tags, settings.defaultMode).mode !== 'off')
          .flatMap((i) => metricQueriesFor(i.instanceId, settings.cpuStatistic));
        const parts = Math.max(1, Math.ceil(queries.length / MAX_QUERIES_PER_CALL));
        const part = Number(options.part);
        if (!Number.isInteger(part) || part < 1 || part > parts) {
          throw new CliError(`--part ${JSON.stringify(options.part)} is not valid; allowed: 1 to ${parts}`, EXIT.usage);
        }
        const at = options.at ? new Date(options.at) : ctx.clock();
        const window = analysisWindow(at, settings.lookbackDays);
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
        throw new CliError('--metrics <file> is required (or use --print-queries to make one)', EXIT.usage);
      }
      let parsed: ReturnType<typeof parseMetricsExport>;
      try {
        parsed = parseMetricsExport(
          options.metrics.map((path) => ({ source: path, json: readJson(ctx, path, '--metrics') })),
        );
      } catch (error) {
        if (error instanceof MetricsExportError) throw new CliError(`--metrics ${error.message}`, EXIT.usage);
        throw error;
      }
      if (options.at !== undefined && Number.isNaN(Date.parse(options.at))) {
        throw new CliError(
          `--at ${JSON.stringify(options.at)} is not an ISO-8601 time such as 2026-11-16T00:00:00Z`,
          EXIT.usage,
        );
      }
      const now = options.at ? new Date(options.at) : (inferAt(parsed.series) ?? ctx.clock());
      const regions = [...new Set(instances.map((i) => i.region))].sort();
      const prices = withOverrides(snapshotPriceBook(), config.priceOverrides);
      const result = await runRightsizing(
        {
          listInstances: async (region) => instances.filter((i) => i.region === region),
          instanceTypes: async () => snapshotInstanceTypeFacts(),
          fetchMetrics: async () => ({ series: parsed.series, failures: new Map() }),
          prices,
          carbonIntensity: (region) => {
            const facts = regionFacts(region);
            return facts
              ? { gCO2ePerKWh: facts.staticGCO2ePerKWh, source: `static annual average (${facts.staticSource})` }
              : { gCO2ePerKWh: 0, source: 'unknown region' };
          },
          pueFor: (region) => config.pueFor(region),
        },
        { regions, settings, defaultMode: settings.defaultMode, now, dryRun: true },
      );
      if (json) ctx.out(`${JSON.stringify(result, null, 2)}\n`);
      else printText(ctx, result, settings.cpuStatistic);
    });
}
