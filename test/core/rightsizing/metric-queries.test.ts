import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MetricsExportError, parseMetricsExport } from '../../../lambdas/core/rightsizing/metric-export';
import {
  analysisWindow,
  metricQueriesFor,
  parseQueryId,
  queryId,
  seriesByInstance,
} from '../../../lambdas/core/rightsizing/metric-queries';

describe('Module: metric-queries', () => {
  describe('Function: queryId / parseQueryId', () => {
    it('encodes the instance id with underscores and decodes it back', () => {
      // Act / Assess
      expect(queryId('cpu', 'i-0123456789abcdef0')).toBe('cpu_i_0123456789abcdef0');
      expect(parseQueryId('mem_i_0123456789abcdef0')).toEqual({ kind: 'mem', instanceId: 'i-0123456789abcdef0' });
    });

    it('round-trips any instance id and rejects foreign ids', () => {
      // Act / Assess
      fc.assert(
        fc.property(
          fc.constantFrom('cpu', 'avg', 'mem' as const),
          fc.stringMatching(/^[0-9a-f]{8,17}$/),
          (kind, hex) => {
            expect(parseQueryId(queryId(kind, `i-${hex}`))).toEqual({ kind, instanceId: `i-${hex}` });
          },
        ),
      );
      expect(parseQueryId('m1')).toBeUndefined();
      expect(parseQueryId('disk_i_0123')).toBeUndefined();
    });
  });

  describe('Function: metricQueriesFor', () => {
    it('asks the daily p95 and average CPU and the CloudWatch agent memory maximum', () => {
      // Act
      const queries = metricQueriesFor('i-0abc12345', 'p95');

      // Assess
      expect(queries).toEqual([
        {
          Id: 'cpu_i_0abc12345',
          Label: 'i-0abc12345 CPUUtilization p95',
          MetricStat: {
            Metric: {
              Namespace: 'AWS/EC2',
              MetricName: 'CPUUtilization',
              Dimensions: [{ Name: 'InstanceId', Value: 'i-0abc12345' }],
            },
            Period: 86400,
            Stat: 'p95',
          },
          ReturnData: true,
        },
        expect.objectContaining({ Id: 'avg_i_0abc12345', MetricStat: expect.objectContaining({ Stat: 'Average' }) }),
        expect.objectContaining({
          Id: 'mem_i_0abc12345',
          MetricStat: expect.objectContaining({
            Metric: {
              Namespace: 'CWAgent',
              MetricName: 'mem_used_percent',
              Dimensions: [{ Name: 'InstanceId', Value: 'i-0abc12345' }],
            },
            Stat: 'Maximum',
          }),
        }),
      ]);
    });
  });

  describe('Function: analysisWindow', () => {
    it('ends at the start of the current UTC day', () => {
      // Act
      const window = analysisWindow(new Date('2026-11-16T05:00:00Z'), 14);

      // Assess
      expect(window.start.toISOString()).toBe('2026-11-02T00:00:00.000Z');
      expect(window.end.toISOString()).toBe('2026-11-16T00:00:00.000Z');
    });
  });

  describe('Function: seriesByInstance', () => {
    it('maps results to instances and gives empty series to instances without results', () => {
      // Act
      const series = seriesByInstance(
        ['i-0aaa1111', 'i-0bbb2222'],
        new Map([['cpu_i_0aaa1111', [{ timestamp: '2026-11-02T00:00:00.000Z', value: 7 }]]]),
      );

      // Assess
      expect(series.get('i-0aaa1111')?.cpu).toHaveLength(1);
      expect(series.get('i-0bbb2222')).toEqual({ cpu: [], cpuAverage: [], memoryUsedPercent: [] });
    });
  });
});

describe('Module: metric-export', () => {
  describe('Function: parseMetricsExport', () => {
    it('reads aws cloudwatch get-metric-data output, merging files and ignoring foreign ids', () => {
      // Prepare
      const a = {
        MetricDataResults: [
          {
            Id: 'cpu_i_0aaa1111',
            Label: 'x',
            Timestamps: ['2026-11-03T00:00:00+00:00', '2026-11-02T00:00:00+00:00'],
            Values: [12.5, 9],
            StatusCode: 'Complete',
          },
          { Id: 'other', Timestamps: [], Values: [] },
        ],
        Messages: [],
      };
      const b = { MetricDataResults: [{ Id: 'cpu_i_0aaa1111', Timestamps: ['2026-11-04T00:00:00Z'], Values: [3] }] };

      // Act
      const { series, ignoredIds } = parseMetricsExport([
        { source: 'a.json', json: a },
        { source: 'b.json', json: b },
      ]);

      // Assess
      expect(series.get('cpu_i_0aaa1111')).toEqual([
        { timestamp: '2026-11-03T00:00:00.000Z', value: 12.5 },
        { timestamp: '2026-11-02T00:00:00.000Z', value: 9 },
        { timestamp: '2026-11-04T00:00:00.000Z', value: 3 },
      ]);
      expect(ignoredIds).toEqual(['other']);
    });

    it.each([
      [{}, /no "MetricDataResults" array/],
      [{ MetricDataResults: [{ Timestamps: [] }] }, /has no "Id"/],
      [
        { MetricDataResults: [{ Id: 'cpu_i_0aaa1111', Timestamps: ['2026-11-02T00:00:00Z'], Values: [] }] },
        /1 Timestamps but 0 Values/,
      ],
      [
        { MetricDataResults: [{ Id: 'cpu_i_0aaa1111', Timestamps: ['yesterday'], Values: [1] }] },
        /is not a time and a number/,
      ],
    ])('rejects %j', (json, message) => {
      // Act / Assess
      expect(() => parseMetricsExport([{ source: 'm.json', json }])).toThrow(MetricsExportError);
      expect(() => parseMetricsExport([{ source: 'm.json', json }])).toThrow(message);
    });
  });
});
