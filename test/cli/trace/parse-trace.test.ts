import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseTrace, parseTraceTime, readTrace, splitCsvLine, TraceFormatError } from '../../../cli/trace/parse-trace';

/** The first rows of green-dcc_DE-LU_2023_hourly.csv (Electricity Maps hourly export, ODbL), unchanged. */
const EM_EXPORT = [
  'Datetime (UTC),Country,Zone Name,Zone Id,Carbon Intensity gCO₂eq/kWh (direct),Carbon Intensity gCO₂eq/kWh (LCA),Low Carbon Percentage,Renewable Percentage,Data Source,Data Estimated,Data Estimation Method',
  '2023-01-01 00:00:00,Germany,Germany,DE,140.51,185.8,83.79,78.42,entsoe.eu,false,',
  '2023-01-01 01:00:00,Germany,Germany,DE,140.44,185.7,83.85,78.93,entsoe.eu,false,',
  '2023-01-01 02:00:00,Germany,Germany,DE,148.34,195.42,82.95,77.74,entsoe.eu,false,',
  '2023-01-01 03:00:00,Germany,Germany,DE,149.55,197.06,82.78,77.51,entsoe.eu,false,',
].join('\n');

describe('Module: parse-trace', () => {
  describe('Function: parseTrace', () => {
    it('reads the Electricity Maps export as is, taking the LCA column', () => {
      // Act
      const trace = parseTrace(EM_EXPORT);

      // Assess
      expect(trace.format).toBe('electricitymaps-export');
      expect(trace.zones).toEqual(['DE']);
      expect(trace.valueAt('DE', new Date('2023-01-01T02:00:00Z'))).toBe(195.42);
      expect(trace.valueAt('DE', new Date('2023-01-01T02:59:59Z'))).toBe(195.42);
      expect(trace.series('DE')?.stepMs).toBe(3_600_000);
      expect(trace.stats).toEqual({ rows: 4, emptyRows: 0, duplicateRows: 0 });
    });

    it('answers undefined outside the trace and in gaps, never 0', () => {
      // Prepare: 15-minute data with a missing 00:30 row and an empty value at 00:45
      const text = [
        'datetime,zone,carbon_intensity',
        '2024-05-01T00:00:00Z,FR,30',
        '2024-05-01T00:15:00Z,FR,32',
        '2024-05-01T00:45:00Z,FR,',
        '2024-05-01T01:00:00Z,FR,35',
      ].join('\r\n');

      // Act
      const trace = parseTrace(text);

      // Assess
      expect(trace.valueAt('FR', new Date('2024-05-01T00:20:00Z'))).toBe(32);
      expect(trace.valueAt('FR', new Date('2024-05-01T00:35:00Z'))).toBeUndefined();
      expect(trace.valueAt('FR', new Date('2024-05-01T00:50:00Z'))).toBeUndefined();
      expect(trace.valueAt('FR', new Date('2024-05-01T01:14:00Z'))).toBe(35);
      expect(trace.valueAt('FR', new Date('2024-05-01T01:15:00Z'))).toBeUndefined();
      expect(trace.valueAt('FR', new Date('2024-04-30T23:59:00Z'))).toBeUndefined();
      expect(trace.valueAt('XX', new Date('2024-05-01T00:00:00Z'))).toBeUndefined();
      expect(trace.stats.emptyRows).toBe(1);
    });

    it('holds several zones, any column order, unsorted rows; an identical repeat is dropped', () => {
      // Prepare
      const text = [
        'zone,carbon_intensity,datetime,note',
        'DE,300,2024-01-01T01:00:00Z,x',
        'SE,20,2024-01-01T00:00:00Z,x',
        'SE,22,2024-01-01T01:00:00Z,x',
        'DE,310,2024-01-01T00:00:00Z,x',
        'DE,300,2024-01-01T01:00:00Z,x',
      ].join('\n');

      // Act
      const trace = parseTrace(text);

      // Assess
      expect(trace.zones).toEqual(['DE', 'SE']);
      expect(trace.valueAt('DE', new Date('2024-01-01T00:30:00Z'))).toBe(310);
      expect(trace.valueAt('de', new Date('2024-01-01T01:30:00Z'))).toBe(300);
      expect(trace.stats.duplicateRows).toBe(1);
      expect(trace.issues).toEqual([
        expect.objectContaining({ kind: 'duplicate', zone: 'DE', lines: [6], action: 'dropped' }),
      ]);
    });

    it('reads times without an offset in the given time zone', () => {
      // Prepare: 2024-07-01 10:00 in Berlin (CEST, UTC+2) is 08:00Z
      const text = 'datetime,zone,carbon_intensity\n2024-07-01 10:00,DE,250\n2024-07-01 11:00,DE,260';

      // Act
      const trace = parseTrace(text, { timezone: 'Europe/Berlin' });

      // Assess
      expect(trace.valueAt('DE', new Date('2024-07-01T08:30:00Z'))).toBe(250);
    });

    it('names the line and what is wrong', () => {
      // Act & Assess
      expect(() => parseTrace('time,zone,value\n2024-01-01,DE,1', { source: 'x.csv' })).toThrow(
        /x\.csv line 1: unrecognised header/,
      );
      expect(() => parseTrace('datetime,zone,carbon_intensity\nyesterday,DE,1')).toThrow(/line 2: time "yesterday"/);
      expect(() => parseTrace('datetime,zone,carbon_intensity\n2024-01-01T00:00Z,DE,abc')).toThrow(
        /line 2: carbon intensity "abc" is not a number/,
      );
      expect(() => parseTrace('datetime,zone,carbon_intensity\n2024-01-01T00:00Z,DE')).toThrow(TraceFormatError);
      expect(() => parseTrace('')).toThrow(/empty/);
      expect(() => parseTrace('datetime,zone,carbon_intensity\n')).toThrow(/no data rows/);
    });
  });

  describe('Function: readTrace', () => {
    it('streams lines from an async iterable', async () => {
      // Prepare
      async function* lines() {
        yield 'datetime,zone,carbon_intensity';
        yield '2024-01-01T00:00:00Z,GB,120';
        yield '2024-01-01T00:30:00Z,GB,110';
      }

      // Act
      const trace = await readTrace(lines());

      // Assess
      expect(trace.valueAt('GB', new Date('2024-01-01T00:00:00Z'))).toBe(120);
    });
  });

  describe('Function: parseTraceTime', () => {
    it('reads offsets and rejects impossible dates', () => {
      // Act & Assess
      expect(parseTraceTime('2024-01-01T01:00:00+01:00', undefined)).toBe(Date.UTC(2024, 0, 1, 0));
      expect(parseTraceTime('2024-01-01 00:00:00', undefined)).toBe(Date.UTC(2024, 0, 1));
      expect(parseTraceTime('2024-01-01T00:00:00.5Z', undefined)).toBe(Date.UTC(2024, 0, 1) + 500);
      expect(parseTraceTime('2023-02-30 00:00:00', undefined)).toBeUndefined();
      expect(parseTraceTime('2023-01-01 25:00:00', undefined)).toBeUndefined();
    });

    it('reads back any UTC instant written as ISO-8601 (property)', () => {
      fc.assert(
        fc.property(fc.integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2090, 0, 1) }), (ms) => {
          expect(parseTraceTime(new Date(ms).toISOString(), undefined)).toBe(ms);
        }),
      );
    });
  });

  describe('Function: splitCsvLine', () => {
    it('handles quoted fields with commas and doubled quotes', () => {
      // Act & Assess
      expect(splitCsvLine('a,"Korea, South","say ""hi""",')).toEqual(['a', 'Korea, South', 'say "hi"', '']);
    });

    it('joins back to the same fields (property)', () => {
      fc.assert(
        fc.property(fc.array(fc.string(), { minLength: 1, maxLength: 8 }), (fields) => {
          const line = fields.map((f) => (/[",]/.test(f) ? `"${f.replaceAll('"', '""')}"` : f)).join(',');
          expect(splitCsvLine(line)).toEqual(fields);
        }),
      );
    });
  });
});
