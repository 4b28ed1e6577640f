import { describe, expect, it } from 'vitest';
import { addCatalogMetric } from '../../../lambdas/adapters/metrics/catalog-metric';

describe('Module: catalog-metric', () => {
  describe('Function: addCatalogMetric', () => {
    it.each([
      ['CarbonDataAge', 'Seconds'],
      ['InstanceStartup', 'Count'],
      ['CostSavings', 'None'],
      ['DispatchCarbonSaved', 'None'],
    ] as const)('adds %s with the catalogue unit %s', (name, unit) => {
      // Prepare
      const added: unknown[][] = [];

      // Act
      addCatalogMetric({ addMetric: (...args: unknown[]) => added.push(args) } as never, name, 42);

      // Assess
      expect(added).toEqual([[name, unit, 42]]);
    });
  });
});
