import type { PriceBook } from '../accounting/price-book';
import {
  familySizes,
  gravitonFamiliesFor,
  type InstanceSpecs,
  instanceSpecs,
  parseInstanceType,
} from '../ec2/instance-specs';
import type { ScheduleRegistry } from '../schedule';
import { autoResizePermitted } from './apply-trust';
import { mergeWithPrevious } from './merge';
import {
  analysisWindow,
  type Datapoint,
  type MetricQuery,
  metricQueriesFor,
  queryId,
  seriesByInstance,
} from './metric-queries';
import { type RightsizeMode, rightsizeMode } from './mode';
import { type RightsizingSettings, type RightsizingSubject, recommend } from './recommend';
import { isActionable, type RightsizingRecommendation } from './recommendation';
import type { RecommendationStore } from './recommendation-store';
import { runningProfile } from './running-hours';

/** An instance found in a region (from DescribeInstances or a describe-instances file). */
export interface DiscoveredInstance extends RightsizingSubject {
  /** EC2 state name; terminated and shutting-down instances are skipped. */
  readonly state: string;
}

/** Instance type facts of one region, loaded for the families the run needs. */
export interface InstanceTypeFacts {
  familySizes(family: string): readonly InstanceSpecs[];
  specs(instanceType: string): { specs: InstanceSpecs; source: 'describe-instance-types' | 'snapshot' } | undefined;
  /** Set when the live source failed and the snapshot was used. */
  readonly note?: string;
}

/** Instance type facts from the bundled snapshot only (offline CLI, benchmarks, and the fallback of the live source). */
export function snapshotInstanceTypeFacts(): InstanceTypeFacts {
  return {
    familySizes: (family) => familySizes(family),
    specs: (type) => {
      const specs = instanceSpecs(type);
      return specs ? { specs, source: 'snapshot' } : undefined;
    },
  };
}

/** The outside world of a rightsizing run; the Lambda wires AWS adapters, the CLI wires files. */
export interface RightsizingPorts {
  listInstances(region: string): Promise<readonly DiscoveredInstance[]>;
  instanceTypes(region: string, families: readonly string[]): Promise<InstanceTypeFacts>;
  fetchMetrics(
    region: string,
    queries: readonly MetricQuery[],
    window: { start: Date; end: Date },
  ): Promise<{ series: ReadonlyMap<string, readonly Datapoint[]>; failures: ReadonlyMap<string, string> }>;
  readonly prices: PriceBook;
  /** Fetch live prices for these pairs before the final pass (Price List API); absent → `prices` as they are. */
  prefetchPrices?(pairs: readonly { region: string; instanceType: string }[]): Promise<void>;
  /** Average carbon intensity of a region for the CO2e savings (static annual factor or a cached reading). */
  carbonIntensity(region: string): { gCO2ePerKWh: number; source: string };
  /** PUE of a region (config `pueFor`). */
  pueFor(region: string): number;
  /** Where recommendations are kept; absent in the CLI. */
  readonly store?: RecommendationStore;
}

/** Input of {@link runRightsizing}. */
export interface RightsizingRunInput {
  readonly regions: readonly string[];
  readonly settings: RightsizingSettings;
  readonly defaultMode: RightsizeMode;
  readonly now: Date;
  /** Plan only: nothing is written to the store. */
  readonly dryRun: boolean;
  /** Analyse only these instance ids (all when absent). */
  readonly instanceIds?: readonly string[];
  /** The configured and built-in schedules, for each instance's monthly running hours; default the built-ins. */
  readonly registry?: ScheduleRegistry;
}

/** Per-region figures of a run. */
export interface RegionRightsizingSummary {
  readonly region: string;
  /** Instances found with a Schedule or Rightsize tag. */
  readonly discovered: number;
  /** Instances analysed (mode recommend or auto). */
  readonly analysed: number;
  /** Outcomes downsize + graviton-only. */
  readonly recommendations: number;
  readonly pendingApply: number;
  readonly insufficientData: number;
  /** Sum of `monthlySavingsUsd` of the recommendations (USD per month). */
  readonly monthlySavingsUsd: number;
  /** Sum of `monthlySavingsGCO2e` of the recommendations (grams CO2e per month). */
  readonly monthlySavingsGCO2e: number;
  /** Instances not analysed: mode off or a bad Rightsize tag (never an error). */
  readonly skipped: readonly { readonly instanceId: string; readonly reason: string }[];
  /** Notes on fallbacks (DescribeInstanceTypes failed, GetMetricData failures…). */
  readonly notes: readonly string[];
}

/** Result of a run: summaries and every recommendation (stored unless dry run). */
export interface RightsizingRunResult {
  readonly dryRun: boolean;
  readonly window: { readonly start: string; readonly end: string };
  readonly regions: readonly RegionRightsizingSummary[];
  readonly recommendations: readonly RightsizingRecommendation[];
}

const SKIPPED_STATES = new Set(['terminated', 'shutting-down']);

/**
 * One rightsizing run over `regions`: discover tagged instances, load instance type facts, fetch 14 days (config)
 * of daily CPU/memory statistics in batches, recommend per instance (see `recommend`), merge with the stored
 * recommendations (dismissed/reverted stay so), and store them unless `dryRun`.
 */
export async function runRightsizing(
  ports: RightsizingPorts,
  input: RightsizingRunInput,
): Promise<RightsizingRunResult> {
  const window = analysisWindow(input.now, input.settings.lookbackDays);
  const only = input.instanceIds ? new Set(input.instanceIds) : undefined;
  const summaries: RegionRightsizingSummary[] = [];
  const all: RightsizingRecommendation[] = [];

  const permitted = autoResizePermitted({
    defaultMode: input.defaultMode,
    allowAutoResize: input.settings.allowAutoResize ?? false,
  });
  for (const region of input.regions) {
    const notes: string[] = [];
    const skipped: { instanceId: string; reason: string }[] = [];
    const discovered = (await ports.listInstances(region)).filter(
      (i) => !SKIPPED_STATES.has(i.state) && (!only || only.has(i.instanceId)),
    );
    const subjects: { instance: DiscoveredInstance; mode: 'recommend' | 'auto' }[] = [];
    for (const instance of discovered) {
      const { mode, error } = rightsizeMode(instance.tags, input.defaultMode);
      if (error) skipped.push({ instanceId: instance.instanceId, reason: error });
      else if (mode === 'off') skipped.push({ instanceId: instance.instanceId, reason: 'Rightsize mode is off' });
      else subjects.push({ instance, mode });
    }

    const families = new Set<string>();
    for (const { instance } of subjects) {
      const family = parseInstanceType(instance.instanceType)?.family;
      if (!family) continue;
      families.add(family);
      for (const graviton of gravitonFamiliesFor(family)) families.add(graviton);
    }
    const facts = await ports.instanceTypes(region, [...families].sort());
    if (facts.note) notes.push(facts.note);

    const queries = subjects.flatMap(({ instance }) =>
      metricQueriesFor(instance.instanceId, input.settings.cpuStatistic),
    );
    const metrics =
      subjects.length > 0
        ? await ports.fetchMetrics(region, queries, window)
        : { series: new Map(), failures: new Map() };
    if (metrics.failures.size > 0)
      notes.push(`${metrics.failures.size} metric queries failed; those instances have no data`);
    const series = seriesByInstance(
      subjects.map((s) => s.instance.instanceId),
      metrics.series as ReadonlyMap<string, readonly Datapoint[]>,
    );
    const carbon = ports.carbonIntensity(region);
    const pue = ports.pueFor(region);

    const analyse = (): RightsizingRecommendation[] =>
      subjects.map(({ instance, mode }) => {
        const known = facts.specs(instance.instanceType);
        const failure = metrics.failures.get(queryId('cpu', instance.instanceId));
        return recommend({
          instance,
          mode,
          autoResizePermitted: permitted,
          ...(input.registry ? { profile: runningProfile(input.registry, instance.tags.Schedule, input.now) } : {}),
          current: known?.specs,
          currentFactsSource: known?.source ?? 'snapshot',
          familySizes: (family) => facts.familySizes(family),
          series: series.get(instance.instanceId)!,
          ...(failure ? { seriesError: failure } : {}),
          window,
          settings: input.settings,
          prices: ports.prices,
          pue,
          gCO2ePerKWh: carbon.gCO2ePerKWh,
          carbonSource: carbon.source,
          now: input.now,
        });
      });

    let recs = analyse();
    if (ports.prefetchPrices) {
      const pairs = new Map<string, { region: string; instanceType: string }>();
      for (const rec of recs) {
        for (const type of [rec.currentInstanceType, rec.proposed?.instanceType, rec.graviton?.instanceType]) {
          if (type) pairs.set(type, { region, instanceType: type });
        }
      }
      await ports.prefetchPrices([...pairs.values()]);
      recs = analyse();
    }

    if (ports.store) {
      const previous = new Map((await ports.store.list(region)).map((r) => [r.instanceId, r]));
      recs = recs.map((rec) => mergeWithPrevious(rec, previous.get(rec.instanceId)));
      if (!input.dryRun && recs.length > 0) await ports.store.putMany(recs);
    }

    const actionable = recs.filter(isActionable);
    summaries.push({
      region,
      discovered: discovered.length,
      analysed: subjects.length,
      recommendations: actionable.length,
      pendingApply: recs.filter((r) => r.status === 'pending-apply').length,
      insufficientData: recs.filter((r) => r.outcome === 'insufficient-data').length,
      monthlySavingsUsd: Number(actionable.reduce((sum, r) => sum + r.monthlySavingsUsd, 0).toFixed(2)),
      monthlySavingsGCO2e: Math.round(actionable.reduce((sum, r) => sum + r.monthlySavingsGCO2e, 0)),
      skipped,
      notes,
    });
    all.push(...recs);
  }
  return {
    dryRun: input.dryRun,
    window: { start: window.start.toISOString(), end: window.end.toISOString() },
    regions: summaries,
    recommendations: all,
  };
}
