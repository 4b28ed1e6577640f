import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { KEY_PREFIX } from '../../contract';
import type { RunningTotals, SavingsAmount, SavingsIncrement, SavingsStore } from '../../core/scheduler/ports';
import { queryAll } from './table';

/**
 * Daily savings totals in the product's table: item `SAVINGS#<yyyy-mm-dd>` / `<region>` with `usd`, `gCO2e`, `kWh`,
 * `stoppedHours` (instance-hours stopped by the scheduler) and `runs`, updated with atomic `ADD` so concurrent or
 * repeated writers never lose an increment. Days are UTC. The report and the dashboard read them per day.
 */

/** One region's totals of one day. */
export interface DailySavings extends SavingsIncrement {
  readonly day: string;
  readonly region: string;
  /** Runs that added to this item. */
  readonly runs: number;
  readonly updatedAt?: string;
}

/** Partition of one UTC day's savings totals (`SAVINGS#<yyyy-mm-dd>`, sort key = region). */
export const savingsPartitionKey = (day: string) => `${KEY_PREFIX.savings}${day}`;

/**
 * Running totals over all regions live in their own partitions (`SAVINGS_TOTAL#DAY#<yyyy-mm-dd>`,
 * `SAVINGS_TOTAL#MONTH#<yyyy-mm>`, `SAVINGS_TOTAL#ALL`, sort key `ALL`) so that per-day reads of `SAVINGS#<day>`
 * only ever see regions.
 */
export function runningTotalKeys(now: Date): Record<keyof RunningTotals, { pk: string; sk: string }> {
  const iso = now.toISOString();
  return {
    Today: { pk: `${KEY_PREFIX.savingsTotal}DAY#${iso.slice(0, 10)}`, sk: 'ALL' },
    Month: { pk: `${KEY_PREFIX.savingsTotal}MONTH#${iso.slice(0, 7)}`, sk: 'ALL' },
    Total: { pk: `${KEY_PREFIX.savingsTotal}ALL`, sk: 'ALL' },
  };
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** A day that is not `YYYY-MM-DD`. */
export class InvalidDayError extends Error {
  constructor(day: string) {
    super(`${JSON.stringify(day)} is not a day; expected YYYY-MM-DD (UTC), e.g. 2026-11-23`);
    this.name = 'InvalidDayError';
  }
}

/** The {@link SavingsStore} port on DynamoDB, plus reads for reports. */
export class DynamoSavingsStore implements SavingsStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async add(day: string, region: string, increment: SavingsIncrement, now: Date): Promise<void> {
    if (!DAY.test(day)) throw new InvalidDayError(day);
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: savingsPartitionKey(day), sk: region },
        UpdateExpression:
          'ADD usd :usd, gCO2e :g, kWh :kwh, stoppedHours :h, runs :one SET #day = :day, #region = :region, updatedAt = :now',
        ExpressionAttributeNames: { '#day': 'day', '#region': 'region' },
        ExpressionAttributeValues: {
          ':usd': increment.usd,
          ':g': increment.gCO2e,
          ':kwh': increment.kWh,
          ':h': increment.stoppedHours,
          ':one': 1,
          ':day': day,
          ':region': region,
          ':now': now.toISOString(),
        },
      }),
    );
  }

  async addRunningTotals(increment: SavingsAmount, now: Date): Promise<RunningTotals> {
    const keys = runningTotalKeys(now);
    const add = async (key: { pk: string; sk: string }): Promise<SavingsAmount> => {
      const result = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key,
          UpdateExpression: 'ADD usd :usd, gCO2e :g SET updatedAt = :now',
          ExpressionAttributeValues: { ':usd': increment.usd, ':g': increment.gCO2e, ':now': now.toISOString() },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      return { usd: Number(result.Attributes?.usd ?? 0), gCO2e: Number(result.Attributes?.gCO2e ?? 0) };
    };
    const [Today, Month, Total] = await Promise.all([add(keys.Today), add(keys.Month), add(keys.Total)]);
    return { Today, Month, Total };
  }

  /** Every region's totals of `day`. @throws {InvalidDayError} */
  async daily(day: string): Promise<DailySavings[]> {
    if (!DAY.test(day)) throw new InvalidDayError(day);
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': savingsPartitionKey(day) },
    });
    const out: DailySavings[] = items.map((item) => ({
      day,
      region: String(item.sk),
      usd: Number(item.usd ?? 0),
      gCO2e: Number(item.gCO2e ?? 0),
      kWh: Number(item.kWh ?? 0),
      stoppedHours: Number(item.stoppedHours ?? 0),
      runs: Number(item.runs ?? 0),
      ...(item.updatedAt ? { updatedAt: String(item.updatedAt) } : {}),
    }));
    return out;
  }
}

/** The savings store in memory (tests, benchmark). Key `day|region`. */
export class InMemorySavingsStore implements SavingsStore {
  readonly totals = new Map<string, SavingsIncrement & { runs: number }>();
  readonly running = new Map<string, SavingsAmount>();

  async addRunningTotals(increment: SavingsAmount, now: Date): Promise<RunningTotals> {
    const keys = runningTotalKeys(now);
    const add = (key: { pk: string }): SavingsAmount => {
      const current = this.running.get(key.pk) ?? { usd: 0, gCO2e: 0 };
      const next = { usd: current.usd + increment.usd, gCO2e: current.gCO2e + increment.gCO2e };
      this.running.set(key.pk, next);
      return next;
    };
    return { Today: add(keys.Today), Month: add(keys.Month), Total: add(keys.Total) };
  }

  async add(day: string, region: string, increment: SavingsIncrement): Promise<void> {
    if (!DAY.test(day)) throw new InvalidDayError(day);
    const key = `${day}|${region}`;
    const current = this.totals.get(key) ?? { usd: 0, gCO2e: 0, kWh: 0, stoppedHours: 0, runs: 0 };
    this.totals.set(key, {
      usd: current.usd + increment.usd,
      gCO2e: current.gCO2e + increment.gCO2e,
      kWh: current.kWh + increment.kWh,
      stoppedHours: current.stoppedHours + increment.stoppedHours,
      runs: current.runs + 1,
    });
  }
}
