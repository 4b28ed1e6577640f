import { Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as cw from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
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
import { alarmTopic } from '../constructs/alarm-topic';
import { ProductFunction } from '../constructs/product-function';
import { jobBusArn, workerPutEventsStatement } from '../iam/job-bus';
import { lambdaEntry } from '../paths';

export interface WorkerStackProps extends StackProps {
  /** Region of the control plane whose job bus receives job completions. */
  readonly homeRegion: string;
  readonly metricsNamespace: string;
  readonly logRetention: logs.RetentionDays;
  /** E-mail addresses subscribed to this region's alarm topic. */
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

    // Alarms must notify a topic in their own region, so each worker region has its own small topic.
    const notify = new cwActions.SnsAction(alarmTopic(this, props.alarmEmails));
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
    for (const alarm of alarms) {
      alarm.addAlarmAction(notify);
      alarm.addOkAction(notify);
    }
  }
}
