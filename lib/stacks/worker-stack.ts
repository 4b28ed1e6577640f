import { Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { ProductFunction } from '../constructs/product-function';
import { PRODUCT, WORKER_FUNCTION_NAME } from '../naming';
import { lambdaEntry } from '../paths';

export interface WorkerStackProps extends StackProps {
  /** Region of the control plane whose default event bus receives job completions. */
  readonly homeRegion: string;
  readonly metricsNamespace: string;
  readonly logRetention: logs.RetentionDays;
}

/**
 * One per `workerRegions` entry: the worker Lambda that runs dispatched jobs in this region and reports completion
 * to the home region's default event bus. Its name is fixed so the dispatcher can address it without cross-region
 * references or custom resources.
 */
export class WorkerStack extends Stack {
  readonly worker: ProductFunction;

  constructor(scope: Construct, id: string, props: WorkerStackProps) {
    super(scope, id, props);
    const homeBusArn = this.formatArn({
      service: 'events',
      region: props.homeRegion,
      resource: 'event-bus',
      resourceName: 'default',
    });
    this.worker = new ProductFunction(this, 'Worker', {
      entry: lambdaEntry('worker'),
      serviceName: 'worker',
      functionName: WORKER_FUNCTION_NAME,
      description: `${PRODUCT}: runs dispatched jobs in ${this.region} and reports completion home`,
      metricsNamespace: props.metricsNamespace,
      logRetention: props.logRetention,
      memorySize: 512,
      timeout: Duration.minutes(5),
      environment: { HOME_EVENT_BUS_ARN: homeBusArn, HOME_REGION: props.homeRegion },
    });
    this.worker.addToRolePolicy(new iam.PolicyStatement({ actions: ['events:PutEvents'], resources: [homeBusArn] }));
  }
}
