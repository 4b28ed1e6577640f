import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EnvironmentError } from '../../lambdas/handlers/shared/environment';
import { InvalidEventError } from '../../lambdas/handlers/shared/events';
import { createWorkerHandler, workerWiringFromEnvironment } from '../../lambdas/handlers/worker';

const eventBridgeMock = mockClient(EventBridgeClient);
const BUS = 'arn:aws:events:eu-central-1:123456789012:event-bus/default';

/** A clock that reads 14:00:00 then advances 40 ms per read. */
function steppingClock() {
  let t = Date.parse('2026-11-21T14:00:00Z');
  return () => {
    const now = new Date(t);
    t += 40;
    return now;
  };
}

const dispatch = {
  decidedAt: '2026-11-21T13:59:59.000Z',
  region: 'eu-north-1',
  homeRegion: 'eu-central-1',
  zone: 'SE-SE3',
  provider: 'electricitymaps',
  origin: 'cached',
  signal: 'average',
  gCO2ePerKWh: 25,
  adjustedGCO2ePerKWh: 25,
  observedAt: '2026-11-21T13:40:00.000Z',
  homeGCO2ePerKWh: 350,
  attempt: 1,
};

function handlerFor() {
  const wiring = workerWiringFromEnvironment(
    { AWS_REGION: 'eu-north-1', HOME_EVENT_BUS_ARN: BUS },
    { clock: steppingClock() },
  );
  return createWorkerHandler(() => wiring);
}

describe('Handler: worker', () => {
  beforeEach(() => {
    eventBridgeMock.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] });
  });
  afterEach(() => {
    eventBridgeMock.reset();
  });

  it('runs the default report-location job and reports the completion to the home bus', async () => {
    // Prepare
    const handler = handlerFor();

    // Act
    const response = await handler({ jobId: 'j1', job: { kind: 'report-location', id: 'j1' }, dispatch });

    // Assess
    const completion = {
      jobId: 'j1',
      kind: 'report-location',
      region: 'eu-north-1',
      startedAt: '2026-11-21T14:00:00.000Z',
      endedAt: '2026-11-21T14:00:00.040Z',
      durationMs: 40,
      outcome: 'ok',
      result: {
        message: 'ran in eu-north-1 at 2026-11-21T14:00:00.000Z; grid intensity 25 gCO2e/kWh (electricitymaps, cached)',
        region: 'eu-north-1',
        zone: 'SE-SE3',
        ranAt: '2026-11-21T14:00:00.000Z',
        gCO2ePerKWh: 25,
        quality: 'excellent',
        intensitySource: 'dispatch',
        provider: 'electricitymaps',
        observedAt: '2026-11-21T13:40:00.000Z',
        homeRegion: 'eu-central-1',
        homeGCO2ePerKWh: 350,
        attempt: 1,
      },
      attempt: 1,
      decidedAt: '2026-11-21T13:59:59.000Z',
    };
    expect(response).toEqual({ ...completion, reported: true });
    expect(eventBridgeMock).toHaveReceivedCommandTimes(PutEventsCommand, 1);
    const entry = eventBridgeMock.commandCalls(PutEventsCommand)[0]!.args[0].input.Entries![0]!;
    expect(entry).toMatchObject({ EventBusName: BUS, Source: 'carbon-aware-scheduler', DetailType: 'JobCompleted' });
    expect(JSON.parse(entry.Detail!)).toEqual(completion);
  });

  it('reports an unknown job kind as outcome error', async () => {
    // Prepare
    const handler = handlerFor();

    // Act
    const response = await handler({ jobId: 'j2', job: { kind: 'etl' }, dispatch });

    // Assess
    expect(response).toMatchObject({ outcome: 'error', reported: true });
    expect('error' in response && response.error).toMatch(/no job handler is registered for kind "etl"/);
    const detail = JSON.parse(eventBridgeMock.commandCalls(PutEventsCommand)[0]!.args[0].input.Entries![0]!.Detail!);
    expect(detail.outcome).toBe('error');
  });

  it('returns the completion without throwing when the report fails (no second run by Lambda retries)', async () => {
    // Prepare
    eventBridgeMock.reset();
    eventBridgeMock
      .on(PutEventsCommand)
      .rejects(Object.assign(new Error('not authorized'), { name: 'AccessDeniedException' }));
    const handler = handlerFor();

    // Act
    const response = await handler({ jobId: 'j3', job: { kind: 'report-location' } });

    // Assess
    expect(response).toMatchObject({
      outcome: 'ok',
      reported: false,
      reportError: `PutEvents to ${BUS} failed: AccessDeniedException: not authorized`,
    });
  });

  it('rejects an invocation without jobId or job, and reports nothing', async () => {
    // Prepare
    const handler = handlerFor();

    // Act
    const act = handler({ job: { kind: 'report-location' } });

    // Assess
    await expect(act).rejects.toThrow(InvalidEventError);
    await expect(act).rejects.toThrow('Invalid event: jobId: jobId is required');
    expect(eventBridgeMock).not.toHaveReceivedCommand(PutEventsCommand);
  });

  it('dry run: lists the registered kinds without running or reporting', async () => {
    // Prepare
    const handler = handlerFor();

    // Act
    const response = await handler({ dryRun: true, job: { kind: 'report-location' } });

    // Assess
    expect(response).toEqual({
      dryRun: true,
      region: 'eu-north-1',
      kinds: ['report-location'],
      wouldRun: 'report-location',
      known: true,
    });
    expect(eventBridgeMock).not.toHaveReceivedCommand(PutEventsCommand);
  });

  it('refuses to start without AWS_REGION or a valid HOME_EVENT_BUS_ARN', () => {
    // Act / Assess
    expect(() => workerWiringFromEnvironment({ HOME_EVENT_BUS_ARN: BUS })).toThrow(
      'environment variable AWS_REGION: is not set; expected the region the worker runs in (Lambda sets it)',
    );
    expect(() => workerWiringFromEnvironment({ AWS_REGION: 'eu-north-1' })).toThrow(EnvironmentError);
    expect(() => workerWiringFromEnvironment({ AWS_REGION: 'eu-north-1', HOME_EVENT_BUS_ARN: 'default' })).toThrow(
      /HOME_EVENT_BUS_ARN/,
    );
  });
});
