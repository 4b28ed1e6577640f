import { describe, expect, it } from 'vitest';
import { rightsizeMode } from '../../../lambdas/core/rightsizing/mode';

describe('Module: mode', () => {
  describe('Function: rightsizeMode', () => {
    it.each([
      [{ Schedule: 'office-hours' }, 'recommend', 'recommend'],
      [{ Schedule: 'office-hours' }, 'auto', 'auto'],
      [{ Schedule: 'office-hours', Rightsize: 'off' }, 'recommend', 'off'],
      [{ Schedule: 'office-hours', Rightsize: ' AUTO ' }, 'recommend', 'auto'],
      [{ Rightsize: 'recommend' }, 'off', 'recommend'],
      [{ Name: 'web' }, 'recommend', 'off'],
    ] as const)('tags %j with default %s → %s', (tags, defaultMode, expected) => {
      // Act / Assess
      expect(rightsizeMode(tags, defaultMode)).toEqual({ mode: expected });
    });

    it('never throws on a bad value: off with the reason', () => {
      // Act
      const result = rightsizeMode({ Schedule: 'office-hours', Rightsize: 'yes please' }, 'recommend');

      // Assess
      expect(result.mode).toBe('off');
      expect(result.error).toBe('tag Rightsize="yes please" is not valid; allowed: "recommend", "auto", "off"');
    });
  });
});
