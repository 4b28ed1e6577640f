import { ScanCommand as RawScanCommand } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTableExport } from '../../../cli/report/table-export';
import {
  DynamoReportReader,
  readingFromItem,
  reportInputFromItems,
  savingsFromItem,
} from '../../../lambdas/adapters/dynamodb/report-reader';
import { buildReport } from '../../../lambdas/core/report/build-report';
import { reportPeriod } from '../../../lambdas/core/report/period';
import {
  EXPECTED,
  FIXTURE_PERIOD,
  HOSTILE_SCHEDULE,
  loadReportFixture,
  REGION_A,
  REGION_B,
} from '../../fixtures/report/table-fixture';
import { createTestTable } from '../../support/dynamodb';

let table: Awaited<ReturnType<typeof createTestTable>>;
const period = reportPeriod(FIXTURE_PERIOD.from, FIXTURE_PERIOD.to);
const query = { period, carbonRegions: [REGION_A, REGION_B], managedRegions: [REGION_A, REGION_B] };

/** Every command the reader sends, by class name and key condition. */
function recordCommands(doc: typeof table.doc): {
  sent: { name: string; input: Record<string, unknown> }[];
  restore: () => void;
} {
  const sent: { name: string; input: Record<string, unknown> }[] = [];
  const original = doc.send;
  const bound = original.bind(doc);
  doc.send = ((command: { constructor: { name: string }; input: Record<string, unknown> }) => {
    sent.push({ name: command.constructor.name, input: command.input });
    return bound(command as never);
  }) as typeof doc.send;
  return { sent, restore: () => (doc.send = original) };
}

beforeAll(async () => {
  table = await createTestTable();
  await loadReportFixture(table.doc, table.tableName);
});

afterAll(async () => {
  await table.drop();
});

describe('Module: report-reader', () => {
  describe('Function: DynamoReportReader.read', () => {
    it('reads each item family of the period from the items the stores wrote', async () => {
      // Prepare
      const reader = new DynamoReportReader(table.doc, table.tableName);

      // Act
      const input = await reader.read(query);

      // Assess
      const savingsKeys = input.savings.map((s) => `${s.day}|${s.region}|${s.usd}|${s.runs}`).sort();
      expect(savingsKeys).toEqual([
        `2026-11-23|${REGION_A}|2|2`,
        `2026-11-23|${REGION_B}|0.5|1`,
        `2026-11-24|${REGION_A}|3|1`,
        `2026-11-24|${REGION_B}|1|1`,
        `2026-11-25|${REGION_B}|2.5|1`,
      ]);
      expect(input.readings.filter((r) => r.region === REGION_A).map((r) => r.gCO2ePerKWh)).toEqual([
        300, 340, 200, 260,
      ]);
      expect(input.readings.filter((r) => r.region === REGION_B).map((r) => r.gCO2ePerKWh)).toEqual([30, 50, 40]);
      expect(input.instances.map((i) => i.instanceId).sort()).toEqual(['i-0a1', 'i-0a2', 'i-0b1']);
      expect(input.instances.find((i) => i.instanceId === 'i-0a2')?.schedule).toBe(HOSTILE_SCHEDULE);
      expect(input.history).toHaveLength(8);
      expect(input.recommendations.map((r) => r.instanceId).sort()).toEqual(['i-0a1', 'i-0a2', 'i-0b1', 'i-0b2']);
      expect(input.decisions.map((d) => d.jobId).sort()).toEqual(['j-1', 'j-2', 'j-3', 'j-4', 'j-5', 'j-6']);
      expect(input.outcomes.map((o) => `${o.jobId}:${o.outcome}`).sort()).toEqual(['j-1:ok', 'j-2:error']);
      expect(input.warnings).toEqual([]);
    });

    it('uses Query on known partition keys for every family, a BatchGet for job outcomes, and never a Scan', async () => {
      // Prepare
      const { sent, restore } = recordCommands(table.doc);
      const reader = new DynamoReportReader(table.doc, table.tableName);

      // Act
      await reader.read(query).finally(restore);

      // Assess
      const queries = sent.filter((c) => c.name === QueryCommand.name);
      const scans = sent.filter((c) => c.name === ScanCommand.name);
      const partitions = queries.map((q) =>
        String((q.input.ExpressionAttributeValues as Record<string, unknown>)[':pk']),
      );
      expect(partitions.filter((p) => p.startsWith('SAVINGS#')).sort()).toEqual([
        'SAVINGS#2026-11-23',
        'SAVINGS#2026-11-24',
        'SAVINGS#2026-11-25',
      ]);
      expect(partitions.filter((p) => p.startsWith('CARBON#')).sort()).toEqual([
        `CARBON#${REGION_A}`,
        `CARBON#${REGION_B}`,
      ]);
      expect(partitions.filter((p) => p.startsWith('INSTANCE#'))).toHaveLength(2);
      expect(partitions.filter((p) => p.startsWith('RIGHTSIZING#'))).toHaveLength(2);
      expect(partitions.filter((p) => p.startsWith('HISTORY#'))).toHaveLength(3);
      expect(partitions.filter((p) => p.startsWith('JOBS#')).sort()).toEqual([
        'JOBS#2026-11-23',
        'JOBS#2026-11-24',
        'JOBS#2026-11-25',
      ]);
      expect(queries.length).toBe(3 + 2 + 2 + 2 + 3 + 3);
      expect(sent.filter((c) => c.name === BatchGetCommand.name)).toHaveLength(1);
      expect(scans).toEqual([]);
    });
  });

  describe('Function: reportInputFromItems', () => {
    it('gives the same report from an `aws dynamodb scan` export as from the table', async () => {
      // Prepare
      const pages: unknown[] = [];
      let startKey: Record<string, unknown> | undefined;
      do {
        const page = await table.client.send(
          new RawScanCommand({
            TableName: table.tableName,
            ...(startKey ? { ExclusiveStartKey: startKey as never } : {}),
          }),
        );
        pages.push(...(page.Items ?? []));
        startKey = page.LastEvaluatedKey;
      } while (startKey);
      const exportText = JSON.stringify({ Items: pages, Count: pages.length });
      const generatedAt = new Date('2026-11-26T12:00:00.000Z');

      // Act
      const input = reportInputFromItems(
        parseTableExport(exportText),
        { period },
        { kind: 'table-export', description: 'x.json' },
      );
      const model = buildReport(input, { generatedAt });

      // Assess
      expect(model.regions).toEqual([REGION_A, REGION_B]);
      expect(model.totals.usdSaved).toBeCloseTo(EXPECTED.usdSaved, 9);
      expect(model.totals.gCO2eAvoidedBySchedules).toBeCloseTo(EXPECTED.gCO2eAvoidedBySchedules, 9);
      expect(model.totals.gCO2eSavedByDispatch).toBeCloseTo(EXPECTED.gCO2eSavedByDispatch, 9);
      expect(model.totals.rightsizingOpenMonthlyUsd).toBeCloseTo(EXPECTED.rightsizingOpenMonthlyUsd, 9);
      expect(model.totals.starts).toBe(EXPECTED.starts);
      expect(model.totals.stops).toBe(EXPECTED.stops);
      expect(model.totals.failedActions).toBe(EXPECTED.failedActions);
      expect(model.warnings).toEqual([]);
    });

    it('keeps only the regions asked for', () => {
      // Prepare
      const items = [
        { pk: 'SAVINGS#2026-11-23', sk: REGION_A, usd: 1, gCO2e: 2, kWh: 3, stoppedHours: 4, runs: 1 },
        { pk: 'SAVINGS#2026-11-23', sk: REGION_B, usd: 10, gCO2e: 20, kWh: 30, stoppedHours: 40, runs: 1 },
      ];

      // Act
      const input = reportInputFromItems(
        items,
        { period, regions: [REGION_B] },
        { kind: 'table-export', description: 'f' },
      );

      // Assess
      expect(input.savings.map((s) => s.usd)).toEqual([10]);
    });

    it('counts items of a known family that lack its fields, and ignores unknown families', () => {
      // Prepare
      const items = [
        { pk: 'HISTORY#eu-central-1#i-1', sk: '2026-11-23T00:00:00.000Z#stop' },
        { pk: 'LEASE', sk: 'scheduler', holder: 'x' },
        {
          pk: 'CARBON#eu-central-1',
          sk: 'LATEST',
          region: 'eu-central-1',
          gCO2ePerKWh: 1,
          observedAt: '2026-11-23T00:00:00Z',
        },
      ];

      // Act
      const input = reportInputFromItems(items, { period }, { kind: 'table-export', description: 'f' });

      // Assess
      expect(input.history).toEqual([]);
      expect(input.readings).toEqual([]);
      expect(input.warnings).toEqual(['1 item(s) of the export lack the fields of their item family and were ignored']);
    });
  });

  describe('Function: item parsers', () => {
    it('reads a savings item as DynamoSavingsStore.daily does, and skips forecasts among readings', () => {
      // Prepare
      const item = { pk: 'SAVINGS#2026-11-24', sk: REGION_B, usd: 1.5, gCO2e: 40, kWh: 1, stoppedHours: 10, runs: 3 };
      const forecastPoint = { region: REGION_A, observedAt: '2026-11-24T00:00:00Z', gCO2ePerKWh: 5, isForecast: true };

      // Act
      const savings = savingsFromItem(item);
      const reading = readingFromItem(forecastPoint);

      // Assess
      expect(savings).toEqual({
        day: '2026-11-24',
        region: REGION_B,
        usd: 1.5,
        gCO2e: 40,
        kWh: 1,
        stoppedHours: 10,
        runs: 3,
      });
      expect(reading).toBeUndefined();
    });
  });
});
