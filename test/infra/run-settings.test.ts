import type { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { synthesize } from './app-factory';

/**
 * The Lambda settings that keep scheduled runs from overlapping or replaying (docs/run-safety.md, "Lambda
 * settings"), for a 15-minute scheduling interval and a 10-minute fetch interval.
 */
const { controlPlane: template } = synthesize({
  schedulingIntervalMinutes: 15,
  carbon: { fetchIntervalMinutes: 10 },
  rightsizing: { enabled: true },
});

type Resource = { Properties: Record<string, unknown> };

/** The logical id of the function whose Powertools service name is `service`. */
function functionId(t: Template, service: string): string {
  const found = Object.entries(t.findResources('AWS::Lambda::Function')).filter(
    ([, fn]) =>
      (fn as { Properties: { Environment: { Variables: Record<string, string> } } }).Properties.Environment.Variables
        .POWERTOOLS_SERVICE_NAME === service,
  );
  expect(found).toHaveLength(1);
  return found[0]![0];
}

function settingsOf(service: string) {
  const id = functionId(template, service);
  const fn = template.findResources('AWS::Lambda::Function')[id] as Resource;
  const invokeConfigs = Object.values(template.findResources('AWS::Lambda::EventInvokeConfig')).filter(
    (c) => JSON.stringify((c as Resource).Properties.FunctionName) === JSON.stringify({ Ref: id }),
  ) as Resource[];
  const targets = Object.values(template.findResources('AWS::Events::Rule')).flatMap(
    (rule) => ((rule as Resource).Properties.Targets as Record<string, unknown>[]) ?? [],
  );
  const target = targets.find((t) => JSON.stringify(t.Arn).includes(id));
  return {
    reserved: fn.Properties.ReservedConcurrentExecutions,
    invoke: invokeConfigs.map((c) => ({
      retries: c.Properties.MaximumRetryAttempts,
      maxEventAgeSeconds: c.Properties.MaximumEventAgeInSeconds,
    })),
    target: target?.RetryPolicy,
  };
}

describe('Module: run settings of the scheduled functions', () => {
  it('scheduler: reserved concurrency 1, no async retry, events at most one interval (15 min) old', () => {
    expect(settingsOf('scheduler')).toEqual({
      reserved: 1,
      invoke: [{ retries: 0, maxEventAgeSeconds: 900 }],
      target: { MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 900 },
    });
  });

  it('carbon fetcher: two retries (a cache-write failure asks for them), events at most one fetch interval (10 min) old', () => {
    expect(settingsOf('carbon-fetcher')).toEqual({
      reserved: undefined,
      invoke: [{ retries: 2, maxEventAgeSeconds: 600 }],
      target: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 600 },
    });
  });

  it('rightsizer: one analysis at a time, two retries, events at most one hour old', () => {
    expect(settingsOf('rightsizer')).toEqual({
      reserved: 1,
      invoke: [{ retries: 2, maxEventAgeSeconds: 3600 }],
      target: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 3600 },
    });
  });

  it('saves the Logs Insights query the scheduler response points to for the rest of a run', () => {
    template.hasResourceProperties('AWS::Logs::QueryDefinition', {
      Name: 'carbon-aware-scheduler/scheduler-run-decisions',
    });
  });
});
