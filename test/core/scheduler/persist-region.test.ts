import { describe, expect, it } from 'vitest';
import { InMemorySavingsStore } from '../../../lambdas/adapters/dynamodb/savings-store';
import { persistRegion } from '../../../lambdas/core/scheduler/persist-region';
import type { RegionStateChanges } from '../../../lambdas/core/scheduler/ports';
import { regionInput } from './steps.fixtures';

const calls = () => ({ describe: 0, start: 0, stop: 0, modify: 0, instanceWrites: 0 });
const RUN = {
  region: 'eu-central-1',
  lastRunAt: '2026-03-02T09:00:00.000Z',
  lastTick: '2026-03-02T09:00:00.000Z',
  intensityHours: 1,
};
const SAVINGS = { usd: 1, gCO2e: 2, kWh: 3, stoppedHours: 4 };

describe('Module: persist-region', () => {
  describe('Function: persistRegion', () => {
    it('writes the state with the fence and the settled intents, then the day’s savings', async () => {
      // Prepare
      const order: string[] = [];
      const savings = new InMemorySavingsStore();
      const w = regionInput('2026-03-02T09:00:00Z', [], { fence: 7, ports: { savings } });
      let written: RegionStateChanges | undefined;
      w.states.saveRegion = async (_region, changes) => {
        order.push('state');
        written = changes;
        return { instanceWrites: 0 };
      };
      const add = savings.add.bind(savings);
      savings.add = async (...args) => {
        order.push('savings');
        await add(...args);
      };

      // Act
      const warnings = await persistRegion(
        w.input,
        { changed: [], history: [], run: RUN, settledIntents: ['x#1'], savings: SAVINGS },
        calls(),
      );

      // Assess
      expect(order).toEqual(['state', 'savings']);
      expect(written).toMatchObject({ fence: 7, settledIntents: ['x#1'], run: RUN });
      expect(warnings).toEqual([]);
      expect(savings.totals.get('2026-03-02|eu-central-1')).toMatchObject(SAVINGS);
    });

    it('fault: a state write failure throws and adds no savings; a savings failure is a warning', async () => {
      // Prepare
      const savings = new InMemorySavingsStore();
      const w = regionInput('2026-03-02T09:00:00Z', [], { ports: { savings } });
      w.states.failSaves.push(new Error('down'));
      const write = { changed: [], history: [], run: RUN, settledIntents: [], savings: SAVINGS };

      // Act
      const failed = await persistRegion(w.input, write, calls()).catch((e: unknown) => e);
      savings.add = async () => Promise.reject(new Error('savings down'));
      const warnings = await persistRegion(w.input, write, calls());

      // Assess
      expect((failed as Error).message).toBe('down');
      expect(savings.totals.size).toBe(0);
      expect(warnings).toEqual(['daily savings not recorded: savings down']);
    });
  });
});
