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

/** The Logs Insights query of the `log` widget titled `title`. */
function logQueryTitled(body: ReturnType<typeof dashboardBody>, title: string): string {
  const widget = body.widgets.find((w) => w.properties.title === title);
  expect(widget?.type, `log widget "${title}"`).toBe('log');
  return String(widget!.properties.query);
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

    it('charts carbon intensity for every carbon region with that region’s threshold as a second line', () => {
      // Prepare: thresholds by hand: eu-central-1 300 (default), eu-west-1 220 (configured),
      // eu-north-1 40 and us-east-1 450 (defaults).
      const expected = { 'eu-central-1': 300, 'eu-west-1': 220, 'eu-north-1': 40, 'us-east-1': 450 };

      // Assess
      for (const [region, threshold] of Object.entries(expected)) {
        const query = logQueryTitled(body, `Carbon intensity ${region}, gCO2e/kWh`);
        expect(query).toContain(`filter message = 'metrics' and ispresent(CarbonIntensity) and Region = '${region}'`);
        expect(query).toContain(
          `avg(CarbonIntensity) as gCO2e_per_kWh, max(CarbonIntensity * 0 + ${threshold}) as threshold`,
        );
      }
    });

    it('shows money saved and CO2e avoided today, this month and in total, the latest running total per Period', () => {
      // Act
      const money = logQueryTitled(body, 'Money saved, USD');
      const carbon = logQueryTitled(body, 'CO2e avoided, kg');

      // Assess
      expect(money).toContain('stats latest(CostSavingsTotal) as USD by Period');
      expect(carbon).toContain('stats latest(CarbonAvoidedTotal) / 1000 as kg_CO2e by Period');
    });

    it.each([
      ['Instances started, per region', 'InstanceStartup'],
      ['Instances stopped, per region', 'InstanceShutdown'],
      ['Managed instances by region and state', 'ManagedInstances'],
      ['Money saved per day, USD', 'CostSavings'],
      ['CO2e avoided per day, g', 'CarbonAvoided'],
      ['EC2 action failures', 'ActionErrors'],
      ['Jobs dispatched, per region', 'DispatchedJobs'],
      ['Dispatch: CO2e saved vs home region, g', 'DispatchCarbonSaved'],
      ['Jobs deferred', 'DeferredJobs'],
      ['Jobs completed, by outcome', 'JobsCompleted'],
      ['Worker invoke errors, per region', 'DispatchInvokeErrors'],
      ['Invalid schedule tags, per region', 'InvalidScheduleTags'],
      ['Carbon provider failures', 'ProviderFailures'],
      ['Rightsizing: open recommendations, USD per month', 'RightsizingMonthlySavings'],
    ] as const)('has "%s" querying the %s log field by its catalogued dimensions', (title, field) => {
      // Act
      const query = logQueryTitled(body, title);

      // Assess: over the `metrics` lines of the one function that emits the figure (Logs Insights bills the bytes
      // it scans), grouped by every catalogued dimension
      expect(METRICS[field].use).toBe('log');
      expect(query).toMatch(/^SOURCE 'TOKEN' \| filter message = 'metrics' and ispresent\(/);
      expect(query).toContain(`ispresent(${field})`);
      for (const dimension of METRICS[field].dimensions)
        expect(query, dimension).toMatch(new RegExp(`by .*${dimension}`));
    });

    it('shows every `log` figure in some Logs Insights widget, and reads only `alarm` figures as metrics', () => {
      // Prepare
      const queries = body.widgets.filter((w) => w.type === 'log').map((w) => String(w.properties.query));
      const lines = body.widgets.flatMap((w) => (w.properties.metrics as unknown[][] | undefined) ?? []);
      const metricNames = lines.flatMap((line) => {
        const head = line[0];
        if (head !== null && typeof head === 'object') {
          const search = /MetricName="([A-Za-z]+)"/.exec(String((head as { expression?: string }).expression));
          return search ? [search[1]!] : [];
        }
        return head === 'GreenOps' ? [String(line[1])] : [];
      });

      // Assess
      const logFigures = (Object.keys(METRICS) as MetricName[]).filter((name) => METRICS[name].use === 'log');
      for (const name of logFigures)
        expect(
          queries.some((q) => q.includes(`ispresent(${name})`)),
          name,
        ).toBe(true);
      expect(new Set(metricNames)).toEqual(new Set(['CarbonDataAge', 'DispatchFailures']));
      for (const name of metricNames) expect(METRICS[name as MetricName].use, name).toBe('alarm');
    });

    it('reads each alarm metric with the catalogue’s dimension set: service plus the catalogued dimensions', () => {
      // Act
      const age = widgetTitled(body, 'Carbon data age, seconds');
      const failures = widgetTitled(body, 'Dispatch failures');

      // Assess
      expect(JSON.stringify(age.metrics)).toContain('{GreenOps,service,Region} MetricName=\\"CarbonDataAge\\"');
      expect(failures.metrics[0]).toEqual(
        expect.arrayContaining(['GreenOps', 'DispatchFailures', 'service', 'dispatcher']),
      );
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

      // Assess: errors and dead letters for 5 functions, stale data for 2 regions, actions, state writes, dispatch
      expect(alarms).toHaveLength(5 * 2 + 2 + 3);
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

    it('watches each worker region’s errors and dead letters, and forwards their state changes to the home region', () => {
      // Prepare
      const { workers } = alarmed();
      const template = workers[0]!;

      // Assess: no topic and no key in a worker region; one rule sending this region's alarm events home.
      template.resourceCountIs('AWS::CloudWatch::Alarm', 2);
      template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'ApproximateNumberOfMessagesVisible' });
      template.resourceCountIs('AWS::SNS::Topic', 0);
      template.resourceCountIs('AWS::KMS::Key', 0);
      template.hasResourceProperties('AWS::Events::Rule', {
        EventPattern: Match.objectLike({
          source: ['aws.cloudwatch'],
          'detail-type': ['CloudWatch Alarm State Change'],
          detail: { alarmName: [{ prefix: 'CarbonAwareScheduler-Worker-eu-north-1-' }] },
        }),
        Targets: [Match.objectLike({ Arn: Match.stringLikeRegexp('event-bus/default') })],
      });
    });

    it('sends the worker alarms to the one alarm topic, encrypted with the one customer-managed key', () => {
      // Prepare
      const { controlPlane, workers } = alarmed();

      // Assess: one key in the whole deployment; the home rule matches the worker stacks' alarm names.
      const keys = [controlPlane, ...workers].reduce(
        (n, t) => n + Object.keys(t.findResources('AWS::KMS::Key')).length,
        0,
      );
      expect(keys).toBe(1);
      controlPlane.hasResourceProperties('AWS::Events::Rule', {
        EventPattern: Match.objectLike({
          source: ['aws.cloudwatch'],
          detail: { alarmName: Match.arrayWith([{ prefix: Match.stringLikeRegexp('^CarbonAwareScheduler-Worker-') }]) },
        }),
        Targets: [Match.objectLike({ Arn: { Ref: Match.stringLikeRegexp('AlarmTopic') } })],
      });
      controlPlane.hasResourceProperties('AWS::KMS::Key', {
        KeyPolicy: Match.objectLike({
          Statement: Match.arrayWith([
            Match.objectLike({
              Principal: { Service: 'events.amazonaws.com' },
              Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
            }),
          ]),
        }),
      });
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
