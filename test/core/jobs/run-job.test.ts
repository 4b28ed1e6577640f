import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineJob } from '../../../lambdas/core/jobs/job-definition';
import { createJobRegistry } from '../../../lambdas/core/jobs/registry';
import { runJob } from '../../../lambdas/core/jobs/run-job';

/** A clock that advances 250 ms each time it is read. */
function steppingClock(start: string) {
  let t = Date.parse(start);
  return () => {
    const now = new Date(t);
    t += 250;
    return now;
  };
}

const resize = defineJob({
  kind: 'resize-images',
  description: 'test job with a schema',
  schema: z.looseObject({ kind: z.string(), bucket: z.string({ error: 'bucket is required' }) }),
  run: (job) => ({ bucket: job.bucket, resized: 3 }),
});
const failing = defineJob({
  kind: 'fail',
  description: 'always throws',
  run: () => {
    throw new Error('disk full');
  },
});
const registry = createJobRegistry([resize, failing]);
const environment = () => ({ region: 'eu-north-1', clock: steppingClock('2026-11-21T14:00:00Z') });

describe('Module: run-job', () => {
  describe('Function: runJob', () => {
    it('runs the handler of the kind and reports ok with the result and timings', async () => {
      // Act
      const completion = await runJob(
        registry,
        { jobId: 'j1', job: { kind: 'resize-images', bucket: 'photos' } },
        environment(),
      );

      // Assess
      expect(completion).toEqual({
        jobId: 'j1',
        kind: 'resize-images',
        region: 'eu-north-1',
        startedAt: '2026-11-21T14:00:00.000Z',
        endedAt: '2026-11-21T14:00:00.250Z',
        durationMs: 250,
        outcome: 'ok',
        result: { bucket: 'photos', resized: 3 },
      });
    });

    it('reports what the handler threw as outcome error', async () => {
      // Act
      const completion = await runJob(registry, { jobId: 'j2', job: { kind: 'fail' } }, environment());

      // Assess
      expect(completion).toMatchObject({ outcome: 'error', error: 'disk full' });
    });

    it('reports an unknown kind and an invalid payload as outcome error, naming what is wrong', async () => {
      // Act
      const unknown = await runJob(registry, { jobId: 'j3', job: { kind: 'etl' } }, environment());
      const invalid = await runJob(registry, { jobId: 'j4', job: { kind: 'resize-images' } }, environment());

      // Assess
      expect(unknown.error).toBe(
        'no job handler is registered for kind "etl"; registered kinds: "fail", "resize-images" (register yours in lambdas/jobs/index.ts)',
      );
      expect(invalid.error).toBe('invalid resize-images job: job.bucket: bucket is required');
    });
  });
});
