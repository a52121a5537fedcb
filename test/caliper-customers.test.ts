/**
 * Caliper area "customers" (q2-platform-customers): SearchCustomer, UpdateCustomerInfo (flat fields and the data
 * property's CustomerData and AdminNote) and AddAdminNote. The journey changes a customer and reads it back through
 * SearchCustomer and the seed's Lookup Customer node (the shared state).
 */
import assert from 'node:assert/strict';
import { refusalCases, wireCases, caught, errorText, output } from './caliper-harness';
import { flowWith, load, send, simulatorContext, useSimulator, type Msg } from './harness';

const ctx = simulatorContext();
const TYPE = 'q2-platform-customers';

const data = (out: Msg): unknown => (out.payload as { data: unknown }).data;

describe('Caliper: Q2 Customers (q2-platform-customers) against the simulator', function () {
  this.timeout(30000);
  useSimulator(ctx);

  wireCases(ctx, TYPE, [
    {
      operation: 'SearchCustomer',
      title: 'POST /v2/SearchCustomer by a part of the name; data is a list of summaries',
      node: { CustomerName: 'bakery' },
      expect: { method: 'POST', path: '/v2/SearchCustomer', body: { CustomerName: 'bakery' } },
      check: (out) => {
        const list = data(out) as Array<Record<string, unknown>>;
        assert.deepEqual(
          list.map((c) => c.CustomerID),
          [3],
        );
        assert.deepEqual(Object.keys(list[0]).sort(), [
          'CreateDate',
          'CustomerID',
          'CustomerName',
          'DefaultAddressID',
          'DeletedDate',
          'GroupID',
          'IsCompany',
          'PrimaryCIF',
          'TaxID',
        ]);
      },
    },
    {
      operation: 'SearchCustomer',
      title: 'by TaxID from the node credential',
      credentials: { TaxID: '012345678' },
      expect: { method: 'POST', path: '/v2/SearchCustomer', body: { TaxID: '012345678' } },
      check: (out) => assert.equal((data(out) as Array<{ CustomerID: number }>)[0].CustomerID, 2),
    },
    {
      operation: 'SearchCustomer',
      title: '"No Customers Found": data {} with success true',
      config: { PrimaryCIF: 'NO-SUCH-CIF' },
      expect: { method: 'POST', path: '/v2/SearchCustomer', body: { PrimaryCIF: 'NO-SUCH-CIF' } },
      check: (out) => {
        assert.deepEqual(data(out), {});
        assert.equal((out.payload as { success: boolean }).success, true);
      },
    },
    {
      operation: 'UpdateCustomerInfo',
      title: 'PUT with the flat fields from the node, no data property object',
      node: { CustomerID: '1', CustomerName: 'Avery Family', isCompany: false, ChargeAccount: '5001', PrimaryCif: 'CIF-1' },
      expect: {
        method: 'PUT',
        path: '/v2/UpdateCustomerInfo',
        body: { CustomerID: 1, CustomerName: 'Avery Family', isCompany: false, ChargeAccount: 5001, PrimaryCif: 'CIF-1' },
      },
      check: (out) => assert.deepEqual(data(out), {}),
    },
    {
      operation: 'UpdateCustomerInfo',
      title: 'CustomerData and AdminNote from the data property, the TaxID from msg.config',
      config: { CustomerID: 2, TaxID: '987654321' },
      payload: { CustomerData: [{ Name: 'Segment', Value: 'Commercial' }], AdminNote: { Note: 'Tax id corrected', FraudIndicator: 'false' } },
      expect: {
        method: 'PUT',
        path: '/v2/UpdateCustomerInfo',
        body: {
          CustomerData: [{ Name: 'Segment', Value: 'Commercial' }],
          AdminNote: { Note: 'Tax id corrected', FraudIndicator: 'false' },
          CustomerID: 2,
          TaxID: '987654321',
        },
      },
      check: (out) => assert.ok(!JSON.stringify(out.payload).includes('987654321'), 'the tax id is not echoed'),
    },
    {
      operation: 'AddAdminNote',
      title: 'POST /v2/AddAdminNote with FraudIndicator sent as the string "true"',
      node: { CustomerID: '2', Note: 'Called about a suspicious transfer', UserID: '4', CreatedByAdmin: 'csr.jane', FraudIndicator: 'true' },
      expect: {
        method: 'POST',
        path: '/v2/AddAdminNote',
        body: { CustomerID: 2, Note: 'Called about a suspicious transfer', UserID: 4, CreatedByAdmin: 'csr.jane', FraudIndicator: 'true' },
      },
      check: (out) => assert.deepEqual(data(out), {}),
    },
    {
      operation: 'AddAdminNote',
      title: 'the two required fields from msg.config only',
      config: { CustomerID: 3, Note: 'Welcome call done' },
      expect: { method: 'POST', path: '/v2/AddAdminNote', body: { CustomerID: 3, Note: 'Welcome call done' } },
    },
  ]);

  refusalCases(ctx, TYPE, [
    { operation: 'SearchCustomer', title: 'no selector', error: /CustomerName|TaxID|PrimaryCIF/ },
    { operation: 'SearchCustomer', title: 'two selectors', config: { CustomerName: 'Avery', PrimaryCIF: '111223333' }, error: /CustomerName|PrimaryCIF/ },
    { operation: 'UpdateCustomerInfo', title: 'no CustomerID', config: { CustomerName: 'X' }, error: /CustomerID is required/ },
    { operation: 'UpdateCustomerInfo', title: "CustomerID 'abc'", config: { CustomerID: 'abc' }, error: /msg\.config\.CustomerID/ },
    {
      operation: 'UpdateCustomerInfo',
      title: 'isCompany that is not a boolean',
      config: { CustomerID: 1, isCompany: 'maybe' },
      error: /msg\.config\.isCompany/,
    },
    {
      operation: 'UpdateCustomerInfo',
      title: 'an AdminNote without Note',
      config: { CustomerID: 1 },
      payload: { AdminNote: { CreatedByAdmin: 'x' } },
      error: /msg\.payload\.AdminNote\.Note/,
    },
    {
      operation: 'UpdateCustomerInfo',
      title: 'a CustomerData pair without Name',
      config: { CustomerID: 1 },
      payload: { CustomerData: [{ Value: 'x' }] },
      error: /msg\.payload\.CustomerData\[0\]\.Name/,
    },
    { operation: 'AddAdminNote', title: 'no Note', config: { CustomerID: 1 }, error: /Note is required/ },
    { operation: 'AddAdminNote', title: "UserID 'abc'", config: { CustomerID: 1, Note: 'x', UserID: 'abc' }, error: /msg\.config\.UserID/ },
    {
      operation: 'AddAdminNote',
      title: 'a FraudIndicator other than "true" or "false" (Q2 types it as a string)',
      config: { CustomerID: 1, Note: 'x', FraudIndicator: 'yes' },
      error: /msg\.config\.FraudIndicator must be one of true, false/,
    },
  ]);

  it('journey: UpdateCustomerInfo → SearchCustomer and the seed Lookup Customer read the change back', async () => {
    await load(
      flowWith(ctx.sim.url, [
        { id: 'n1', type: TYPE, operation: 'UpdateCustomerInfo' },
        { id: 'n2', type: 'q2-lookup-customer', includeCustomerData: true },
      ]),
    );
    assert.deepEqual(data(output(await send({ config: { operation: 'SearchCustomer', CustomerName: 'Lone Star' } }))), {});
    output(
      await send({
        config: { CustomerID: 3, CustomerName: 'Lone Star Bakery LLC', TaxID: '741000999', PrimaryCif: 'CIF-LSB' },
        payload: { CustomerData: [{ Name: 'Industry', Value: 'Bakery' }] },
      }),
    );
    const found = data(output(await send({ config: { operation: 'SearchCustomer', CustomerName: 'lone star' } }))) as Array<Record<string, unknown>>;
    assert.deepEqual(
      found.map((c) => [c.CustomerID, c.PrimaryCIF]),
      [[3, 'CIF-LSB']],
    );
    const looked = (output(await send({ config: { taxID: '741000999' } }, 'n2')).payload as { data: Array<{ CustomerID: number; Data: unknown }> }).data;
    assert.equal(looked[0].CustomerID, 3);
    assert.deepEqual(looked[0].Data, [{ ShortName: 'Industry', GTDataValue: 'Bakery' }]);
    // the old tax id no longer finds it
    assert.deepEqual(data(output(await send({ config: { operation: 'SearchCustomer', TaxID: '741852963' } }))), {});
    // an admin note for that customer, then for a user of another customer (404)
    output(await send({ config: { operation: 'AddAdminNote', CustomerID: 3, Note: 'Renamed', UserID: 3 } }));
    const wrongUser = await send({ config: { operation: 'AddAdminNote', CustomerID: 3, Note: 'x', UserID: 1 } });
    assert.equal(caught(wrongUser).statusCode, 404);
    assert.match(errorText(wrongUser), /UserID Not Found/);
  });

  it('failures: an unknown customer is 404; a charge account of another customer is 400', async () => {
    await load(flowWith(ctx.sim.url, [{ id: 'n1', type: TYPE, operation: 'UpdateCustomerInfo' }]));
    const unknown = await send({ config: { CustomerID: 99, CustomerName: 'x' } });
    assert.equal(caught(unknown).statusCode, 404);
    assert.match(errorText(unknown), /CustomerID Not Found/);
    const charge = await send({ config: { CustomerID: 1, ChargeAccount: 5010 } });
    assert.equal(caught(charge).statusCode, 400);
    assert.match(errorText(charge), /Invalid ChargeAccount/);
    const note = await send({ config: { operation: 'AddAdminNote', CustomerID: 99, Note: 'x' } });
    assert.equal(caught(note).statusCode, 404);
  });

  describe('a TaxID never reaches the Catch text nor msg.config of a failed message', () => {
    const cases: Array<{ title: string; config: Record<string, unknown> }> = [
      { title: 'UpdateCustomerInfo for an unknown customer', config: { operation: 'UpdateCustomerInfo', CustomerID: 99, TaxID: '123987456' } },
      {
        title: 'UpdateCustomerInfo refused before sending (a bad CustomerID)',
        config: { operation: 'UpdateCustomerInfo', CustomerID: 'abc', TaxID: '123987456' },
      },
      { title: 'SearchCustomer with two selectors', config: { operation: 'SearchCustomer', TaxID: '123987456', CustomerName: 'Avery' } },
    ];
    for (const c of cases) {
      it(c.title, async () => {
        await load(flowWith(ctx.sim.url, [{ id: 'n1', type: TYPE, operation: 'SearchCustomer' }]));
        const failed = caught(await send({ config: c.config }));
        assert.ok(failed.error?.message);
        assert.ok(!failed.error.message.includes('123987456'), failed.error.message);
        assert.ok(!('TaxID' in (failed.config as Record<string, unknown>)), 'msg.config.TaxID is removed before Catch');
        assert.ok(!JSON.stringify(failed).includes('123987456'), 'nowhere in the failed message');
      });
    }
  });
});
