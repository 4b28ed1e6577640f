import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dispatchRequestSchema } from '../../../lambdas/core/dispatch/job-request';
import { describeZodError } from '../../../lambdas/handlers/shared/events';

const errorOf = (input: unknown) => {
  const result = dispatchRequestSchema.safeParse(input);
  return result.success ? undefined : describeZodError(result.error);
};

describe('Module: job-request', () => {
  describe('Schema: dispatchRequestSchema', () => {
    it('accepts a job with its own fields and keeps them', () => {
      // Act
      const request = dispatchRequestSchema.parse({
        job: { kind: 'etl', estimatedKWh: 1.5, table: 'sales', batch: 7 },
        regions: ['eu-north-1'],
        deadline: '2026-11-21T18:00:00Z',
      });

      // Assess
      expect(request.job).toEqual({ kind: 'etl', estimatedKWh: 1.5, table: 'sales', batch: 7 });
      expect(request.deadline).toBe('2026-11-21T18:00:00Z');
    });

    it.each([
      [{}, 'job: Invalid input: expected object, received undefined'],
      [{ job: {} }, 'job.kind: job.kind is required: the name of a registered job handler, e.g. "report-location"'],
      [{ job: { kind: 'x', instanceType: 'm5.large' } }, 'job.hours: job.hours is required with job.instanceType'],
      [
        { job: { kind: 'x', instanceType: 'm5.huge', hours: 1 } },
        'job.instanceType: job.instanceType "m5.huge" is not a known EC2 instance type (e.g. "m5.large")',
      ],
      [
        { job: { kind: 'x', estimatedKWh: 1, instanceType: 'm5.large', hours: 1 } },
        'job.estimatedKWh: give either job.estimatedKWh or job.instanceType with job.hours, not both',
      ],
      [
        { job: { kind: 'x', estimatedKWh: -1 } },
        'job.estimatedKWh: job.estimatedKWh = -1; expected a number of kWh > 0',
      ],
      [{ job: { kind: 'x', id: 'has space' } }, 'job.id: job.id may use 1-60 letters, digits, ".", "_" and "-"'],
      [
        { job: { kind: 'x' }, deadline: 'tomorrow' },
        'deadline: deadline must be an ISO-8601 date-time such as 2026-11-21T18:00:00Z',
      ],
      [{ job: { kind: 'x' }, regions: [] }, 'regions: regions, when given, must list at least one region'],
      [
        { job: { kind: 'x' }, maxDeferMinutes: 30.5 },
        'maxDeferMinutes: maxDeferMinutes must be a whole number of minutes',
      ],
      [{ job: { kind: 'x' }, region: 'eu-north-1' }, '(event): Unrecognized key: "region"'],
    ])('rejects %j with a message naming the field', (input, expected) => {
      // Act / Assess
      expect(errorOf(input)).toBe(expected);
    });

    it('never throws on arbitrary input: it accepts or names what is wrong (property)', () => {
      // Act / Assess
      fc.assert(
        fc.property(fc.anything(), (input) => {
          const result = dispatchRequestSchema.safeParse(input);
          if (!result.success) expect(describeZodError(result.error).length).toBeGreaterThan(0);
        }),
      );
    });

    it('accepts every well-formed request (property)', () => {
      // Prepare
      const arbitrary = fc.record(
        {
          job: fc.record(
            {
              kind: fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/),
              id: fc.uuid(),
              estimatedKWh: fc.double({ min: 0.001, max: 1000, noNaN: true }),
              durationMinutes: fc.integer({ min: 1, max: 600 }),
            },
            { requiredKeys: ['kind'] },
          ),
          maxDeferMinutes: fc.integer({ min: 0, max: 10080 }),
          dryRun: fc.boolean(),
          deadline: fc
            .date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2030-01-01T00:00:00Z'), noInvalidDate: true })
            .map((d) => d.toISOString()),
        },
        { requiredKeys: ['job'] },
      );

      // Act / Assess
      fc.assert(
        fc.property(arbitrary, (input) => {
          expect(errorOf(input)).toBeUndefined();
        }),
      );
    });
  });
});
