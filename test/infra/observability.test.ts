import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { METRICS, type MetricName } from '../../lambdas/contract';
import { synthesize, type templateOf } from './app-factory';

/** The dashboard body with CloudFormation tokens (function names, region refs) replaced by placeholders. */
function dashboardBody(template: ReturnType<typeof templateOf>): {
  widgets: { type: string; properties: Record<string, unknown> }[];
} {
  const [dashboard] = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
  const body = dashboard?.Properties.DashboardBody as { 'Fn::Join': [string, unknown[]] };
  const text = body['Fn::Join'][1].map((part) => (typeof part === 'string' ? part : 'TOKEN')).join('');
  return JSON.parse(text);
}

function widgetTitled(body: ReturnType<typeof dashboardBody>, title: string) {
  const widget = body.widgets.find((w) => w.properties.title === title);
  expect(widget, `widget "${title}"`).toBeDefined();
  return widget!.properties as {
    metrics: unknown[][];
    annotations?: { horizontal: { value: number; label: string }[] };
    region?: string;
  };
}

describe('Module: observability', () => {
  describe('Construct: dashboard', () => {
    const body = dashboardBody(
      synthesize({
        homeRegion: 'eu-central-1',
        managedRegions: ['eu-central-1', 'eu-west-1'],
        workerRegions: ['eu-north-1', 'us-east-1'],
        carbonThresholds: { 'eu-west-1': 220 },
        metricsNamespace: 'GreenOps',
      }).controlPlane,
    );

    it('graphs carbon intensity for every carbon region with that region’s threshold drawn on it', () => {
      // Prepare: thresholds by hand: eu-central-1 300 (default), eu-west-1 220 (configured),
      // eu-north-1 40 and us-east-1 450 (defaults).
      const expected = { 'eu-central-1': 300, 'eu-west-1': 220, 'eu-north-1': 40, 'us-east-1': 450 };

      // Assess
      for (const [region, threshold] of Object.entries(expected)) {
        const widget = widgetTitled(body, `Carbon intensity ${region}, gCO2e/kWh`);
        expect(widget.metrics[0]).toEqual(
          expect.arrayContaining(['GreenOps', 'CarbonIntensity', 'service', 'carbon-fetcher', 'Region', region]),
        );
        expect(widget.annotations?.horizontal[0]).toMatchObject({ value: threshold, label: `threshold ${threshold}` });
      }
    });

    it('shows money saved and CO2e avoided today, this month and in total as single values', () => {
      // Act
      const money = widgetTitled(body, 'Money saved, USD');
      const carbon = widgetTitled(body, 'CO2e avoided, kg');

      // Assess
      const lines = (w: { metrics: unknown[][] }, metric: string) =>
        w.metrics.filter((m) => m.includes(metric)).map((m) => JSON.stringify(m));
      for (const [widget, metric] of [
        [money, 'CostSavingsTotal'],
        [carbon, 'CarbonAvoidedTotal'],
      ] as const) {
        const found = lines(widget, metric);
        expect(found).toHaveLength(3);
        ['Today', 'Month', 'Total'].forEach((period, index) => {
          expect(found[index]).toContain(`"Period","${period}"`);
          expect(found[index]).toContain('"service","scheduler"');
        });
      }
      expect(JSON.stringify(carbon.metrics)).toContain('t0 / 1000');
    });

    it.each([
      ['Instances started, per region', 'InstanceStartup'],
      ['Instances stopped, per region', 'InstanceShutdown'],
      ['Managed instances by region and state', 'ManagedInstances'],
      ['Jobs dispatched, per region', 'DispatchedJobs'],
      ['Carbon data age, seconds', 'CarbonDataAge'],
      ['Carbon provider failures', 'ProviderFailures'],
      ['EC2 action failures', 'ActionErrors'],
      ['Rightsizing: open recommendations, USD per month', 'RightsizingMonthlySavings'],
    ])('has "%s" searching the %s metric in the configured namespace', (title, metric) => {
      // Act
      const widget = widgetTitled(body, title);

      // Assess
      expect(JSON.stringify(widget.metrics)).toContain(`{GreenOps,service,`);
      expect(JSON.stringify(widget.metrics)).toContain(`MetricName=\\"${metric}\\"`);
    });

    it('reads every product metric with the catalogue’s dimension set: service plus the catalogued dimensions', () => {
      // Prepare: every metric line of every widget, in the product namespace
      const lines = body.widgets.flatMap((w) => (w.properties.metrics as unknown[][] | undefined) ?? []);
      const searches: { name: string; dimensions: string[] }[] = [];
      const plain: { name: string; dimensions: Record<string, string> }[] = [];
      for (const line of lines) {
        const head = line[0];
        if (head !== null && typeof head === 'object') {
          const search = /SEARCH\('\{GreenOps,([^}]+)\} MetricName="([A-Za-z]+)"'/.exec(
            String((head as { expression?: string }).expression),
          );
          if (search) searches.push({ name: search[2]!, dimensions: search[1]!.split(',') });
        } else if (head === 'GreenOps') {
          const [, name, ...rest] = line as [string, string, ...unknown[]];
          const pairs = rest.filter((part) => typeof part === 'string') as string[];
          const dimensions: Record<string, string> = {};
          for (let i = 0; i + 1 < pairs.length; i += 2) dimensions[pairs[i]!] = pairs[i + 1]!;
          plain.push({ name, dimensions });
        }
      }

      // Assess: the rightsizing widget among them; a SEARCH matches only metrics with exactly its dimension set
      expect(searches.map((s) => s.name)).toContain('RightsizingMonthlySavings');
      for (const { name, dimensions } of searches) {
        const entry = METRICS[name as MetricName];
        expect(entry, name).toBeDefined();
        expect(dimensions, name).toEqual(['service', ...entry.dimensions]);
      }
      expect(plain.length).toBeGreaterThan(0);
      for (const { name, dimensions } of plain) {
        const entry = METRICS[name as MetricName];
        expect(entry, name).toBeDefined();
        expect(Object.keys(dimensions).sort(), name).toEqual(['service', ...entry.dimensions].sort());
        expect(dimensions.service, name).toBe(entry.service);
      }
    });

    it('shows errors, throttles and p99 duration of every Lambda, reading worker metrics in their own region', () => {
      // Act
      const errors = widgetTitled(body, 'Lambda errors');
      const duration = widgetTitled(body, 'Lambda duration p99, ms');

      // Assess: 5 control-plane functions + 2 workers
      expect(errors.metrics).toHaveLength(7);
      const workerLines = duration.metrics.filter((m) => m.includes('carbon-aware-scheduler-worker'));
      expect(workerLines.map((m) => m.at(-1))).toEqual([
        { label: 'worker eu-north-1', region: 'eu-north-1', stat: 'p99' },
        { label: 'worker us-east-1', region: 'us-east-1', stat: 'p99' },
      ]);
      widgetTitled(body, 'Lambda throttles');
    });

    it('opens with a text widget that explains the graphs and links to the runbook', () => {
      // Act
      const text = body.widgets.find((w) => w.type === 'text');

      // Assess
      expect(text?.properties.markdown).toContain('Carbon intensity per region');
      expect(text?.properties.markdown).toContain('#runbook');
    });
  });

  describe('Construct: alarms', () => {
    const alarmed = () =>
      synthesize({
        managedRegions: ['eu-central-1'],
        workerRegions: ['eu-north-1'],
        carbon: { maxDataAgeMinutes: 90, secrets: { electricitymaps: 'prod/em' } },
        alarms: { emails: ['finops@example.com'] },
      });

    it('raises an alarm for every failure path, each notifying the encrypted topic', () => {
      // Prepare
      const template = alarmed().controlPlane;
      const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'));
      const descriptions = alarms.map((a) => a.Properties.AlarmDescription as string);

      // Assess: errors and dead letters for 5 functions, stale data for 2 regions, actions, dispatch
      expect(alarms).toHaveLength(5 * 2 + 2 + 2);
      for (const label of ['CarbonFetcher', 'Scheduler', 'Rightsizer', 'Dispatcher', 'OutcomeRecorder']) {
        expect(descriptions).toContainEqual(expect.stringMatching(new RegExp(`^${label}: the function failed`)));
        expect(descriptions).toContainEqual(expect.stringMatching(new RegExp(`^${label}: asynchronous invocations`)));
      }
      expect(descriptions).toContainEqual(
        expect.stringContaining('Carbon data for eu-north-1 is older than 90 minutes'),
      );
      expect(descriptions).toContainEqual(expect.stringContaining('could not start, stop or resize'));
      expect(descriptions).toContainEqual(expect.stringContaining('could not be handed to any worker region'));
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'CarbonDataAge',
        Threshold: 5400,
        TreatMissingData: 'breaching',
      });
      for (const alarm of alarms) {
        expect(alarm.Properties.AlarmActions).toEqual([{ Ref: expect.stringMatching(/AlarmTopic/) }]);
      }
      template.hasResourceProperties('AWS::SNS::Topic', {
        KmsMasterKeyId: { 'Fn::GetAtt': [Match.anyValue(), 'Arn'] },
      });
      template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'finops@example.com' });
      template.hasResourceProperties('AWS::KMS::Key', {
        EnableKeyRotation: true,
        KeyPolicy: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Principal: { Service: 'cloudwatch.amazonaws.com' },
              Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
            }),
          ]),
        },
      });
    });

    it('alarms on product metrics with the catalogue’s dimension set', () => {
      // Prepare
      const alarms = Object.values(alarmed().controlPlane.findResources('AWS::CloudWatch::Alarm')).filter(
        (a) => a.Properties.Namespace === 'CarbonAwareScheduler',
      );

      // Assess: CarbonDataAge (stale data), ActionFailures, DispatchFailures, StateWriteFailures
      expect(alarms.map((a) => a.Properties.MetricName).sort()).toEqual([
        'ActionFailures',
        'CarbonDataAge',
        'CarbonDataAge',
        'DispatchFailures',
        'StateWriteFailures',
      ]);
      for (const alarm of alarms) {
        const entry = METRICS[alarm.Properties.MetricName as MetricName];
        const dimensions = alarm.Properties.Dimensions as { Name: string; Value: string }[];
        expect(dimensions.map((d) => d.Name).sort()).toEqual(['service', ...entry.dimensions].sort());
        expect(dimensions.find((d) => d.Name === 'service')?.Value).toBe(entry.service);
      }
    });

    it('watches carbon data age only where live data is possible: keyed providers everywhere, UK keyless in eu-west-2', () => {
      // Prepare
      const keyless = synthesize({
        managedRegions: ['eu-central-1', 'eu-west-2'],
        workerRegions: ['eu-north-1'],
      }).controlPlane;
      const staticOnly = synthesize({ workerRegions: ['eu-north-1'], carbon: { providers: ['static'] } }).controlPlane;

      // Assess
      const staleAlarms = (t: ReturnType<typeof templateOf>) =>
        Object.values(t.findResources('AWS::CloudWatch::Alarm', { Properties: { MetricName: 'CarbonDataAge' } })).map(
          (a) => (a.Properties.Dimensions as { Name: string; Value: string }[]).find((d) => d.Name === 'Region')?.Value,
        );
      expect(staleAlarms(keyless)).toEqual(['eu-west-2']);
      expect(staleAlarms(staticOnly)).toEqual([]);
    });

    it('watches each worker region’s errors and dead letters with a topic in that region', () => {
      // Prepare
      const template = alarmed().workers[0]!;

      // Assess
      template.resourceCountIs('AWS::CloudWatch::Alarm', 2);
      template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'ApproximateNumberOfMessagesVisible' });
      template.resourceCountIs('AWS::SNS::Topic', 1);
    });

    it('saves Logs Insights queries for instance decisions and for errors', () => {
      // Prepare
      const template = alarmed().controlPlane;

      // Assess
      template.hasResourceProperties('AWS::Logs::QueryDefinition', {
        Name: 'carbon-aware-scheduler/why-did-my-instance-stop-or-start',
        QueryString: Match.stringLikeRegexp('fields @timestamp, instanceId, region, schedule, desired, action, reason'),
      });
      template.hasResourceProperties('AWS::Logs::QueryDefinition', {
        Name: 'carbon-aware-scheduler/errors-last-24h',
        QueryString: Match.stringLikeRegexp("level = 'ERROR'"),
      });
    });
  });
});
