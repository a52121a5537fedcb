/**
 * Caliper: treasury set-up and currencies (CALIPER §4 I rows 76–78, §4 J rows 79–81): create a subsidiary, the
 * Treasury Fulfillment pre-draft service request and its status (a GET of the same path), currency codes, exchange
 * rates and importing rates.
 */
import type { ResourceSpec } from '../../model/operation';
import { arrayBody, caliper, payloadBody, req } from './common';
import { text } from '../schemas';

/** `YYYY-MM-DD HH:mm:SS` (CALIPER §4 #81) */
const dateTime = { type: 'string', pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}$' };
const currency = { type: 'string', pattern: '^[A-Za-z]{3}$' };

/** One rate to import: every field required (CALIPER §4 #81). */
const importedRate = {
  type: 'object',
  required: ['StartDate', 'ExpireDate', 'SourceAuthority', 'SourceCurrency', 'ExchangeRate', 'ExchangeCurrency'],
  properties: {
    StartDate: dateTime,
    ExpireDate: dateTime,
    SourceAuthority: text,
    SourceCurrency: currency,
    // typed as a string by Q2
    ExchangeRate: { type: 'string', pattern: '^[0-9]+(\\.[0-9]+)?$' },
    ExchangeCurrency: currency,
  },
};

export const treasury: ResourceSpec = {
  type: 'q2-platform-treasury',
  icon: 'font-awesome/fa-university',
  operations: [
    caliper('CreateSubsidiary', 'POST', '/CreateSubsidiary', [
      req({ key: 'CustomerID', in: 'body', type: 'id' }),
      req({ key: 'DisplayName', in: 'body', type: 'string' }),
      req({ key: 'AchName', in: 'body', type: 'string' }),
      // documented as an integer; sent as its digits (a string keeps leading zeros) ⚠
      req({ key: 'AchTaxID', in: 'body', type: 'string', sensitive: true }),
      req({ key: 'WireName', in: 'body', type: 'string' }),
      req({ key: 'WireAddress1', in: 'body', type: 'string' }),
      { key: 'WireAddress2', in: 'body', type: 'string' },
      req({ key: 'WireCity', in: 'body', type: 'string' }),
      req({ key: 'WireState', in: 'body', type: 'string' }),
      { key: 'WirePostalCode', in: 'body', type: 'string' },
      { key: 'WireProvince', in: 'body', type: 'string' },
      req({ key: 'WireCountryID', in: 'body', type: 'id' }),
      req({ key: 'WireIsInternational', in: 'body', type: 'boolean' }),
    ]),
    caliper(
      'TreasuryFulfillment/CreateServiceRequest',
      'POST',
      '/TreasuryFulfillment/CreateServiceRequest',
      [
        { key: 'TaxId', in: 'body', type: 'string', sensitive: true },
        { key: 'ZoneName', in: 'body', type: 'string' },
      ],
      // the optional CustomerInformation… of a new enrolment (its fields are truncated in the source ⚠)
      { exactlyOne: ['TaxId', 'ZoneName'], body: payloadBody({ type: 'object' }, true) },
    ),
    caliper('TreasuryFulfillment/GetServiceRequestStatus', 'GET', '/TreasuryFulfillment/CreateServiceRequest', [
      req({ key: 'PreDraftId', in: 'query', type: 'id' }),
    ]),
    caliper('GetCurrencyCodes', 'GET', '/GetCurrencyCodes', [{ key: 'valid-international', in: 'query', type: 'boolean' }]),
    caliper('GetExchangeRates', 'GET', '/GetExchangeRates', [req({ key: 'filter', in: 'query', type: 'string' })]),
    caliper('ImportExchangeRate', 'POST', '/ImportExchangeRate', [], {
      body: arrayBody(importedRate, 'ImportExchangeRateRequest'),
    }),
  ],
};
