import { describe, expect, it } from 'vitest';
import { defineJob } from '../../../lambdas/core/jobs/job-definition';
import { createJobRegistry, DuplicateJobKindError, UnknownJobKindError } from '../../../lambdas/core/jobs/registry';
import { registeredJobs } from '../../../lambdas/jobs';

const echo = defineJob<Record<string, unknown>>({
  kind: 'echo',
  description: 'returns its input',
  run: (job) => ({ ...job }),
});
const sleep = defineJob({ kind: 'sleep', description: 'does nothing', run: () => ({}) });

describe('Module: registry', () => {
  describe('Function: createJobRegistry', () => {
    it('finds handlers by kind and lists the kinds sorted', () => {
      // Act
      const registry = createJobRegistry([sleep, echo]);

      // Assess
      expect(registry.kinds()).toEqual(['echo', 'sleep']);
      expect(registry.get('echo')).toBe(echo);
      expect(registry.get('nope')).toBeUndefined();
    });

    it('names the registered kinds when a kind is unknown', () => {
      // Prepare
      const registry = createJobRegistry([sleep, echo]);

      // Act / Assess
      expect(() => registry.require('etl')).toThrow(UnknownJobKindError);
      expect(() => registry.require('etl')).toThrow(
        'no job handler is registered for kind "etl"; registered kinds: "echo", "sleep" (register yours in lambdas/jobs/index.ts)',
      );
    });

    it('refuses two handlers for one kind', () => {
      // Act / Assess
      expect(() => createJobRegistry([echo, { ...echo }])).toThrow(DuplicateJobKindError);
    });

    it('registers the default report-location job for the worker', () => {
      // Act / Assess
      expect(createJobRegistry(registeredJobs).kinds()).toContain('report-location');
    });
  });
});
