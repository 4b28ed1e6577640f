import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { FleetDocumentError, instancesFromDocument } from '../../lambdas/adapters/ec2/instance-facts';
import { snapshotPriceBook, withOverrides } from '../../lambdas/core/accounting/price-book';
import { regionFacts, zoneForRegion } from '../../lambdas/core/carbon/region-facts';
import { staticReading } from '../../lambdas/core/carbon/static-reading';
import type { Config } from '../../lambdas/core/config/schema';
import { ScheduleDefinitionError, ScheduleRegistry } from '../../lambdas/core/schedule';
import { type CarbonInput, carbonInputFromSourced } from '../../lambdas/core/scheduler/carbon-input';
import type { IntensityPoint } from '../../lambdas/core/scheduler/carbon-policy';
import type { InstanceFacts } from '../../lambdas/core/scheduler/instance-facts';
import { buildFleetPlan, type FleetPlanEntry, type FleetPlanTotals } from '../../lambdas/core/scheduler/plan';
import { runTime } from '../../lambdas/core/scheduler/tick';
import { loadConfig } from '../../lib/config';
import { type CliContext, CliError, EXIT } from '../context';
import { textTable } from '../format';
import { readTrace, type Trace, TraceFormatError } from '../trace';
import { fetchCliCarbon } from './regions';

interface PlanOptions {
  fleet?: string;
  at?: string;
  config?: string;
  carbon?: string;
}

/** `plan --json` output (SPEC section 7). */
export interface PlanJson {
  readonly at: string;
  readonly instances: {
    readonly instanceId: string;
    readonly region: string;
    readonly instanceType: string;
    readonly schedule: string | null;
    readonly desired: 'running' | 'stopped' | 'any' | null;
    readonly action: 'start' | 'stop' | 'resize' | 'none';
    readonly reason: string;
    readonly carbon: { readonly gCO2ePerKWh: number; readonly provider: string; readonly ageSeconds: number };
  }[];
  readonly totals: FleetPlanTotals & {
    /** Where the carbon values come from: `static`, `live` or `trace:<file>`. */
    readonly carbonSource: string;
    /** Instances of the file that could not be read (each listed on standard error). */
    readonly unreadable: number;
  };
}

/** Where carbon values come from, per region. */
interface CarbonSource {
  readonly label: string;
  readonly carbonFor: (region: string) => CarbonInput;
  readonly forecastFor?: (region: string) => readonly IntensityPoint[] | undefined;
  readonly seriesFor?: (region: string) => ((atMs: number) => number | undefined) | undefined;
  readonly notes: string[];
}

function parseAt(text: string | undefined, ctx: CliContext): Date {
  if (text === undefined) return ctx.clock();
  const at = new Date(text);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(text) || Number.isNaN(at.getTime())) {
    throw new CliError(`--at ${JSON.stringify(text)} is not an ISO-8601 time such as 2026-11-23T08:00:00Z`, EXIT.usage);
  }
  return at;
}

function readFleet(ctx: CliContext, path: string): { instances: InstanceFacts[]; errors: string[] } {
  const file = resolve(ctx.cwd, path);
  if (!existsSync(file)) throw new CliError(`--fleet ${path}: ${file} does not exist`, EXIT.usage);
  let document: unknown;
  try {
    document = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new CliError(`--fleet ${path}: not valid JSON: ${(error as Error).message}`, EXIT.usage);
  }
  try {
    return instancesFromDocument(document);
  } catch (error) {
    if (error instanceof FleetDocumentError) throw new CliError(`--fleet ${path}: ${error.message}`, EXIT.usage);
    throw error;
  }
}

function staticInput(region: string, now: Date, config: Config, fallbackReason?: string): CarbonInput {
  if (!regionFacts(region)) {
    throw new CliError(
      `the fleet has an instance in ${JSON.stringify(region)}, a region the product does not know`,
      EXIT.usage,
    );
  }
  return carbonInputFromSourced({
    reading: staticReading(region, now, config.carbon.zoneOverrides),
    origin: 'static',
    ...(fallbackReason ? { fallbackReason } : {}),
  });
}

async function traceSource(ctx: CliContext, path: string, now: Date, config: Config): Promise<CarbonSource> {
  const file = resolve(ctx.cwd, path);
  if (!existsSync(file)) throw new CliError(`--carbon trace:${path}: ${file} does not exist`, EXIT.usage);
  let trace: Trace;
  try {
    trace = await readTrace(createInterface({ input: createReadStream(file), crlfDelay: Number.POSITIVE_INFINITY }), {
      source: path,
    });
  } catch (error) {
    if (error instanceof TraceFormatError) throw new CliError(`--carbon trace:${error.message}`, EXIT.usage);
    throw error;
  }
  const notes: string[] = [];
  const noted = new Set<string>();
  const seriesOf = (region: string) => {
    const zone = zoneForRegion(region, config.carbon.zoneOverrides);
    return { zone, series: zone ? trace.series(zone) : undefined };
  };
  return {
    label: `trace:${path}`,
    notes,
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
  const carbon = await fetchCliCarbon(ctx, config, regions, { includeForecasts: true });
  const notes: string[] = [];
  if (carbon.live.length === 0) {
    notes.push(
      `no live provider is available (${carbon.unavailable.map((u) => `${u.provider}: ${u.reason}`).join('; ') || 'none configured'}); using the static annual averages`,
    );
  }
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
  throw new CliError(`--carbon ${JSON.stringify(option)} is not allowed; use static, live or trace:FILE`, EXIT.usage);
}

function carbonCell(entry: FleetPlanEntry): string {
  const c = entry.decision.carbon;
  const source = c.origin === 'static' ? 'static' : c.origin === 'trace' ? 'trace' : c.provider;
  return `${c.gCO2ePerKWh.toFixed(0)} ${source}`;
}

function render(
  entries: readonly FleetPlanEntry[],
  totals: PlanJson['totals'],
  at: Date,
  fleetPath: string,
  notes: readonly string[],
): string {
  const header = [
    'INSTANCE',
    'REGION',
    'TYPE',
    'STATE',
    'SCHEDULE',
    'DESIRED',
    'ACTION',
    'gCO2e/kWh',
    'STOPPED/24h',
    '$/24h',
    'gCO2e/24h',
  ];
  const rows = entries.map(({ decision: d, impact }) => [
    d.instanceId,
    d.region,
    d.instanceType,
    d.currentState,
    d.schedule ?? '-',
    d.desired ?? '-',
    d.kind === 'managed' ? d.action : `none (${d.kind})`,
    carbonCell({ decision: d, impact }),
    d.kind === 'managed' ? `${impact.stoppedHours.toFixed(1)} h` : '-',
    d.kind === 'managed' ? (impact.priced ? impact.usd.toFixed(2) : 'n/a') : '-',
    d.kind === 'managed' ? impact.gCO2e.toFixed(1) : '-',
  ]);
  const lines = [
    `Plan at ${at.toISOString()} for ${fleetPath} (${entries.length} instances, carbon: ${totals.carbonSource})`,
    '',
    textTable([header, ...rows], new Set([7, 8, 9, 10])),
    '',
    'Reasons:',
    ...entries.map(({ decision: d }) => `  ${d.instanceId}: ${d.reason}`),
    '',
    `Actions: ${totals.start} start, ${totals.stop} stop, ${totals.resize} resize, ${totals.none} none ` +
      `(${totals.managed} managed, ${totals.invalidTags} bad tag${totals.invalidTags === 1 ? '' : 's'}, ` +
      `${totals.skipped} skipped, ${totals.unmanaged} without a Schedule tag${totals.unreadable > 0 ? `, ${totals.unreadable} unreadable` : ''})`,
    `Next ${totals.horizonHours} h under the schedules: ${totals.estimatedStoppedHours.toFixed(1)} instance-hours stopped, ` +
      `$${totals.estimatedUsd.toFixed(2)} and ${totals.estimatedGCO2e.toFixed(1)} gCO2e (${totals.estimatedKWh.toFixed(3)} kWh) ` +
      'avoided against running all the time (on-demand Linux prices; CCF energy model, 50% CPU)',
  ];
  if (notes.length > 0) lines.push('', 'Notes:', ...notes.map((n) => `  ${n}`));
  return `${lines.join('\n')}\n`;
}

/**
 * `carbon-scheduler plan --fleet FILE [--at ISO] [--config F] [--carbon static|live|trace:FILE]` (SPEC section 7):
 * run the scheduler's decision code on the JSON `aws ec2 describe-instances` prints, as if the scheduler saw the fleet
 * for the first time at `--at`, and show each instance's action, reason and the estimated $ and CO2e avoided over
 * the next 24 h. `--json` prints `{ at, instances, totals }`.
 */
export function registerPlan(program: Command, ctx: CliContext): void {
  program
    .command('plan')
    .description('show what the scheduler would do for a fleet (the JSON of "aws ec2 describe-instances")')
    .requiredOption('--fleet <file>', 'describe-instances JSON file')
    .option('--at <iso>', 'evaluate as of this time (default: now)')
    .option('--config <file>', 'configuration file (default: carbon-scheduler.config.json if present)')
    .option('--carbon <source>', 'carbon data: static, live or trace:FILE', 'static')
    .action(async (options: PlanOptions, command: Command) => {
      const json = Boolean(command.optsWithGlobals().json);
      const at = parseAt(options.at, ctx);
      const { config } = loadConfig(options.config, ctx.cwd);
      let registry: ScheduleRegistry;
      try {
        registry = ScheduleRegistry.fromConfig(config.schedules, config.timezone);
      } catch (error) {
        if (error instanceof ScheduleDefinitionError) throw new CliError(error.message, EXIT.usage);
        throw error;
      }
      const fleet = readFleet(ctx, options.fleet!);
      const { now, tick } = runTime(at, config.schedulingIntervalMinutes);
      const regions = [...new Set(fleet.instances.map((i) => i.region))].sort();
      for (const region of regions) {
        if (!regionFacts(region)) {
          throw new CliError(
            `the fleet has an instance in ${JSON.stringify(region)}, a region the product does not know`,
            EXIT.usage,
          );
        }
      }
      const source = await carbonSource(ctx, options.carbon ?? 'static', regions, now, config);
      const { entries, totals } = buildFleetPlan({
        instances: fleet.instances,
        now,
        tick,
        config,
        registry,
        carbonFor: source.carbonFor,
        ...(source.forecastFor ? { forecastFor: source.forecastFor } : {}),
        ...(source.seriesFor ? { seriesFor: source.seriesFor } : {}),
        prices: withOverrides(snapshotPriceBook(), config.priceOverrides),
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
      for (const error of fleet.errors)
        ctx.err(`carbon-scheduler: skipped an instance of ${options.fleet}: ${error}\n`);
      if (json) {
        const output: PlanJson = {
          at: now.toISOString(),
          instances: entries.map(({ decision: d }) => ({
            instanceId: d.instanceId,
            region: d.region,
            instanceType: d.instanceType,
            schedule: d.schedule,
            desired: d.desired,
            action: d.action,
            reason: d.reason,
            carbon: { gCO2ePerKWh: d.carbon.gCO2ePerKWh, provider: d.carbon.provider, ageSeconds: d.carbon.ageSeconds },
          })),
          totals: allTotals,
        };
        ctx.out(`${JSON.stringify(output, null, 2)}\n`);
        return;
      }
      ctx.out(render(entries, allTotals, now, options.fleet!, source.notes));
    });
}
