import { Metrics } from '@aws-lambda-powertools/metrics';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { publishMetrics, UncataloguedMetricError } from '../../../lambdas/adapters/metrics/publish';
import { METRICS, type MetricName } from '../../../lambdas/contract';
import { captureEmf } from '../../support/emf';

afterEach(() => {
  vi.restoreAllMocks();
});

const metrics = (serviceName = 'scheduler') => new Metrics({ namespace: 'CarbonAwareScheduler', serviceName });

describe('Module: metrics/publish', () => {
  describe('Function: publishMetrics', () => {
    it('writes one EMF document per set of dimension values, with the catalogue units and the service dimension', () => {
      // Prepare
      const stdout = captureEmf();

      // Act
      publishMetrics(metrics(), [
        { name: 'InstanceStartup', value: 2, dimensions: { Region: 'eu-west-1' } },
        { name: 'InstanceShutdown', value: 1, dimensions: { Region: 'eu-west-1' } },
        { name: 'ManagedInstances', value: 3, dimensions: { Region: 'eu-west-1', State: 'running' } },
        { name: 'ManagedInstances', value: 4, dimensions: { Region: 'eu-west-1' } },
        { name: 'ActionFailures', value: 0, dimensions: {} },
      ]);
      stdout.restore();

      // Assess
      const documents = stdout.documents();
      expect(documents.map((d) => d._aws.CloudWatchMetrics[0]!.Dimensions)).toEqual([
        [['service', 'Region']],
        [['service', 'Region', 'State']],
        [['service']],
      ]);
      expect(documents[0]).toMatchObject({ service: 'scheduler', Region: 'eu-west-1', InstanceStartup: 2 });
      expect(stdout.metrics()).toEqual([
        {
          name: 'InstanceStartup',
          value: 2,
          unit: 'Count',
          namespace: 'CarbonAwareScheduler',
          dimensions: { service: 'scheduler', Region: 'eu-west-1' },
        },
        {
          name: 'InstanceShutdown',
          value: 1,
          unit: 'Count',
          namespace: 'CarbonAwareScheduler',
          dimensions: { service: 'scheduler', Region: 'eu-west-1' },
        },
        {
          name: 'ManagedInstances',
          value: 4,
          unit: 'Count',
          namespace: 'CarbonAwareScheduler',
          dimensions: { service: 'scheduler', Region: 'eu-west-1' },
        },
        {
          name: 'ManagedInstances',
          value: 3,
          unit: 'Count',
          namespace: 'CarbonAwareScheduler',
          dimensions: { service: 'scheduler', Region: 'eu-west-1', State: 'running' },
        },
        {
          name: 'ActionFailures',
          value: 0,
          unit: 'Count',
          namespace: 'CarbonAwareScheduler',
          dimensions: { service: 'scheduler' },
        },
      ]);
    });

    it.each(Object.keys(METRICS) as MetricName[])('takes the unit of %s from the catalogue', (name) => {
      // Prepare
      const stdout = captureEmf();
      const dimensions = Object.fromEntries(METRICS[name].dimensions.map((d) => [d, 'x']));

      // Act
      publishMetrics(metrics(METRICS[name].service), [{ name, value: 42, dimensions }]);
      stdout.restore();

      // Assess
      const expected = { Count: 'Count', Seconds: 'Seconds', None: 'None' }[METRICS[name].unit];
      expect(stdout.metrics()).toEqual([expect.objectContaining({ name, value: 42, unit: expected })]);
    });

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
      expect(stdout.documents()).toEqual([]);
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
