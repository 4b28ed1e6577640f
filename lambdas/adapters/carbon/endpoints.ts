import { PROVIDER_URL_ENV } from '../../contract';
import { ELECTRICITYMAPS_DEFAULT_URL } from './electricity-maps';
import { UK_CARBON_INTENSITY_DEFAULT_URL } from './uk-carbon-intensity';
import { WATTTIME_DEFAULT_URL } from './watttime';

/** Base URLs of the HTTP providers. */
export interface ProviderEndpoints {
  readonly electricityMaps: string;
  readonly wattTime: string;
  readonly ukCarbonIntensity: string;
}

/** The variables overriding the base URLs, for proxies and tests (names in the contract, docs/carbon.md). */
export { PROVIDER_URL_ENV };

/** The public base URLs used when no variable is set. */
export const DEFAULT_PROVIDER_ENDPOINTS: ProviderEndpoints = {
  electricityMaps: ELECTRICITYMAPS_DEFAULT_URL,
  wattTime: WATTTIME_DEFAULT_URL,
  ukCarbonIntensity: UK_CARBON_INTENSITY_DEFAULT_URL,
};

/** Thrown when a base-URL variable is set to something that is not an http(s) URL. */
export class InvalidEndpointError extends Error {
  constructor(variable: string, value: string) {
    super(`${variable}=${JSON.stringify(value)} is not an http:// or https:// URL`);
    this.name = 'InvalidEndpointError';
  }
}

function read(env: Readonly<Record<string, string | undefined>>, variable: string, fallback: string): string {
  const value = env[variable]?.trim();
  if (!value) return fallback;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidEndpointError(variable, value);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new InvalidEndpointError(variable, value);
  return value;
}

/**
 * Base URLs from an environment (read at the edge: the fetcher's wiring passes its environment, the CLI its context's).
 * @throws {InvalidEndpointError} naming the variable when a value is not an http(s) URL
 */
export function providerEndpointsFromEnv(env: Readonly<Record<string, string | undefined>>): ProviderEndpoints {
  return {
    electricityMaps: read(env, PROVIDER_URL_ENV.electricityMaps, DEFAULT_PROVIDER_ENDPOINTS.electricityMaps),
    wattTime: read(env, PROVIDER_URL_ENV.wattTime, DEFAULT_PROVIDER_ENDPOINTS.wattTime),
    ukCarbonIntensity: read(env, PROVIDER_URL_ENV.ukCarbonIntensity, DEFAULT_PROVIDER_ENDPOINTS.ukCarbonIntensity),
  };
}
