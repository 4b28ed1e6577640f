import { ArnFormat, CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { NagSuppressions } from 'cdk-nag';
import type { Construct } from 'constructs';
import {
  DEFERRAL_SCHEDULE_GROUP_NAME,
  DISPATCH_EVENT_SOURCE,
  DISPATCH_RESERVED_CONCURRENCY,
  DISPATCH_SCHEDULE_GROUP_ENV,
  DISPATCH_SCHEDULER_ROLE_ARN_ENV,
  FUNCTIONS,
  JOB_COMPLETED_DETAIL_TYPE,
  JOB_EVENT_BUS_NAME,
  JOB_REQUESTED_DETAIL_TYPE,
  PRODUCT,
  TABLE_NAME_ENV,
  WORKER_FUNCTION_NAME,
  WORKER_FUNCTIONS_ENV,
} from '../../lambdas/contract';
import type { ResizeScope } from '../../lambdas/core/config/schema';
import { Observability } from '../constructs/observability';
import { ProductFunction } from '../constructs/product-function';
import { ResourceScheduling, type ResourceSchedulingProps } from '../constructs/resource-scheduling';
import { StateTable } from '../constructs/state-table';
import { SustainabilityApi } from '../constructs/sustainability-api';
import { ec2SchedulingStatements } from '../iam/ec2-scheduling';
import { jobBus } from '../iam/job-bus';
import { tableAccessStatements } from '../iam/table-access';
import { lambdaEntry } from '../paths';

/** Everything the control plane needs from the validated configuration, already derived. */
export interface ControlPlaneStackProps extends StackProps {
  /**
   * The validated configuration as written (lib/function-config.ts), bundled as `config.json` into the code of every
   * control-plane function: carbon fetcher, scheduler, rightsizer, dispatcher and outcome recorder.
   */
  readonly configFile: string;
  readonly metricsNamespace: string;
  readonly logRetention: logs.RetentionDays;
  readonly managedRegions: readonly string[];
  readonly workerRegions: readonly string[];
  readonly fetchIntervalMinutes: number;
  readonly schedulingIntervalMinutes: number;
  /** Secrets Manager names or ARNs holding provider credentials. */
  readonly providerSecrets: readonly string[];
  /** KMS keys of customer-managed EBS encryption (scheduler gets kms:CreateGrant to start such instances). */
  readonly ebsKmsKeyArns: readonly string[];
  readonly rightsizingEnabled: boolean;
  /** Which instances the scheduler may change the type of (`resizeScope` of the configuration). */
  readonly resizeScope: ResizeScope;
  /** The tag key that puts an instance under this deployment's management (IAM conditions use it). */
  readonly scheduleTagKey: string;
  /** Regions graphed on the dashboard and watched for stale data, with their thresholds in gCO2e/kWh. */
  readonly carbonRegions: readonly { region: string; thresholdGCO2ePerKWh: number }[];
  readonly maxDataAgeMinutes: number;
  /** Regions that can receive live carbon data (they get a staleness alarm). */
  readonly liveCarbonRegions: readonly string[];
  readonly alarmEmails: readonly string[];
  readonly runbookUrl: string;
  /** `resources.informationTags` and `resources.notifications` (docs/resources.md). */
  readonly resources?: Pick<ResourceSchedulingProps, 'informationTags' | 'notifications'>;
  /** Roles allowed to put JobRequested events on the job bus (config `dispatch.jobSubmitterRoleArns`). */
  readonly jobSubmitterRoleArns: readonly string[];
  /** The worker stack's name in a region (its roles' names start with it). */
  readonly workerStackNameFor: (region: string) => string;
}

/**
 * The home-region stack: the state table, the carbon fetcher, the EC2 scheduler, the rightsizer, the dispatcher and
 * the recorder of job outcomes, with their EventBridge triggers and least-privilege roles.
 */
export class ControlPlaneStack extends Stack {
  readonly table: StateTable;
  readonly fetcher: ProductFunction;
  readonly scheduler: ProductFunction;
  readonly rightsizer?: ProductFunction;
  readonly dispatcher: ProductFunction;
  readonly outcomeRecorder: ProductFunction;
  readonly functions: ProductFunction[] = [];
  readonly observability: Observability;
  /** The event bus of job requests and completions (lib/iam/job-bus.ts). */
  readonly jobBus: events.EventBus;

  constructor(scope: Construct, id: string, props: ControlPlaneStackProps) {
    super(scope, id, props);
    this.table = new StateTable(this, 'State');
    // Every control-plane function reads the configuration (bundled as config.json).
    const common = {
      metricsNamespace: props.metricsNamespace,
      logRetention: props.logRetention,
      configFile: props.configFile,
    };
    const environment = { [TABLE_NAME_ENV]: this.table.table.tableName };
    const make = (
      constructId: string,
      name: string,
      description: string,
      extra: Partial<ConstructorParameters<typeof ProductFunction>[2]> = {},
    ): ProductFunction => {
      const fn = new ProductFunction(this, constructId, {
        entry: lambdaEntry(name),
        serviceName: name,
        description: `${PRODUCT}: ${description}`,
        ...common,
        ...extra,
        environment: { ...environment, ...extra.environment },
      });
      // Only the actions its code uses, on the partitions it owns (lib/iam/table-access.ts).
      for (const statement of tableAccessStatements(name, this.table.table.tableArn)) fn.addToRolePolicy(statement);
      this.functions.push(fn);
      return fn;
    };

    // Carbon fetcher ------------------------------------------------------------------------------------------
    // Run settings (docs/run-safety.md, "Lambda settings"): a fetch is idempotent and its cache-write failure asks
    // for Lambda's retries, but an event older than one fetch interval is superseded by the next fetch.
    this.fetcher = make('CarbonFetcher', FUNCTIONS.carbonFetcher, 'fetches grid carbon intensity for every region', {
      timeout: Duration.seconds(60),
      memorySize: 512,
      asyncRetryAttempts: 2,
      maxEventAge: Duration.minutes(Math.max(1, props.fetchIntervalMinutes)),
    });
    if (props.providerSecrets.length > 0) {
      this.fetcher.addToRolePolicy(
        new iam.PolicyStatement({
          actions: ['secretsmanager:GetSecretValue'],
          resources: props.providerSecrets.map((secret) => this.secretArn(secret)),
        }),
      );
    }
    new events.Rule(this, 'CarbonFetchSchedule', {
      description: 'Triggers the carbon fetcher',
      schedule: events.Schedule.rate(Duration.minutes(props.fetchIntervalMinutes)),
      targets: [
        new targets.LambdaFunction(this.fetcher.function, {
          retryAttempts: 2,
          maxEventAge: Duration.minutes(Math.max(1, props.fetchIntervalMinutes)),
        }),
      ],
    });

    // EC2 scheduler -------------------------------------------------------------------------------------------
    // Run settings (docs/run-safety.md, "Lambda settings"): one run at a time, no retry of a run (the next tick is
    // the retry, and it acts at its own clock), and no event older than one interval.
    this.scheduler = make('Scheduler', FUNCTIONS.scheduler, 'starts, stops and resizes EC2 instances tagged Schedule', {
      timeout: Duration.minutes(5),
      memorySize: 1024,
      reservedConcurrentExecutions: 1,
      asyncRetryAttempts: 0,
      maxEventAge: Duration.minutes(Math.max(1, props.schedulingIntervalMinutes)),
    });
    this.grantEc2Scheduling(this.scheduler, props);
    new ResourceScheduling(this, 'ResourceScheduling', {
      scheduler: this.scheduler,
      managedRegions: props.managedRegions,
      informationTags: props.resources?.informationTags ?? false,
      ...(props.resources?.notifications ? { notifications: props.resources.notifications } : {}),
    });
    new events.Rule(this, 'SchedulerSchedule', {
      description: 'Triggers the EC2 scheduler',
      schedule: events.Schedule.rate(Duration.minutes(props.schedulingIntervalMinutes)),
      targets: [
        new targets.LambdaFunction(this.scheduler.function, {
          retryAttempts: 0,
          maxEventAge: Duration.minutes(Math.max(1, props.schedulingIntervalMinutes)),
        }),
      ],
    });

    // Rightsizer ----------------------------------------------------------------------------------------------
    if (props.rightsizingEnabled) {
      // Run settings (docs/run-safety.md, "Lambda settings"): one daily analysis at a time; its writes are
      // idempotent (one recommendation per instance), so Lambda's retries stay, within one hour of the trigger.
      this.rightsizer = make('Rightsizer', FUNCTIONS.rightsizer, 'recommends smaller or Graviton instance types', {
        timeout: Duration.minutes(10),
        memorySize: 1024,
        reservedConcurrentExecutions: 1,
        asyncRetryAttempts: 2,
        maxEventAge: Duration.hours(1),
      });
      this.rightsizer.addToRolePolicy(
        new iam.PolicyStatement({
          actions: [
            'ec2:DescribeInstances',
            'ec2:DescribeInstanceTypes',
            'cloudwatch:GetMetricData',
            'pricing:GetProducts',
          ],
          resources: ['*'],
        }),
      );
      new events.Rule(this, 'RightsizerSchedule', {
        description: 'Triggers the daily rightsizing analysis',
        schedule: events.Schedule.cron({ minute: '30', hour: '3' }),
        targets: [
          new targets.LambdaFunction(this.rightsizer.function, { retryAttempts: 2, maxEventAge: Duration.hours(1) }),
        ],
      });
    }

    // Dispatcher ----------------------------------------------------------------------------------------------
    const workerArns = Object.fromEntries(
      props.workerRegions.map((region) => [region, ProductFunction.arnFor(this, region, WORKER_FUNCTION_NAME)]),
    );
    const scheduleGroup = new scheduler.CfnScheduleGroup(this, 'DeferralScheduleGroup', {
      name: DEFERRAL_SCHEDULE_GROUP_NAME,
    });
    const schedulerRole = new iam.Role(this, 'DeferralSchedulerRole', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
      description: 'Assumed by EventBridge Scheduler to re-submit deferred jobs to the dispatcher',
    });
    this.dispatcher = make('Dispatcher', FUNCTIONS.dispatcher, 'sends deferrable jobs to the cleanest region', {
      timeout: Duration.seconds(60),
      memorySize: 512,
      reservedConcurrentExecutions: DISPATCH_RESERVED_CONCURRENCY,
      environment: {
        [WORKER_FUNCTIONS_ENV]: JSON.stringify(workerArns),
        [DISPATCH_SCHEDULE_GROUP_ENV]: DEFERRAL_SCHEDULE_GROUP_NAME,
        [DISPATCH_SCHEDULER_ROLE_ARN_ENV]: schedulerRole.roleArn,
      },
    });
    schedulerRole.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['lambda:InvokeFunction'],
        resources: [this.dispatcher.function.functionArn],
      }),
    );
    this.dispatcher.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: Object.values(workerArns) }),
    );
    this.dispatcher.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['scheduler:CreateSchedule', 'scheduler:DeleteSchedule'],
        resources: [
          this.formatArn({
            service: 'scheduler',
            resource: 'schedule',
            resourceName: `${DEFERRAL_SCHEDULE_GROUP_NAME}/*`,
          }),
        ],
      }),
    );
    this.dispatcher.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['iam:PassRole'],
        resources: [schedulerRole.roleArn],
        conditions: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
      }),
    );
    this.dispatcher.node.addDependency(scheduleGroup);
    this.jobBus = jobBus(this, 'JobBus', {
      workerRoleArnPatterns: props.workerRegions.map((region) =>
        this.formatArn({
          service: 'iam',
          region: '',
          resource: 'role',
          resourceName: `${props.workerStackNameFor(region)}-*`,
        }),
      ),
      dispatcherRole: this.dispatcher.role,
      submitterRoleArns: props.jobSubmitterRoleArns,
    });
    // Rules name the bus literally (and depend on it) rather than by Ref: same template meaning, and the emulated
    // CloudFormation of the integration tier resolves only a literal name for a rule's EventBusName.
    const jobBusByName = events.EventBus.fromEventBusName(this, 'JobBusByName', JOB_EVENT_BUS_NAME);
    const requestedRule = new events.Rule(this, 'JobRequestedRule', {
      description: 'Routes job requests (of this account) to the dispatcher',
      eventBus: jobBusByName,
      eventPattern: {
        source: [DISPATCH_EVENT_SOURCE],
        detailType: [JOB_REQUESTED_DETAIL_TYPE],
        account: [this.account],
      },
      targets: [new targets.LambdaFunction(this.dispatcher.function, { retryAttempts: 2 })],
    });

    // Outcome recorder ----------------------------------------------------------------------------------------
    this.outcomeRecorder = make('OutcomeRecorder', FUNCTIONS.outcomeRecorder, 'records job outcomes from workers', {
      timeout: Duration.seconds(30),
      memorySize: 256,
    });
    requestedRule.node.addDependency(this.jobBus);
    const completedRule = new events.Rule(this, 'JobCompletedRule', {
      description: 'Records job completions reported by workers (of this account) in every region',
      eventBus: jobBusByName,
      eventPattern: {
        source: [DISPATCH_EVENT_SOURCE],
        detailType: [JOB_COMPLETED_DETAIL_TYPE],
        account: [this.account],
      },
      targets: [new targets.LambdaFunction(this.outcomeRecorder.function, { retryAttempts: 2 })],
    });
    completedRule.node.addDependency(this.jobBus);

    // Dashboard, alarms, saved queries -------------------------------------------------------------------------
    this.observability = new Observability(this, 'Observability', {
      namespace: props.metricsNamespace,
      carbonRegions: props.carbonRegions,
      managedRegions: props.managedRegions,
      workerRegions: props.workerRegions,
      workerFunctionName: WORKER_FUNCTION_NAME,
      maxDataAgeMinutes: props.maxDataAgeMinutes,
      liveCarbonRegions: props.liveCarbonRegions,
      fetchIntervalMinutes: props.fetchIntervalMinutes,
      functions: [
        { label: 'CarbonFetcher', fn: this.fetcher },
        { label: 'Scheduler', fn: this.scheduler },
        ...(this.rightsizer ? [{ label: 'Rightsizer', fn: this.rightsizer }] : []),
        { label: 'Dispatcher', fn: this.dispatcher },
        { label: 'OutcomeRecorder', fn: this.outcomeRecorder },
      ],
      schedulerLogGroup: this.scheduler.logGroup,
      alarmEmails: props.alarmEmails,
      runbookUrl: props.runbookUrl,
    });

    // Sustainability HTTP API (docs/api.md) --------------------------------------------------------------------
    new SustainabilityApi(this, 'SustainabilityApi', {
      table: this.table.table,
      alarms: this.observability.alarms,
      ...common,
    });

    // Outputs: what a user needs to find and invoke after `cdk deploy` ----------------------------------------
    const output = (name: string, value: string, description: string) =>
      new CfnOutput(this, name, { value, description });
    output(
      'DashboardUrl',
      `https://${this.region}.console.aws.amazon.com/cloudwatch/home?region=${this.region}#dashboards/dashboard/${this.observability.dashboard.dashboardName}`,
      'CloudWatch dashboard of carbon intensity, actions, savings and health',
    );
    output(
      'SchedulerFunctionName',
      this.scheduler.function.functionName,
      'EC2 scheduler; test with events/scheduler-dry-run.json',
    );
    output(
      'CarbonFetcherFunctionName',
      this.fetcher.function.functionName,
      'Carbon fetcher; test with events/carbon-fetcher-dry-run.json',
    );
    output(
      'DispatcherFunctionName',
      this.dispatcher.function.functionName,
      'Job dispatcher; invoke with events/dispatcher-*.json',
    );
    if (this.rightsizer) {
      output(
        'RightsizerFunctionName',
        this.rightsizer.function.functionName,
        'Rightsizer; test with events/rightsizer-dry-run.json',
      );
    }
    output(
      'StateTableName',
      this.table.table.tableName,
      'DynamoDB table of readings, state, savings, recommendations and jobs',
    );
    output('AlarmTopicArn', this.observability.topic.topicArn, 'SNS topic the alarms notify; subscribe to it');

    this.suppressFindings(schedulerRole);
  }

  /** EC2 permissions of the scheduler (lib/iam/ec2-scheduling.ts, docs/security.md). */
  private grantEc2Scheduling(fn: ProductFunction, props: ControlPlaneStackProps): void {
    for (const statement of ec2SchedulingStatements(this, {
      regions: props.managedRegions,
      scheduleTagKey: props.scheduleTagKey,
      resizeScope: props.resizeScope,
      kmsKeyArns: props.ebsKmsKeyArns,
    })) {
      fn.addToRolePolicy(statement);
    }
  }

  /** ARN pattern of a Secrets Manager secret given by name (Secrets Manager appends a 6-character suffix) or ARN. */
  private secretArn(nameOrArn: string): string {
    if (nameOrArn.startsWith('arn:')) return nameOrArn;
    return this.formatArn({
      service: 'secretsmanager',
      resource: 'secret',
      resourceName: `${nameOrArn}-??????`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
  }

  private suppressFindings(schedulerRole: iam.Role): void {
    NagSuppressions.addResourceSuppressions(
      this.scheduler.role,
      [
        {
          id: 'AwsSolutions-IAM5',
          reason:
            'ec2:DescribeInstances and pricing:GetProducts support no resource-level permissions; Start/Stop/ModifyInstanceAttribute use instance/* in the managed regions but are conditioned on the Schedule tag being present (aws:ResourceTag/Schedule).',
          appliesTo: [
            'Resource::*',
            {
              regex:
                '/^Resource::arn:(?:aws[a-z-]*|<AWS::Partition>):ec2:[a-z0-9-]+:(?:\\d{12}|<AWS::AccountId>):instance\\/\\*$/g',
            },
          ],
        },
      ],
      true,
    );
    if (this.rightsizer) {
      NagSuppressions.addResourceSuppressions(
        this.rightsizer.role,
        [
          {
            id: 'AwsSolutions-IAM5',
            reason:
              'ec2:DescribeInstances, ec2:DescribeInstanceTypes, cloudwatch:GetMetricData and pricing:GetProducts support no resource-level permissions; the rightsizer only reads.',
            appliesTo: ['Resource::*'],
          },
        ],
        true,
      );
    }
    NagSuppressions.addResourceSuppressions(
      this.dispatcher.role,
      [
        {
          id: 'AwsSolutions-IAM5',
          reason:
            'Deferral schedules are created on demand with generated names, so the dispatcher may manage schedules only inside its own schedule group (schedule/<group>/*).',
          appliesTo: [
            {
              regex: `/^Resource::arn:(?:aws[a-z-]*|<AWS::Partition>):scheduler:[a-z0-9-]+:(?:\\d{12}|<AWS::AccountId>):schedule\\/${DEFERRAL_SCHEDULE_GROUP_NAME}\\/\\*$/g`,
            },
          ],
        },
      ],
      true,
    );
    if (this.fetcher.role.node.tryFindChild('DefaultPolicy')) {
      NagSuppressions.addResourceSuppressions(
        this.fetcher.role,
        [
          {
            id: 'AwsSolutions-IAM5',
            reason:
              'Secrets Manager appends a random 6-character suffix to secret ARNs; "-??????" matches exactly that suffix of the configured secret names.',
            appliesTo: [
              {
                regex:
                  '/^Resource::arn:(?:aws[a-z-]*|<AWS::Partition>):secretsmanager:[a-z0-9-]+:(?:\\d{12}|<AWS::AccountId>):secret:.*-\\?\\?\\?\\?\\?\\?$/g',
              },
            ],
          },
        ],
        true,
      );
    }
    void schedulerRole;
  }
}
