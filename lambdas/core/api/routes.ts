import { createHash } from 'node:crypto';
import { emissionsGrams, instanceEnergyKWh } from '../accounting/energy';
import type { CarbonStore } from '../carbon/carbon-store';
import { upcomingPoints } from '../carbon/forecast-summary';
import type { FreshnessOptions } from '../carbon/freshness';
import { ageSeconds } from '../carbon/freshness';
import { carbonLookupFromStore, lookupOptionsFromConfig } from '../carbon/lookup';
import { rankRegions } from '../carbon/ranking';
import type { CarbonReading, SourcedReading } from '../carbon/reading';
import { regionFacts } from '../carbon/region-facts';
import { carbonStatusRow } from '../carbon/status-row';
import type { Config } from '../config/schema';
import { bestStartSlot } from '../dispatch/best-start-slot';
import { jobEnergy } from '../dispatch/job-energy';
import type { Job } from '../dispatch/job-request';
import { instanceSpecs } from '../ec2/instance-specs';
import { buildReport } from '../report/build-report';
import { renderReportCsv } from '../report/csv';
import { InvalidReportPeriodError, reportPeriodHalfOpen } from '../report/period';
import type { InstanceStateRecord } from '../scheduler/instance-state';
import { page } from './pagination';
import type { ApiDependencies } from './ports';
import { ApiProblem, badField, notFound } from './problem';
import type {
  EstimateResponse,
  ForecastResponse,
  HealthResponse,
  InstanceDetail,
  InstanceJson,
  InstancesResponse,
  JobAccepted,
  JobResponse,
  MetricsResponse,
  RegionStatus,
  RegionsResponse,
} from './schemas';

/**
 * The API's route functions (docs/api.md): pure over the read ports and the configuration, with the time from the
 * injected clock. Each returns the response body; problems are thrown as {@link ApiProblem}.
 */

/** Worker size assumed for a job that gives no energy (the dispatcher's default; see lambdas/contract/names.ts). */
export interface JobDefaults {
  readonly workerMemoryMB: number;
  readonly workerTimeoutMinutes: number;
}

const MS_PER_DAY = 86_400_000;
/** Window of the action and job counts of `/metrics`, days: history and job records are kept 90 days. */
export const COUNT_WINDOW_DAYS = 90;

const freshnessOf = (config: Config): FreshnessOptions => ({
  graceSeconds: config.carbon.graceSeconds,
  estimatedPenaltyGCO2ePerKWh: config.carbon.estimatedPenaltyGCO2ePerKWh,
});

/** A carbon store over the read port, for the product's fallback chain (reads only). */
function readOnlyStore(deps: ApiDependencies): CarbonStore {
  const refuse = async (): Promise<void> => {
    throw new Error('the API never writes carbon data');
  };
  return {
    putReadings: refuse,
    putForecasts: refuse,
    latestReadings: (regions, now) => deps.reads.latestReadings(regions, now ?? deps.clock()),
    latestForecast: (region, now) => deps.reads.latestForecast(region, now ?? deps.clock()),
  };
}

/**
 * The region of a path, checked against the region table.
 * @throws {ApiProblem} 404 naming the region when the region table does not know it
 */
function knownRegion(region: string): string {
  if (!regionFacts(region)) {
    throw notFound('region', region, 'it is not in the region table of the product (docs/carbon.md)');
  }
  return region;
}

/** Sourced readings (stored, else the static factor, with the reason) of `regions` at `now`. */
async function sourced(
  deps: ApiDependencies,
  regions: readonly string[],
  now: Date,
): Promise<Map<string, SourcedReading>> {
  return carbonLookupFromStore(readOnlyStore(deps), lookupOptionsFromConfig(deps.config.carbon))(regions, now);
}

function statusOf(deps: ApiDependencies, reading: SourcedReading, now: Date): RegionStatus {
  const row = carbonStatusRow(reading, now, deps.config.thresholdFor(reading.reading.region), freshnessOf(deps.config));
  return {
    ...row,
    origin: reading.origin,
    ...(reading.fallbackReason ? { fallbackReason: reading.fallbackReason } : {}),
  };
}

/** `GET /v1/regions`: every carbon region of the configuration, cleanest (adjusted) first. */
export async function listRegions(deps: ApiDependencies): Promise<RegionsResponse> {
  const now = deps.clock();
  const readings = await sourced(deps, deps.config.carbonRegions, now);
  const ranked = rankRegions([...readings.values()], now, freshnessOf(deps.config));
  return { at: now.toISOString(), regions: ranked.map((entry) => statusOf(deps, entry.sourced, now)) };
}

/** `GET /v1/regions/{region}`. */
export async function getRegion(deps: ApiDependencies, region: string): Promise<RegionStatus> {
  const now = deps.clock();
  const readings = await sourced(deps, [knownRegion(region)], now);
  return statusOf(deps, readings.get(region)!, now);
}

/** `GET /v1/forecast/{region}`: the stored forecast from now on, and the cleanest window of `durationMinutes`. */
export async function getForecast(
  deps: ApiDependencies,
  region: string,
  durationMinutes: number,
): Promise<ForecastResponse> {
  knownRegion(region);
  const now = deps.clock();
  const forecast = await deps.reads.latestForecast(region, now);
  const points = forecast ? upcomingPoints(forecast.points, now) : [];
  if (!forecast || points.length === 0) {
    throw notFound(
      'forecast of region',
      region,
      'the carbon fetcher stores forecasts only for regions whose live provider has one (docs/carbon.md)',
    );
  }
  const last = points[points.length - 1]!;
  const best = bestStartSlot(points, { earliest: now, latest: new Date(last.observedAt), durationMinutes });
  const atNow = bestStartSlot(points, { earliest: now, latest: now, durationMinutes });
  return {
    region,
    at: now.toISOString(),
    zone: forecast.zone,
    provider: forecast.provider,
    signal: forecast.signal,
    generatedAt: forecast.generatedAt,
    points: points.map((point) => ({ observedAt: point.observedAt, gCO2ePerKWh: point.gCO2ePerKWh })),
    durationMinutes,
    bestWindow:
      best && atNow
        ? {
            start: best.start.toISOString(),
            end: best.end.toISOString(),
            meanGCO2ePerKWh: best.meanGCO2ePerKWh,
            nowGCO2ePerKWh: atNow.meanGCO2ePerKWh,
            savingsPercent:
              atNow.meanGCO2ePerKWh > 0
                ? ((atNow.meanGCO2ePerKWh - best.meanGCO2ePerKWh) / atNow.meanGCO2ePerKWh) * 100
                : 0,
          }
        : null,
  };
}

/** The footprint of one instance record at the region's current intensity. */
function instanceJson(deps: ApiDependencies, record: InstanceStateRecord, intensity: number): InstanceJson {
  const pue = deps.config.pueFor(record.region);
  const kWhPerDay = instanceSpecs(record.instanceType) ? instanceEnergyKWh(record.instanceType, 24, { pue }) : 0;
  const price = deps.prices.usdPerHour(record.region, record.instanceType);
  const optional = <K extends keyof InstanceStateRecord>(key: K) =>
    record[key] !== undefined ? { [key]: record[key] } : {};
  return {
    instanceId: record.instanceId,
    region: record.region,
    schedule: record.schedule,
    instanceType: record.instanceType,
    state: record.state,
    ...optional('lastAction'),
    ...optional('lastActionAt'),
    ...optional('lastReason'),
    ...optional('lastError'),
    ...optional('stoppedAt'),
    updatedAt: record.updatedAt,
    footprint: {
      kWhPerDayRunning: kWhPerDay,
      gCO2ePerDayRunning: emissionsGrams(kWhPerDay, intensity),
      usdPerDayRunning: price ? price.usdPerHour * 24 : null,
      gCO2ePerKWh: intensity,
      avoided: {
        usd: record.savedUsd ?? 0,
        gCO2e: record.savedGCO2e ?? 0,
        kWh: record.savedKWh ?? 0,
        stoppedHours: record.stoppedHours ?? 0,
      },
    },
  } as InstanceJson;
}

/** Every instance record of `regions`, with the intensity of its region. */
async function instancesOf(
  deps: ApiDependencies,
  regions: readonly string[],
): Promise<{ record: InstanceStateRecord; intensity: number }[]> {
  const now = deps.clock();
  const [states, readings] = await Promise.all([
    Promise.all(regions.map((region) => deps.reads.loadRegion(region))),
    sourced(deps, regions, now),
  ]);
  return states.flatMap((state, index) => {
    const intensity = readings.get(regions[index]!)!.reading.gCO2ePerKWh;
    return [...state.instances.values()].map((record) => ({ record, intensity }));
  });
}

/** `GET /v1/instances`: managed instances by region and instance id, paginated. */
export async function listInstances(
  deps: ApiDependencies,
  query: { region?: string; schedule?: string; limit: number; nextToken?: string },
): Promise<InstancesResponse> {
  const managed = deps.config.managedRegions;
  if (query.region !== undefined && !managed.includes(query.region)) {
    throw badField('query.region', `${query.region} is not a managed region; managed: ${managed.join(', ')}`);
  }
  const regions = query.region !== undefined ? [query.region] : managed;
  const all = (await instancesOf(deps, regions)).filter(
    ({ record }) => query.schedule === undefined || record.schedule === query.schedule,
  );
  const result = page(all, ({ record }) => `${record.region}/${record.instanceId}`, query.limit, query.nextToken);
  return {
    items: result.items.map(({ record, intensity }) => instanceJson(deps, record, intensity)),
    ...(result.nextToken ? { nextToken: result.nextToken } : {}),
  };
}

/** `GET /v1/instances/{id}`: one instance with its last 20 actions. */
export async function getInstance(deps: ApiDependencies, instanceId: string): Promise<InstanceDetail> {
  const found = (await instancesOf(deps, deps.config.managedRegions)).find(
    ({ record }) => record.instanceId === instanceId,
  );
  if (!found) {
    throw notFound(
      'instance',
      instanceId,
      `the scheduler has no record of it in the managed regions (${deps.config.managedRegions.join(', ')}); ` +
        'it appears after the first scheduler run that sees it with a Schedule tag',
    );
  }
  const history = await deps.reads.history(found.record.region, instanceId, 20);
  return {
    ...instanceJson(deps, found.record, found.intensity),
    history: history.map((entry) => ({ ...entry })),
  };
}

/** `GET /v1/metrics`: savings totals (running totals) and counts of actions and jobs. */
export async function getMetrics(deps: ApiDependencies): Promise<MetricsResponse> {
  const now = deps.clock();
  const today = now.toISOString().slice(0, 10);
  const month = today.slice(0, 7);
  const startDay = new Date(Date.parse(`${today}T00:00:00Z`) - (COUNT_WINDOW_DAYS - 1) * MS_PER_DAY);
  const since = startDay.toISOString();
  const days: string[] = [];
  for (let t = startDay.getTime(); t <= now.getTime(); t += MS_PER_DAY)
    days.push(new Date(t).toISOString().slice(0, 10));

  const [totals, jobCounts, states] = await Promise.all([
    deps.reads.runningTotals(now),
    deps.reads.jobCountsByDay(days),
    Promise.all(deps.config.managedRegions.map((region) => deps.reads.loadRegion(region))),
  ]);
  const instances = states.flatMap((state) => [...state.instances.values()]);
  const times = (
    await Promise.all(instances.map((record) => deps.reads.actionTimes(record.region, record.instanceId, since)))
  ).flat();
  const count = (prefix: string) => times.filter((at) => at.startsWith(prefix)).length;
  const jobs = (prefix: string) =>
    [...jobCounts.entries()].filter(([day]) => day.startsWith(prefix)).reduce((sum, [, n]) => sum + n, 0);
  return {
    at: now.toISOString(),
    today: { usdSaved: totals.Today.usd, gCO2eAvoided: totals.Today.gCO2e, actions: count(today), jobs: jobs(today) },
    month: { usdSaved: totals.Month.usd, gCO2eAvoided: totals.Month.gCO2e, actions: count(month), jobs: jobs(month) },
    allTime: { usdSaved: totals.Total.usd, gCO2eAvoided: totals.Total.gCO2e, actions: times.length, jobs: jobs('') },
    countsSince: since,
  };
}

/** `POST /v1/estimate`: the job's energy, emissions and cost per candidate region, and the best time in `region`. */
export async function estimate(
  deps: ApiDependencies,
  body: {
    instanceType?: string | undefined;
    hours?: number | undefined;
    kWh?: number | undefined;
    region?: string | undefined;
    regions?: string[] | undefined;
    windowHours?: number | undefined;
  },
  defaults: JobDefaults,
): Promise<EstimateResponse> {
  const now = deps.clock();
  if (body.instanceType !== undefined && !instanceSpecs(body.instanceType)) {
    throw badField(
      'body.instanceType',
      `${JSON.stringify(body.instanceType)} is not a known EC2 instance type (e.g. m5.large)`,
    );
  }
  const home = knownRegion(body.region ?? deps.config.homeRegion);
  const candidates = [...new Set([home, ...(body.regions ?? deps.config.dispatch.allowedRegions)])];
  for (const region of candidates) {
    if (!regionFacts(region)) throw badField('body.regions', `${region} is not in the region table of the product`);
  }
  const job: Job = {
    kind: 'estimate',
    ...(body.kWh !== undefined ? { estimatedKWh: body.kWh } : {}),
    ...(body.instanceType !== undefined ? { instanceType: body.instanceType } : {}),
    ...(body.hours !== undefined ? { hours: body.hours } : {}),
  };
  const energyIn = (region: string) =>
    jobEnergy(job, {
      pue: deps.config.pueFor(region),
      workerMemoryMB: defaults.workerMemoryMB,
      defaultDurationMinutes: defaults.workerTimeoutMinutes,
    });
  const readings = await sourced(deps, candidates, now);
  const ranked = rankRegions([...readings.values()], now, freshnessOf(deps.config));
  const row = (entry: (typeof ranked)[number]) => {
    const reading: CarbonReading = entry.sourced.reading;
    const kWh = energyIn(entry.region).kWh;
    const price =
      body.instanceType !== undefined && body.hours !== undefined
        ? deps.prices.usdPerHour(entry.region, body.instanceType)
        : undefined;
    return {
      region: entry.region,
      zone: reading.zone,
      provider: reading.provider,
      origin: entry.sourced.origin,
      gCO2ePerKWh: entry.gCO2ePerKWh,
      adjustedGCO2ePerKWh: entry.adjustedGCO2ePerKWh,
      kWh,
      emissionsGrams: emissionsGrams(kWh, entry.gCO2ePerKWh),
      usd: price && body.hours !== undefined ? price.usdPerHour * body.hours : null,
    };
  };
  const rows = ranked.map(row);
  const here = rows.find((r) => r.region === home)!;
  const best = rows[0]!;
  const saved = here.emissionsGrams - best.emissionsGrams;
  const energy = energyIn(home);
  let bestTime: EstimateResponse['bestTime'] = null;
  if (body.windowHours !== undefined) {
    const forecast = await deps.reads.latestForecast(home, now);
    const points = forecast ? upcomingPoints(forecast.points, now) : [];
    const last = points[points.length - 1];
    const latest = new Date(
      Math.min(now.getTime() + body.windowHours * 3_600_000, last ? Date.parse(last.observedAt) : 0),
    );
    const slot = last
      ? bestStartSlot(points, { earliest: now, latest, durationMinutes: energy.durationMinutes })
      : undefined;
    if (slot) {
      const grams = emissionsGrams(energy.kWh, slot.meanGCO2ePerKWh);
      bestTime = {
        region: home,
        start: slot.start.toISOString(),
        end: slot.end.toISOString(),
        meanGCO2ePerKWh: slot.meanGCO2ePerKWh,
        emissionsGrams: grams,
        savingsGrams: here.emissionsGrams - grams,
        savingsPercent: here.emissionsGrams > 0 ? ((here.emissionsGrams - grams) / here.emissionsGrams) * 100 : 0,
      };
    }
  }
  return {
    at: now.toISOString(),
    energyBasis: energy.basis,
    durationMinutes: energy.durationMinutes,
    now: here,
    regions: rows,
    bestRegion: {
      ...best,
      savingsGrams: saved,
      savingsPercent: here.emissionsGrams > 0 ? (saved / here.emissionsGrams) * 100 : 0,
    },
    bestTime,
  };
}

/** The job id of an idempotency key: `api-` + the first 32 hex digits of its SHA-256 (fits the job id pattern). */
export function jobIdForKey(idempotencyKey: string): string {
  return `api-${createHash('sha256').update(idempotencyKey, 'utf8').digest('hex').slice(0, 32)}`;
}

/**
 * `POST /v1/jobs`: put a `JobRequested` event with the dispatcher's request. With an idempotency key the job id is
 * derived from it, and a job already decided is answered (`exists`) without a second event.
 */
export async function submitJob(
  deps: ApiDependencies,
  body: {
    job: Job;
    idempotencyKey?: string | undefined;
    regions?: string[] | undefined;
    deadline?: string | undefined;
    maxDeferMinutes?: number | undefined;
    minImprovementPercent?: number | undefined;
  },
): Promise<{ status: 202 | 200; body: JobAccepted }> {
  const allowed = deps.config.dispatch.allowedRegions;
  const refused = (body.regions ?? []).filter((region) => !allowed.includes(region));
  if (refused.length > 0) {
    throw badField(
      'body.regions',
      `${refused.join(', ')} not allowed by dispatch.allowedRegions (${allowed.join(', ')})`,
    );
  }
  if (body.deadline !== undefined && Date.parse(body.deadline) <= deps.clock().getTime()) {
    throw badField('body.deadline', `${body.deadline} is in the past`);
  }
  const fromKey = body.idempotencyKey !== undefined ? jobIdForKey(body.idempotencyKey) : undefined;
  if (fromKey !== undefined && body.job.id !== undefined && body.job.id !== fromKey) {
    throw badField('body.job.id', 'give job.id or idempotencyKey, not both');
  }
  const jobId = fromKey ?? body.job.id ?? deps.newJobId();
  const location = `/v1/jobs/${jobId}`;
  if (fromKey !== undefined) {
    const existing = await deps.reads.getJob(jobId);
    if (existing.decision) return { status: 200, body: { jobId, status: 'exists', location } };
  }
  const { eventId } = await deps.jobs.publish({
    job: { ...body.job, id: jobId },
    ...(body.regions ? { regions: body.regions } : {}),
    ...(body.deadline ? { deadline: body.deadline } : {}),
    ...(body.maxDeferMinutes !== undefined ? { maxDeferMinutes: body.maxDeferMinutes } : {}),
    ...(body.minImprovementPercent !== undefined ? { minImprovementPercent: body.minImprovementPercent } : {}),
  });
  return { status: 202, body: { jobId, status: 'submitted', location, ...(eventId ? { eventId } : {}) } };
}

/** `GET /v1/jobs/{id}`: the decision and, once the worker reported, the outcome. */
export async function getJob(deps: ApiDependencies, jobId: string): Promise<JobResponse> {
  const { decision, outcome } = await deps.reads.getJob(jobId);
  if (!decision) {
    throw notFound('job', jobId, 'no dispatch decision is stored under it (a job just submitted takes a few seconds)');
  }
  const status = outcome ? (outcome.outcome === 'ok' ? 'succeeded' : 'error') : decision.action;
  return {
    jobId,
    status,
    kind: decision.kind,
    decidedAt: decision.decidedAt,
    region: outcome?.region ?? decision.chosenRegion ?? null,
    runAt: decision.runAt ?? null,
    reason: decision.reason,
    deferral: decision.deferral ? { ...decision.deferral } : null,
    emissions: decision.emissions ? { ...decision.emissions } : null,
    outcome: outcome ? { ...outcome } : null,
  } as JobResponse;
}

/** `GET /v1/reports`: the cost and carbon report of `[from, to)`, as JSON (the report model) or CSV. */
export async function getReport(
  deps: ApiDependencies,
  query: { from: string; to: string; format: 'json' | 'csv' },
): Promise<{ json: unknown } | { csv: string }> {
  let period: ReturnType<typeof reportPeriodHalfOpen>;
  try {
    period = reportPeriodHalfOpen(query.from, query.to);
  } catch (error) {
    if (error instanceof InvalidReportPeriodError) {
      const detail = error.message.replaceAll('--from', 'from').replaceAll('--to', 'to');
      throw new ApiProblem('bad-request', `query: ${detail}`, [{ field: 'query.from', message: detail }]);
    }
    throw error;
  }
  const input = await deps.reads.readReport(period, deps.config.carbonRegions, deps.config.managedRegions);
  const model = buildReport(input, { generatedAt: deps.clock() });
  return query.format === 'csv' ? { csv: renderReportCsv(model) } : { json: model };
}

/** `GET /v1/health`: data freshness per carbon region, last scheduler run per managed region, open alarms. */
export async function getHealth(deps: ApiDependencies): Promise<HealthResponse> {
  const now = deps.clock();
  const { config } = deps;
  const [stored, states, alarms] = await Promise.all([
    deps.reads.latestReadings(config.carbonRegions, now),
    Promise.all(config.managedRegions.map((region) => deps.reads.loadRegion(region))),
    deps.reads.openAlarms(),
  ]);
  const maxAge = config.carbon.maxDataAgeMinutes * 60;
  const regions = config.carbonRegions.map((region) => {
    const reading = stored.get(region);
    const age = reading ? Math.round(ageSeconds(reading, now)) : null;
    return {
      region,
      provider: reading?.provider ?? null,
      observedAt: reading?.observedAt ?? null,
      ageSeconds: age,
      fresh: age !== null && age <= maxAge,
    };
  });
  const lateAfterMs = 2 * config.schedulingIntervalMinutes * 60_000;
  const scheduler = config.managedRegions.map((region, index) => {
    const lastRunAt = states[index]!.run?.lastRunAt ?? null;
    return {
      region,
      lastRunAt,
      onTime: lastRunAt !== null && now.getTime() - Date.parse(lastRunAt) <= lateAfterMs,
    };
  });
  const healthy = regions.every((r) => r.fresh) && scheduler.every((s) => s.onTime) && alarms.length === 0;
  return {
    at: now.toISOString(),
    status: healthy ? 'ok' : 'degraded',
    regions,
    scheduler,
    alarms: alarms.map((alarm) => ({ ...alarm })),
  };
}
