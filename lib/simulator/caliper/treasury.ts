/**
 * Caliper area "treasury" (CALIPER §4 I rows 76–78, §4 J rows 79–81).
 *  - CreateSubsidiary: an active CustomerID (400 "Invalid CustomerID" otherwise); stored, `data: {}`.
 *  - TreasuryFulfillment/CreateServiceRequest (POST): exactly one of TaxId / ZoneName; answers
 *    `{PreDraftId, PreDraftRequestStatus: "Predraft In Progress"}`. Its GET (GetServiceRequestStatus, query
 *    PreDraftId*) moves the pre-draft on at the next read: to "Success" with a ServiceRequestId, or — a TaxId that is
 *    no customer's and no CustomerInformation to enrol one — to "Predraft Error" (HTTP 200, success false, the
 *    PreDraftErrors in data). An unknown PreDraftId is a 404. Seeded: PreDraftId 7000, Success, ServiceRequestId 91000.
 *  - GetCurrencyCodes (query `valid-international`), GetExchangeRates (query `filter`*: one currency code, source or
 *    destination; none → HTTP 200 success true, `data: {}`, errors `[{code: 0, message: "No Results Found"}]`).
 *  - ImportExchangeRate: an array of rates (the `{ImportExchangeRateRequest: [...]}` wrapper accepted too), every
 *    field required (400 "Missing Parameters"), dates `YYYY-MM-DD HH:mm:SS` with the start before the expiry (400
 *    "Invalid Dates"); stored, so GetExchangeRates shows them. A rate already imported for the same pair and start
 *    is not stored again: success true with errors `[{code: 2627, message: "Database Error"}]` (CALIPER §3.3).
 * Answers never echo the TaxId.
 */
import type { RecordedRequest } from '../server';
import type { CaliperApi, CaliperArea } from './api';

interface PreDraft {
  PreDraftId: number;
  status: 'Predraft In Progress' | 'Success' | 'Predraft Error';
  /** what the next read decides */
  outcome: 'Success' | 'Predraft Error';
  ServiceRequestId?: number;
}

interface Subsidiary {
  SubsidiaryID: number;
  CustomerID: number;
  DisplayName: string;
}

interface Rate {
  CurrencyExcahangeRateID: number;
  Start: string;
  ExpiresOn: string;
  SourceAuthority: string;
  ExchangeRate: string;
  AsOF: string;
  SourceCurrency: string;
  DestinationCurrency: string;
}

interface Currency {
  CurrencyCodeID: string;
  CurrencyCode: string;
  CurrencyName: string;
  IsValidForIntWires: string;
  CurrencySymbol: string;
}

const CURRENCIES: readonly Currency[] = [
  ['1', 'USD', 'US Dollar', 'True', '$'],
  ['2', 'EUR', 'Euro', 'True', '€'],
  ['3', 'GBP', 'Pound Sterling', 'True', '£'],
  ['4', 'CAD', 'Canadian Dollar', 'True', '$'],
  ['5', 'MXN', 'Mexican Peso', 'True', '$'],
  ['6', 'JPY', 'Yen', 'True', '¥'],
  ['7', 'VES', 'Bolívar Soberano', 'False', 'Bs.'],
].map(([CurrencyCodeID, CurrencyCode, CurrencyName, IsValidForIntWires, CurrencySymbol]) => ({
  CurrencyCodeID,
  CurrencyCode,
  CurrencyName,
  IsValidForIntWires,
  CurrencySymbol,
}));

function seedRates(): Rate[] {
  const rate = (id: number, to: string, value: string): Rate => ({
    CurrencyExcahangeRateID: id,
    Start: '2026-01-01 00:00:00',
    ExpiresOn: '2026-12-31 23:59:59',
    SourceAuthority: 'Simulated Treasury Desk',
    ExchangeRate: value,
    AsOF: '2026-01-01T00:00:00Z',
    SourceCurrency: 'USD',
    DestinationCurrency: to,
  });
  return [rate(1, 'EUR', '0.9210'), rate(2, 'GBP', '0.7905'), rate(3, 'CAD', '1.3620'), rate(4, 'MXN', '17.0500')];
}

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;
const CURRENCY = /^[A-Za-z]{3}$/;
const present = (v: unknown): boolean => v !== undefined && v !== null && v !== '';

/** A `YYYY-MM-DD HH:mm:SS` text as a time, or undefined when it is not a real date. */
function dateTime(value: unknown): number | undefined {
  const m = typeof value === 'string' ? DATE_TIME.exec(value) : null;
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number);
  const t = Date.UTC(y, mo - 1, d, h, mi, s);
  const back = new Date(t);
  return back.getUTCMonth() === mo - 1 && back.getUTCDate() === d && h < 24 && mi < 60 && s < 60 ? t : undefined;
}

export function treasuryArea(api: CaliperApi): CaliperArea {
  let subsidiaries: Subsidiary[] = [];
  // a seeded pre-draft, already done: PreDraftId 7000
  const seedDrafts = (): PreDraft[] => [{ PreDraftId: 7000, status: 'Success', outcome: 'Success', ServiceRequestId: 91000 }];
  let preDrafts: PreDraft[] = seedDrafts();
  let rates: Rate[] = seedRates();
  let nextPreDraft = 7001;
  let nextServiceRequest = 91001;

  const arrayBody = (req: RecordedRequest, wrapper: string): unknown[] => {
    const raw = req.body;
    const items =
      raw !== null && typeof raw === 'object' && !Array.isArray(raw) && Array.isArray((raw as Record<string, unknown>)[wrapper])
        ? ((raw as Record<string, unknown>)[wrapper] as unknown[])
        : raw;
    if (!Array.isArray(items) || items.length === 0) return api.invalid('Missing Parameters');
    return items;
  };

  return {
    reset: () => {
      subsidiaries = [];
      preDrafts = seedDrafts();
      rates = seedRates();
      nextPreDraft = 7001;
      nextServiceRequest = 91001;
    },
    routes: [
      {
        method: 'POST',
        path: '/CreateSubsidiary',
        handler: (req) => {
          const body = api.body(req);
          api.required(body, [
            'CustomerID',
            'DisplayName',
            'AchName',
            'AchTaxID',
            'WireName',
            'WireAddress1',
            'WireCity',
            'WireState',
            'WireCountryID',
            'WireIsInternational',
          ]);
          const customerId = api.id(body.CustomerID);
          if (customerId === undefined || !api.activeCustomer(customerId)) return api.invalid('Invalid CustomerID');
          const taxId = typeof body.AchTaxID === 'number' ? String(body.AchTaxID).padStart(9, '0') : String(body.AchTaxID);
          if (!/^\d{9}$/.test(taxId)) return api.invalid('AchTaxID must be a nine-digit tax id');
          if (api.id(body.WireCountryID) === undefined) return api.invalid('Invalid WireCountryID');
          if (typeof body.WireIsInternational !== 'boolean') return api.invalid('WireIsInternational must be a boolean');
          subsidiaries.push({ SubsidiaryID: subsidiaries.length + 1, CustomerID: customerId, DisplayName: String(body.DisplayName) });
          return api.ok({});
        },
      },
      {
        method: 'POST',
        path: '/TreasuryFulfillment/CreateServiceRequest',
        handler: (req) => {
          const body = api.body(req);
          const pick = api.exactlyOne(body, ['TaxId', 'ZoneName']);
          if (typeof pick.value !== 'string') return api.invalid(`${pick.key} must be a string`);
          const enrols = Object.keys(body).some((k) => k.startsWith('CustomerInformation'));
          const known = pick.key === 'ZoneName' || enrols || api.state.customers.some((c) => c.DeletedDate === null && c.TaxID === pick.value);
          const draft: PreDraft = { PreDraftId: nextPreDraft++, status: 'Predraft In Progress', outcome: known ? 'Success' : 'Predraft Error' };
          preDrafts.push(draft);
          return api.ok({ PreDraftId: draft.PreDraftId, PreDraftRequestStatus: draft.status });
        },
      },
      {
        method: 'GET',
        path: '/TreasuryFulfillment/CreateServiceRequest',
        handler: (req) => {
          if (!present(req.query.PreDraftId)) return api.invalid('PreDraftId is required');
          const id = api.id(req.query.PreDraftId);
          if (id === undefined) return api.invalid('PreDraftId must be a positive integer');
          const draft = preDrafts.find((d) => d.PreDraftId === id);
          if (!draft) return api.fail(404, 'PreDraftId Not Found');
          if (draft.status === 'Predraft In Progress') {
            draft.status = draft.outcome;
            if (draft.outcome === 'Success') draft.ServiceRequestId = nextServiceRequest++;
          }
          if (draft.status === 'Predraft Error') {
            const errors = [{ code: 1404, message: 'No customer matches the tax id; send CustomerInformation to enrol one' }];
            return api.okFailure({ PreDraftId: draft.PreDraftId, PreDraftRequestStatus: draft.status, PreDraftErrors: errors }, errors);
          }
          return api.ok({ PreDraftId: draft.PreDraftId, PreDraftRequestStatus: draft.status, ServiceRequestId: draft.ServiceRequestId });
        },
      },
      {
        method: 'GET',
        path: '/GetCurrencyCodes',
        handler: (req) => {
          const flag = req.query['valid-international'];
          if (flag !== undefined && !/^(true|false)$/i.test(flag)) return api.invalid('valid-international must be true or false');
          const only = flag !== undefined && flag.toLowerCase() === 'true';
          return api.ok(CURRENCIES.filter((c) => !only || c.IsValidForIntWires === 'True').map((c) => ({ ...c })));
        },
      },
      {
        method: 'GET',
        path: '/GetExchangeRates',
        handler: (req) => {
          const keys = Object.keys(req.query);
          if (!present(req.query.filter)) return api.invalid('No Parameters Found');
          if (keys.length > 1 || req.query.filter.includes(',')) return api.invalid('Too Many Parameters Provided');
          const code = req.query.filter.toUpperCase();
          const found = rates.filter((r) => r.SourceCurrency === code || r.DestinationCurrency === code);
          if (!found.length) return api.ok({}, [{ code: 0, message: 'No Results Found' }]);
          return api.ok(found.map((r) => ({ ...r })));
        },
      },
      {
        method: 'POST',
        path: '/ImportExchangeRate',
        handler: (req) => {
          const items = arrayBody(req, 'ImportExchangeRateRequest');
          const fields = ['StartDate', 'ExpireDate', 'SourceAuthority', 'SourceCurrency', 'ExchangeRate', 'ExchangeCurrency'];
          const checked = items.map((item) => {
            if (item === null || typeof item !== 'object' || Array.isArray(item)) return api.invalid('Missing Parameters');
            const r = item as Record<string, unknown>;
            if (!fields.every((f) => present(r[f]))) return api.invalid('Missing Parameters');
            const start = dateTime(r.StartDate);
            const expire = dateTime(r.ExpireDate);
            if (start === undefined || expire === undefined || start >= expire) return api.invalid('Invalid Dates');
            if (!CURRENCY.test(String(r.SourceCurrency)) || !CURRENCY.test(String(r.ExchangeCurrency))) return api.invalid('Invalid Currency Code');
            if (!/^\d+(\.\d+)?$/.test(String(r.ExchangeRate))) return api.invalid('Invalid ExchangeRate');
            return r;
          });
          const errors: Array<{ code: number; message: string }> = [];
          for (const r of checked) {
            const source = String(r.SourceCurrency).toUpperCase();
            const destination = String(r.ExchangeCurrency).toUpperCase();
            if (rates.some((x) => x.SourceCurrency === source && x.DestinationCurrency === destination && x.Start === r.StartDate)) {
              errors.push({ code: 2627, message: 'Database Error' });
              continue;
            }
            rates.push({
              CurrencyExcahangeRateID: Math.max(0, ...rates.map((x) => x.CurrencyExcahangeRateID)) + 1,
              Start: String(r.StartDate),
              ExpiresOn: String(r.ExpireDate),
              SourceAuthority: String(r.SourceAuthority),
              ExchangeRate: String(r.ExchangeRate),
              AsOF: new Date().toISOString(),
              SourceCurrency: source,
              DestinationCurrency: destination,
            });
          }
          return api.ok({}, errors);
        },
      },
    ],
  };
}
