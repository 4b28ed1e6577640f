import { describe, expect, it } from 'vitest';
import { parseTrace, TraceFormatError } from '../../../cli/trace';

const header = 'datetime,zone,carbon_intensity';
const hour = (h: number, m = 0) => `2023-03-01T${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:00Z`;

describe('Module: trace quality', () => {
  it('reports a gap with the rows either side and leaves it without a value', () => {
    // Prepare: hourly rows, 03:00 and 04:00 missing
    const text = [header, ...[0, 1, 2, 5, 6].map((h) => `${hour(h)},DE,300`)].join('\n');

    // Act
    const trace = parseTrace(text);

    // Assess
    expect(trace.issues).toEqual([
      expect.objectContaining({ kind: 'gap', zone: 'DE', lines: [4, 5], action: 'kept as a gap' }),
    ]);
    expect(trace.issues[0]!.message).toContain('2023-03-01T03:00Z → 2023-03-01T05:00Z between lines 4 and 5');
    expect(trace.valueAt('DE', new Date(hour(3, 30)))).toBeUndefined();
    expect(trace.valueAt('DE', new Date(hour(5, 30)))).toBe(300);
  });

  it('holds each value for its own step when hourly rows become 15-minute rows, and says so', () => {
    // Prepare: 00:00–02:00 hourly (100, 200), then 15-minute rows from 02:00 (300, 310, 320, 330)
    const rows = [`${hour(0)},DE,100`, `${hour(1)},DE,200`, `${hour(2)},DE,300`, `${hour(2, 15)},DE,310`];
    rows.push(`${hour(2, 30)},DE,320`, `${hour(2, 45)},DE,330`);
    const trace = parseTrace([header, ...rows].join('\n'));

    // Act
    const de = trace.series('DE')!;

    // Assess: every minute of the first two hours has its hourly value (no 45-minute holes)
    expect(de.stepMs).toBe(15 * 60_000);
    expect(trace.valueAt('DE', new Date(hour(0, 50)))).toBe(100);
    expect(trace.valueAt('DE', new Date(hour(1, 40)))).toBe(200);
    expect(trace.valueAt('DE', new Date(hour(2, 20)))).toBe(310);
    expect(de.length).toBe(12);
    expect(trace.issues).toEqual([expect.objectContaining({ kind: 'mixed-steps', action: 'resampled', lines: [4] })]);
    expect(trace.issues[0]!.message).toContain('mixed steps (15 min, 1 h');
  });

  it('refuses implausible values and conflicting duplicates, naming the rows; repairs them on request', () => {
    // Prepare
    const text = [header, `${hour(0)},DE,300`, `${hour(1)},DE,1e9`, `${hour(2)},DE,-5`, `${hour(3)},DE,310`];
    text.push(`${hour(3)},DE,320`, `${hour(4)},DE,300`, `${hour(5)},DE,300`);

    // Act & Assess
    expect(() => parseTrace(text.join('\n'), { source: 'de.csv' })).toThrow(TraceFormatError);
    expect(() => parseTrace(text.join('\n'), { source: 'de.csv' })).toThrow(
      /de\.csv: zone DE: 2 value\(s\) outside 0–2000 gCO2e\/kWh \(1000000000 at 2023-03-01T01:00Z, -5 at 2023-03-01T02:00Z\) on lines 3 and 4; zone DE: 1 time\(s\) appear more than once with different values, e\.g\. 2023-03-01T03:00Z = 310 or 320 on lines 5 and 6/,
    );
    const repaired = parseTrace(text.join('\n'), { repair: true });
    expect(repaired.issues.map((i) => [i.kind, i.action])).toEqual([
      ['implausible', 'dropped'],
      ['conflicting-duplicate', 'dropped'],
      ['gap', 'kept as a gap'],
    ]);
    expect(repaired.valueAt('DE', new Date(hour(1, 30)))).toBeUndefined();
    expect(repaired.valueAt('DE', new Date(hour(3, 30)))).toBeUndefined();
    expect(repaired.valueAt('DE', new Date(hour(4, 30)))).toBe(300);
  });

  it('refuses a zone with one row (its step cannot be known)', () => {
    // Act & Assess
    expect(() => parseTrace(`${header}\n${hour(0)},DE,300\n${hour(0)},FR,50\n${hour(1)},FR,55`)).toThrow(
      /zone DE: only one row \(line 2\)/,
    );
  });
});
