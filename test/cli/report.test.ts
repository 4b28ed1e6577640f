import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ScanCommand as RawScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { main } from '../../cli/main';
import type { ReportModel } from '../../lambdas/core/report/model';
import {
  EXPECTED,
  FIXTURE_CLI_PERIOD,
  HOSTILE_SCHEDULE,
  loadReportFixture,
  REGION_A,
  REGION_B,
} from '../fixtures/report/table-fixture';
import { captureCli } from '../support/cli';
import { createTestTable } from '../support/dynamodb';

let table: Awaited<ReturnType<typeof createTestTable>>;
let dir: string;
const pauseBacktest = fileURLToPath(new URL('../fixtures/report/backtest-pause.json', import.meta.url));
const dispatchBacktest = fileURLToPath(new URL('../fixtures/report/backtest-dispatch.json', import.meta.url));

function context(env: Record<string, string | undefined> = { AWS_ENDPOINT_URL_DYNAMODB: inject('dynamodbEndpoint') }) {
  const captured = captureCli({ cwd: dir, now: '2026-11-26T12:00:00.000Z', env });
  return { ctx: captured.ctx, stdout: captured.out, stderr: captured.err };
}

const period = ['--from', FIXTURE_CLI_PERIOD.from, '--to', FIXTURE_CLI_PERIOD.to];
const tableArgs = () => [
  '--table',
  table.tableName,
  '--region',
  'eu-central-1',
  '--regions',
  `${REGION_A},${REGION_B}`,
];

/** Minimal RFC 4180 reader for the report's CSV (no quoted fields occur in it). */
function csvRows(text: string): Record<string, string>[] {
  const [header, ...lines] = text.trimEnd().split('\r\n');
  const columns = header!.split(',');
  return lines.map((line) => Object.fromEntries(line.split(',').map((value, i) => [columns[i]!, value])));
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'report-cli-'));
  table = await createTestTable();
  await loadReportFixture(table.doc, table.tableName);
});

afterAll(async () => {
  await table.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe('Module: cli report', () => {
  describe('Function: report --format json', () => {
    it('prints the hand-computed totals, days and region statistics of the fixture table', async () => {
      // Prepare
      const { ctx, stdout, stderr } = context();

      // Act
      const code = await main(['report', ...period, ...tableArgs(), '--format', 'json'], ctx);

      // Assess
      expect(stderr()).toBe('');
      expect(code).toBe(0);
      const model = JSON.parse(stdout()) as ReportModel;
      expect(model.period).toEqual({ from: '2026-11-23', to: '2026-11-25', days: 3 });
      expect(model.source.kind).toBe('dynamodb');
      expect(model.totals.usdSaved).toBeCloseTo(EXPECTED.usdSaved, 9);
      expect(model.totals.gCO2eAvoidedBySchedules).toBeCloseTo(EXPECTED.gCO2eAvoidedBySchedules, 9);
      expect(model.totals.kWhAvoided).toBeCloseTo(EXPECTED.kWhAvoided, 9);
      expect(model.totals.stoppedInstanceHours).toBeCloseTo(EXPECTED.stoppedInstanceHours, 9);
      expect(model.totals.gCO2eSavedByDispatch).toBeCloseTo(EXPECTED.gCO2eSavedByDispatch, 9);
      expect(model.totals.dispatchedJobs).toBe(EXPECTED.dispatchedJobs);
      expect(model.totals.rightsizingOpenMonthlyUsd).toBeCloseTo(EXPECTED.rightsizingOpenMonthlyUsd, 9);
      expect(model.totals.rightsizingOpenMonthlyGCO2e).toBeCloseTo(EXPECTED.rightsizingOpenMonthlyGCO2e, 9);
      expect(model.totals.rightsizingOpenCount).toBe(EXPECTED.rightsizingOpenCount);
      expect([model.totals.starts, model.totals.stops, model.totals.failedActions]).toEqual([3, 3, 1]);
      expect(model.days.map((d) => d.usdSaved)).toEqual(EXPECTED.dailyUsd);
      expect(model.days.map((d) => d.cumulativeUsdSaved)).toEqual(EXPECTED.cumulativeUsd);
      expect(model.days.map((d) => d.gCO2eAvoidedBySchedules)).toEqual(EXPECTED.dailyGCO2e);
      expect(model.days.map((d) => d.starts)).toEqual(EXPECTED.dailyStarts);
      expect(model.days.map((d) => d.stops)).toEqual(EXPECTED.dailyStops);
      expect(model.days.map((d) => d.gCO2eSavedByDispatch)).toEqual(EXPECTED.dailyDispatchGCO2e);
      const a = model.regionSummaries.find((r) => r.region === REGION_A)!;
      const b = model.regionSummaries.find((r) => r.region === REGION_B)!;
      expect(a.intensity).toEqual({ meanGCO2ePerKWh: 275, minGCO2ePerKWh: 200, maxGCO2ePerKWh: 340, readings: 4 });
      expect(b.intensity).toEqual({ meanGCO2ePerKWh: 40, minGCO2ePerKWh: 30, maxGCO2ePerKWh: 50, readings: 3 });
      expect(model.dispatchByRegion).toEqual([
        { region: REGION_B, jobs: 2, gCO2eSaved: 400 },
        { region: REGION_A, jobs: 1, gCO2eSaved: 0 },
      ]);
      expect(b.jobOutcomesOk).toBe(1);
      expect(b.jobOutcomesFailed).toBe(1);
      expect(model.dispatchNotDispatched).toEqual({ deferred: 1, failed: 1, planned: 1 });
      expect(model.topInstances.map((i) => i.instanceId)).toEqual(['i-0a1', 'i-0b1', 'i-0a2']);
      expect(model.actionsByType.find((x) => x.action === 'start')).toEqual({ action: 'start', ok: 3, failed: 1 });
      expect(model.warnings).toEqual([]);
    });

    it('reads regions from --config when --regions is not given', async () => {
      // Prepare
      const configPath = join(dir, 'two-regions.json');
      writeFileSync(
        configPath,
        JSON.stringify({
          homeRegion: REGION_A,
          managedRegions: [REGION_A, REGION_B],
          workerRegions: [REGION_A, REGION_B],
        }),
      );
      const { ctx, stdout } = context();

      // Act
      const code = await main(
        ['report', ...period, '--table', table.tableName, '--config', configPath, '--format', 'json'],
        ctx,
      );

      // Assess
      expect(code).toBe(0);
      const model = JSON.parse(stdout()) as ReportModel;
      expect(model.regions).toEqual([REGION_A, REGION_B]);
      expect(model.totals.usdSaved).toBeCloseTo(EXPECTED.usdSaved, 9);
      expect(model.source.description).toBe(`${table.tableName} (${REGION_A})`);
    });

    it('finds dynalite through AWS_ENDPOINT_URL_DYNAMODB in the process environment (read by the AWS SDK itself)', async () => {
      // Prepare
      vi.stubEnv('AWS_ENDPOINT_URL_DYNAMODB', inject('dynamodbEndpoint'));
      const { ctx, stdout } = context({});

      // Act
      const code = await main(['report', ...period, ...tableArgs(), '--json'], ctx).finally(() => vi.unstubAllEnvs());

      // Assess
      expect(code).toBe(0);
      expect((JSON.parse(stdout()) as ReportModel).totals.gCO2eAvoidedBySchedules).toBeCloseTo(1660, 9);
    });

    it('accepts --endpoint-url', async () => {
      // Prepare
      const { ctx, stdout } = context({});

      // Act
      const code = await main(
        ['report', ...period, ...tableArgs(), '--endpoint-url', inject('dynamodbEndpoint'), '--json'],
        ctx,
      );

      // Assess
      expect(code).toBe(0);
      expect((JSON.parse(stdout()) as ReportModel).totals.dispatchedJobs).toBe(3);
    });
  });

  describe('Function: report --format csv', () => {
    it('writes one row per day and region with the hand-computed values, then a totals row', async () => {
      // Prepare
      const { ctx, stdout } = context();
      const out = join(dir, 'report.csv');

      // Act
      const code = await main(['report', ...period, ...tableArgs(), '--out', out], ctx);

      // Assess
      expect(code).toBe(0);
      expect(stdout()).toContain(`wrote the csv report for 2026-11-23 to 2026-11-25 (3 days) to ${out}`);
      const rows = csvRows(readFileSync(out, 'utf8'));
      expect(rows.map((r) => `${r.day}|${r.region}`)).toEqual([
        `2026-11-23|${REGION_A}`,
        `2026-11-23|${REGION_B}`,
        `2026-11-24|${REGION_A}`,
        `2026-11-24|${REGION_B}`,
        `2026-11-25|${REGION_A}`,
        `2026-11-25|${REGION_B}`,
        'TOTAL|ALL',
      ]);
      expect(rows[0]).toEqual({
        day: '2026-11-23',
        region: REGION_A,
        usd_saved: '2',
        gco2e_avoided: '600',
        kwh_avoided: '1.5',
        stopped_instance_hours: '16',
        starts: '0',
        stops: '1',
        resizes: '0',
        failed_actions: '0',
        intensity_mean_gco2e_per_kwh: '320',
        intensity_min_gco2e_per_kwh: '300',
        intensity_max_gco2e_per_kwh: '340',
        intensity_readings: '2',
        dispatched_jobs: '0',
        dispatch_gco2e_saved: '0',
      });
      expect(rows[4]).toMatchObject({ usd_saved: '0', starts: '1', resizes: '1', failed_actions: '1' });
      expect(rows[3]).toMatchObject({ dispatched_jobs: '1', dispatch_gco2e_saved: '250' });
      expect(rows[6]).toEqual({
        day: 'TOTAL',
        region: 'ALL',
        usd_saved: '9',
        gco2e_avoided: '1660',
        kwh_avoided: '7.75',
        stopped_instance_hours: '80',
        starts: '3',
        stops: '3',
        resizes: '1',
        failed_actions: '1',
        intensity_mean_gco2e_per_kwh: '174.285714',
        intensity_min_gco2e_per_kwh: '30',
        intensity_max_gco2e_per_kwh: '340',
        intensity_readings: '7',
        dispatched_jobs: '3',
        dispatch_gco2e_saved: '400',
      });
    });
  });

  describe('Function: report --format html', () => {
    it('writes one self-contained page with the headline numbers and escapes tag values', async () => {
      // Prepare
      const { ctx, stdout } = context();
      const out = join(dir, 'report.html');

      // Act
      const code = await main(['report', ...period, ...tableArgs(), '--out', out, '--json'], ctx);

      // Assess
      expect(code).toBe(0);
      const summary = JSON.parse(stdout()) as { format: string; bytes: number; totals: ReportModel['totals'] };
      expect(summary.format).toBe('html');
      const html = readFileSync(out, 'utf8');
      expect(summary.bytes).toBe(Buffer.byteLength(html));
      expect(html).toContain('<dd id="total-usd" data-value="9">$9.00');
      expect(html).toContain('1.66 kg CO₂e');
      expect(html).not.toContain(HOSTILE_SCHEDULE);
      expect(html).toContain('&lt;script&gt;window.__pwned = true&lt;/script&gt;');
      expect(html).not.toMatch(/<(script|link|img|iframe)[^>]+(src|href)=/i);
      expect(html).toContain('Chart.js v4');
    });
  });

  describe('Function: report --input', () => {
    it('builds the same totals from an `aws dynamodb scan` export file', async () => {
      // Prepare
      const scan = await table.client.send(new RawScanCommand({ TableName: table.tableName }));
      const file = join(dir, 'export.json');
      writeFileSync(file, JSON.stringify({ Items: scan.Items, Count: scan.Count }));
      const { ctx, stdout } = context({});

      // Act
      const code = await main(['report', ...period, '--input', file, '--json'], ctx);

      // Assess
      expect(code).toBe(0);
      const model = JSON.parse(stdout()) as ReportModel;
      expect(model.source).toEqual({ kind: 'table-export', description: 'export.json' });
      expect(model.totals.usdSaved).toBeCloseTo(EXPECTED.usdSaved, 9);
      expect(model.totals.gCO2eSavedByDispatch).toBeCloseTo(EXPECTED.gCO2eSavedByDispatch, 9);
      expect(model.totals.rightsizingOpenMonthlyUsd).toBeCloseTo(EXPECTED.rightsizingOpenMonthlyUsd, 9);
    });

    it('reports a pause backtest result over its own period when --from/--to are left out', async () => {
      // Prepare
      const { ctx, stdout } = context({});

      // Act
      const code = await main(['report', '--input', pauseBacktest, '--json'], ctx);

      // Assess
      expect(code).toBe(0);
      const model = JSON.parse(stdout()) as ReportModel;
      expect(model.source.kind).toBe('backtest');
      expect(model.period).toEqual({ from: '2023-06-01', to: '2023-06-04', days: 4 });
      expect(model.backtest?.scenario).toBe('pause');
      // 13 h paused × 0.115 USD/h = 1.495 USD; daily baseline − policy: 0 + 4.7006 + 4.6854 + 11.9617 = 21.3477 g
      expect(model.totals.usdSaved).toBeCloseTo(1.495, 9);
      expect(model.totals.gCO2eAvoidedBySchedules).toBeCloseTo(21.3477, 4);
      expect(model.days.map((d) => d.usdSaved)).toEqual([0, 3 * 0.115, 3 * 0.115, 7 * 0.115]);
    });

    it('reports a dispatch backtest result as dispatch savings', async () => {
      // Prepare
      const { ctx, stdout } = context({});

      // Act
      const code = await main(
        ['report', '--input', dispatchBacktest, '--from', '2023-03-01', '--to', '2023-03-02'],
        ctx,
      );

      // Assess
      expect(code).toBe(0);
      const model = JSON.parse(stdout()) as ReportModel;
      // 3 jobs; baseline 4.81858 g − policy 1.60619 g = 3.21239 g
      expect(model.totals.dispatchedJobs).toBe(3);
      expect(model.totals.gCO2eSavedByDispatch).toBeCloseTo(3.21239, 6);
      expect(model.totals.gCO2eAvoidedBySchedules).toBe(0);
      expect(model.totals.usdSaved).toBe(0);
    });
  });

  describe('Function: report errors', () => {
    it.each([
      [
        ['report', '--from', '2026-02-30', '--to', '2026-03-01', '--table', 't'],
        /--from "2026-02-30" is not a calendar day/,
      ],
      [
        ['report', '--from', '2026-03-02', '--to', '2026-03-01', '--table', 't'],
        /--to 2026-03-01 is not after --from 2026-03-02/,
      ],
      [
        ['report', ...period, '--format', 'pdf', '--table', 't'],
        /--format "pdf" is not supported; allowed: json, csv, html/,
      ],
      [['report', ...period], /give --table NAME \(or set TABLE_NAME\)/],
      [['report', '--to', '2026-11-25', '--table', 't'], /--from DATE and --to DATE are required/],
      [['report', ...period, '--table', 't', '--format', 'html', '--json'], /--json prints the report as JSON/],
      [['report', ...period, '--input', 'x.json', '--table', 't'], /--input reads a file; it cannot be combined/],
      [['report', ...period, '--input', 'missing.json'], /--input missing.json: cannot read the file/],
      [
        ['report', ...period, '--table', 't', '--regions', 'mars-1'],
        /--regions "mars-1" is not an AWS region the product knows/,
      ],
    ])('exits 2 with a clear message for %j', async (argv, message) => {
      // Prepare
      const { ctx, stderr } = context({});

      // Act
      const code = await main(argv, ctx);

      // Assess
      expect(code).toBe(2);
      expect(stderr()).toMatch(message);
    });

    it('exits 2 when --input is neither an export nor a backtest result', async () => {
      // Prepare
      const file = join(dir, 'not-export.json');
      writeFileSync(file, JSON.stringify({ hello: 'world' }));
      const { ctx, stderr } = context({});

      // Act
      const code = await main(['report', ...period, '--input', file], ctx);

      // Assess
      expect(code).toBe(2);
      expect(stderr()).toMatch(/the JSON is not a table export/);
    });

    it('exits 1 naming the table when it does not exist', async () => {
      // Prepare
      const { ctx, stderr } = context();

      // Act
      const code = await main(['report', ...period, '--table', 'no-such-table', '--regions', REGION_A], ctx);

      // Assess
      expect(code).toBe(1);
      expect(stderr()).toMatch(/table no-such-table was not found in eu-central-1/);
    });
  });
});
