/**
 * Caliper area "messaging" (q2-platform-messaging): alert definitions and accounts, generating alerts, secure
 * messages, notifications and rich pushes (writes, never retried) and their statuses, system notifications, vendors.
 */
import assert from 'node:assert/strict';
import { apiCalls, refusalCases, wireCases } from './caliper-harness';
import { flowWith, helper, load, send, simulatorContext, useSimulator, type Msg, type Outcome } from './harness';

const ctx = simulatorContext();
const TYPE = 'q2-platform-messaging';

const secureMessage = {
  sourceId: 7,
  targetId: 2,
  messageSubject: 'Your wire',
  messageBody: 'The wire was released.',
  senderType: 'csr',
  targetType: 'endUser',
};
const email = {
  Reference: 'stmt-2026-01',
  NotificationType: 'EMAIL',
  TargetAddress: 'ryan@example.com',
  Subject: 'Your statement',
  TextBody: 'Your January statement is ready.',
  HTMLBody: Buffer.from('<p>Your January statement is ready.</p>').toString('base64'),
  AddHtmlHeaderAndFooter: true,
  TargetUserID: 2,
};
const sms = {
  Reference: 'otp-1',
  NotificationType: 'SMS',
  TargetAddress: '5125550101',
  Subject: '',
  TextBody: 'Your card was used at a new merchant.',
  HTMLBody: '',
  AddHtmlHeaderAndFooter: 'False',
  SSOIdentifier: 'sso-1',
};
/** a copy without `key` */
const without = (o: Record<string, unknown>, key: string): Record<string, unknown> => Object.fromEntries(Object.entries(o).filter(([k]) => k !== key));
const pushNote = { ...without(email, 'TargetAddress'), NotificationType: 'PUSH', Reference: 'p-1' };
const push = { notification: { title: 'Deposit posted', body: 'Your payroll deposit has posted.' }, data: { screen: 'accounts' } };

const data = (out: Msg): unknown => (out.payload as { data: unknown }).data;
const errorOf = (o: Outcome): string => (o.caught as { error?: { message?: string } } | undefined)?.error?.message ?? '';

describe('Caliper: Q2 Alerts & Messages (q2-platform-messaging) against the simulator', () => {
  useSimulator(ctx);

  wireCases(ctx, TYPE, [
    {
      operation: 'GetAlertAccounts',
      title: 'GET, no parameters: the CIFs and account numbers with alerts',
      payload: { ignored: true },
      expect: { method: 'GET', path: '/v2/GetAlertAccounts' },
      check: (out) => {
        const d = data(out) as Record<string, string[]>;
        assert.deepEqual(Object.keys(d).sort(), ['AccountNumberExternal', 'AccountNumberInternal', 'CIFExternal', 'CIFInternal', 'PrimaryCIF']);
        assert.ok(d.AccountNumberInternal.includes('1000000001'));
      },
    },
    {
      operation: 'GetAllAlerts/Balance',
      title: 'GET /v2/GetAllAlerts/Balance: balance alert definitions',
      expect: { method: 'GET', path: '/v2/GetAllAlerts/Balance' },
      check: (out) => {
        const defs = data(out) as Array<Record<string, unknown>>;
        assert.ok(defs.length > 0 && defs.every((d) => d.AlertType === 'Balance' && typeof d.HADEName === 'string'));
        assert.ok(
          defs.every((d) => /^\*+\d{4}$/.test(String(d.SSN))),
          'no full SSN',
        );
      },
    },
    {
      operation: 'GetAllAlerts/Transaction',
      title: 'GET /v2/GetAllAlerts/Transaction: transaction alert definitions',
      expect: { method: 'GET', path: '/v2/GetAllAlerts/Transaction' },
      check: (out) => {
        const defs = data(out) as Array<Record<string, unknown>>;
        assert.ok(defs.length > 0 && defs.every((d) => typeof d.AlertPostedTranType === 'string'));
      },
    },
    {
      operation: 'GenerateBalanceAlerts',
      title: 'the host account ids sent as a bare array',
      payload: ['5001', '5002'],
      expect: { method: 'POST', path: '/v2/GenerateBalanceAlerts', body: ['5001', '5002'] },
      check: (out) => assert.deepEqual(data(out), {}),
    },
    {
      operation: 'GenerateBalanceAlerts',
      title: 'the documented wrapper {GenerateBalanceAlertsRequest: [...]}: its array is sent',
      payload: { GenerateBalanceAlertsRequest: ['5001'] },
      expect: { method: 'POST', path: '/v2/GenerateBalanceAlerts', body: ['5001'] },
    },
    {
      operation: 'GenerateTransactionAlerts',
      title: 'the host account ids sent as a bare array',
      payload: ['5003'],
      expect: { method: 'POST', path: '/v2/GenerateTransactionAlerts', body: ['5003'] },
      check: (out) => assert.deepEqual((out.payload as { errors: unknown }).errors, []),
    },
    {
      operation: 'GenerateTransactionAlerts',
      title: 'an unknown host account: success true with an E-str error (CALIPER §3.3)',
      payload: { GenerateTransactionAlertsRequest: ['5003', '999999'] },
      expect: { method: 'POST', path: '/v2/GenerateTransactionAlerts', body: ['5003', '999999'] },
      check: (out) => assert.match(String((out.payload as { errors: string[] }).errors[0]), /Host account not found/),
    },
    {
      operation: 'SendSecureMessage',
      title: 'the messages sent as a bare array',
      payload: [secureMessage, { ...secureMessage, sourceId: 2, senderType: 'endUser', targetId: 3, targetType: 'csrGroup', Reference: 'r-2' }],
      expect: {
        method: 'POST',
        path: '/v2/SendSecureMessage',
        body: [secureMessage, { ...secureMessage, sourceId: 2, senderType: 'endUser', targetId: 3, targetType: 'csrGroup', Reference: 'r-2' }],
      },
    },
    {
      operation: 'SendNotification',
      title: 'an EMAIL and an SMS sent as a bare array; a NotificationID per Reference',
      payload: [email, sms],
      expect: { method: 'POST', path: '/v2/SendNotification', body: [email, sms] },
      check: (out) => {
        const sent = data(out) as Array<{ Reference: string; NotificationID: number }>;
        assert.deepEqual(
          sent.map((s) => s.Reference),
          ['stmt-2026-01', 'otp-1'],
        );
        assert.ok(sent.every((s) => Number.isInteger(s.NotificationID)));
      },
    },
    {
      operation: 'SendNotification',
      title: 'a PUSH needs no TargetAddress; the {Notification: [...]} wrapper is unwrapped',
      payload: { Notification: [pushNote] },
      expect: { method: 'POST', path: '/v2/SendNotification', body: [pushNote] },
    },
    {
      operation: 'SendRichPushNotification',
      title: 'to a logon name, every device: the FCM message with the target merged in; a notification id per device',
      node: { TargetUserLogon: 'test2' },
      payload: push,
      expect: { method: 'POST', path: '/v2/SendRichPushNotification', body: { ...push, TargetUserLogon: 'test2' } },
      check: (out) => {
        const sent = data(out) as Array<{ NotificationID: number; DeviceNickname: string }>;
        assert.deepEqual(
          sent.map((s) => s.DeviceNickname),
          ['Ryan iPhone', 'Ryan iPad'],
        );
      },
    },
    {
      operation: 'SendRichPushNotification',
      title: 'to a UserID from msg.config, one device',
      config: { UserID: '2', DeviceNickname: 'Ryan iPad' },
      payload: { notification: { title: 'Hi' } },
      expect: { method: 'POST', path: '/v2/SendRichPushNotification', body: { notification: { title: 'Hi' }, UserID: 2, DeviceNickname: 'Ryan iPad' } },
      check: (out) => assert.equal((data(out) as unknown[]).length, 1),
    },
    {
      operation: 'SendRichPushNotification',
      title: 'to an SSO identifier',
      config: { SSOIdentifier: 'sso-4' },
      payload: { data: { screen: 'alerts' } },
      expect: { method: 'POST', path: '/v2/SendRichPushNotification', body: { data: { screen: 'alerts' }, SSOIdentifier: 'sso-4' } },
    },
    {
      operation: 'GetNotificationStatus',
      title: 'notification_ids as a comma list in the query; an id keyed object',
      node: { notification_ids: '4000,123' },
      expect: { method: 'GET', path: '/v2/GetNotificationStatus', query: { notification_ids: '4000,123' } },
      check: (out) => {
        const d = data(out) as Record<string, { Status: string }>;
        assert.deepEqual([d['4000'].Status, d['123'].Status], ['Delivered', 'Not Found']);
      },
    },
    {
      operation: 'GetNotificationStatus',
      title: 'an array of strings in msg.config is joined with commas',
      config: { notification_ids: ['4000', '4001'] },
      expect: { method: 'GET', path: '/v2/GetNotificationStatus', query: { notification_ids: '4000,4001' } },
    },
    {
      operation: 'GetSystemNotifications',
      title: 'no campaign: the enabled campaigns without payloads',
      expect: { method: 'GET', path: '/v2/GetSystemNotifications' },
      check: (out) => {
        const list = data(out) as Array<Record<string, unknown>>;
        assert.deepEqual(
          list.map((c) => c.CampaignName),
          ['Holiday Hours', 'Mobile App Update'],
        );
        assert.ok(list.every((c) => !('PayloadInfo' in c)));
      },
    },
    {
      operation: 'GetSystemNotifications',
      title: 'the hyphenated query key campaign-name: that campaign with its PayloadInfo',
      config: { 'campaign-name': 'Holiday Hours' },
      expect: { method: 'GET', path: '/v2/GetSystemNotifications', query: { 'campaign-name': 'Holiday Hours' } },
      check: (out) => {
        const [c] = data(out) as Array<{ PayloadInfo: Array<{ payload: string }> }>;
        assert.equal(typeof JSON.parse(c.PayloadInfo[0].payload), 'object');
      },
    },
    {
      operation: 'GetVendors',
      title: 'no filter: every vendor',
      expect: { method: 'GET', path: '/v2/GetVendors' },
      check: (out) => assert.equal((data(out) as unknown[]).length, 5),
    },
    {
      operation: 'GetVendors',
      title: 'vendor_name and show_all=false: the SSO vendors with that name',
      node: { vendor_name: 'card', show_all: false },
      expect: { method: 'GET', path: '/v2/GetVendors', query: { vendor_name: 'card', show_all: 'false' } },
      check: (out) => assert.deepEqual(data(out), [{ VendorID: 2, VendorName: 'Card Management Portal' }]),
    },
  ]);

  refusalCases(ctx, TYPE, [
    { operation: 'GenerateBalanceAlerts', title: 'no array', payload: 'trigger', error: /msg\.payload must be of type array/ },
    { operation: 'GenerateBalanceAlerts', title: 'an empty array', payload: [], error: /msg\.payload must have at least 1 item/ },
    { operation: 'GenerateTransactionAlerts', title: 'a number for a host account id', payload: [5003], error: /msg\.payload\[0\] must be of type string/ },
    {
      operation: 'SendSecureMessage',
      title: 'a message without messageBody',
      payload: [{ ...secureMessage, messageBody: undefined }],
      error: /msg\.payload\[0\]\.messageBody is required/,
    },
    {
      operation: 'SendSecureMessage',
      title: "targetId 'abc'",
      payload: [{ ...secureMessage, targetId: 'abc' }],
      error: /msg\.payload\[0\]\.targetId must be a positive whole number/,
    },
    {
      operation: 'SendSecureMessage',
      title: 'an unknown targetType',
      payload: [{ ...secureMessage, targetType: 'admin' }],
      error: /msg\.payload\[0\]\.targetType must be one of/,
    },
    { operation: 'SendNotification', title: 'no Reference', payload: [{ ...email, Reference: undefined }], error: /msg\.payload\[0\]\.Reference is required/ },
    {
      operation: 'SendNotification',
      title: 'an unknown NotificationType',
      payload: [{ ...email, NotificationType: 'FAX' }],
      error: /msg\.payload\[0\]\.NotificationType/,
    },
    { operation: 'SendNotification', title: 'an SMS without TargetAddress', payload: [{ ...sms, TargetAddress: undefined }], error: /msg\.payload\[0\]/ },
    {
      operation: 'SendNotification',
      title: 'both TargetUserID and SSOIdentifier',
      payload: [{ ...email, SSOIdentifier: 'sso-2' }],
      error: /msg\.payload\[0\]/,
    },
    { operation: 'SendRichPushNotification', title: 'no target user', payload: push, error: /TargetUserLogon.*SSOIdentifier.*UserID/ },
    {
      operation: 'SendRichPushNotification',
      title: 'two selectors of the exactly-one group',
      config: { TargetUserLogon: 'test2', UserID: 2 },
      payload: push,
      error: /only one of msg\.config\.TargetUserLogon, msg\.config\.SSOIdentifier, msg\.config\.UserID/,
    },
    { operation: 'SendRichPushNotification', title: "UserID 'abc'", config: { UserID: 'abc' }, payload: push, error: /msg\.config\.UserID must be/ },
    { operation: 'SendRichPushNotification', title: 'no FCM message', config: { UserID: 2 }, payload: {}, error: /msg\.payload/ },
    { operation: 'GetNotificationStatus', title: 'no notification_ids', error: /notification_ids is required/ },
    { operation: 'GetNotificationStatus', title: 'ids with spaces', config: { notification_ids: '1, 2' }, error: /msg\.config\.notification_ids/ },
    { operation: 'GetVendors', title: 'show_all not a boolean', config: { show_all: 'sometimes' }, error: /msg\.config\.show_all/ },
  ]);

  async function run(node: Record<string, unknown>, msg: Record<string, unknown>): Promise<Outcome> {
    await load(flowWith(ctx.sim.url, [{ id: 'n1', type: TYPE, ...node }]));
    const outcome = await send(msg);
    await helper.unload();
    return outcome;
  }

  it('journey: SendNotification and SendRichPushNotification ids have statuses that move on Queued → Sent → Delivered', async () => {
    const sent = await run({ operation: 'SendNotification' }, { payload: [email] });
    const [{ NotificationID: mail }] = data(sent.out as Msg) as Array<{ NotificationID: number }>;
    const pushed = await run({ operation: 'SendRichPushNotification', TargetUserLogon: 'aavery' }, { payload: push });
    const [{ NotificationID: rich }] = data(pushed.out as Msg) as Array<{ NotificationID: number }>;
    const ids = `${mail},${rich}`;
    const statuses = async (): Promise<string[]> => {
      const out = (await run({ operation: 'GetNotificationStatus' }, { payload: 'x', config: { notification_ids: ids } })).out as Msg;
      const d = data(out) as Record<string, { Status: string; NotificationType: string }>;
      return [`${d[mail].NotificationType} ${d[mail].Status}`, `${d[rich].NotificationType} ${d[rich].Status}`];
    };
    assert.deepEqual(await statuses(), ['EMAIL Queued', 'RICHPUSH Queued']);
    assert.deepEqual(await statuses(), ['EMAIL Sent', 'RICHPUSH Sent']);
    assert.deepEqual(await statuses(), ['EMAIL Delivered', 'RICHPUSH Delivered']);
  });

  it('GenerateBalanceAlerts: an unknown host account is an "Internal Platform Error" inside HTTP 200 (body status 500) → Catch, sent once', async () => {
    const outcome = await run({ operation: 'GenerateBalanceAlerts' }, { payload: ['999999'] });
    assert.equal(outcome.out, undefined);
    assert.match(errorOf(outcome), /Internal Platform Error/);
    assert.equal((outcome.caught?.payload as { status: number }).status, 500);
    assert.equal(apiCalls(ctx).filter((r) => r.path === '/v2/GenerateBalanceAlerts').length, 1);
  });

  it('SendRichPushNotification: an unknown device is a 404 → Catch; a user without devices a 400', async () => {
    const device = await run({ operation: 'SendRichPushNotification', TargetUserLogon: 'test2', DeviceNickname: 'Old phone' }, { payload: push });
    assert.match(errorOf(device), /Device Not Found/);
    const none = await run({ operation: 'SendRichPushNotification', TargetUserLogon: 'bakery.admin' }, { payload: push });
    assert.match(errorOf(none), /no registered devices/);
    const nobody = await run({ operation: 'SendRichPushNotification', UserID: '999' }, { payload: push });
    assert.match(errorOf(nobody), /User Not Found/);
  });

  it('SendSecureMessage to an end user who does not exist → Catch (400 Invalid targetId)', async () => {
    const outcome = await run({ operation: 'SendSecureMessage' }, { payload: [{ ...secureMessage, targetId: 99 }] });
    assert.match(errorOf(outcome), /Invalid targetId/);
  });

  for (const operation of ['SendSecureMessage', 'SendNotification', 'SendRichPushNotification'] as const) {
    it(`${operation}: a write — an HTTP 503 is not retried`, async () => {
      await load(flowWith(ctx.sim.url, [{ id: 'n1', type: TYPE, operation, TargetUserLogon: 'test2' }]));
      ctx.sim.server.injectFault({
        path: `/v2/${operation}`,
        status: 503,
        body: { data: {}, success: false, errors: [{ code: 503, message: 'Unavailable' }] },
      });
      const payload = operation === 'SendSecureMessage' ? [secureMessage] : operation === 'SendNotification' ? [email] : push;
      const outcome = await send({ payload });
      assert.ok(outcome.caught);
      assert.equal(ctx.sim.server.requests.filter((r) => r.path === `/v2/${operation}`).length, 1);
    });
  }

  it('GetVendors: a read — an HTTP 503 once is retried', async () => {
    await load(flowWith(ctx.sim.url, [{ id: 'n1', type: TYPE, operation: 'GetVendors' }]));
    ctx.sim.server.injectFault({
      path: '/v2/GetVendors',
      status: 503,
      times: 1,
      body: { data: {}, success: false, errors: [{ code: 503, message: 'Unavailable' }] },
    });
    const outcome = await send({ payload: 'x' });
    assert.equal(errorOf(outcome), '');
    assert.equal(ctx.sim.server.requests.filter((r) => r.path === '/v2/GetVendors').length, 2);
  });
});
