import { settingsFromEnv } from '../../../../functions/lib/pipeline/pipeline-settings';
import { ConfigurationError } from '../../../../functions/lib/errors';

describe('pipeline settings from the environment', () => {
  it('reports totals in USD unless REPORTING_CURRENCY names another ISO 4217 code', () => {
    expect(settingsFromEnv({}).reportingCurrency).toBe('USD');
    expect(settingsFromEnv({ REPORTING_CURRENCY: '' }).reportingCurrency).toBe('USD');
    expect(settingsFromEnv({ REPORTING_CURRENCY: 'GBP' }).reportingCurrency).toBe('GBP');
  });

  it.each(['gbp', 'POUND', "US'"])('refuses REPORTING_CURRENCY=%s (it is written into the load SQL)', (code) => {
    expect(() => settingsFromEnv({ REPORTING_CURRENCY: code })).toThrow(ConfigurationError);
    expect(() => settingsFromEnv({ REPORTING_CURRENCY: code })).toThrow(/REPORTING_CURRENCY: must be an ISO 4217 code/);
  });
});
