import { BatchWriteCommand, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoInstanceStateStore } from '../../../lambdas/adapters/dynamodb/instance-state-store';
import type { HistoryEntry, InstanceStateRecord } from '../../../lambdas/core/scheduler/instance-state';
import { createTestTable } from '../../support/dynamodb';

let table: Awaited<ReturnType<typeof createTestTable>>;

beforeAll(async () => {
  table = await createTestTable();
});
afterAll(async () => {
  await table.drop();
});

const NOW = new Date('2026-03-02T09:00:00Z');

function record(id: string, extra: Partial<InstanceStateRecord> = {}): InstanceStateRecord {
  return {
    instanceId: id,
    region: 'eu-central-1',
    schedule: 'office-hours',
    instanceType: 'm5.large',
    state: 'running',
    savedUsd: 0,
    savedGCO2e: 0,
    savedKWh: 0,
    stoppedHours: 0,
    firstSeenAt: NOW.toISOString(),
    updatedAt: NOW.toISOString(),
    ...extra,
  };
}

const entry = (id: string, action: HistoryEntry['action'], outcome: HistoryEntry['outcome']): HistoryEntry => ({
  region: 'eu-central-1',
  instanceId: id,
  at: NOW.toISOString(),
  action,
  outcome,
  schedule: 'office-hours',
  instanceType: 'm5.large',
  reason: 'office-hours: running',
  gCO2ePerKWh: 312,
  carbonProvider: 'electricitymaps',
});

describe('Module: instance-state-store', () => {
  describe('Function: DynamoInstanceStateStore', () => {
    it('round-trips records, the run record and history (one Query per region, paginated)', async () => {
      // Prepare
      const store = new DynamoInstanceStateStore(table.doc, table.tableName);
      const records = Array.from({ length: 60 }, (_, i) =>
        record(`i-${String(i).padStart(3, '0')}`, {
          pause: { paused: true, since: NOW.toISOString() },
          lastError: 'x: y',
        }),
      );
      const run = {
        region: 'eu-central-1',
        lastRunAt: NOW.toISOString(),
        lastTick: NOW.toISOString(),
        intensityHours: 12.5,
      };

      // Act
      const written = await store.saveRegion(
        'eu-central-1',
        { instances: records, history: [entry('i-000', 'start', 'failed'), entry('i-000', 'start', 'ok')], run },
        NOW,
      );
      const loaded = await store.loadRegion('eu-central-1');
      const other = await store.loadRegion('eu-west-1');
      const history = await store.history('eu-central-1', 'i-000');

      // Assess
      expect(written.instanceWrites).toBe(60);
      expect(loaded.instances.size).toBe(60);
      expect(loaded.instances.get('i-007')).toEqual(records[7]);
      expect(loaded.run).toEqual(run);
      expect(other.instances.size).toBe(0);
      expect(other.run).toBeUndefined();
      expect(history.map((h) => h.outcome).sort()).toEqual(['failed', 'ok']);
    });

    it('keys history as HISTORY#<region>#<instanceId> / <at>#<action> with a 90-day TTL', async () => {
      // Prepare
      const store = new DynamoInstanceStateStore(table.doc, table.tableName);

      // Act
      await store.saveRegion(
        'eu-west-3',
        {
          instances: [],
          history: [entry('i-h', 'stop', 'ok')],
          run: { region: 'eu-west-3', lastRunAt: NOW.toISOString(), lastTick: NOW.toISOString(), intensityHours: 0 },
        },
        NOW,
      );
      const item = await table.doc.send(
        new GetCommand({
          TableName: table.tableName,
          Key: { pk: 'HISTORY#eu-central-1#i-h', sk: '2026-03-02T09:00:00.000Z#stop' },
        }),
      );

      // Assess: 2026-03-02T09:00Z = 1772442000 s; + 90 × 86400 = 1780218000
      expect(item.Item).toMatchObject({ action: 'stop', outcome: 'ok', expiresAt: 1_780_218_000 });
    });

    it('retries unprocessed items', async () => {
      // Prepare: a client whose first BatchWrite reports everything unprocessed
      let calls = 0;
      const flaky = {
        send: async (command: unknown) => {
          if (command instanceof BatchWriteCommand) {
            calls += 1;
            if (calls === 1) return { UnprocessedItems: command.input.RequestItems };
          }
          return table.doc.send(command as BatchWriteCommand);
        },
      } as unknown as typeof table.doc;
      const store = new DynamoInstanceStateStore(flaky, table.tableName, { sleep: async () => {} });

      // Act
      await store.saveRegion(
        'ap-south-1',
        {
          instances: [record('i-r', { region: 'ap-south-1' })],
          history: [],
          run: { region: 'ap-south-1', lastRunAt: NOW.toISOString(), lastTick: NOW.toISOString(), intensityHours: 0 },
        },
        NOW,
      );

      // Assess
      expect(calls).toBe(2);
      expect(
        (await new DynamoInstanceStateStore(table.doc, table.tableName).loadRegion('ap-south-1')).instances.size,
      ).toBe(1);
    });

    it('keeps intents beside the records: written with a TTL, loaded with the region, deleted when settled', async () => {
      // Prepare
      const store = new DynamoInstanceStateStore(table.doc, table.tableName);
      const intent = {
        id: `${NOW.toISOString()}#1`,
        at: NOW.toISOString(),
        tick: NOW.toISOString(),
        intensityHours: 12.5,
        fence: 3,
        actions: [
          {
            instanceId: 'i-1',
            action: 'stop' as const,
            schedule: 'office-hours',
            instanceType: 'm5.large',
            reason: 'r',
            gCO2ePerKWh: 300,
            carbonProvider: 'electricitymaps',
          },
        ],
      };

      // Act
      await store.recordIntent('sa-east-1', intent);
      const loaded = await store.loadRegion('sa-east-1');
      const item = await table.doc.send(
        new GetCommand({ TableName: table.tableName, Key: { pk: 'INSTANCE#sa-east-1', sk: `#intent#${intent.id}` } }),
      );
      await store.saveRegion(
        'sa-east-1',
        {
          instances: [],
          history: [],
          run: { region: 'sa-east-1', lastRunAt: NOW.toISOString(), lastTick: NOW.toISOString(), intensityHours: 0 },
          settledIntents: [intent.id],
          fence: 3,
        },
        NOW,
      );
      const after = await store.loadRegion('sa-east-1');

      // Assess: TTL 7 days after the intent: 1772442000 + 7 × 86400 = 1773046800
      expect(loaded.intents).toEqual([intent]);
      expect(loaded.run).toBeUndefined();
      expect(item.Item).toMatchObject({ kind: 'intent', expiresAt: 1_773_046_800 });
      expect(after.intents).toBeUndefined();
      expect(after.run).toMatchObject({ lastRunAt: NOW.toISOString(), fence: 3 });
    });

    it('a run record holding only a claimed fence is no run yet', async () => {
      // Prepare: a run that claimed the fence and stopped before writing its run record
      await table.doc.send(
        new BatchWriteCommand({
          RequestItems: {
            [table.tableName]: [{ PutRequest: { Item: { pk: 'INSTANCE#af-south-1', sk: '#run', fence: 4 } } }],
          },
        }),
      );

      // Act
      const loaded = await new DynamoInstanceStateStore(table.doc, table.tableName).loadRegion('af-south-1');

      // Assess
      expect(loaded.run).toBeUndefined();
    });
  });
});
