import { describe, expect, it } from 'vitest';
import { gaussian, mulberry32 } from '../../../cli/backtest/random';

describe('Module: random', () => {
  describe('Function: mulberry32', () => {
    it('gives the reference outputs of Mulberry32', () => {
      // Prepare: the first three 32-bit outputs for seed 42 computed with an independent Python transcription of
      // the C reference (z += 0x6D2B79F5; z = (z ^ z>>15) * (z | 1); z ^= z + (z ^ z>>7) * (z | 61); z ^ z>>14):
      // 2581720956, 1925393290, 3661312704; divided by 2^32.
      const next = mulberry32(42);

      // Act
      const values = [next(), next(), next()];

      // Assess
      expect(values).toEqual([2581720956 / 2 ** 32, 1925393290 / 2 ** 32, 3661312704 / 2 ** 32]);
    });

    it('repeats the same stream for the same seed and differs for another seed', () => {
      // Prepare
      const a = mulberry32(7);
      const b = mulberry32(7);
      const c = mulberry32(8);

      // Act
      const first = Array.from({ length: 5 }, () => a());
      const second = Array.from({ length: 5 }, () => b());
      const other = Array.from({ length: 5 }, () => c());

      // Assess
      expect(second).toEqual(first);
      expect(other).not.toEqual(first);
    });

    it('stays in [0, 1) with a mean of about 1/2', () => {
      // Prepare: the mean of n uniforms has standard deviation 1/√(12n) = 0.0009 for n = 100,000.
      const next = mulberry32(123);
      const n = 100_000;

      // Act
      let sum = 0;
      let min = 1;
      let max = 0;
      for (let i = 0; i < n; i += 1) {
        const u = next();
        sum += u;
        min = Math.min(min, u);
        max = Math.max(max, u);
      }

      // Assess
      expect(min).toBeGreaterThanOrEqual(0);
      expect(max).toBeLessThan(1);
      expect(Math.abs(sum / n - 0.5)).toBeLessThan(0.005);
    });

    it('refuses a seed that is not an integer', () => {
      // Prepare
      const act = () => mulberry32(1.5);

      // Act & Assess
      expect(act).toThrow(RangeError);
    });
  });

  describe('Function: gaussian', () => {
    it('applies Box–Muller to two uniforms: √(−2 ln(1 − u1)) cos(2π u2), then the sine', () => {
      // Prepare: uniforms 0.25 and 0.125 → r = √(−2 ln 0.75) = 0.75853; cos(π/4) = sin(π/4) = 0.70711
      // → both values 0.53636.
      const uniforms = [0.25, 0.125];
      const normal = gaussian(() => uniforms.shift()!);

      // Act
      const z0 = normal();
      const z1 = normal();

      // Assess
      expect(z0).toBeCloseTo(0.53636, 4);
      expect(z1).toBeCloseTo(0.53636, 4);
    });

    it('gives mean 0 and standard deviation 1 over many draws', () => {
      // Prepare: for n = 100,000 the sample mean has sd 0.0032 and the sample sd has sd ≈ 0.0022.
      const normal = gaussian(mulberry32(2021));
      const n = 100_000;

      // Act
      let sum = 0;
      let squares = 0;
      for (let i = 0; i < n; i += 1) {
        const z = normal();
        sum += z;
        squares += z * z;
      }
      const mean = sum / n;
      const sd = Math.sqrt(squares / n - mean * mean);

      // Assess
      expect(Math.abs(mean)).toBeLessThan(0.015);
      expect(Math.abs(sd - 1)).toBeLessThan(0.012);
    });
  });
});
