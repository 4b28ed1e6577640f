import { describe, expect, it } from 'vitest';
import { buildReport } from '../../../lambdas/core/report/build-report';
import { csvField, csvNumber, REPORT_CSV_COLUMNS, renderReportCsv } from '../../../lambdas/core/report/csv';
import { reportPeriod } from '../../../lambdas/core/report/period';
import { emptyReportInput } from '../../../lambdas/core/report/report-input';

describe('Module: report csv', () => {
  describe('Function: csvNumber', () => {
    it.each([
      [0.1 + 0.2, '0.3'],
      [-0, '0'],
      [-0.0000001, '0'],
      [12, '12'],
      [1234567.1234567, '1234567.123457'],
      [null, ''],
      [Number.NaN, ''],
    ])('writes %s as %j', (value, text) => {
      // Prepare, Act
      const written = csvNumber(value);

      // Assess
      expect(written).toBe(text);
    });
  });

  describe('Function: csvField', () => {
    it.each([
      ['eu-central-1', 'eu-central-1'],
      ['a,b', '"a,b"'],
      ['say "hi"', '"say ""hi"""'],
      ['=HYPERLINK("x")', '"\'=HYPERLINK(""x"")"'],
      ['-12.5', '-12.5'],
      ['@cmd', "'@cmd"],
    ])('writes %j as %j', (text, field) => {
      // Prepare, Act
      const written = csvField(text);

      // Assess
      expect(written).toBe(field);
    });
  });

  describe('Function: renderReportCsv', () => {
    it('writes the header, a row per day and region with empty intensity when there was none, and the totals row', () => {
      // Prepare
      const model = buildReport(
        {
          ...emptyReportInput(reportPeriod('2026-11-23', '2026-11-23'), { kind: 'dynamodb', description: 't' }),
          managedRegions: ['eu-central-1'],
          savings: [
            { day: '2026-11-23', region: 'eu-central-1', usd: 0.125, gCO2e: 7, kWh: 0.5, stoppedHours: 4, runs: 2 },
          ],
        },
        { generatedAt: new Date('2026-11-24T00:00:00Z') },
      );

      // Act
      const csv = renderReportCsv(model);

      // Assess
      expect(csv.split('\r\n')).toEqual([
        REPORT_CSV_COLUMNS.join(','),
        '2026-11-23,eu-central-1,0.125,7,0.5,4,0,0,0,0,,,,0,0,0',
        'TOTAL,ALL,0.125,7,0.5,4,0,0,0,0,,,,0,0,0',
        '',
      ]);
    });
  });
});
