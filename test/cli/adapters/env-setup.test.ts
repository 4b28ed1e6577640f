import { describe, expect, it } from 'vitest';
import { cliProviderSetup, credentialsFromEnv } from '../../../cli/adapters/env-setup';
import { buildProviders } from '../../../lambdas/adapters/carbon/build-providers';

const http = { timeoutMs: 1000, maxRetries: 0 };

describe('Module: env-setup', () => {
  describe('Function: cliProviderSetup', () => {
    it('uses nothing live in a bare environment', () => {
      // Act
      const { providers, unavailable } = buildProviders(
        cliProviderSetup({}, ['electricitymaps', 'watttime', 'uk-carbon-intensity', 'static'], http),
      );

      // Assess
      expect(providers.map((p) => p.name)).toEqual(['static']);
      expect(unavailable.map((u) => u.reason)).toEqual([
        'set ELECTRICITYMAPS_API_KEY to use it',
        'set WATTTIME_USERNAME and WATTTIME_PASSWORD to use it',
        'offline by default; set UK_CARBON_INTENSITY_API_URL=https://api.carbonintensity.org.uk to use it',
      ]);
    });

    it('goes live for a key, a WattTime login, or an explicitly set UK URL', () => {
      // Act
      const { providers } = buildProviders(
        cliProviderSetup(
          {
            ELECTRICITYMAPS_API_KEY: 'k',
            WATTTIME_USERNAME: 'u',
            WATTTIME_PASSWORD: 'p',
            UK_CARBON_INTENSITY_API_URL: 'https://api.carbonintensity.org.uk',
          },
          ['electricitymaps', 'watttime', 'uk-carbon-intensity'],
          http,
        ),
      );

      // Assess
      expect(providers.map((p) => p.name)).toEqual(['electricitymaps', 'watttime', 'uk-carbon-intensity']);
    });

    it('uses Electricity Maps without a key when its URL is set (a proxy adds the key)', () => {
      // Act
      const { providers } = buildProviders(
        cliProviderSetup({ ELECTRICITYMAPS_API_URL: 'http://127.0.0.1:1' }, ['electricitymaps'], http),
      );

      // Assess
      expect(providers.map((p) => p.name)).toEqual(['electricitymaps']);
    });
  });

  describe('Function: credentialsFromEnv', () => {
    it('needs both WattTime variables and never prints the secrets', () => {
      // Act
      const partial = credentialsFromEnv({ WATTTIME_USERNAME: 'u' });
      const full = credentialsFromEnv({
        ELECTRICITYMAPS_API_KEY: 'em-secret',
        WATTTIME_USERNAME: 'u',
        WATTTIME_PASSWORD: 'wt-secret',
      });

      // Assess
      expect(partial).toEqual({});
      expect(full.electricityMapsApiKey?.reveal()).toBe('em-secret');
      expect(JSON.stringify(full)).not.toMatch(/em-secret|wt-secret/);
      expect(`${full.wattTime?.password}`).toBe('[redacted]');
    });
  });
});
