import { describe, expect, it } from 'vitest';
import { readRegion } from '../../../lambdas/core/scheduler/read-region';
import { instance } from './fixtures';
import { regionInput } from './steps.fixtures';

const calls = () => ({ describe: 0, start: 0, stop: 0, modify: 0, instanceWrites: 0 });

describe('Module: read-region', () => {
  describe('Function: readRegion', () => {
    it('reads instances and state, asks the forecast only for defer-start, and turns side-store failures into warnings', async () => {
      // Prepare
      let asked = 0;
      const w = regionInput('2026-03-02T09:00:00Z', [instance('i-a', { Schedule: 'office-hours' })], {
        forecast: async () => {
          asked += 1;
          return [];
        },
        ports: {
          rightsizing: {
            pendingAutoResizes: async () => Promise.reject(new Error('denied')),
            markApplied: async () => undefined,
            markReverted: async () => undefined,
          },
        },
      });
      const c = calls();

      // Act
      const r = await readRegion(w.input, c);

      // Assess
      expect(r.instances.map((i) => i.instanceId)).toEqual(['i-a']);
      expect(r.state.instances.size).toBe(0);
      expect(asked).toBe(0);
      expect(r.warnings).toEqual(['rightsizing recommendations unavailable, no auto resize this run: denied']);
      expect(c.describe).toBe(1);
    });
  });
});
