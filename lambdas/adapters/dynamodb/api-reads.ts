import { BatchGetCommand, type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import pLimit from 'p-limit';
import { TABLE_KEYS } from '../../contract';
import type { ApiReadPorts, OpenAlarm } from '../../core/api/ports';
import type { ReportPeriod } from '../../core/report/period';
import type { RunningTotals } from '../../core/scheduler/ports';
import { DynamoCarbonStore } from './carbon-store';
import { DynamoInstanceStateStore, historyPartitionKey } from './instance-state-store';
import { DynamoJobStore, jobDayPartitionKey } from './job-store';
import { DynamoReportReader } from './report-reader';
import { runningTotalKeys } from './savings-store';

/** Options of {@link DynamoApiReads}. */
export interface DynamoApiReadsOptions {
  /** The open alarms (CloudWatch DescribeAlarms; lambdas/adapters/cloudwatch/open-alarms.ts). */
  readonly openAlarms: () => Promise<readonly OpenAlarm[]>;
  /** Requests in flight at once for per-day and per-instance reads (default 8). */
  readonly concurrency?: number;
}

/**
 * The API's read ports over the product's table, reusing the stores the functions write with (carbon, instance
 * state, job, report reader) and adding three reads of their own: the running savings totals (BatchGetItem of the
 * three `SAVINGS_TOTAL#` items), the action times of an instance (Query on `HISTORY#<region>#<id>` from a time) and
 * the number of decisions of a day (Query `Select: COUNT` on `JOBS#<day>`).
 *
 * IAM: dynamodb:GetItem, BatchGetItem and Query on the table (the construct limits them to the key prefixes read).
 */
export class DynamoApiReads implements ApiReadPorts {
  readonly #carbon: DynamoCarbonStore;
  readonly #state: DynamoInstanceStateStore;
  readonly #jobs: DynamoJobStore;
  readonly #report: DynamoReportReader;
  readonly #limit: ReturnType<typeof pLimit>;

  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly options: DynamoApiReadsOptions,
  ) {
    // The TTL only matters for writes; the API never writes carbon items.
    this.#carbon = new DynamoCarbonStore(doc, tableName, { ttlMinutes: 0 });
    this.#state = new DynamoInstanceStateStore(doc, tableName);
    this.#jobs = new DynamoJobStore(doc, tableName);
    this.#report = new DynamoReportReader(doc, tableName);
    this.#limit = pLimit(options.concurrency ?? 8);
  }

  latestReadings: ApiReadPorts['latestReadings'] = (regions, now) => this.#carbon.latestReadings(regions, now);
  latestForecast: ApiReadPorts['latestForecast'] = (region, now) => this.#carbon.latestForecast(region, now);
  loadRegion: ApiReadPorts['loadRegion'] = (region) => this.#limit(() => this.#state.loadRegion(region));
  history: ApiReadPorts['history'] = (region, instanceId, limit) => this.#state.history(region, instanceId, limit);
  getJob: ApiReadPorts['getJob'] = (jobId) => this.#jobs.getJob(jobId);
  openAlarms: ApiReadPorts['openAlarms'] = () => this.options.openAlarms();

  async readReport(
    period: ReportPeriod,
    carbonRegions: readonly string[],
    managedRegions: readonly string[],
  ): ReturnType<ApiReadPorts['readReport']> {
    return this.#report.read({ period, carbonRegions, managedRegions });
  }

  async actionTimes(region: string, instanceId: string, since: string): Promise<string[]> {
    const times: string[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.#limit(() =>
        this.doc.send(
          new QueryCommand({
            TableName: this.tableName,
            KeyConditionExpression: '#pk = :pk AND #sk >= :since',
            ExpressionAttributeNames: { '#pk': TABLE_KEYS.partitionKey, '#sk': TABLE_KEYS.sortKey, '#at': 'at' },
            ExpressionAttributeValues: { ':pk': historyPartitionKey(region, instanceId), ':since': since },
            ProjectionExpression: '#at',
            ...(startKey ? { ExclusiveStartKey: startKey } : {}),
          }),
        ),
      );
      for (const item of page.Items ?? []) if (typeof item.at === 'string') times.push(item.at);
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return times;
  }

  async runningTotals(now: Date): Promise<RunningTotals> {
    const keys = runningTotalKeys(now);
    const response = await this.doc.send(
      new BatchGetCommand({
        RequestItems: { [this.tableName]: { Keys: [keys.Today, keys.Month, keys.Total] } },
      }),
    );
    const items = response.Responses?.[this.tableName] ?? [];
    const amount = (key: { pk: string }) => {
      const item = items.find((candidate) => candidate[TABLE_KEYS.partitionKey] === key.pk);
      return { usd: Number(item?.usd ?? 0), gCO2e: Number(item?.gCO2e ?? 0) };
    };
    return { Today: amount(keys.Today), Month: amount(keys.Month), Total: amount(keys.Total) };
  }

  async jobCountsByDay(days: readonly string[]): Promise<Map<string, number>> {
    const counts = await Promise.all(
      days.map((day) =>
        this.#limit(async () => {
          let count = 0;
          let startKey: Record<string, unknown> | undefined;
          do {
            const page = await this.doc.send(
              new QueryCommand({
                TableName: this.tableName,
                KeyConditionExpression: '#pk = :pk',
                ExpressionAttributeNames: { '#pk': TABLE_KEYS.partitionKey },
                ExpressionAttributeValues: { ':pk': jobDayPartitionKey(day) },
                Select: 'COUNT',
                ...(startKey ? { ExclusiveStartKey: startKey } : {}),
              }),
            );
            count += page.Count ?? 0;
            startKey = page.LastEvaluatedKey;
          } while (startKey);
          return [day, count] as const;
        }),
      ),
    );
    return new Map(counts);
  }
}
