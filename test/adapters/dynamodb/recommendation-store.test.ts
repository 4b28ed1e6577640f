import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DynamoDbRecommendationStore,
  InMemoryRecommendationStore,
} from '../../../lambdas/adapters/dynamodb/recommendation-store';
import type { RightsizingRecommendation } from '../../../lambdas/core/rightsizing/recommendation';
import {
  RecommendationNotFoundError,
  type RecommendationStore,
} from '../../../lambdas/core/rightsizing/recommendation-store';
import { createTestTable } from '../../support/dynamodb';

const rec = (
  instanceId: string,
  status: RightsizingRecommendation['status'],
  region = 'eu-central-1',
): RightsizingRecommendation => ({
  recommendationId: `${instanceId}:m5.2xlarge->m5.xlarge`,
  region,
  instanceId,
  schedule: 'office-hours',
  mode: 'auto',
  currentInstanceType: 'm5.2xlarge',
  outcome: 'downsize',
  reason: 'm5.2xlarge → m5.xlarge',
  proposed: {
    instanceType: 'm5.xlarge',
    vcpu: 4,
    memoryGiB: 16,
    arch: 'x86_64',
    projectedCpuPercent: 24,
    usdPerHour: 0.23,
    priceSource: 'snapshot',
    monthlySavingsUsd: 49.97,
    monthlySavingsKWh: 0.605,
    monthlySavingsGCO2e: 242,
  },
  monthlyHours: 217.26,
  monthlyHoursBasis: 'built-in',
  monthlySavingsUsd: 49.97,
  monthlySavingsGCO2e: 242,
  gCO2ePerKWh: 400,
  carbonSource: 'test',
  confidence: 'high',
  ...(status ? { status } : {}),
  createdAt: '2026-11-16T03:30:00.000Z',
  updatedAt: '2026-11-16T03:30:00.000Z',
});

function contract(name: string, make: () => Promise<{ store: RecommendationStore; drop: () => Promise<void> }>) {
  describe(`Class: ${name}`, () => {
    let store: RecommendationStore;
    let drop: () => Promise<void>;

    beforeAll(async () => {
      ({ store, drop } = await make());
    });
    afterAll(async () => {
      await drop();
    });

    it('puts, gets and lists by region', async () => {
      // Prepare
      await store.put(rec('i-0aaa00001', 'open'));
      await store.put(rec('i-0aaa00002', 'open', 'eu-west-1'));

      // Act
      const got = await store.get('eu-central-1', 'i-0aaa00001');
      const listed = await store.list('eu-central-1');

      // Assess
      expect(got).toEqual(rec('i-0aaa00001', 'open'));
      expect(listed.map((r) => r.instanceId)).toEqual(['i-0aaa00001']);
      expect(await store.get('eu-central-1', 'i-0nothere1')).toBeUndefined();
    });

    it('lists pending auto resizes only, and forgets them when applied or reverted', async () => {
      // Prepare
      await store.putMany([
        rec('i-0bbb00001', 'pending-apply'),
        rec('i-0bbb00002', 'pending-apply'),
        rec('i-0bbb00003', 'open'),
      ]);

      // Act
      const pending = await store.pendingAutoResizes('eu-central-1');
      await store.markApplied('eu-central-1', 'i-0bbb00001', new Date('2026-11-16T18:00:00Z'), {
        fromInstanceType: 'm5.2xlarge',
        toInstanceType: 'm5.xlarge',
      });
      await store.markReverted(
        'eu-central-1',
        'i-0bbb00002',
        new Date('2026-11-17T08:00:00Z'),
        'InsufficientInstanceCapacity',
      );
      const after = await store.pendingAutoResizes('eu-central-1');

      // Assess
      expect([...pending.keys()].sort()).toEqual(['i-0bbb00001', 'i-0bbb00002']);
      expect(pending.get('i-0bbb00001')).toEqual({
        targetInstanceType: 'm5.xlarge',
        recommendationId: 'i-0bbb00001:m5.2xlarge->m5.xlarge',
        fromInstanceType: 'm5.2xlarge',
      });
      expect(after.size).toBe(0);
      expect(await store.get('eu-central-1', 'i-0bbb00001')).toMatchObject({
        status: 'applied',
        appliedAt: '2026-11-16T18:00:00.000Z',
        applyDetails: { fromInstanceType: 'm5.2xlarge', toInstanceType: 'm5.xlarge' },
      });
      expect(await store.get('eu-central-1', 'i-0bbb00002')).toMatchObject({
        status: 'reverted',
        revertReason: 'InsufficientInstanceCapacity',
      });
    });

    it('drops the pending marker when a later put is no longer pending', async () => {
      // Prepare
      await store.put(rec('i-0ccc00001', 'pending-apply'));

      // Act
      await store.putMany([rec('i-0ccc00001', 'open')]);

      // Assess
      expect((await store.pendingAutoResizes('eu-central-1')).has('i-0ccc00001')).toBe(false);
    });

    it('dismisses, and refuses to mark an unknown instance', async () => {
      // Prepare
      await store.put(rec('i-0ddd00001', 'open'));

      // Act
      await store.dismiss('eu-central-1', 'i-0ddd00001', new Date('2026-11-16T09:00:00Z'), 'month-end peak');

      // Assess
      expect(await store.get('eu-central-1', 'i-0ddd00001')).toMatchObject({
        status: 'dismissed',
        dismissReason: 'month-end peak',
      });
      await expect(
        store.markApplied('eu-central-1', 'i-0nothere2', new Date(), {
          fromInstanceType: 'a.b',
          toInstanceType: 'c.d',
        }),
      ).rejects.toThrow(RecommendationNotFoundError);
    });

    it('writes more than one BatchWrite of items (60 recommendations)', async () => {
      // Prepare
      const many = Array.from({ length: 60 }, (_, i) =>
        rec(`i-0eee${String(i).padStart(5, '0')}`, i % 2 ? 'pending-apply' : 'open', 'ap-south-1'),
      );

      // Act
      await store.putMany(many);

      // Assess
      expect(await store.list('ap-south-1')).toHaveLength(60);
      expect((await store.pendingAutoResizes('ap-south-1')).size).toBe(30);
    });
  });
}

describe('Module: recommendation-store', () => {
  contract('DynamoDbRecommendationStore (dynalite)', async () => {
    const table = await createTestTable();
    return { store: new DynamoDbRecommendationStore(table.doc, table.tableName), drop: table.drop };
  });
  contract('InMemoryRecommendationStore', async () => ({
    store: new InMemoryRecommendationStore(),
    drop: async () => {},
  }));

  describe('Class: DynamoDbRecommendationStore (item layout)', () => {
    let table: Awaited<ReturnType<typeof createTestTable>>;

    beforeAll(async () => {
      table = await createTestTable();
    });
    afterAll(async () => {
      await table.drop();
    });

    it('stores the item under RIGHTSIZING#<region> / <instanceId> with a TTL 30 days after the last update', async () => {
      // Prepare
      const store = new DynamoDbRecommendationStore(table.doc, table.tableName);
      await store.put(rec('i-0fff00001', 'pending-apply'));

      // Act
      const item = await table.doc.send(
        new GetCommand({ TableName: table.tableName, Key: { pk: 'RIGHTSIZING#eu-central-1', sk: 'i-0fff00001' } }),
      );
      const marker = await table.doc.send(
        new GetCommand({
          TableName: table.tableName,
          Key: { pk: 'RIGHTSIZING#eu-central-1', sk: 'PENDING#i-0fff00001' },
        }),
      );

      // Assess: 2026-11-16T03:30Z + 30 days = 2026-12-16T03:30Z = 1797391800 s
      expect(item.Item?.expiresAt).toBe(1797391800);
      expect(item.Item?.status).toBe('pending-apply');
      expect(marker.Item).toMatchObject({ targetInstanceType: 'm5.xlarge', expiresAt: 1797391800 });
    });
  });
});
