import { Duration } from 'aws-cdk-lib';
import * as cw from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { QueryDefinition, QueryString } from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { METRICS, type MetricName } from '../../lambdas/contract';
import { workerStackName } from '../naming';
import { alarmTopic } from './alarm-topic';
import type { ProductFunction } from './product-function';
import { graph, logQuery, markdown, metricsLogQuery, productMetric, searchMetric } from './widgets';

/** The events CloudWatch puts on its region's default event bus when an alarm changes state. */
export const ALARM_STATE_CHANGE = { source: ['aws.cloudwatch'], detailType: ['CloudWatch Alarm State Change'] };

/** A function to watch, with a readable label. */
export interface WatchedFunction {
  readonly label: string;
  readonly fn: ProductFunction;
}

/** Typed settings of the dashboard, alarms and saved queries. */
export interface ObservabilityProps {
  readonly namespace: string;
  /** Regions whose carbon intensity is graphed, with each region's threshold (gCO2e/kWh). */
  readonly carbonRegions: readonly { region: string; thresholdGCO2ePerKWh: number }[];
  readonly managedRegions: readonly string[];
  readonly workerRegions: readonly string[];
  /** Fixed name of the worker function in every worker region. */
  readonly workerFunctionName: string;
  /** Carbon data older than this raises an alarm, minutes. */
  readonly maxDataAgeMinutes: number;
  /**
   * Regions that can receive live data; only these get a staleness alarm (treating missing data as breaching, so a
   * fetcher that stopped reporting raises it). Static-only regions have no age to watch.
   */
  readonly liveCarbonRegions: readonly string[];
  readonly fetchIntervalMinutes: number;
  /** Control-plane functions (errors, throttles, duration, DLQ). */
  readonly functions: readonly WatchedFunction[];
  /** The scheduler's log group, for the saved "why did my instance stop/start" query. */
  readonly schedulerLogGroup: logs.ILogGroup;
  /** E-mail addresses subscribed to the alarm topic. */
  readonly alarmEmails: readonly string[];
  /** Where the dashboard's help text links to (the README's runbook). */
  readonly runbookUrl: string;
}

/**
 * The home-region CloudWatch dashboard, the alarms (to an encrypted SNS topic) and the saved Logs Insights
 * queries. Metrics come from the catalogue in lambdas/contract/metrics.ts; worker metrics use their region.
 */
export class Observability extends Construct {
  readonly dashboard: cw.Dashboard;
  readonly topic: sns.Topic;
  readonly alarms: cw.Alarm[] = [];

  constructor(scope: Construct, id: string, props: ObservabilityProps) {
    super(scope, id);
    const ns = props.namespace;
    this.topic = alarmTopic(this, props.alarmEmails);
    const notify = new cwActions.SnsAction(this.topic);
    const alarm = (alarmId: string, options: cw.AlarmProps): cw.Alarm => {
      const created = new cw.Alarm(this, alarmId, options);
      created.addAlarmAction(notify);
      created.addOkAction(notify);
      this.alarms.push(created);
      return created;
    };
    // The worker stacks' alarms reach this topic through EventBridge (lib/stacks/worker-stack.ts): one topic, one key.
    new events.Rule(this, 'WorkerAlarmsToTopic', {
      description: 'Sends the state changes of the worker alarms (every worker region) to the alarm topic',
      eventPattern: {
        ...ALARM_STATE_CHANGE,
        region: [...props.workerRegions],
        detail: { alarmName: props.workerRegions.map((region) => ({ prefix: `${workerStackName(region)}-` })) },
      },
      targets: [
        new targets.SnsTopic(this.topic, {
          message: events.RuleTargetInput.fromText(
            `Alarm ${events.EventField.fromPath('$.detail.alarmName')} in ${events.EventField.fromPath('$.region')} is ${events.EventField.fromPath('$.detail.state.value')}: ${events.EventField.fromPath('$.detail.state.reason')}`,
          ),
        }),
      ],
    });
    const fiveMinutes = Duration.minutes(5);
    const hour = Duration.hours(1);

    // Alarms -------------------------------------------------------------------------------------------------------
    for (const { label, fn } of props.functions) {
      alarm(`${label}Errors`, {
        alarmDescription: `${label}: the function failed at least once in 5 minutes. See its log group and the runbook.`,
        metric: fn.function.metricErrors({ period: fiveMinutes, statistic: 'Sum' }),
        threshold: 1,
        comparisonOperator: cw.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cw.TreatMissingData.NOT_BREACHING,
      });
      alarm(`${label}DeadLetters`, {
        alarmDescription: `${label}: asynchronous invocations failed after retries and wait in the dead-letter queue.`,
        metric: fn.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
          period: fiveMinutes,
          statistic: 'Maximum',
        }),
        threshold: 1,
        comparisonOperator: cw.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cw.TreatMissingData.NOT_BREACHING,
      });
    }
    const agePeriod = Duration.minutes(Math.max(5, props.fetchIntervalMinutes));
    for (const region of props.liveCarbonRegions) {
      alarm(`CarbonDataStale${pascal(region)}`, {
        alarmDescription: `Carbon data for ${region} is older than ${props.maxDataAgeMinutes} minutes, or the fetcher stopped reporting it. Decisions fall back to cached or static values.`,
        metric: productMetric(ns, 'CarbonDataAge', { Region: region }, { statistic: 'Minimum', period: agePeriod }),
        threshold: props.maxDataAgeMinutes * 60,
        comparisonOperator: cw.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 2,
        treatMissingData: cw.TreatMissingData.BREACHING,
      });
    }
    // One run-level total (the scheduler sums its ActionErrors into ActionFailures), so this alarm reads one metric
    // for any number of managed regions; metric math in an alarm may read at most 10 metrics.
    alarm('ActionFailures', {
      alarmDescription:
        'The scheduler could not start, stop or resize at least one instance, or could not describe a region (e.g. InsufficientInstanceCapacity). It retries next run; the table records which instance and why, and the "EC2 action failures" graph shows the region and action.',
      metric: productMetric(ns, 'ActionFailures', {}, { statistic: 'Sum', period: fiveMinutes }),
      threshold: 1,
      comparisonOperator: cw.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cw.TreatMissingData.NOT_BREACHING,
    });
    alarm('StateWriteFailures', {
      alarmDescription:
        'The scheduler acted in a region but could not write its state (or a newer run fenced it out). The next run records the actions from their intent; see the scheduler log line "scheduler region failed" with phase persist.',
      metric: productMetric(ns, 'StateWriteFailures', {}, { statistic: 'Sum', period: fiveMinutes }),
      threshold: 1,
      comparisonOperator: cw.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cw.TreatMissingData.NOT_BREACHING,
    });
    alarm('DispatchFailures', {
      alarmDescription: 'A job could not be handed to any worker region. The job record in the table says why.',
      metric: productMetric(ns, 'DispatchFailures', {}),
      threshold: 1,
      comparisonOperator: cw.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cw.TreatMissingData.NOT_BREACHING,
    });

    // Dashboard ----------------------------------------------------------------------------------------------------
    // Only the figures an alarm reads are CloudWatch metrics (lambdas/contract/metrics.ts, `use`); the rest are fields
    // of the functions' `metrics` log lines, shown by Logs Insights widgets (docs/running-cost.md).
    this.dashboard = new cw.Dashboard(this, 'Dashboard', {
      defaultInterval: Duration.days(7),
      periodOverride: cw.PeriodOverride.AUTO,
    });
    // Each widget reads only the log group of the function that emits its figures: Logs Insights bills every byte
    // of the log groups it scans, and the scheduler's decision log is the largest.
    const logGroupOf = (name: MetricName): string[] =>
      props.functions
        .filter(({ fn }) => fn.serviceName === METRICS[name].service)
        .map(({ fn }) => fn.logGroup.logGroupName);
    const query = (
      title: string,
      fields: readonly [MetricName, ...(MetricName | 'State')[]],
      pipeline: string,
      options: { width?: number; view?: cw.LogQueryVisualizationType; filter?: string } = {},
    ): cw.IWidget => {
      const groups = logGroupOf(fields[0]);
      if (groups.length === 0) {
        // The emitting function is not deployed (e.g. rightsizing disabled).
        return new cw.TextWidget({ markdown: `**${title}**: not deployed`, width: options.width ?? 8, height: 6 });
      }
      return logQuery(title, groups, metricsLogQuery(fields, pipeline, options.filter), options);
    };
    const table = cw.LogQueryVisualizationType.TABLE;
    const bar = cw.LogQueryVisualizationType.BAR;
    this.dashboard.addWidgets(
      markdown(
        [
          '# Carbon-aware scheduler',
          'What this dashboard shows, top to bottom:',
          '* **Money saved and CO2e avoided**: running totals kept in the table. *Today* and *Month* are calendar UTC periods; *Total* is since installation. Savings count each instance-hour the scheduler kept an instance stopped, at its on-demand price and at the grid intensity of that hour.',
          '* **Carbon intensity per region**: grams CO2e per kWh of the grid each region draws on, with the `threshold` line above which `carbon-aware` instances pause. Lower is cleaner.',
          '* **Starts and stops**, **managed instances by state**: what the scheduler did. **Jobs dispatched**: where deferrable jobs ran and the carbon that saved versus the home region.',
          '* **Rightsizing**: monthly dollars the open recommendations would save.',
          "* **Data health**: how old each region's carbon reading is (older data is penalised, then replaced by static annual averages) and provider failures. **Function health**: errors, throttles and p99 duration of every Lambda.",
          "Figures an alarm watches are CloudWatch metrics; the others are Logs Insights queries over the functions' `metrics` log lines (within the dashboard's time range).",
          `Runbook (what to do when an alarm fires): ${props.runbookUrl}`,
        ].join('\n'),
        7,
      ),
    );
    this.dashboard.addWidgets(
      query('Money saved, USD', ['CostSavingsTotal'], 'stats latest(CostSavingsTotal) as USD by Period', {
        view: table,
      }),
      query(
        'CO2e avoided, kg',
        ['CarbonAvoidedTotal'],
        'stats latest(CarbonAvoidedTotal) / 1000 as kg_CO2e by Period',
        { view: table },
      ),
      query(
        'Rightsizing: open recommendations, USD per month',
        ['RightsizingMonthlySavings', 'RightsizingRecommendations'],
        'stats latest(RightsizingRecommendations) as open, latest(RightsizingMonthlySavings) as usd by Region\n| stats sum(open) as open_recommendations, sum(usd) as USD_per_month',
        { view: table },
      ),
    );
    this.dashboard.addWidgets(
      ...props.carbonRegions.map(({ region, thresholdGCO2ePerKWh }) =>
        query(
          `Carbon intensity ${region}, gCO2e/kWh`,
          ['CarbonIntensity'],
          `stats avg(CarbonIntensity) as gCO2e_per_kWh, max(CarbonIntensity * 0 + ${thresholdGCO2ePerKWh}) as threshold by bin(15m)`,
          { filter: `Region = '${region}'` },
        ),
      ),
    );
    this.dashboard.addWidgets(
      query('Instances started, per region', ['InstanceStartup'], 'stats sum(InstanceStartup) by bin(1h), Region'),
      query('Instances stopped, per region', ['InstanceShutdown'], 'stats sum(InstanceShutdown) by bin(1h), Region'),
      query(
        'Managed instances by region and state',
        ['ManagedInstances', 'State'],
        'stats max(ManagedInstances) by bin(1h), Region, State',
      ),
    );
    this.dashboard.addWidgets(
      query('Money saved per day, USD', ['CostSavings'], 'stats sum(CostSavings) by bin(1d), Region', { view: bar }),
      query('CO2e avoided per day, g', ['CarbonAvoided'], 'stats sum(CarbonAvoided) by bin(1d), Region', {
        view: bar,
      }),
      query('EC2 action failures', ['ActionErrors'], 'stats sum(ActionErrors) by bin(1h), Region, Action'),
    );
    this.dashboard.addWidgets(
      query(
        'Scheduler deliveries skipped as stale',
        ['StaleEventsSkipped'],
        'stats sum(StaleEventsSkipped) as stale_deliveries by bin(1h)',
        { width: 12, view: bar },
      ),
      query(
        'Prices from the bundled snapshot (Price List API failed)',
        ['PriceFallbacks'],
        'stats sum(PriceFallbacks) by bin(1h), Region',
        { width: 12, view: bar },
      ),
    );
    this.dashboard.addWidgets(
      query('Jobs dispatched, per region', ['DispatchedJobs'], 'stats sum(DispatchedJobs) by bin(1h), Region', {
        width: 6,
      }),
      query(
        'Dispatch: CO2e saved vs home region, g',
        ['DispatchCarbonSaved'],
        'stats sum(DispatchCarbonSaved) as gCO2e_saved by bin(1h)',
        { width: 6 },
      ),
      query('Jobs deferred', ['DeferredJobs'], 'stats sum(DeferredJobs) as deferred_to_a_cleaner_slot by bin(1h)', {
        width: 6,
      }),
      query('Jobs completed, by outcome', ['JobsCompleted'], 'stats sum(JobsCompleted) by bin(1h), Outcome, Region', {
        width: 6,
      }),
    );
    this.dashboard.addWidgets(
      graph(
        'Dispatch failures',
        [productMetric(ns, 'DispatchFailures', {}, { period: hour, label: 'jobs no worker accepted' })],
        { width: 8 },
      ),
      query(
        'Worker invoke errors, per region',
        ['DispatchInvokeErrors'],
        'stats sum(DispatchInvokeErrors) by bin(1h), Region',
      ),
      query(
        'Invalid schedule tags, per region',
        ['InvalidScheduleTags'],
        'stats max(InvalidScheduleTags) by bin(1h), Region',
      ),
    );
    this.dashboard.addWidgets(
      graph('Carbon data age, seconds', [searchMetric(ns, 'CarbonDataAge', 'Maximum', fiveMinutes)], {
        annotations: [{ value: props.maxDataAgeMinutes * 60, label: 'stale alarm', color: '#d62728' }],
      }),
      query('Carbon provider failures', ['ProviderFailures'], 'stats sum(ProviderFailures) by bin(1h), Provider', {
        width: 12,
      }),
    );
    const lambdaMetric = (metric: 'Errors' | 'Throttles' | 'Duration', statistic: string): cw.IMetric[] => [
      ...props.functions.map(({ label, fn }) => fn.function.metric(metric, { statistic, period: fiveMinutes, label })),
      ...props.workerRegions.map(
        (region) =>
          new cw.Metric({
            namespace: 'AWS/Lambda',
            metricName: metric,
            dimensionsMap: { FunctionName: props.workerFunctionName },
            statistic,
            period: fiveMinutes,
            region,
            label: `worker ${region}`,
          }),
      ),
    ];
    this.dashboard.addWidgets(
      graph('Lambda errors', lambdaMetric('Errors', 'Sum'), { width: 8 }),
      graph('Lambda throttles', lambdaMetric('Throttles', 'Sum'), { width: 8 }),
      graph('Lambda duration p99, ms', lambdaMetric('Duration', 'p99'), { width: 8 }),
    );

    // Saved Logs Insights queries -------------------------------------------------------------------------------------
    new QueryDefinition(this, 'WhyDidMyInstanceChange', {
      queryDefinitionName: 'carbon-aware-scheduler/why-did-my-instance-stop-or-start',
      logGroups: [props.schedulerLogGroup],
      queryString: new QueryString({
        fields: ['@timestamp', 'instanceId', 'region', 'schedule', 'desired', 'action', 'reason'],
        filterStatements: ['ispresent(instanceId)', "action != 'none'", 'instanceId like /i-/'],
        sort: '@timestamp desc',
        limit: 200,
      }),
    });
    // One run's decisions: the scheduler returns the first entries of its plan and points here for the rest; replace
    // the tick with the run's `tick` (docs/run-safety.md, "Bounded output").
    new QueryDefinition(this, 'SchedulerRunDecisions', {
      queryDefinitionName: 'carbon-aware-scheduler/scheduler-run-decisions',
      logGroups: [props.schedulerLogGroup],
      queryString: new QueryString({
        fields: ['@timestamp', 'tick', 'instanceId', 'region', 'schedule', 'action', 'result', 'reason', 'error'],
        filterStatements: ["message = 'scheduler decision'", "tick = '2026-01-05T08:00:00.000Z'"],
        sort: 'region asc',
        limit: 10000,
      }),
    });
    new QueryDefinition(this, 'ErrorsLast24h', {
      queryDefinitionName: 'carbon-aware-scheduler/errors-last-24h',
      logGroups: props.functions.map(({ fn }) => fn.logGroup),
      queryString: new QueryString({
        fields: ['@timestamp', '@log', 'level', 'message', 'error.message', 'error.name'],
        filterStatements: ["level = 'ERROR' or level = 'CRITICAL' or ispresent(error)"],
        sort: '@timestamp desc',
        limit: 200,
      }),
    });
  }
}

/** The alarm topic moved to its own file; re-exported for the stacks that import it from here. */
export { alarmTopic } from './alarm-topic';

function pascal(region: string): string {
  return region
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}
