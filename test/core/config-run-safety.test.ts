import { describe, expect, it } from 'vitest';
import { ConfigError, resolveConfig } from '../../lambdas/core/config/resolve';

function issuesOf(input: unknown): readonly string[] {
  try {
    resolveConfig(input, 'test');
  } catch (error) {
    if (error instanceof ConfigError) return error.issues;
    throw error;
  }
  return [];
}

describe('Module: configuration checks of run safety', () => {
  it('refuses a hysteresis at or above the threshold, naming the field and the region', () => {
    // eu-central-1's default threshold is 300 gCO2e/kWh: 500 would pause once and never resume
    expect(issuesOf({ hysteresis: 500 })).toEqual([
      expect.stringMatching(
        /^hysteresis: hysteresis 500 gCO2e\/kWh is not below the carbon threshold of eu-central-1 \(300 gCO2e\/kWh\)/,
      ),
    ]);
    expect(issuesOf({ hysteresis: 300 })).toHaveLength(1);
    expect(issuesOf({ hysteresis: 299 })).toEqual([]);
  });

  it('checks a per-region hysteresis against its own region, also a configured threshold', () => {
    const issues = issuesOf({
      managedRegions: ['eu-central-1', 'eu-west-1'],
      carbonThresholds: { 'eu-west-1': 100 },
      hysteresis: { 'eu-central-1': 50, 'eu-west-1': 120 },
    });
    expect(issues).toEqual([
      expect.stringMatching(
        /^hysteresis\.eu-west-1: hysteresis 120 gCO2e\/kWh is not below the carbon threshold of eu-west-1 \(100/,
      ),
    ]);
  });

  it('a single hysteresis is checked against every managed region', () => {
    const issues = issuesOf({
      managedRegions: ['eu-central-1', 'eu-west-1'],
      carbonThresholds: { 'eu-central-1': 400, 'eu-west-1': 100 },
      hysteresis: 150,
    });
    expect(issues).toHaveLength(1);
    expect(issues[0]).toContain('eu-west-1 (100 gCO2e/kWh)');
  });

  it('bounds minRunMinutes and minStopMinutes to 0–720 minutes, naming the field', () => {
    expect(issuesOf({ minRunMinutes: 721 })).toEqual([
      expect.stringMatching(/^minRunMinutes: minRunMinutes 721 is above 720 minutes \(12 h\)/),
    ]);
    expect(issuesOf({ minStopMinutes: -5 })).toEqual([
      expect.stringMatching(/^minStopMinutes: minStopMinutes -5 is negative/),
    ]);
    expect(issuesOf({ minStopMinutes: '30' })[0]).toMatch(/^minStopMinutes: minStopMinutes must be a whole number/);
    expect(issuesOf({ minRunMinutes: 720, minStopMinutes: 0 })).toEqual([]);
  });
});
