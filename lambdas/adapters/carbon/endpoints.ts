import { PROVIDER_URL_ENV } from '../../contract';
import { ELECTRICITYMAPS_DEFAULT_URL } from './electricity-maps';
import { REDACTED } from './redact';
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

/**
 * Hosts a base-URL variable may name with plain `http://`: the loopback interface only, where the tests' replay
 * servers and a local proxy listen. Every other endpoint must be `https://`, so a provider credential never crosses
 * a network in clear text (docs/security.md).
 */
export const LOOPBACK_HOSTS: readonly string[] = ['127.0.0.1', 'localhost', '[::1]'];

/** Thrown when a base-URL variable is not an `https://` URL (or `http://` on the loopback interface). */
export class InvalidEndpointError extends Error {
  constructor(variable: string, value: string, why = 'is not a URL') {
    super(
      `${variable}=${JSON.stringify(value)} ${why}; use an https:// URL (http:// is accepted only for ${LOOPBACK_HOSTS.join(', ')})`,
    );
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
  if (url.username || url.password) {
    // Never echo the value: it holds a credential.
    throw new InvalidEndpointError(variable, `${url.protocol}//${REDACTED}@${url.host}`, 'carries a user or password');
  }
  if (url.protocol === 'https:') return value;
  if (url.protocol !== 'http:') throw new InvalidEndpointError(variable, value, `uses ${url.protocol}`);
  if (!LOOPBACK_HOSTS.includes(url.hostname)) {
    throw new InvalidEndpointError(variable, value, `is plain http:// to ${url.hostname}, not the loopback interface`);
  }
  return value;
}

/**
 * Base URLs from an environment (read at the edge: the fetcher's wiring passes its environment, the CLI its context's).
 * @throws {InvalidEndpointError} naming the variable when a value is not an https:// URL or a loopback http:// URL
 */
export function providerEndpointsFromEnv(env: Readonly<Record<string, string | undefined>>): ProviderEndpoints {
  return {
    electricityMaps: read(env, PROVIDER_URL_ENV.electricityMaps, DEFAULT_PROVIDER_ENDPOINTS.electricityMaps),
    wattTime: read(env, PROVIDER_URL_ENV.wattTime, DEFAULT_PROVIDER_ENDPOINTS.wattTime),
    ukCarbonIntensity: read(env, PROVIDER_URL_ENV.ukCarbonIntensity, DEFAULT_PROVIDER_ENDPOINTS.ukCarbonIntensity),
  };
}
