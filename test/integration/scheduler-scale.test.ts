import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clearTable, clients, controlPlane, localFunction, tableName, terminateAll } from './support/fixture';
import { instanceStates, launchReservations } from './support/scenario';

/**
 * Two ticks of the deployed scheduler over 1,200 `office-hours` instances in eu-west-1, enough to page
 * DescribeInstances and to split StopInstances/StartInstances into calls of at most 1,000 ids (docs/scheduler.md).
 *
 * moto pages DescribeInstances by reservation (MaxResults counts reservations; the scheduler asks for 1,000 per
 * page), so the fleet is launched in 1,001 reservations: 1,000 of one instance and one of 200. Expected by hand:
 * at 04:00Z (06:00 Berlin, before office hours) every new running instance is stopped (stopNewInstances) in two
 * StopInstances calls (1,000 + 200); at 06:00Z (08:00 Berlin) every one is started in two StartInstances calls.
 * Each tick describes eu-west-1 in two pages and each of the two empty managed regions in one (4 calls) and writes
 * the 1,200 changed instance records. The second tick adds the 2 stopped hours: 1,200 × 2 h × $0.107 (m5.large in
 * eu-west-1, bundled snapshot) = $256.80, and 1,200 × 2 h × 0.0053540 kWh (2 × 2.3586 W × PUE 1.135 ÷ 1000)
 * = 12.850 kWh × 301 gCO2e/kWh (IE's static annual average: no live reading was fetched) = 3,867.8 g.
 */

const REGION = 'eu-west-1';
const FLEET_SIZE = 1_200;

interface SchedulerResult {
  totals: { start: number; stop: number };
  calls: { describe: number; start: number; stop: number; modify: number; instanceWrites: number };
  errors: unknown[];
}

describe('Integration: the deployed scheduler pages and batches over 1,200 instances in one region', () => {
  const scheduler = localFunction('Scheduler');
  let ids: string[] = [];

  beforeAll(async () => {
    await terminateAll(['eu-central-1', 'eu-west-1', 'us-east-1']);
    await clearTable();
    const tags = { Schedule: 'office-hours' };
    ids = [
      ...(await launchReservations(REGION, 1_000, 1, 'm5.large', tags)),
      ...(await launchReservations(REGION, 1, 200, 'm5.large', tags)),
    ];
    expect(new Set(ids).size).toBe(FLEET_SIZE);
  });

  afterAll(async () => {
    await scheduler.stop();
    await terminateAll([REGION]);
  });

  const stateCounts = async () => {
    const states = await instanceStates(REGION);
    const counts: Record<string, number> = {};
    for (const id of ids) {
      const state = states.get(id) ?? 'missing';
      counts[state] = (counts[state] ?? 0) + 1;
    }
    return counts;
  };

  const doc = () => clients(controlPlane().region).doc;

  it('04:00Z: stops all 1,200 new instances outside office hours in two StopInstances calls', async () => {
    const run = await scheduler.invoke<SchedulerResult>(
      { dryRun: false, confirmRealRun: true },
      { at: new Date('2026-06-30T04:00:00Z') },
    );
    expect(run.error).toBeUndefined();
    expect(run.result!.errors).toEqual([]);
    expect(run.result!.totals).toMatchObject({ start: 0, stop: FLEET_SIZE });
    expect(run.result!.calls).toEqual({ describe: 4, start: 0, stop: 2, modify: 0, instanceWrites: FLEET_SIZE });
    expect(await stateCounts()).toEqual({ stopped: FLEET_SIZE });
  });

  it('06:00Z: starts all 1,200 in two StartInstances calls and counts the 2,400 stopped instance-hours', async () => {
    const run = await scheduler.invoke<SchedulerResult>(
      { dryRun: false, confirmRealRun: true },
      { at: new Date('2026-06-30T06:00:00Z') },
    );
    expect(run.error).toBeUndefined();
    expect(run.result!.errors).toEqual([]);
    expect(run.result!.totals).toMatchObject({ start: FLEET_SIZE, stop: 0 });
    expect(run.result!.calls).toEqual({ describe: 4, start: 2, stop: 0, modify: 0, instanceWrites: FLEET_SIZE });
    expect(await stateCounts()).toEqual({ running: FLEET_SIZE });

    const saved = await doc().send(
      new GetCommand({ TableName: tableName(), Key: { pk: 'SAVINGS#2026-06-30', sk: REGION } }),
    );
    const day = saved.Item!;
    expect(Number(day.stoppedHours)).toBeCloseTo(2 * FLEET_SIZE, 6);
    expect(Number(day.usd)).toBeCloseTo(256.8, 4);
    const kWh = 2 * FLEET_SIZE * ((2 * (0.613 + 0.5 * (4.1042 - 0.613)) * 1.135) / 1000);
    expect(Number(day.kWh) / kWh).toBeCloseTo(1, 4);
    expect(Number(day.gCO2e) / (kWh * 301)).toBeCloseTo(1, 4);

    // History of a sample across both batches of each call (first, last, and every 100th instance).
    const sample = ids.filter((_, i) => i % 100 === 0 || i === ids.length - 1);
    for (const id of sample) {
      const history = await doc().send(
        new QueryCommand({
          TableName: tableName(),
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': `HISTORY#${REGION}#${id}` },
        }),
      );
      expect(
        (history.Items ?? []).map((item) => `${item.sk}`),
        id,
      ).toEqual(['2026-06-30T04:00:00.000Z#stop', '2026-06-30T06:00:00.000Z#start']);
    }
  });
});
