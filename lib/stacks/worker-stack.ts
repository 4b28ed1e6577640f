import { Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as cw from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import {
  DISPATCH_RESERVED_CONCURRENCY,
  FUNCTIONS,
  HOME_EVENT_BUS_ARN_ENV,
  HOME_REGION_ENV,
  PRODUCT,
  WORKER_FUNCTION_NAME,
  WORKER_MEMORY_MB,
  WORKER_TIMEOUT_SECONDS,
} from '../../lambdas/contract';
import { ALARM_STATE_CHANGE } from '../constructs/observability';
import { ProductFunction } from '../constructs/product-function';
import { jobBusArn, workerPutEventsStatement } from '../iam/job-bus';
import { lambdaEntry } from '../paths';

export interface WorkerStackProps extends StackProps {
  /** Region of the control plane whose job bus receives job completions. */
  readonly homeRegion: string;
  readonly metricsNamespace: string;
  readonly logRetention: logs.RetentionDays;
  /**
   * Unused since the worker's alarms notify the home region's alarm topic (through EventBridge, below); kept so the
   * stack's props do not change shape.
   */
  readonly alarmEmails: readonly string[];
}

/**
 * One per `workerRegions` entry: the worker Lambda that runs dispatched jobs in this region and reports completion
 * to the home region's job bus. Its name is fixed so the dispatcher can address it without cross-region
 * references or custom resources.
 */
export class WorkerStack extends Stack {
  readonly worker: ProductFunction;

  constructor(scope: Construct, id: string, props: WorkerStackProps) {
    super(scope, id, props);
    // The home region's job bus (not the default bus), by ARN built from this stack's partition.
    const homeBusArn = jobBusArn(this, props.homeRegion);
    this.worker = new ProductFunction(this, 'Worker', {
      entry: lambdaEntry(FUNCTIONS.worker),
      serviceName: FUNCTIONS.worker,
      functionName: WORKER_FUNCTION_NAME,
      description: `${PRODUCT}: runs dispatched jobs in ${this.region} and reports completion home`,
      metricsNamespace: props.metricsNamespace,
      logRetention: props.logRetention,
      memorySize: WORKER_MEMORY_MB,
      timeout: Duration.seconds(WORKER_TIMEOUT_SECONDS),
      // A job that timed out must not run twice: failed async invocations go straight to the DLQ.
      asyncRetryAttempts: 0,
      reservedConcurrentExecutions: DISPATCH_RESERVED_CONCURRENCY,
      environment: { [HOME_EVENT_BUS_ARN_ENV]: homeBusArn, [HOME_REGION_ENV]: props.homeRegion },
    });
    this.worker.addToRolePolicy(workerPutEventsStatement(homeBusArn));

    // An alarm can notify only a topic of its own region, and an encrypted topic CloudWatch may publish to needs a
    // customer-managed key ($1 a month per region). Instead, the alarms' state changes (which CloudWatch puts on the
    // region's default event bus by itself) are forwarded to the home region's default bus, where one rule sends
    // them to the one alarm topic (lib/constructs/observability.ts; docs/running-cost.md).
    const alarms = [
      new cw.Alarm(this, 'WorkerErrors', {
        alarmDescription: `Worker in ${this.region}: a job failed. The job's outcome record in the home table says why.`,
        metric: this.worker.function.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
        threshold: 1,
        comparisonOperator: cw.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cw.TreatMissingData.NOT_BREACHING,
      }),
      new cw.Alarm(this, 'WorkerDeadLetters', {
        alarmDescription: `Worker in ${this.region}: dispatched jobs failed after retries and wait in the dead-letter queue.`,
        metric: this.worker.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
          period: Duration.minutes(5),
          statistic: 'Maximum',
        }),
        threshold: 1,
        comparisonOperator: cw.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cw.TreatMissingData.NOT_BREACHING,
      }),
    ];
    // The alarms need no action: their state changes go to the event bus whatever their actions.
    void alarms;
    if (this.region !== props.homeRegion) {
      new events.Rule(this, 'ForwardAlarmsHome', {
        description:
          "Forwards the worker alarms' state changes to the home region, whose rule notifies the alarm topic",
        // CloudFormation names the alarms `<stack name>-<logical id>-<suffix>` (no Fn::GetAtt, which not every
        // CloudFormation implementation resolves for alarms).
        eventPattern: { ...ALARM_STATE_CHANGE, detail: { alarmName: [{ prefix: `${this.stackName}-` }] } },
        // To the home region's default bus, where the alarm rule listens (not the job bus, which admits only jobs).
        targets: [
          new targets.EventBus(
            events.EventBus.fromEventBusArn(
              this,
              'HomeDefaultBus',
              this.formatArn({
                service: 'events',
                region: props.homeRegion,
                resource: 'event-bus',
                resourceName: 'default',
              }),
            ),
          ),
        ],
      });
    }
  }
}
