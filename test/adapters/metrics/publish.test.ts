import { Metrics } from '@aws-lambda-powertools/metrics';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { publishMetrics, UncataloguedMetricError } from '../../../lambdas/adapters/metrics/publish';
import { METRICS, type MetricName } from '../../../lambdas/contract';
import { captureEmf } from '../../support/emf';

afterEach(() => {
  vi.restoreAllMocks();
});

const metrics = (serviceName = 'scheduler') => new Metrics({ namespace: 'CarbonAwareScheduler', serviceName });

/** The `metrics` log lines among `lines`, without the fields every Powertools line carries. */
function metricLines(lines: readonly string[]): Record<string, unknown>[] {
  return lines
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((line) => line.message === 'metrics' && !('_aws' in line))
    .map(({ message: _m, service: _s, ...fields }) => fields);
}

describe('Module: metrics/publish', () => {
  describe('Function: publishMetrics', () => {
    it('publishes the alarm metrics as EMF and the other figures as one `metrics` log line per set of dimension values', () => {
      // Prepare: ActionFailures is the only `alarm` metric of these; the rest are `log` figures. Expected by hand:
      // one EMF document (ActionFailures 0, service only); the {Region} line with the non-zero counts and the 0 USD
      // (a `None` figure is kept at 0); the {Region, State} line; the zero counts (InvalidScheduleTags 0 and the
      // whole {Region, Action} group) leave nothing.
      const stdout = captureEmf();

      // Act
      publishMetrics(metrics(), [
        { name: 'InstanceStartup', value: 2, dimensions: { Region: 'eu-west-1' } },
        { name: 'InstanceShutdown', value: 1, dimensions: { Region: 'eu-west-1' } },
        { name: 'ManagedInstances', value: 3, dimensions: { Region: 'eu-west-1', State: 'running' } },
        { name: 'ManagedInstances', value: 4, dimensions: { Region: 'eu-west-1' } },
        { name: 'CostSavings', value: 0, dimensions: { Region: 'eu-west-1' } },
        { name: 'InvalidScheduleTags', value: 0, dimensions: { Region: 'eu-west-1' } },
        { name: 'ActionErrors', value: 0, dimensions: { Region: 'eu-west-1', Action: 'start' } },
        { name: 'ActionFailures', value: 0, dimensions: {} },
      ]);
      stdout.restore();

      // Assess
      expect(stdout.metrics()).toEqual([
        {
          name: 'ActionFailures',
          value: 0,
          unit: 'Count',
          namespace: 'CarbonAwareScheduler',
          dimensions: { service: 'scheduler' },
        },
      ]);
      const logged = metricLines(stdout.lines());
      expect(logged).toEqual([
        { Region: 'eu-west-1', InstanceStartup: 2, InstanceShutdown: 1, ManagedInstances: 4, CostSavings: 0 },
        { Region: 'eu-west-1', State: 'running', ManagedInstances: 3 },
      ]);
    });

    it('writes the `metrics` line whatever the log level, with the service of the emitting function', () => {
      // Prepare
      const stdout = captureEmf();

      // Act
      publishMetrics(metrics('dispatcher'), [
        { name: 'DispatchedJobs', value: 1, dimensions: { Region: 'eu-north-1' } },
      ]);
      stdout.restore();

      // Assess
      const [line] = stdout.lines().map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(line).toEqual({
        message: 'metrics',
        service: 'dispatcher',
        Region: 'eu-north-1',
        DispatchedJobs: 1,
      });
      expect(stdout.documents()).toEqual([]);
    });

    it.each(Object.keys(METRICS) as MetricName[])(
      'delivers %s as its catalogue entry says (EMF with its unit, or a log field)',
      (name) => {
        // Prepare
        const stdout = captureEmf();
        const dimensions = Object.fromEntries(METRICS[name].dimensions.map((d) => [d, 'x']));

        // Act
        publishMetrics(metrics(METRICS[name].service), [{ name, value: 42, dimensions }]);
        stdout.restore();

        // Assess
        if (METRICS[name].use === 'alarm') {
          const expected = { Count: 'Count', Seconds: 'Seconds', None: 'None' }[METRICS[name].unit];
          expect(stdout.metrics()).toEqual([expect.objectContaining({ name, value: 42, unit: expected })]);
        } else {
          expect(stdout.metrics()).toEqual([]);
          expect(metricLines(stdout.lines())).toEqual([{ ...dimensions, [name]: 42 }]);
        }
      },
    );

    it('refuses a dimension set the catalogue does not list, before writing anything', () => {
      // Prepare
      const stdout = captureEmf();

      // Act
      const act = () =>
        publishMetrics(metrics(), [
          { name: 'InstanceStartup', value: 1, dimensions: { Region: 'eu-west-1' } },
          { name: 'InstanceStartup', value: 1, dimensions: { Region: 'eu-west-1', InstanceId: 'i-1' } },
        ]);

      // Assess
      expect(act).toThrow(UncataloguedMetricError);
      expect(act).toThrow('metric InstanceStartup with dimensions [InstanceId, Region] is not in the catalogue');
      stdout.restore();
      expect(stdout.lines()).toEqual([]);
    });

    it('writes nothing for no data', () => {
      // Prepare
      const stdout = captureEmf();

      // Act
      publishMetrics(metrics(), []);
      stdout.restore();

      // Assess
      expect(stdout.lines()).toEqual([]);
    });
  });
});
