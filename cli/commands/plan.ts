import type { Command } from 'commander';
import { DateTime } from 'luxon';
import { snapshotPriceBook, withOverrides } from '../../lambdas/core/accounting/price-book';
import { zoneForRegion } from '../../lambdas/core/carbon/region-facts';
import { staticReading } from '../../lambdas/core/carbon/static-reading';
import type { Config } from '../../lambdas/core/config/schema';
import { snapshotRdsPriceBook } from '../../lambdas/core/resources/accounting';
import { type ResourceDecision, resourceCarbonSummary } from '../../lambdas/core/resources/decide';
import { buildResourcePlan, type ResourcePlanEntry, type ResourcePlanTotals } from '../../lambdas/core/resources/plan';
import { formatResourceReason } from '../../lambdas/core/resources/reason';
import { sizesText } from '../../lambdas/core/resources/tags';
import type { GroupSizes, Resource, ResourceType } from '../../lambdas/core/resources/types';
import { ScheduleDefinitionError, ScheduleRegistry } from '../../lambdas/core/schedule';
import { type CarbonInput, carbonInputFromSourced } from '../../lambdas/core/scheduler/carbon-input';
import type { IntensityPoint } from '../../lambdas/core/scheduler/carbon-policy';
import { runTime } from '../../lambdas/core/scheduler/tick';
import { loadConfig } from '../../lib/config';
import { cliProviderUnavailability } from '../adapters/env-setup';
import { FleetFileError, resourcesFromFleetDocument } from '../adapters/fleet-document';
import { type CliContext, CliError, EXIT } from '../context';
import { type Common, common, parseJsonInput, parseTime, readInputText, usage } from '../options';
import { checkRegion } from '../region-option';
import { type Column, formatNumber, paint, type Row, renderCsv, renderTable, visible, wrap } from '../text';
import { readTraceInput } from '../trace/read-input';
import { fetchCliCarbon } from './regions';
import { SUMMARIES } from './summaries';

interface PlanOptions {
  fleet?: string;
  at?: string;
  config?: string;
  carbon?: string;
}

/** `plan --output json` output. */
export interface PlanJson {
  readonly at: string;
  /** Every resource of the file, of any type (the name is that of the first, EC2-only version). */
  readonly instances: {
    /** `ec2-instance`, `rds-instance`, `rds-cluster` or `autoscaling-group`. */
    readonly resourceType: ResourceType;
    /** Instance id, DB instance or cluster identifier, or group name. */
    readonly id: string;
    /** EC2 instances only: the instance id (as before resource types existed). */
    readonly instanceId?: string;
    readonly region: string;
    /** EC2 instance type, DB instance class, a cluster's member classes, a group's instance types. */
    readonly instanceType: string;
    readonly schedule: string | null;
    readonly desired: 'running' | 'stopped' | 'any' | null;
    readonly action: 'start' | 'stop' | 'resize' | 'none';
    readonly reason: string;
    readonly carbon: { readonly gCO2ePerKWh: number; readonly provider: string; readonly ageSeconds: number };
    /** Auto Scaling groups: the sizes a `start` sets, and the sizes recorded for the next start. */
    readonly targetSizes?: GroupSizes;
    readonly recordSizes?: GroupSizes;
  }[];
  readonly totals: ResourcePlanTotals & {
    /** Where the carbon values come from: `static`, `live` or `trace:<file>`. */
    readonly carbonSource: string;
    /** Entries of the file that could not be read (each listed on standard error). */
    readonly unreadable: number;
  };
}

/** Where carbon values come from, per region. */
interface CarbonSource {
  readonly label: string;
  readonly carbonFor: (region: string) => CarbonInput;
  readonly forecastFor?: (region: string) => readonly IntensityPoint[] | undefined;
  readonly seriesFor?: (region: string) => ((atMs: number) => number | undefined) | undefined;
  /** The trace zone a region's values come from. */
  readonly zoneFor?: (region: string) => string | undefined;
  readonly notes: string[];
}

async function readFleet(ctx: CliContext, path: string): Promise<{ resources: Resource[]; errors: string[] }> {
  const document = parseJsonInput(await readInputText(ctx, '--fleet', path), '--fleet', path);
  let read: { resources: Resource[]; errors: string[] };
  try {
    read = resourcesFromFleetDocument(document);
  } catch (error) {
    if (error instanceof FleetFileError) throw usage(`--fleet ${visible(path)}: ${error.message}`);
    throw error;
  }
  if (read.resources.length === 0 && read.errors.length > 0) {
    throw usage(
      `--fleet ${visible(path)}: no instance could be read:\n${read.errors.map((e) => `  - ${visible(e)}`).join('\n')}`,
    );
  }
  return read;
}

function staticInput(region: string, now: Date, config: Config, fallbackReason?: string): CarbonInput {
  checkRegion(region, 'the fleet has an instance in');
  return carbonInputFromSourced({
    reading: staticReading(region, now, config.carbon.zoneOverrides),
    origin: 'static',
    ...(fallbackReason ? { fallbackReason } : {}),
  });
}

async function traceSource(ctx: CliContext, path: string, now: Date, config: Config): Promise<CarbonSource> {
  const { trace, notes: qualityNotes } = await readTraceInput(ctx, '--carbon trace:', path, 'UTC');
  const notes: string[] = [...qualityNotes];
  const noted = new Set<string>();
  const seriesOf = (region: string) => {
    const zone = zoneForRegion(region, config.carbon.zoneOverrides);
    return { zone, series: zone ? trace.series(zone) : undefined };
  };
  return {
    label: `trace:${path}`,
    notes,
    zoneFor: (region) => seriesOf(region).series?.zone,
    carbonFor: (region) => {
      const { zone, series } = seriesOf(region);
      const value = series?.valueAt(now.getTime());
      if (series === undefined || value === undefined) {
        const why = series
          ? `the trace has no value for zone ${zone} at ${now.toISOString()}`
          : `the trace has no zone ${zone ?? '(none mapped)'} for ${region} (zones: ${trace.zones.join(', ')})`;
        if (!noted.has(region)) {
          noted.add(region);
          notes.push(`${region}: ${why}; using the static annual average`);
        }
        return staticInput(region, now, config, why);
      }
      const observed = new Date(series.times[series.indexAt(now.getTime())]!).toISOString();
      return {
        region,
        zone: series.zone,
        gCO2ePerKWh: value,
        provider: 'trace',
        signal: 'average',
        observedAt: observed,
        origin: 'trace',
      };
    },
    forecastFor: (region) => {
      const { series } = seriesOf(region);
      if (!series) return undefined;
      const points: IntensityPoint[] = [];
      const end = now.getTime() + 24 * 3_600_000;
      for (let i = Math.max(0, series.indexAt(now.getTime())); i < series.length && series.times[i]! <= end; i += 1) {
        if (series.times[i]! >= now.getTime() - series.stepMs) {
          points.push({ at: series.times[i]!, gCO2ePerKWh: series.values[i]! });
        }
      }
      return points.length > 0 ? points : undefined;
    },
    seriesFor: (region) => {
      const { series } = seriesOf(region);
      return series ? (atMs) => series.valueAt(atMs) : undefined;
    },
  };
}

async function liveSource(ctx: CliContext, regions: string[], now: Date, config: Config): Promise<CarbonSource> {
  const enabled = config.carbon.providers.filter(
    (p) => p !== 'static' && cliProviderUnavailability(p, ctx.env) === undefined,
  );
  if (enabled.length === 0) {
    return {
      label: 'static (no live provider is enabled: set ELECTRICITYMAPS_API_KEY or WATTTIME_USERNAME/PASSWORD)',
      notes: [],
      carbonFor: (region) => staticInput(region, now, config),
    };
  }
  const carbon = await fetchCliCarbon(ctx, config, regions, { includeForecasts: true });
  const notes: string[] = [];
  const liveAt = new Date(carbon.result.at);
  if (Math.abs(liveAt.getTime() - now.getTime()) > 15 * 60_000) {
    notes.push(`live carbon data is as of ${carbon.result.at}, not --at ${now.toISOString()}`);
  }
  const byRegion = new Map(carbon.result.regions.map((r) => [r.region, r]));
  return {
    label: 'live',
    notes,
    carbonFor: (region) => {
      const outcome = byRegion.get(region);
      return outcome ? carbonInputFromSourced(outcome.sourced) : staticInput(region, now, config, 'no reading');
    },
    forecastFor: (region) =>
      byRegion.get(region)?.forecast?.points.map((p) => ({ at: p.observedAt, gCO2ePerKWh: p.gCO2ePerKWh })),
  };
}

async function carbonSource(
  ctx: CliContext,
  option: string,
  regions: string[],
  now: Date,
  config: Config,
): Promise<CarbonSource> {
  if (option === 'static') {
    return { label: 'static', notes: [], carbonFor: (region) => staticInput(region, now, config) };
  }
  if (option === 'live') return liveSource(ctx, regions, now, config);
  if (option.startsWith('trace:') && option.length > 'trace:'.length) {
    return traceSource(ctx, option.slice('trace:'.length), now, config);
  }
  throw usage(`--carbon ${JSON.stringify(visible(option))} is not allowed; use live, static or trace:FILE`);
}

/** The ACTION cell: what the scheduler would do, or why it does nothing (text form). */
function actionCell(entry: ResourcePlanEntry): string {
  const d = entry.decision;
  if (d.kind === 'invalid-tag') return '- bad tag';
  if (d.kind === 'skipped') return '- skipped';
  if (d.kind === 'unmanaged') return '- no tag';
  if (d.kind === 'opted-out') return '- opted out';
  return d.action === 'stop' && d.carbonDriven ? 'pause' : d.action;
}

/** The KIND cell of a resource (shown when the file holds more than one resource type). */
function kindCell(resource: Resource): string {
  if (resource.type === 'ec2-instance') return 'ec2';
  if (resource.type === 'rds-instance') return 'rds';
  if (resource.type === 'autoscaling-group') return 'asg';
  const engine = resource.engine.toLowerCase();
  return engine.startsWith('aurora') ? 'aurora' : engine === 'neptune' || engine === 'docdb' ? engine : 'cluster';
}

/** The STATE cell: the service's status word; a group's sizes (min-desired-max). */
function stateCell(decision: ResourceDecision, resource: Resource): string {
  return resource.type === 'autoscaling-group' ? sizesText(resource.sizes) : decision.status;
}

/** Where a region's value came from, for the carbon line. */
function carbonSourceText(c: { readonly origin: string; readonly provider: string }, zone: string | undefined): string {
  if (c.origin === 'static') return 'static annual average';
  if (c.origin === 'trace') return `trace${zone ? `, zone ${zone}` : ''}`;
  return `${c.provider}, ${c.origin}`;
}

/** Cents and tenths as displayed, so the total row is the sum of the rows above it. */
const shown = (value: number, digits: number) => Number(value.toFixed(digits));

/** The reading of a decision as plans show it. */
const carbonOf = (d: ResourceDecision) => resourceCarbonSummary(d.carbon, new Date(d.decidedAt));

function render(
  entries: readonly ResourcePlanEntry[],
  resources: readonly Resource[],
  totals: PlanJson['totals'],
  at: Date,
  fleetPath: string,
  notes: readonly string[],
  zones: ReadonlyMap<string, string | undefined>,
  common: Common,
): string {
  const p = paint(common.color);
  const ec2Only = resources.every((r) => r.type === 'ec2-instance');
  const mixed = new Set(resources.map((r) => r.type)).size > 1;
  const columns: Column[] = [
    { header: ['', ec2Only ? 'INSTANCE' : 'RESOURCE'] },
    ...(mixed ? [{ header: ['', 'KIND'] }] : []),
    { header: ['', 'REGION'] },
    { header: ['', 'TYPE'], minWidth: 8 },
    { header: ['', 'SCHEDULE'], minWidth: 8 },
    { header: ['', 'STATE'] },
    { header: ['', 'ACTION'] },
    { header: ['CARBON', 'gCO2e/kWh'], align: 'right' },
    { header: ['STOPPED', 'h/24h'], align: 'right' },
    { header: ['AVOIDED', '$/24h'], align: 'right' },
    { header: ['AVOIDED', 'gCO2e/24h'], align: 'right' },
  ];
  const actionColumn = mixed ? 6 : 5;
  let hours = 0;
  let usd = 0;
  let grams = 0;
  const rows: Row[] = entries.map((entry, index) => {
    const { decision: d, impact } = entry;
    const resource = resources[index]!;
    const managed = d.kind === 'managed';
    if (managed) {
      hours += shown(impact.stoppedHours, 1);
      usd += impact.priced ? shown(impact.usd, 2) : 0;
      grams += impact.energyEstimated ? shown(impact.gCO2e, 1) : 0;
    }
    return {
      cells: [
        d.id,
        ...(mixed ? [kindCell(resource)] : []),
        d.region,
        d.capacity,
        d.schedule ?? '-',
        stateCell(d, resource),
        actionCell(entry),
        carbonOf(d).gCO2ePerKWh.toFixed(0),
        managed ? impact.stoppedHours.toFixed(1) : '-',
        managed ? (impact.priced ? formatNumber(impact.usd, 2) : 'n/a') : '-',
        managed ? (impact.energyEstimated ? formatNumber(impact.gCO2e, 1) : 'n/a') : '-',
      ],
      detail: formatResourceReason(d.reason),
    };
  });
  rows.push({
    cells: [
      `Total (${totals.managed} managed)`,
      ...(mixed ? [''] : []),
      '',
      '',
      '',
      '',
      '',
      '',
      hours.toFixed(1),
      formatNumber(usd, 2),
      formatNumber(grams, 1),
    ],
    rule: true,
  });
  const paintCell = (text: string, column: number, row: number) => {
    if (column !== actionColumn || row >= entries.length) return text;
    const action = text.trim();
    if (action === 'start') return p.green(text);
    if (action === 'stop' || action === 'pause' || action === 'resize') return p.yellow(text);
    if (action.startsWith('-')) return p.dim(text);
    return text;
  };
  const unchanged = totals.managed - totals.start - totals.stop - totals.resize;
  const regions = [...new Map(entries.map((e) => [e.decision.region, carbonOf(e.decision)])).entries()].sort(
    ([a], [b]) => a.localeCompare(b),
  );
  const paused = entries.filter(
    (e) => e.decision.kind === 'managed' && e.decision.action === 'stop' && e.decision.carbonDriven,
  ).length;
  const notActed = totals.instances - totals.managed;
  const noun = ec2Only ? 'Instances' : 'Resources';
  const hourNoun = ec2Only ? 'instance-hours' : 'resource-hours';
  const width = common.columns;
  const lines = [
    ...wrap(
      `Plan at ${at.toISOString().replace(':00.000Z', 'Z')} (${DateTime.fromJSDate(at, { zone: 'UTC' }).setLocale('en-US').toFormat('ccc HH:mm')} UTC) for ${visible(fleetPath)}: ${entries.length} ${ec2Only ? 'instances' : 'resources'}; carbon: ${visible(totals.carbonSource)}`,
      width,
    ),
    '',
    renderTable(columns, rows, { width, paint: paintCell }),
    '',
    ...wrap(
      `${noun}: ${totals.instances} = ${totals.managed} managed (${totals.start} start, ${totals.stop} stop` +
        `${paused > 0 ? ` of which ${paused} carbon pause${paused === 1 ? '' : 's'}` : ''}, ${totals.resize} resize, ` +
        `${unchanged} already as wanted) + ${totals.invalidTags} with a bad tag + ${totals.skipped} skipped + ` +
        `${totals.optedOut > 0 ? `${totals.optedOut} opted out + ` : ''}` +
        `${totals.unmanaged} without a Schedule tag (none of these ${notActed} is acted on)` +
        `${totals.unreadable > 0 ? `; ${totals.unreadable} more could not be read (see above)` : ''}.`,
      width,
    ),
    ...wrap(
      `Next ${totals.horizonHours} h: ${hours.toFixed(1)} ${hourNoun} stopped by the schedules and carbon pauses, ` +
        `avoiding $${formatNumber(usd, 2)} and ${formatNumber(grams, 1)} gCO2e against running all the time ` +
        (ec2Only
          ? '(on-demand Linux prices; Cloud Carbon Footprint energy model at 50% CPU; CPU energy only).'
          : '(on-demand prices: EC2 Linux, and RDS open-source engines Single-AZ and Aurora where bundled; n/a = not ' +
            'estimated, see Notes; Cloud Carbon Footprint energy model at 50% CPU, a DB class as its EC2 type; CPU ' +
            'energy only).'),
      width,
    ),
    ...wrap(
      `Carbon: ${regions
        .map(
          ([region, c]) =>
            `${region} ${c.gCO2ePerKWh.toFixed(0)} gCO2e/kWh (${carbonSourceText(c, zones.get(region))})`,
        )
        .join('; ')}. ACTION "pause" = a stop because the grid is above the threshold.`,
      width,
    ),
  ];
  const allNotes = [
    ...notes,
    ...entries.flatMap((e) =>
      e.decision.kind === 'managed' && e.impact.notes.length > 0
        ? [`${e.decision.id}: ${e.impact.notes.join('; ')}`]
        : [],
    ),
  ];
  if (allNotes.length > 0)
    lines.push('', 'Notes:', ...allNotes.flatMap((n) => wrap(visible(n), width - 2).map((l) => `  ${l}`)));
  return `${lines.join('\n')}\n`;
}

const CSV_HEADER = [
  'instance_id',
  'region',
  'instance_type',
  'state',
  'schedule',
  'desired',
  'action',
  'carbon_driven',
  'kind',
  'gco2e_per_kwh',
  'carbon_provider',
  'stopped_hours_24h',
  'usd_avoided_24h',
  'gco2e_avoided_24h',
  'reason',
  'resource_type',
];

function renderPlanCsv(entries: readonly ResourcePlanEntry[]): string {
  return renderCsv(
    CSV_HEADER,
    entries.map(({ decision: d, impact }) => {
      const managed = d.kind === 'managed';
      const carbon = carbonOf(d);
      return [
        d.id,
        d.region,
        d.capacity,
        d.status,
        d.schedule,
        d.desired,
        d.action,
        d.carbonDriven ? 'true' : 'false',
        d.kind,
        carbon.gCO2ePerKWh,
        carbon.provider,
        managed ? Number(impact.stoppedHours.toFixed(4)) : null,
        managed && impact.priced ? Number(impact.usd.toFixed(6)) : null,
        managed && impact.energyEstimated ? Number(impact.gCO2e.toFixed(3)) : null,
        formatResourceReason(d.reason),
        d.resourceType,
      ];
    }),
  );
}

/**
 * `carbon-scheduler plan --fleet FILE|- [--at TIME] [--config F] [--carbon live|static|trace:FILE]`: run the
 * scheduler's decision code on the JSON `aws ec2 describe-instances`, `aws rds describe-db-instances`,
 * `aws rds describe-db-clusters` or `aws autoscaling describe-auto-scaling-groups` prints (recognised by its top-level
 * key; several in one file are read together), as if the scheduler saw the fleet for the first time at `--at`, and
 * show each resource's action, reason and the estimated $ and CO2e avoided over the next 24 h. `--output json`
 * prints `{ at, instances, totals }`, `--output csv` one row per resource. See docs/cli.md and docs/resources.md.
 */
export function registerPlan(program: Command, ctx: CliContext): void {
  program
    .command('plan')
    .description(SUMMARIES.plan)
    .requiredOption(
      '--fleet <file>',
      'describe-instances, describe-db-instances, describe-db-clusters or describe-auto-scaling-groups JSON file, or - for standard input',
    )
    .option('--at <time>', 'evaluate as of this time, ISO-8601 (default: now)')
    .option('--config <file>', 'configuration file (default: carbon-scheduler.config.json if present)')
    .option(
      '--carbon <source>',
      'carbon data: live (providers the environment enables, else static), static, or trace:FILE',
      'live',
    )
    .action(async (options: PlanOptions, command: Command) => {
      const opts = common(ctx, command, ['table', 'json', 'csv']);
      const at = options.at === undefined ? ctx.clock() : new Date(parseTime(options.at, '--at'));
      const { config } = loadConfig(options.config, ctx.cwd);
      let registry: ScheduleRegistry;
      try {
        registry = ScheduleRegistry.fromConfig(config.schedules, config.timezone);
      } catch (error) {
        if (error instanceof ScheduleDefinitionError) throw new CliError(error.message, EXIT.usage);
        throw error;
      }
      const fleet = await readFleet(ctx, options.fleet!);
      const { now, tick } = runTime(at, config.schedulingIntervalMinutes);
      const regions = [...new Set(fleet.resources.map((r) => r.region))].sort();
      for (const region of regions) checkRegion(region, 'the fleet has an instance in');
      const source = await carbonSource(ctx, options.carbon ?? 'live', regions, now, config);
      const { entries, totals } = buildResourcePlan({
        resources: fleet.resources,
        now,
        tick,
        config,
        registry,
        carbonFor: source.carbonFor,
        ...(source.forecastFor ? { forecastFor: source.forecastFor } : {}),
        ...(source.seriesFor ? { seriesFor: source.seriesFor } : {}),
        prices: withOverrides(snapshotPriceBook(), config.priceOverrides),
        rdsPrices: snapshotRdsPriceBook(),
      });
      const round = (value: number, digits: number) => Number(value.toFixed(digits));
      const allTotals: PlanJson['totals'] = {
        ...totals,
        estimatedStoppedHours: round(totals.estimatedStoppedHours, 4),
        estimatedUsd: round(totals.estimatedUsd, 6),
        estimatedKWh: round(totals.estimatedKWh, 6),
        estimatedGCO2e: round(totals.estimatedGCO2e, 3),
        carbonSource: source.label,
        unreadable: fleet.errors.length,
      };
      for (const error of fleet.errors) {
        ctx.err(`carbon-scheduler: --fleet ${visible(options.fleet!)}: skipped an entry: ${visible(error)}\n`);
      }
      if (opts.output === 'json') {
        const output: PlanJson = {
          at: now.toISOString(),
          instances: entries.map(({ decision: d }) => {
            const carbon = carbonOf(d);
            return {
              resourceType: d.resourceType,
              id: d.id,
              ...(d.resourceType === 'ec2-instance' ? { instanceId: d.id } : {}),
              region: d.region,
              instanceType: d.capacity,
              schedule: d.schedule,
              desired: d.desired,
              action: d.action,
              reason: formatResourceReason(d.reason),
              carbon: { gCO2ePerKWh: carbon.gCO2ePerKWh, provider: carbon.provider, ageSeconds: carbon.ageSeconds },
              ...(d.targetSizes ? { targetSizes: d.targetSizes } : {}),
              ...(d.recordSizes ? { recordSizes: d.recordSizes } : {}),
            };
          }),
          totals: allTotals,
        };
        ctx.out(`${JSON.stringify(output, null, 2)}\n`);
        return;
      }
      if (opts.output === 'csv') {
        ctx.out(renderPlanCsv(entries));
        return;
      }
      const zones = new Map(regions.map((r) => [r, source.zoneFor?.(r)]));
      ctx.out(render(entries, fleet.resources, allTotals, now, options.fleet!, source.notes, zones, opts));
    });
}
