import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoJobStore } from '../../../lambdas/adapters/dynamodb/job-store';
import type { DispatchDecision } from '../../../lambdas/core/dispatch/decision';
import type { JobCompletion } from '../../../lambdas/core/dispatch/job-completion';
import { createTestTable } from '../../support/dynamodb';

let table: Awaited<ReturnType<typeof createTestTable>>;

const decision: DispatchDecision = {
  jobId: 'job-1',
  kind: 'etl',
  decidedAt: '2026-11-21T12:00:00.000Z',
  action: 'dispatched',
  dryRun: false,
  reason: 'sent to eu-north-1',
  request: { regions: ['eu-north-1', 'us-east-1'], maxDeferMinutes: 240, minImprovementPercent: 5, noDefer: false },
  candidates: [
    {
      rank: 1,
      region: 'eu-north-1',
      zone: 'SE-SE3',
      provider: 'electricitymaps',
      origin: 'cached',
      signal: 'average',
      gCO2ePerKWh: 28.5,
      adjustedGCO2ePerKWh: 28.5,
      ageSeconds: 600,
      observedAt: '2026-11-21T11:50:00.000Z',
      isEstimated: false,
    },
    {
      rank: 2,
      region: 'us-east-1',
      zone: 'US-MIDA-PJM',
      provider: 'static',
      origin: 'static',
      signal: 'average',
      gCO2ePerKWh: 418,
      adjustedGCO2ePerKWh: 418,
      ageSeconds: null,
      observedAt: '2026-11-21T12:00:00.000Z',
      isEstimated: true,
      fallbackReason: 'no cached reading',
    },
  ],
  home: { region: 'eu-central-1', gCO2ePerKWh: 342, provider: 'static', origin: 'static', ageSeconds: 0 },
  averageGCO2ePerKWh: 223.25,
  energy: { kWh: 2, basis: 'estimatedKWh', durationMinutes: 5, detail: 'energy as given (estimatedKWh)' },
  chosenRegion: 'eu-north-1',
  runAt: '2026-11-21T12:00:00.000Z',
  attempts: [{ region: 'eu-north-1', at: '2026-11-21T12:00:00.000Z', outcome: 'invoked' }],
  deferralNote: 'runs now: no deadline or maxDeferMinutes in the request',
  emissions: { homeGrams: 684, chosenGrams: 57, savedGrams: 627, homeKWh: 2, chosenKWh: 2 },
  job: { kind: 'etl', id: 'job-1', estimatedKWh: 2 },
  jobBytes: 46,
};

const outcome: JobCompletion = {
  jobId: 'job-1',
  kind: 'etl',
  region: 'eu-north-1',
  startedAt: '2026-11-21T12:00:01.000Z',
  endedAt: '2026-11-21T12:00:03.500Z',
  durationMs: 2500,
  outcome: 'ok',
  result: { rows: 10 },
  attempt: 1,
  decidedAt: '2026-11-21T12:00:00.000Z',
};

describe('Module: job-store', () => {
  beforeAll(async () => {
    table = await createTestTable();
  });
  afterAll(async () => {
    await table.drop();
  });

  describe('Class: DynamoJobStore', () => {
    it('writes the decision as JOB#<jobId> / DECISION with a 90-day TTL and reads it back unchanged', async () => {
      // Prepare
      const store = new DynamoJobStore(table.doc, table.tableName);

      // Act
      await store.putDecision(decision);
      const raw = await table.doc.send(
        new GetCommand({ TableName: table.tableName, Key: { pk: 'JOB#job-1', sk: 'DECISION' } }),
      );
      const records = await store.getJob('job-1');

      // Assess: 2026-11-21T12:00:00Z = 1795262400 s; + 90 days (7,776,000 s).
      expect(raw.Item?.expiresAt).toBe(1795262400 + 7_776_000);
      expect(raw.Item?.recordType).toBe('dispatch-decision');
      expect(records.decision).toEqual(decision);
      expect(records.outcome).toBeUndefined();
    });

    it('writes the outcome as JOB#<jobId> / OUTCOME beside the decision; a repeat overwrites it', async () => {
      // Prepare
      const store = new DynamoJobStore(table.doc, table.tableName);

      // Act
      await store.putOutcome(outcome, new Date('2026-11-21T12:00:04Z'));
      await store.putOutcome(outcome, new Date('2026-11-21T12:00:05Z'));
      const records = await store.getJob('job-1');

      // Assess
      expect(records.decision?.jobId).toBe('job-1');
      expect(records.outcome).toEqual({ ...outcome, recordedAt: '2026-11-21T12:00:05.000Z' });
    });

    it('indexes every decision by its UTC day, so a period is read with one Query per day', async () => {
      // Prepare: job-1 (21 Nov, above) plus two more on 22 Nov, one just before midnight UTC on 21 Nov
      const store = new DynamoJobStore(table.doc, table.tableName);
      const late = { ...decision, jobId: 'job-late', decidedAt: '2026-11-21T23:59:59.000Z' };
      const next = { ...decision, jobId: 'job-next', decidedAt: '2026-11-22T00:00:00.000Z' };

      // Act
      await store.putDecision(next);
      await store.putDecision(late);
      const day21 = await store.decisionsOnDay('2026-11-21');
      const day22 = await store.decisionsOnDay('2026-11-22');

      // Assess: in time order within the day; the index copy equals the decision
      expect(day21.map((d) => d.jobId)).toEqual(['job-1', 'job-late']);
      expect(day22).toEqual([next]);
      expect(await store.decisionsOnDay('2026-11-20')).toEqual([]);
    });

    it('reads outcomes of many jobs in batches of 100, skipping jobs without one', async () => {
      // Prepare: 150 outcomes (two BatchGet calls) and one job without an outcome
      const store = new DynamoJobStore(table.doc, table.tableName);
      const ids = Array.from({ length: 150 }, (_, i) => `batch-${i}`);
      await Promise.all(ids.map((jobId) => store.putOutcome({ ...outcome, jobId }, new Date('2026-11-21T12:00:04Z'))));

      // Act
      const found = await store.outcomes([...ids, 'no-outcome', 'batch-0']);

      // Assess
      expect(found.size).toBe(150);
      expect(found.get('batch-149')).toEqual({
        ...outcome,
        jobId: 'batch-149',
        recordedAt: '2026-11-21T12:00:04.000Z',
      });
      expect(found.has('no-outcome')).toBe(false);
    });

    it('returns nothing for an unknown job', async () => {
      // Act / Assess
      expect(await new DynamoJobStore(table.doc, table.tableName).getJob('nope')).toEqual({});
    });
  });
});
