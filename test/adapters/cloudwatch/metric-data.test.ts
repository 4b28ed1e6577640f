import { CloudWatchClient, GetMetricDataCommand, type GetMetricDataCommandInput } from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { fetchMetricData } from '../../../lambdas/adapters/cloudwatch/metric-data';
import { metricQueriesFor } from '../../../lambdas/core/rightsizing/metric-queries';

const cw = mockClient(CloudWatchClient);
const START = new Date('2026-11-02T00:00:00Z');
const END = new Date('2026-11-16T00:00:00Z');
const ids = (n: number) => Array.from({ length: n }, (_, i) => `i-${(0x10000000 + i).toString(16)}`);

describe('Module: metric-data', () => {
  beforeEach(() => {
    cw.reset();
  });

  describe('Function: fetchMetricData', () => {
    it('sends at most 500 queries per call: 1,200 queries (400 instances × 3) → 3 calls', async () => {
      // Prepare
      const queries = ids(400).flatMap((id) => metricQueriesFor(id, 'p95'));
      cw.on(GetMetricDataCommand).callsFake((input: GetMetricDataCommandInput) => ({
        MetricDataResults: (input.MetricDataQueries ?? []).map((q) => ({
          Id: q.Id,
          Timestamps: [new Date('2026-11-02T00:00:00Z')],
          Values: [12],
          StatusCode: 'Complete',
        })),
      }));

      // Act
      const result = await fetchMetricData(new CloudWatchClient({ region: 'us-east-1' }), queries, START, END);

      // Assess
      expect(result.calls).toBe(3);
      expect(cw).toHaveReceivedCommandTimes(GetMetricDataCommand, 3);
      const sizes = cw.commandCalls(GetMetricDataCommand).map((c) => c.args[0].input.MetricDataQueries?.length);
      expect(sizes.sort()).toEqual([200, 500, 500]);
      expect(result.series.size).toBe(1200);
      expect(cw).toHaveReceivedCommandWith(GetMetricDataCommand, { StartTime: START, EndTime: END });
    });

    it('follows NextToken and merges the pages of one query', async () => {
      // Prepare
      const queries = metricQueriesFor('i-0aaa1111', 'p95');
      cw.on(GetMetricDataCommand)
        .resolvesOnce({
          MetricDataResults: [
            {
              Id: 'cpu_i_0aaa1111',
              Timestamps: [new Date('2026-11-02T00:00:00Z')],
              Values: [10],
              StatusCode: 'PartialData',
            },
          ],
          NextToken: 'page-2',
        })
        .resolvesOnce({
          MetricDataResults: [
            {
              Id: 'cpu_i_0aaa1111',
              Timestamps: [new Date('2026-11-03T00:00:00Z')],
              Values: [20],
              StatusCode: 'Complete',
            },
          ],
        });

      // Act
      const result = await fetchMetricData(new CloudWatchClient({ region: 'us-east-1' }), queries, START, END);

      // Assess
      expect(result.calls).toBe(2);
      expect(cw).toHaveReceivedNthCommandWith(GetMetricDataCommand, 2, { NextToken: 'page-2' });
      expect(result.series.get('cpu_i_0aaa1111')).toEqual([
        { timestamp: '2026-11-02T00:00:00.000Z', value: 10 },
        { timestamp: '2026-11-03T00:00:00.000Z', value: 20 },
      ]);
    });

    it('reports a failing batch per query id instead of throwing, and Forbidden results', async () => {
      // Prepare
      const queries = ids(200).flatMap((id) => metricQueriesFor(id, 'p95'));
      cw.on(GetMetricDataCommand)
        .rejectsOnce(Object.assign(new Error('Rate exceeded'), { name: 'Throttling' }))
        .resolves({ MetricDataResults: [{ Id: 'cpu_i_100000c7', StatusCode: 'Forbidden', Label: 'cpu' }] });

      // Act
      const result = await fetchMetricData(
        new CloudWatchClient({ region: 'us-east-1', maxAttempts: 1 }),
        queries,
        START,
        END,
        {
          concurrency: 1,
        },
      );

      // Assess: first call (queries 0..499) threw; the second (500..599) answered Forbidden for one id
      expect(result.calls).toBe(2);
      expect(result.failures.get('cpu_i_10000000')).toBe('GetMetricData failed: Throttling: Rate exceeded');
      expect(result.failures.get('cpu_i_100000c7')).toBe('CloudWatch answered Forbidden for cpu');
      expect(result.failures.size).toBe(501);
    });
  });
});
