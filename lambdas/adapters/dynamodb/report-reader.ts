import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import pLimit from 'p-limit';
import { KEY_PREFIX, TABLE_KEYS } from '../../contract';
import type { CarbonReading } from '../../core/carbon/reading';
import type { ReportPeriod } from '../../core/report/period';
import type {
  ReportDailySavings,
  ReportDecision,
  ReportHistoryEntry,
  ReportInput,
  ReportInstance,
  ReportOutcome,
  ReportReading,
  ReportRecommendation,
  ReportSourceInfo,
} from '../../core/report/report-input';
import { carbonPartitionKey, READING_PREFIX } from './carbon-store';
import { DynamoInstanceStateStore, historyPartitionKey, RUN_SORT_KEY } from './instance-state-store';
import { DynamoJobStore, JOB_SORT_KEYS } from './job-store';
import { DynamoDbRecommendationStore } from './recommendation-store';
import { DynamoSavingsStore } from './savings-store';
import { queryAll } from './table';

/** A table item with plain values (as the document client returns it, or converted from DynamoDB JSON). */
export type TableItem = Record<string, unknown>;

/**
 * Reads what a cost and carbon report needs from the product's table (key layout in table.ts), with Query on known
 * partition keys wherever the key design offers one:
 *
 * | family | access path | requests |
 * |---|---|---|
 * | `SAVINGS#<day>` | `DynamoSavingsStore.daily(day)` (Query) | one per day of the period |
 * | `CARBON#<region>` | Query, `sk BETWEEN READING#<from> AND READING#<day after to>` | one per carbon region (paginated) |
 * | `INSTANCE#<region>` | `DynamoInstanceStateStore.loadRegion` (Query) | one per managed region |
 * | `HISTORY#<region>#<id>` | Query, `sk BETWEEN <from> AND <day after to>` | one per instance of those regions |
 * | `RIGHTSIZING#<region>` | `DynamoDbRecommendationStore.list` (Query) | one per managed region |
 * | `JOBS#<day>` → `JOB#<jobId>` | `DynamoJobStore.decisionsOnDay` (Query), then `outcomes` (BatchGetItem) | one per day, one per 100 jobs |
 *
 * No Scan: dispatch decisions are also written under the day index `JOBS#<day>` by the job store. History could
 * likewise carry `ACTIONS#<region>#<day>` for one Query per region and day instead of one per instance.
 *
 * IAM: dynamodb:Query and dynamodb:BatchGetItem on the table.
 */

/** What to read. */
export interface ReportQuery {
  readonly period: ReportPeriod;
  /** Regions whose carbon readings are read. */
  readonly carbonRegions: readonly string[];
  /** Regions whose instances, history and rightsizing recommendations are read. */
  readonly managedRegions: readonly string[];
  /** Requests in flight at once (default 8). */
  readonly concurrency?: number;
}

type Item = Record<string, unknown>;

const KEY_ATTRIBUTES = new Set([TABLE_KEYS.partitionKey, TABLE_KEYS.sortKey, TABLE_KEYS.ttl, 'kind', 'recordType']);

function withoutKeys(item: Item): Item {
  return Object.fromEntries(Object.entries(item).filter(([key]) => !KEY_ATTRIBUTES.has(key)));
}

const isString = (v: unknown): v is string => typeof v === 'string' && v.length > 0;
const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** The day after `period.to`, the exclusive upper bound of sort keys that start with an ISO time. */
function dayAfter(period: ReportPeriod): string {
  return period.endIso.slice(0, 10);
}

/** A stored reading (`CARBON#<region>` / `READING#…`), or undefined when the item is not one (or is a forecast). */
export function readingFromItem(item: Item): ReportReading | undefined {
  if (!isString(item.region) || !isString(item.observedAt) || !isNumber(item.gCO2ePerKWh)) return undefined;
  if (item.isForecast === true) return undefined;
  return {
    region: item.region,
    zone: String(item.zone ?? ''),
    provider: String(item.provider ?? 'unknown') as CarbonReading['provider'],
    signal: (item.signal === 'marginal' ? 'marginal' : 'average') as CarbonReading['signal'],
    gCO2ePerKWh: item.gCO2ePerKWh,
    observedAt: item.observedAt,
    isEstimated: item.isEstimated === true,
  };
}

/** A history entry (`HISTORY#…`), or undefined when the item lacks its fields. */
export function historyFromItem(item: Item): ReportHistoryEntry | undefined {
  const e = withoutKeys(item);
  if (!isString(e.region) || !isString(e.instanceId) || !isString(e.at) || !isString(e.action)) return undefined;
  return e as unknown as ReportHistoryEntry;
}

/** A per-instance state record (`INSTANCE#<region>` / `<instanceId>`), or undefined (e.g. the `#run` record). */
export function instanceFromItem(item: Item): ReportInstance | undefined {
  if (item[TABLE_KEYS.sortKey] === RUN_SORT_KEY) return undefined;
  const r = withoutKeys(item);
  if (!isString(r.instanceId) || !isString(r.region)) return undefined;
  return r as unknown as ReportInstance;
}

/** A rightsizing recommendation (`RIGHTSIZING#<region>` / `<instanceId>`), or undefined (e.g. a `PENDING#` marker). */
export function recommendationFromItem(item: Item): ReportRecommendation | undefined {
  if (String(item[TABLE_KEYS.sortKey] ?? '').startsWith('PENDING#')) return undefined;
  const r = withoutKeys(item);
  if (!isString(r.region) || !isString(r.instanceId) || !isString(r.outcome)) return undefined;
  return r as unknown as ReportRecommendation;
}

/** A dispatch decision (`JOB#<jobId>` / `DECISION`), or undefined. */
export function decisionFromItem(item: Item): ReportDecision | undefined {
  const d = withoutKeys(item);
  if (!isString(d.jobId) || !isString(d.decidedAt) || !isString(d.action)) return undefined;
  return d as unknown as ReportDecision;
}

/** A job outcome (`JOB#<jobId>` / `OUTCOME`), or undefined. */
export function outcomeFromItem(item: Item): ReportOutcome | undefined {
  const o = withoutKeys(item);
  if (!isString(o.jobId) || !isString(o.region) || !isString(o.outcome)) return undefined;
  return o as unknown as ReportOutcome;
}

/** A daily savings item (`SAVINGS#<day>` / `<region>`), as `DynamoSavingsStore.daily` returns it. */
export function savingsFromItem(item: Item): ReportDailySavings | undefined {
  const pk = String(item[TABLE_KEYS.partitionKey] ?? '');
  const region = item[TABLE_KEYS.sortKey];
  if (!pk.startsWith(KEY_PREFIX.savings) || !isString(region)) return undefined;
  const n = (v: unknown) => (isNumber(v) ? v : 0);
  return {
    day: pk.slice(KEY_PREFIX.savings.length),
    region,
    usd: n(item.usd),
    gCO2e: n(item.gCO2e),
    kWh: n(item.kWh),
    stoppedHours: n(item.stoppedHours),
    runs: n(item.runs),
  };
}

/** Options of {@link DynamoReportReader}. */
export interface DynamoReportReaderOptions {
  /** Shown as the report's source, e.g. `carbon-aware-scheduler-state (eu-central-1)`. */
  readonly description?: string;
}

/** The report reader on DynamoDB (see the module comment for its access paths). */
export class DynamoReportReader {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly options: DynamoReportReaderOptions = {},
  ) {}

  /** Read everything the report of `query.period` needs. Throws the SDK's error when a request fails. */
  async read(query: ReportQuery): Promise<ReportInput> {
    const limit = pLimit(query.concurrency ?? 8);
    const { period } = query;
    const savingsStore = new DynamoSavingsStore(this.doc, this.tableName);
    const stateStore = new DynamoInstanceStateStore(this.doc, this.tableName);
    const recommendationStore = new DynamoDbRecommendationStore(this.doc, this.tableName);
    const managed = [...new Set(query.managedRegions)];
    const carbon = [...new Set(query.carbonRegions)];

    const [savings, readings, regionStates, recommendations, jobs] = await Promise.all([
      Promise.all(period.days.map((day) => limit(() => savingsStore.daily(day)))),
      Promise.all(carbon.map((region) => limit(() => this.readings(region, period)))),
      Promise.all(managed.map((region) => limit(() => stateStore.loadRegion(region)))),
      Promise.all(managed.map((region) => limit(() => recommendationStore.list(region)))),
      this.jobs(period, limit),
    ]);
    const instances = regionStates.flatMap((state) => [...state.instances.values()]) as ReportInstance[];
    const history = (
      await Promise.all(instances.map((i) => limit(() => this.history(i.region, i.instanceId, period))))
    ).flat();
    const source: ReportSourceInfo = { kind: 'dynamodb', description: this.options.description ?? this.tableName };
    return {
      period,
      source,
      carbonRegions: carbon,
      managedRegions: managed,
      savings: savings.flat().map(({ updatedAt: _u, ...rest }) => rest),
      readings: readings.flat(),
      instances,
      history,
      recommendations: recommendations.flat(),
      decisions: jobs.decisions,
      outcomes: jobs.outcomes,
      warnings: [],
      accessPaths: [
        `Query SAVINGS#<day> for each of the ${period.days.length} days.`,
        `Query CARBON#<region> (sort key READING#${period.from} … READING#${dayAfter(period)}) for ${carbon.length} regions.`,
        `Query INSTANCE#<region> and RIGHTSIZING#<region> for ${managed.length} regions.`,
        `Query HISTORY#<region>#<instanceId> (sort key ${period.from} … ${dayAfter(period)}) for ${instances.length} instances.`,
        `Query JOBS#<day> (the dispatch decisions' day index) for each of the ${period.days.length} days, then ` +
          `BatchGetItem of ${jobs.decisions.length} job outcomes.`,
      ],
    };
  }

  /** Every item of `pk` whose sort key lies between `from` and `to` (paginated, through `queryAll`). */
  private query(params: { pk: string; from: string; to: string }): Promise<Item[]> {
    return queryAll(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :from AND :to',
      ExpressionAttributeNames: { '#pk': TABLE_KEYS.partitionKey, '#sk': TABLE_KEYS.sortKey },
      ExpressionAttributeValues: { ':pk': params.pk, ':from': params.from, ':to': params.to },
    });
  }

  private async readings(region: string, period: ReportPeriod): Promise<ReportReading[]> {
    const items = await this.query({
      pk: carbonPartitionKey(region),
      from: `${READING_PREFIX}${period.from}`,
      to: `${READING_PREFIX}${dayAfter(period)}`,
    });
    return items.map(readingFromItem).filter((r): r is ReportReading => r !== undefined);
  }

  private async history(region: string, instanceId: string, period: ReportPeriod): Promise<ReportHistoryEntry[]> {
    const items = await this.query({
      pk: historyPartitionKey(region, instanceId),
      from: period.from,
      to: dayAfter(period),
    });
    return items.map(historyFromItem).filter((h): h is ReportHistoryEntry => h !== undefined);
  }

  /**
   * Decisions of the period from the day index (`JOBS#<day>`, one Query per day; a job decided twice, e.g. deferred
   * then dispatched, keeps its newest decision) and their outcomes (BatchGetItem on `JOB#<jobId>` / `OUTCOME`).
   */
  private async jobs(
    period: ReportPeriod,
    limit: ReturnType<typeof pLimit>,
  ): Promise<{ decisions: ReportDecision[]; outcomes: ReportOutcome[] }> {
    const store = new DynamoJobStore(this.doc, this.tableName);
    const perDay = await Promise.all(period.days.map((day) => limit(() => store.decisionsOnDay(day))));
    const newest = new Map<string, ReportDecision>();
    for (const raw of perDay.flat()) {
      const decision = decisionFromItem(raw as unknown as Item);
      if (!decision || decision.decidedAt < period.startIso || decision.decidedAt > period.endIso) continue;
      const seen = newest.get(decision.jobId);
      if (!seen || seen.decidedAt < decision.decidedAt) newest.set(decision.jobId, decision);
    }
    const decisions = [...newest.values()];
    const found = await store.outcomes(decisions.map((d) => d.jobId));
    const outcomes = [...found.values()]
      .map((raw) => outcomeFromItem(raw as unknown as Item))
      .filter((o): o is ReportOutcome => o !== undefined);
    return { decisions, outcomes };
  }
}

/** Options of {@link reportInputFromItems}. */
export interface ItemsQuery {
  readonly period: ReportPeriod;
  /** Keep only these regions (default: every region found in the items). */
  readonly regions?: readonly string[];
}

/**
 * The report input from plain table items (a JSON export, as `carbon-scheduler report --input` reads it), classified by their
 * key prefixes exactly as the table's writers lay them out. Items of unknown families are ignored; items of a known
 * family that lack its fields are counted in a warning.
 */
export function reportInputFromItems(
  items: readonly TableItem[],
  query: ItemsQuery,
  source: ReportSourceInfo,
): ReportInput {
  const keep = query.regions ? new Set(query.regions) : undefined;
  const wanted = (region: string) => keep === undefined || keep.has(region);
  const savings: ReportDailySavings[] = [];
  const readings: ReportReading[] = [];
  const instances: ReportInstance[] = [];
  const history: ReportHistoryEntry[] = [];
  const recommendations: ReportRecommendation[] = [];
  const decisions: ReportDecision[] = [];
  const outcomes: ReportOutcome[] = [];
  let malformed = 0;
  const days = new Set(query.period.days);
  const take = <T>(value: T | undefined, into: T[], region: (v: T) => string) => {
    if (value === undefined) malformed += 1;
    else if (wanted(region(value))) into.push(value);
  };
  for (const item of items) {
    const pk = item[TABLE_KEYS.partitionKey];
    const sk = String(item[TABLE_KEYS.sortKey] ?? '');
    if (typeof pk !== 'string') continue;
    if (pk.startsWith(KEY_PREFIX.savings)) {
      const s = savingsFromItem(item);
      if (s === undefined || days.has(s.day)) take(s, savings, (v) => v.region);
    } else if (pk.startsWith(KEY_PREFIX.carbon)) {
      if (sk.startsWith(READING_PREFIX) && item.isForecast !== true)
        take(readingFromItem(item), readings, (v) => v.region);
    } else if (pk.startsWith(KEY_PREFIX.instance)) {
      if (sk !== RUN_SORT_KEY) take(instanceFromItem(item), instances, (v) => v.region);
    } else if (pk.startsWith(KEY_PREFIX.history)) {
      take(historyFromItem(item), history, (v) => v.region);
    } else if (pk.startsWith(KEY_PREFIX.rightsizing)) {
      if (!sk.startsWith('PENDING#')) take(recommendationFromItem(item), recommendations, (v) => v.region);
    } else if (pk.startsWith(KEY_PREFIX.job)) {
      if (sk === JOB_SORT_KEYS.decision)
        take(decisionFromItem(item), decisions, (v) => v.chosenRegion ?? v.home?.region ?? '');
      else if (sk === JOB_SORT_KEYS.outcome) take(outcomeFromItem(item), outcomes, (v) => v.region);
    }
  }
  const found = (list: readonly { region: string }[]) => [...new Set(list.map((v) => v.region))].sort();
  const warnings =
    malformed > 0 ? [`${malformed} item(s) of the export lack the fields of their item family and were ignored`] : [];
  return {
    period: query.period,
    source,
    carbonRegions: query.regions ? [...query.regions] : found(readings),
    managedRegions: query.regions ? [...query.regions] : found([...instances, ...recommendations]),
    savings,
    readings,
    instances,
    history,
    recommendations,
    decisions,
    outcomes,
    warnings,
    accessPaths: [`${items.length} items read from the export and classified by their key prefixes.`],
  };
}
