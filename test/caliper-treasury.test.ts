/**
 * Caliper area "treasury" (q2-platform-treasury): CreateSubsidiary, the Treasury Fulfillment service request and its
 * status (a GET of the same path), currency codes, exchange rates and importing rates; the tax ids are sensitive.
 */
import assert from 'node:assert/strict';
import { apiCalls, refusalCases, wireCases } from './caliper-harness';
import { flowWith, helper, load, send, simulatorContext, useSimulator, type Msg, type Outcome } from './harness';

const ctx = simulatorContext();
const TYPE = 'q2-platform-treasury';
const TAX_ID = '987650321';

const subsidiary = {
  CustomerID: 3,
  DisplayName: 'Blue Bonnet Catering',
  AchName: 'BLUE BONNET CATER',
  AchTaxID: TAX_ID,
  WireName: 'Blue Bonnet Catering LLC',
  WireAddress1: '210 Main St',
  WireCity: 'Round Rock',
  WireState: 'TX',
  WireCountryID: 212,
  WireIsInternational: false,
};

const rate = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  StartDate: '2026-02-01 00:00:00',
  ExpireDate: '2026-02-28 23:59:59',
  SourceAuthority: 'Treasury Desk',
  SourceCurrency: 'USD',
  ExchangeRate: '151.2500',
  ExchangeCurrency: 'JPY',
  ...over,
});

const data = (out: Msg): Record<string, unknown> => (out.payload as { data: Record<string, unknown> }).data;
const errorOf = (o: Outcome): string => (o.caught as { error?: { message?: string } } | undefined)?.error?.message ?? '';

describe('Caliper: Q2 Treasury (q2-platform-treasury) against the simulator', () => {
  useSimulator(ctx);

  wireCases(ctx, TYPE, [
    {
      operation: 'CreateSubsidiary',
      title: 'every field from msg.config in the JSON body; the tax id as a string of digits',
      config: { ...subsidiary, AchTaxID: '012345678', WireAddress2: 'Suite 5', WirePostalCode: '78664' },
      expect: {
        method: 'POST',
        path: '/v2/CreateSubsidiary',
        body: { ...subsidiary, AchTaxID: '012345678', WireAddress2: 'Suite 5', WirePostalCode: '78664' },
      },
      check: (out) => assert.deepEqual(data(out), {}),
    },
    {
      operation: 'CreateSubsidiary',
      title: 'from the node, the tax id a credential, the flag true',
      node: { ...subsidiary, AchTaxID: undefined, CustomerID: '2', WireCountryID: '38', WireIsInternational: true, WireProvince: 'ON' },
      credentials: { AchTaxID: TAX_ID },
      expect: {
        method: 'POST',
        path: '/v2/CreateSubsidiary',
        body: { ...subsidiary, CustomerID: 2, WireCountryID: 38, WireIsInternational: true, WireProvince: 'ON' },
      },
    },
    {
      operation: 'TreasuryFulfillment/CreateServiceRequest',
      title: 'by ZoneName; a non-object data property sends only the selector; answers the PreDraftId in progress',
      node: { ZoneName: 'Central' },
      expect: { method: 'POST', path: '/v2/TreasuryFulfillment/CreateServiceRequest', body: { ZoneName: 'Central' } },
      check: (out) => {
        assert.equal(typeof data(out).PreDraftId, 'number');
        assert.equal(data(out).PreDraftRequestStatus, 'Predraft In Progress');
      },
    },
    {
      operation: 'TreasuryFulfillment/CreateServiceRequest',
      title: 'by TaxId (a credential), merged over the enrolment fields of the data property',
      credentials: { TaxId: TAX_ID },
      payload: { CustomerInformationName: 'New Co' },
      expect: { method: 'POST', path: '/v2/TreasuryFulfillment/CreateServiceRequest', body: { CustomerInformationName: 'New Co', TaxId: TAX_ID } },
    },
    {
      operation: 'TreasuryFulfillment/GetServiceRequestStatus',
      title: 'a GET of the CreateServiceRequest path, PreDraftId in the query, no body',
      node: { PreDraftId: '7000' },
      payload: { ignored: true },
      expect: { method: 'GET', path: '/v2/TreasuryFulfillment/CreateServiceRequest', query: { PreDraftId: '7000' } },
      check: (out) => assert.deepEqual(data(out), { PreDraftId: 7000, PreDraftRequestStatus: 'Success', ServiceRequestId: 91000 }),
    },
    {
      operation: 'GetCurrencyCodes',
      title: 'no flag: every currency, no query',
      expect: { method: 'GET', path: '/v2/GetCurrencyCodes' },
      check: (out) => assert.ok((data(out) as unknown as Array<{ CurrencyCode: string }>).some((c) => c.CurrencyCode === 'VES')),
    },
    {
      operation: 'GetCurrencyCodes',
      title: 'the hyphenated query key valid-international=true: only the currencies valid for international wires',
      config: { 'valid-international': true },
      expect: { method: 'GET', path: '/v2/GetCurrencyCodes', query: { 'valid-international': 'true' } },
      check: (out) => {
        const codes = data(out) as unknown as Array<{ CurrencyCode: string; IsValidForIntWires: string }>;
        assert.ok(codes.length > 0 && codes.every((c) => c.IsValidForIntWires === 'True'));
      },
    },
    {
      operation: 'GetExchangeRates',
      title: 'filter=EUR: the rates with EUR on either side',
      node: { filter: 'EUR' },
      expect: { method: 'GET', path: '/v2/GetExchangeRates', query: { filter: 'EUR' } },
      check: (out) => {
        const rates = data(out) as unknown as Array<{ DestinationCurrency: string; CurrencyExcahangeRateID: number }>;
        assert.deepEqual(
          rates.map((r) => r.DestinationCurrency),
          ['EUR'],
        );
      },
    },
    {
      operation: 'GetExchangeRates',
      title: '"No Results Found" is a success: data {}, errors [{code: 0}]',
      config: { filter: 'CHF' },
      expect: { method: 'GET', path: '/v2/GetExchangeRates', query: { filter: 'CHF' } },
      check: (out) => {
        const p = out.payload as { data: unknown; success: boolean; errors: Array<{ code: number; message: string }> };
        assert.deepEqual([p.data, p.success, p.errors[0].code, p.errors[0].message], [{}, true, 0, 'No Results Found']);
      },
    },
    {
      operation: 'ImportExchangeRate',
      title: 'the data property array sent bare',
      payload: [rate()],
      expect: { method: 'POST', path: '/v2/ImportExchangeRate', body: [rate()] },
      check: (out) => assert.deepEqual(data(out), {}),
    },
    {
      operation: 'ImportExchangeRate',
      title: 'the documented wrapper {ImportExchangeRateRequest: [...]} in the data property: its array is sent',
      payload: { ImportExchangeRateRequest: [rate({ ExchangeCurrency: 'CHF', ExchangeRate: '0.8800' })] },
      expect: { method: 'POST', path: '/v2/ImportExchangeRate', body: [rate({ ExchangeCurrency: 'CHF', ExchangeRate: '0.8800' })] },
    },
  ]);

  refusalCases(ctx, TYPE, [
    { operation: 'CreateSubsidiary', title: 'no DisplayName', config: { ...subsidiary, DisplayName: undefined }, error: /DisplayName is required/ },
    { operation: 'CreateSubsidiary', title: "CustomerID 'abc'", config: { ...subsidiary, CustomerID: 'abc' }, error: /msg\.config\.CustomerID must be/ },
    {
      operation: 'CreateSubsidiary',
      title: 'WireIsInternational not a boolean',
      config: { ...subsidiary, WireIsInternational: 'maybe' },
      error: /msg\.config\.WireIsInternational/,
    },
    { operation: 'TreasuryFulfillment/CreateServiceRequest', title: 'neither TaxId nor ZoneName', error: /TaxId.*ZoneName/ },
    {
      operation: 'TreasuryFulfillment/CreateServiceRequest',
      title: 'both TaxId and ZoneName',
      config: { TaxId: TAX_ID, ZoneName: 'Central' },
      error: /only one of msg\.config\.TaxId, msg\.config\.ZoneName/,
    },
    { operation: 'TreasuryFulfillment/GetServiceRequestStatus', title: 'no PreDraftId', error: /PreDraftId is required/ },
    {
      operation: 'TreasuryFulfillment/GetServiceRequestStatus',
      title: "PreDraftId 'abc'",
      config: { PreDraftId: 'abc' },
      error: /msg\.config\.PreDraftId must be/,
    },
    { operation: 'GetCurrencyCodes', title: 'valid-international not a boolean', config: { 'valid-international': 'yes' }, error: /valid-international/ },
    { operation: 'GetExchangeRates', title: 'no filter', error: /filter is required/ },
    { operation: 'ImportExchangeRate', title: 'no array in the data property', payload: 'trigger', error: /msg\.payload/ },
    {
      operation: 'ImportExchangeRate',
      title: 'a rate without ExpireDate',
      payload: [rate({ ExpireDate: undefined })],
      error: /msg\.payload\[0\]\.ExpireDate is required/,
    },
    {
      operation: 'ImportExchangeRate',
      title: 'a date not in YYYY-MM-DD HH:mm:SS',
      payload: [rate({ StartDate: '2026-02-01' })],
      error: /msg\.payload\[0\]\.StartDate has the wrong format/,
    },
    {
      operation: 'ImportExchangeRate',
      title: 'a numeric ExchangeRate (Q2 types it as a string)',
      payload: [rate({ ExchangeRate: 151.25 })],
      error: /msg\.payload\[0\]\.ExchangeRate/,
    },
  ]);

  async function run(node: Record<string, unknown>, msg: Record<string, unknown>, credentials?: Record<string, string>): Promise<Outcome> {
    await load(flowWith(ctx.sim.url, [{ id: 'n1', type: TYPE, ...node }]), credentials ? { n1: credentials } : {});
    return send(msg);
  }

  it('journey: import a rate → GetExchangeRates shows it → the same import again is a "Database Error" inside success', async () => {
    const none = await run({ operation: 'GetExchangeRates', filter: 'JPY' }, { payload: 'x' });
    assert.deepEqual(data(none.out as Msg), {});
    await helper.unload();
    const imported = await run({ operation: 'ImportExchangeRate' }, { payload: [rate()] });
    assert.equal(errorOf(imported), '');
    await helper.unload();
    const after = await run({ operation: 'GetExchangeRates', filter: 'jpy' }, { payload: 'x' });
    const rates = data(after.out as Msg) as unknown as Array<Record<string, unknown>>;
    assert.equal(rates.length, 1);
    assert.deepEqual(
      [rates[0].SourceCurrency, rates[0].DestinationCurrency, rates[0].ExchangeRate, rates[0].Start, rates[0].ExpiresOn],
      ['USD', 'JPY', '151.2500', '2026-02-01 00:00:00', '2026-02-28 23:59:59'],
    );
    await helper.unload();
    const again = await run({ operation: 'ImportExchangeRate' }, { payload: [rate()] });
    const p = again.out?.payload as { success: boolean; errors: Array<{ message: string }> };
    assert.equal(p.success, true);
    assert.equal(p.errors[0].message, 'Database Error');
  });

  it('journey: a service request for a known tax id goes In Progress → Success with a ServiceRequestId on the next read', async () => {
    const created = await run({ operation: 'TreasuryFulfillment/CreateServiceRequest' }, { payload: {} }, { TaxId: '012345678' });
    const id = data(created.out as Msg).PreDraftId as number;
    assert.equal(data(created.out as Msg).PreDraftRequestStatus, 'Predraft In Progress');
    await helper.unload();
    const first = await run({ operation: 'TreasuryFulfillment/GetServiceRequestStatus', PreDraftId: String(id) }, { payload: 'x' });
    const done = data(first.out as Msg);
    assert.equal(done.PreDraftRequestStatus, 'Success');
    assert.equal(typeof done.ServiceRequestId, 'number');
    await helper.unload();
    const second = await run({ operation: 'TreasuryFulfillment/GetServiceRequestStatus' }, { payload: 'x', config: { PreDraftId: id } });
    assert.deepEqual(data(second.out as Msg), done, 'stays done');
  });

  it('a tax id no customer has, without enrolment fields: the status read is "Predraft Error" (success false in HTTP 200) → Catch', async () => {
    const created = await run({ operation: 'TreasuryFulfillment/CreateServiceRequest' }, { payload: 'x', config: { TaxId: TAX_ID } });
    const id = data(created.out as Msg).PreDraftId as number;
    await helper.unload();
    const status = await run({ operation: 'TreasuryFulfillment/GetServiceRequestStatus', PreDraftId: String(id) }, { payload: 'x' });
    assert.equal(status.out, undefined);
    assert.match(errorOf(status), /No customer matches the tax id/);
    assert.equal(((status.caught?.payload as { data: { PreDraftRequestStatus: string } }) ?? {}).data?.PreDraftRequestStatus, 'Predraft Error');
    await helper.unload();
    const unknown = await run({ operation: 'TreasuryFulfillment/GetServiceRequestStatus', PreDraftId: '999999' }, { payload: 'x' });
    assert.match(errorOf(unknown), /HTTP 404.*PreDraftId Not Found|PreDraftId Not Found/);
  });

  it('CreateSubsidiary for an unknown customer → Catch; the tax id is in neither the error text nor msg.config', async () => {
    const outcome = await run({ operation: 'CreateSubsidiary' }, { payload: 'x', config: { ...subsidiary, CustomerID: 99 } });
    const text = errorOf(outcome);
    assert.match(text, /Invalid CustomerID/);
    assert.ok(!text.includes(TAX_ID), text);
    const config = outcome.caught?.config as Record<string, unknown>;
    assert.equal('AchTaxID' in config, false, 'AchTaxID removed from msg.config');
    assert.equal(config.DisplayName, subsidiary.DisplayName, 'the other keys kept');
    assert.ok(!JSON.stringify(outcome.caught?.config).includes(TAX_ID));
    assert.equal(apiCalls(ctx).filter((r) => r.path === '/v2/CreateSubsidiary').length, 1, 'sent once (a write: never retried)');
  });

  it('CreateServiceRequest refused (both selectors): the TaxId is in neither the error text nor msg.config', async () => {
    const outcome = await run({ operation: 'TreasuryFulfillment/CreateServiceRequest' }, { payload: 'x', config: { TaxId: TAX_ID, ZoneName: 'Central' } });
    assert.ok(!errorOf(outcome).includes(TAX_ID));
    const config = outcome.caught?.config as Record<string, unknown>;
    assert.equal('TaxId' in config, false);
    assert.equal(config.ZoneName, 'Central');
  });

  it('CreateSubsidiary: an HTTP 503 is not retried (a write)', async () => {
    await load(flowWith(ctx.sim.url, [{ id: 'n1', type: TYPE, operation: 'CreateSubsidiary' }]));
    ctx.sim.server.injectFault({
      path: '/v2/CreateSubsidiary',
      status: 503,
      body: { data: {}, success: false, errors: [{ code: 503, message: 'Unavailable' }] },
    });
    const outcome = await send({ payload: 'x', config: subsidiary });
    assert.ok(outcome.caught);
    assert.equal(ctx.sim.server.requests.filter((r) => r.path === '/v2/CreateSubsidiary').length, 1);
  });
});
