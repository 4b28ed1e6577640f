import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { LambdaWorkerInvoker, WorkerInvokeError } from '../../../lambdas/adapters/lambda/worker-invoker';
import type { WorkerPayload } from '../../../lambdas/core/dispatch/ports';

const lambdaMock = mockClient(LambdaClient);
const NORTH = 'arn:aws:lambda:eu-north-1:123456789012:function:carbon-aware-scheduler-worker';
const payload = { jobId: 'j1', job: { kind: 'report-location', id: 'j1' } } as unknown as WorkerPayload;

describe('Module: worker-invoker', () => {
  afterEach(() => {
    lambdaMock.reset();
  });

  describe('Class: LambdaWorkerInvoker', () => {
    it('invokes the region worker asynchronously with the payload as JSON', async () => {
      // Prepare
      lambdaMock.on(InvokeCommand).resolves({ StatusCode: 202 });
      const regions: string[] = [];
      const invoker = new LambdaWorkerInvoker({
        workers: { 'eu-north-1': NORTH },
        clientFor: (region) => {
          regions.push(region);
          return new LambdaClient({ region });
        },
      });

      // Act
      await invoker.invoke('eu-north-1', payload);
      await invoker.invoke('eu-north-1', payload);

      // Assess
      expect(lambdaMock).toHaveReceivedCommandTimes(InvokeCommand, 2);
      expect(lambdaMock).toHaveReceivedCommandWith(InvokeCommand, { FunctionName: NORTH, InvocationType: 'Event' });
      const sent = lambdaMock.commandCalls(InvokeCommand)[0]!.args[0].input.Payload as Uint8Array;
      expect(JSON.parse(new TextDecoder().decode(sent))).toEqual(payload);
      expect(regions).toEqual(['eu-north-1']);
    });

    it('throws a WorkerInvokeError naming the region and the AWS error', async () => {
      // Prepare
      const error = Object.assign(new Error('Function not found'), { name: 'ResourceNotFoundException' });
      lambdaMock.on(InvokeCommand).rejects(error);
      const invoker = new LambdaWorkerInvoker({ workers: { 'eu-north-1': NORTH } });

      // Act
      const act = invoker.invoke('eu-north-1', payload);

      // Assess
      await expect(act).rejects.toThrow(WorkerInvokeError);
      await expect(act).rejects.toThrow('worker in eu-north-1: ResourceNotFoundException: Function not found');
    });

    it('refuses a region without a worker and an answer other than 202', async () => {
      // Prepare
      lambdaMock.on(InvokeCommand).resolves({ StatusCode: 200 });
      const invoker = new LambdaWorkerInvoker({ workers: { 'eu-north-1': NORTH } });

      // Act / Assess
      await expect(invoker.invoke('us-east-1', payload)).rejects.toThrow(
        'worker in us-east-1: no worker function is configured (WORKER_FUNCTIONS)',
      );
      await expect(invoker.invoke('eu-north-1', payload)).rejects.toThrow('Lambda answered status 200, expected 202');
    });
  });
});
