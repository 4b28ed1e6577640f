import { describe, expect, it } from 'vitest';
import { buildProviders } from '../../../lambdas/adapters/carbon/build-providers';
import {
  DEFAULT_PROVIDER_ENDPOINTS,
  InvalidEndpointError,
  providerEndpointsFromEnv,
} from '../../../lambdas/adapters/carbon/endpoints';
import { StaticProvider } from '../../../lambdas/adapters/carbon/static-provider';
import { SecretValue } from '../../../lambdas/adapters/secrets/secret-value';

const http = { timeoutMs: 1000, maxRetries: 0 };

describe('Module: endpoints', () => {
  describe('Function: providerEndpointsFromEnv', () => {
    it('uses the public URLs by default and the variables when set', () => {
      // Act
      const defaults = providerEndpointsFromEnv({});
      const overridden = providerEndpointsFromEnv({
        ELECTRICITYMAPS_API_URL: 'http://127.0.0.1:8080/em',
        WATTTIME_API_URL: 'https://proxy.example/wt',
        UK_CARBON_INTENSITY_API_URL: ' ',
      });

      // Assess
      expect(defaults).toEqual({
        electricityMaps: 'https://api.electricitymap.org',
        wattTime: 'https://api.watttime.org',
        ukCarbonIntensity: 'https://api.carbonintensity.org.uk',
      });
      expect(overridden).toEqual({
        electricityMaps: 'http://127.0.0.1:8080/em',
        wattTime: 'https://proxy.example/wt',
        ukCarbonIntensity: DEFAULT_PROVIDER_ENDPOINTS.ukCarbonIntensity,
      });
    });

    it('rejects a value that is not an http(s) URL, naming the variable', () => {
      // Act / Assess
      expect(() => providerEndpointsFromEnv({ WATTTIME_API_URL: 'ftp://x' })).toThrow(InvalidEndpointError);
      expect(() => providerEndpointsFromEnv({ WATTTIME_API_URL: 'not a url' })).toThrow(/WATTTIME_API_URL="not a url"/);
    });
  });
});

describe('Module: build-providers', () => {
  describe('Function: buildProviders', () => {
    it('builds providers in config order and skips those without credentials, saying why', () => {
      // Act
      const { providers, unavailable } = buildProviders({
        order: ['watttime', 'electricitymaps', 'uk-carbon-intensity', 'static'],
        credentials: { electricityMapsApiKey: new SecretValue('k') },
        endpoints: DEFAULT_PROVIDER_ENDPOINTS,
        http,
      });

      // Assess
      expect(providers.map((p) => p.name)).toEqual(['electricitymaps', 'uk-carbon-intensity', 'static']);
      expect(unavailable).toEqual([{ provider: 'watttime', reason: 'no username and password' }]);
    });

    it('passes the configured GB region to the UK provider', () => {
      // Act
      const { providers } = buildProviders({
        order: ['uk-carbon-intensity'],
        credentials: {},
        endpoints: DEFAULT_PROVIDER_ENDPOINTS,
        http,
        ukRegionId: 13,
      });

      // Assess
      expect(providers[0]?.zoneFor('eu-west-2')).toBe('GB-REGION-13');
    });
  });
});

describe('Module: static-provider', () => {
  describe('Class: StaticProvider', () => {
    it('answers the annual factor of the region it is asked for, keyed by region code', async () => {
      // Prepare
      const provider = new StaticProvider();

      // Act
      const reading = await provider.latest('eu-west-3', new Date('2026-01-01T00:00:00Z'));

      // Assess
      expect(provider.zoneFor('eu-west-3')).toBe('eu-west-3');
      expect(provider.zoneFor('mars-1')).toBeNull();
      expect(reading).toMatchObject({ zone: 'FR', provider: 'static', gCO2ePerKWh: 31 });
    });
  });
});
