import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { WorkerInvoker, WorkerPayload } from '../../core/dispatch/ports';
import { awsClient } from '../aws-client';

/** A worker invoke that was not accepted: no worker for the region, an API error, or an unexpected status. */
export class WorkerInvokeError extends Error {
  constructor(
    readonly region: string,
    reason: string,
  ) {
    super(`worker in ${region}: ${reason}`);
    this.name = 'WorkerInvokeError';
  }
}

/** Options of {@link LambdaWorkerInvoker}. */
export interface LambdaWorkerInvokerOptions {
  /** Region → worker function ARN (env `WORKER_FUNCTIONS`). */
  readonly workers: Readonly<Record<string, string>>;
  /** Client for a region; default `new LambdaClient({ region })`, created once per region and reused. */
  readonly clientFor?: (region: string) => LambdaClient;
}

const encoder = new TextEncoder();

/**
 * Starts jobs on worker Lambdas with asynchronous invokes (`InvocationType: 'Event'`): Lambda queues the event and
 * answers 202 at once; the job's outcome comes back later as a `JobCompleted` event. One LambdaClient per region,
 * since each worker lives in its own region.
 */
export class LambdaWorkerInvoker implements WorkerInvoker {
  private readonly clients = new Map<string, LambdaClient>();

  constructor(private readonly options: LambdaWorkerInvokerOptions) {}

  /**
   * @throws {WorkerInvokeError} when the region has no worker, the API call fails (message names the AWS error),
   *   or Lambda does not answer 202 Accepted
   */
  async invoke(region: string, payload: WorkerPayload): Promise<void> {
    const functionArn = this.options.workers[region];
    if (!functionArn) throw new WorkerInvokeError(region, 'no worker function is configured (WORKER_FUNCTIONS)');
    let status: number | undefined;
    try {
      const response = await this.client(region).send(
        new InvokeCommand({
          FunctionName: functionArn,
          InvocationType: 'Event',
          Payload: encoder.encode(JSON.stringify(payload)),
        }),
      );
      status = response?.StatusCode;
    } catch (error) {
      const name = error instanceof Error ? error.name : 'Error';
      const text = error instanceof Error ? error.message : String(error);
      throw new WorkerInvokeError(region, `${name}: ${text}`);
    }
    if (status !== 202) throw new WorkerInvokeError(region, `Lambda answered status ${status ?? 'none'}, expected 202`);
  }

  private client(region: string): LambdaClient {
    let client = this.clients.get(region);
    if (!client) {
      client = this.options.clientFor?.(region) ?? awsClient(LambdaClient, { region });
      this.clients.set(region, client);
    }
    return client;
  }
}
