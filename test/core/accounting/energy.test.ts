import { describe, expect, it } from 'vitest';
import {
  AccountingInputError,
  emissionsGrams,
  instanceEnergyKWh,
  instancePowerWatts,
  wattsPerVcpu,
} from '../../../lambdas/core/accounting/energy';
import { makeInstanceSpecs, UnknownInstanceTypeError } from '../../../lambdas/core/ec2/instance-specs';

// Coefficients copied by hand from shared data power/ccf-coefficients_coefficients-aws-use.csv (watts per vCPU).
const SKYLAKE = { min: 0.6129888539040325, max: 4.104170352960531 };
const GRAVITON2 = { min: 0.4742621527777777, max: 1.6929615162037035 };
const HASWELL = { min: 1.8573529411764707, max: 5.595383986928105 };
const BROADWELL = { min: 0.7128342245989305, max: 3.685327540106952 };

describe('Module: energy', () => {
  describe('Function: instancePowerWatts', () => {
    it('gives m5.large (2 vCPU, Skylake in CCF) 4.7172 W at the default 50% utilisation', () => {
      // Prepare
      // 2 × (0.612989 + 0.5 × (4.104170 − 0.612989)) = 2 × (0.612989 + 1.745591) = 2 × 2.358580 = 4.717159 W
      const expected = 4.717159;

      // Act
      const { watts, basis } = instancePowerWatts('m5.large');

      // Assess
      expect(watts).toBeCloseTo(expected, 5);
      expect(basis.microarchitectures).toEqual(['Skylake']);
      expect(basis.minWattsPerVcpu).toBe(SKYLAKE.min);
      expect(basis.maxWattsPerVcpu).toBe(SKYLAKE.max);
      expect(basis.coefficients).toBe('ccf-microarchitecture');
      expect(basis.utilisation).toBe(0.5);
    });

    it.each([
      // u = 0: 2 × 0.612989 = 1.225978 W; u = 1: 2 × 4.104170 = 8.208341 W; u = 0.1: 2 × (0.612989 + 0.349118) = 1.924214
      [0, 1.225978],
      [1, 8.208341],
      [0.1, 1.924214],
    ])('scales m5.large linearly with utilisation %d → %d W', (utilisation, expected) => {
      // Act
      const { watts } = instancePowerWatts('m5.large', { utilisation });

      // Assess
      expect(watts).toBeCloseTo(expected, 5);
    });

    it('gives the Graviton2 m6g.large 2.1672 W at 50%', () => {
      // Prepare: 2 × (0.474262 + 0.5 × (1.692962 − 0.474262)) = 2 × (0.474262 + 0.609350) = 2.167224 W
      const expected = 2 * (GRAVITON2.min + 0.5 * (GRAVITON2.max - GRAVITON2.min));

      // Act
      const { watts, basis } = instancePowerWatts('m6g.large');

      // Assess
      expect(watts).toBeCloseTo(2.167224, 5);
      expect(watts).toBeCloseTo(expected, 10);
      expect(basis.microarchitectures).toEqual(['Graviton2']);
    });

    it('averages the coefficients when CCF lists several microarchitectures (m4.large: Haswell|Broadwell)', () => {
      // Prepare: min (1.857353 + 0.712834)/2 = 1.285094; max (5.595384 + 3.685328)/2 = 4.640356
      // 2 × (1.285094 + 0.5 × 3.355262) = 2 × 2.962725 = 5.925449 W
      const min = (HASWELL.min + BROADWELL.min) / 2;
      const max = (HASWELL.max + BROADWELL.max) / 2;

      // Act
      const { watts, basis } = instancePowerWatts('m4.large');

      // Assess
      expect(watts).toBeCloseTo(5.925449, 5);
      expect(basis.minWattsPerVcpu).toBeCloseTo(min, 12);
      expect(basis.maxWattsPerVcpu).toBeCloseTo(max, 12);
    });

    it('uses the CCF AWS averages 0.74 / 3.5 W per vCPU when the microarchitecture has no coefficients (a1.large)', () => {
      // Prepare: first-generation Graviton has no row in coefficients-aws-use.csv: 2 × (0.74 + 0.5 × 2.76) = 4.24 W

      // Act
      const { watts, basis } = instancePowerWatts('a1.large');

      // Assess
      expect(watts).toBeCloseTo(4.24, 10);
      expect(basis.coefficients).toBe('ccf-aws-average');
      expect(basis.microarchitectures).toEqual([]);
    });

    it('uses given specs for a type the snapshot does not know', () => {
      // Prepare: 4 vCPU, no microarchitecture → 4 × (0.74 + 0.25 × 2.76) = 4 × 1.43 = 5.72 W
      const specs = makeInstanceSpecs({ instanceType: 'zz9.xlarge', vcpu: 4, memoryGiB: 16, arch: 'x86_64' });

      // Act
      const { watts } = instancePowerWatts('zz9.xlarge', { utilisation: 0.25, specs });

      // Assess
      expect(watts).toBeCloseTo(5.72, 10);
    });

    it('throws UnknownInstanceTypeError naming the type', () => {
      // Act / Assess
      expect(() => instancePowerWatts('m99.huge')).toThrow(UnknownInstanceTypeError);
      expect(() => instancePowerWatts('m99.huge')).toThrow(/"m99\.huge"/);
    });

    it.each([-0.1, 1.5, Number.NaN])('rejects utilisation %d', (utilisation) => {
      // Act / Assess
      expect(() => instancePowerWatts('m5.large', { utilisation })).toThrow(AccountingInputError);
    });
  });

  describe('Function: wattsPerVcpu', () => {
    it('ignores microarchitectures without coefficients when others have them', () => {
      // Act
      const result = wattsPerVcpu(['Skylake', 'Graviton']);

      // Assess
      expect(result.minWatts).toBe(SKYLAKE.min);
      expect(result.microarchitectures).toEqual(['Skylake']);
    });
  });

  describe('Function: instanceEnergyKWh', () => {
    it('applies the default PUE 1.135: m5.large for 1 h = 4.717159 × 1.135 ÷ 1000 = 0.005353976 kWh', () => {
      // Act
      const kWh = instanceEnergyKWh('m5.large', 1);

      // Assess
      expect(kWh).toBeCloseTo(0.005353976, 8);
    });

    it('applies a regional PUE and hours: m5.large 24 h at PUE 1.2 = 4.717159 × 1.2 × 24 ÷ 1000 = 0.13585 kWh', () => {
      // Act
      const kWh = instanceEnergyKWh('m5.large', 24, { pue: 1.2 });

      // Assess
      expect(kWh).toBeCloseTo(0.135854, 5);
    });

    it('is zero for zero hours', () => {
      // Act / Assess
      expect(instanceEnergyKWh('m5.large', 0)).toBe(0);
    });

    it.each([
      [-1, 1.135],
      [1, 0.9],
      [Number.POSITIVE_INFINITY, 1.135],
    ])('rejects hours %d with PUE %d', (hours, pue) => {
      // Act / Assess
      expect(() => instanceEnergyKWh('m5.large', hours, { pue })).toThrow(AccountingInputError);
    });
  });

  describe('Function: emissionsGrams', () => {
    it('multiplies kWh by the intensity: 0.5 kWh × 380 g/kWh = 190 g', () => {
      // Act / Assess
      expect(emissionsGrams(0.5, 380)).toBe(190);
    });

    it('rejects a negative intensity', () => {
      // Act / Assess
      expect(() => emissionsGrams(1, -5)).toThrow(/gCO2ePerKWh/);
    });
  });
});
