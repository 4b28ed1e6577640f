/**
 * A small seeded pseudo-random generator for repeatable backtests (`--seed`): core code never calls
 * `Math.random()`, so the same seed gives the same noisy forecast on every machine.
 */

/** A source of uniform numbers in [0, 1). */
export type UniformSource = () => number;

/**
 * Mulberry32 (Tommy Ettinger, 2017, public domain; https://gist.github.com/tommyettinger/46a874533244883189143505d203312c):
 * a 32-bit state generator with period 2^32, enough for the ≤ 10^6 draws of a backtest and fast in JavaScript.
 * Not for cryptography.
 *
 * @param seed any integer; only its low 32 bits are used (so `seed` and `seed + 2^32` give the same stream)
 * @returns a function giving uniform numbers in [0, 1) with 32 bits of resolution
 * @throws {RangeError} when `seed` is not a finite integer
 */
export function mulberry32(seed: number): UniformSource {
  if (!Number.isInteger(seed)) throw new RangeError(`seed = ${seed} is not allowed; expected an integer`);
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * Standard normal numbers (mean 0, standard deviation 1) by the Box–Muller transform (Box and Muller, "A Note on
 * the Generation of Random Normal Deviates", Ann. Math. Statist. 29(2), 1958): from two uniforms u1 ∈ (0, 1] and
 * u2 ∈ [0, 1), z0 = √(−2 ln u1) · cos(2π u2) and z1 = √(−2 ln u1) · sin(2π u2) are independent N(0, 1). Both are
 * used: the second is returned by the next call.
 *
 * @param uniform a source of uniforms in [0, 1), e.g. {@link mulberry32}
 */
export function gaussian(uniform: UniformSource): () => number {
  let spare: number | undefined;
  return () => {
    if (spare !== undefined) {
      const value = spare;
      spare = undefined;
      return value;
    }
    const u1 = 1 - uniform(); // (0, 1]: ln(0) never happens
    const u2 = uniform();
    const radius = Math.sqrt(-2 * Math.log(u1));
    spare = radius * Math.sin(2 * Math.PI * u2);
    return radius * Math.cos(2 * Math.PI * u2);
  };
}
