/**
 * Caliper area "messaging" (CALIPER §4 K, rows 82–92): alerts, secure messages, notifications, system notifications
 * and vendors. The simulator's choices where Q2's answer was not captured (⚠):
 *  - alert definitions are seeded on the shared accounts (balance alerts on host accounts 5001 and 5002, transaction
 *    alerts on 5003 and 5005); a host account id is the account's AccountID as a string. GenerateBalanceAlerts with
 *    an unknown host account answers HTTP 200 with body status 500 ("Internal Platform Error", success false);
 *    GenerateTransactionAlerts answers success true with the E-str error "Host account not found" (CALIPER §3.3).
 *  - SendSecureMessage answers `data: {}`; an endUser source or target must be an active user (400 otherwise).
 *  - SendNotification answers `data: [{Reference, NotificationID}]`, one per notification; SendRichPushNotification
 *    answers `data: [{NotificationID, DeviceNickname}]`, one per device reached (seeded devices; a DeviceNickname
 *    picks one). SSO identifiers the simulator knows: `sso-<UserID>` of an active user (e.g. `sso-2`).
 *  - GetNotificationStatus answers `{<id>: {NotificationID, NotificationType, Status, …}}`; each read moves a
 *    notification on: Queued → Sent → Delivered. An unknown id has `Status: "Not Found"`. Seeded: NotificationID 4000
 *    (EMAIL, Delivered).
 * Answers never echo addresses, account numbers or message text of the request.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { RecordedRequest, SimResponse } from '../server';
import type { Account, User } from '../platform-data';
import type { CaliperApi, CaliperArea } from './api';

type Status = 'Queued' | 'Sent' | 'Delivered';

interface SentNotification {
  NotificationID: number;
  NotificationType: 'SMS' | 'PUSH' | 'EMAIL' | 'RICHPUSH';
  Reference?: string;
  DeviceNickname?: string;
  UserID: number;
  Status: Status;
  CreatedDate: string;
  UpdatedDate: string;
}

interface SecureMessage {
  MessageID: number;
  sourceId: number;
  targetId: number;
}

const NEXT: Record<Status, Status> = { Queued: 'Sent', Sent: 'Delivered', Delivered: 'Delivered' };

/** [OUR] simulated alert definitions: host account → alert */
const BALANCE_ALERTS = [
  { AlertDefinitionID: 101, account: 5001, user: 1, HADEName: 'AvailableBalance', HADEDesc: 'Available balance', Operand: '<', ComparisonValue: '500.00' },
  { AlertDefinitionID: 102, account: 5002, user: 2, HADEName: 'LedgerBalance', HADEDesc: 'Ledger balance', Operand: '>', ComparisonValue: '25000.00' },
];
const TRANSACTION_ALERTS = [
  {
    AlertDefinitionID: 201,
    account: 5003,
    user: 2,
    AlertPostedTranID: 11,
    AlertPostedTranTypeID: 3,
    AlertPostedTranType: 'Withdrawal',
    Operand: '>',
    ComparisonValue: '1000.00',
  },
  {
    AlertDefinitionID: 202,
    account: 5005,
    user: 4,
    AlertPostedTranID: 12,
    AlertPostedTranTypeID: 1,
    AlertPostedTranType: 'Deposit',
    Operand: '>=',
    ComparisonValue: '0.01',
  },
];
/** [OUR] simulated registered devices of the seed users */
const DEVICES: Record<number, readonly string[]> = { 1: ['Alex phone'], 2: ['Ryan iPhone', 'Ryan iPad'], 4: ['Dana Pixel'] };

const CAMPAIGNS = [
  {
    CampaignName: 'Holiday Hours',
    StartDate: '2026-11-20T00:00:00',
    EndDate: '2027-01-05T00:00:00',
    enabled: true,
    PayloadInfo: [
      { id: 1, payload: '{"title":"Holiday hours","body":"Branches close at noon on Dec 24."}', associated_url: 'https://example.com/holiday-hours' },
    ],
  },
  {
    CampaignName: 'Mobile App Update',
    StartDate: '2026-10-01T00:00:00',
    EndDate: '2026-12-31T00:00:00',
    enabled: true,
    PayloadInfo: [{ id: 2, payload: '{"title":"New app version","body":"Update for faster transfers."}', associated_url: 'https://example.com/app' }],
  },
  { CampaignName: 'Summer Savings', StartDate: '2026-06-01T00:00:00', EndDate: '2026-08-31T00:00:00', enabled: false, PayloadInfo: [] },
];

const VENDORS = [
  { VendorID: 1, VendorName: 'Q2 Bill Pay', sso: true },
  { VendorID: 2, VendorName: 'Card Management Portal', sso: true },
  { VendorID: 3, VendorName: 'Statement Archive', sso: false },
  { VendorID: 4, VendorName: 'Credit Score Insights', sso: true },
  { VendorID: 5, VendorName: 'Core Batch Export', sso: false },
];

const present = (v: unknown): boolean => v !== undefined && v !== null && v !== '';
const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const text = (v: unknown): boolean => typeof v === 'string' && v.trim() !== '';

export function messagingArea(api: CaliperApi): CaliperArea {
  // a seeded e-mail notification, already delivered: NotificationID 4000
  const seedNotifications = (): SentNotification[] => [
    {
      NotificationID: 4000,
      NotificationType: 'EMAIL',
      Reference: 'seed-welcome',
      UserID: 2,
      Status: 'Delivered',
      CreatedDate: '2026-01-02T09:00:00.000Z',
      UpdatedDate: '2026-01-02T09:00:05.000Z',
    },
  ];
  let notifications: SentNotification[] = seedNotifications();
  let messages: SecureMessage[] = [];
  let nextNotification = 4001;

  const account = (id: number): Account | undefined => api.state.accounts.find((a) => a.AccountID === id);

  /** the array body, or its documented wrapper's array (⚠ which one Q2 expects is not known) */
  const items = (req: RecordedRequest, wrapper: string): unknown[] => {
    const raw = isObject(req.body) && Array.isArray(req.body[wrapper]) ? req.body[wrapper] : req.body;
    if (!Array.isArray(raw) || raw.length === 0) return api.invalid(`${wrapper} is required`);
    return raw as unknown[];
  };

  /** The fields #83 and #84 share (through ProductTypeName), from the shared state. */
  const common = (def: { AlertDefinitionID: number; account: number; user: number }, type: string): Record<string, unknown> => {
    const user = api.activeUser(def.user) as User | undefined;
    const acct = account(def.account);
    const customer = user ? api.activeCustomer(user.CustomerID) : undefined;
    return {
      AlertDefinitionID: def.AlertDefinitionID,
      AlertType: type,
      UserID: def.user,
      Enabled: true,
      SendSecureMessage: false,
      NotificationType: 'EMAIL',
      CountryID: 212,
      IsoCodeA3: 'USA',
      DialingCode: '1',
      CityOrAreaCode: '512',
      LocalNumber: '5550100',
      EmailAddress: user?.PrimaryEmailAddress || `user${def.user}@example.com`,
      CreateDate: '2025-01-15T10:00:00',
      FirstName: user?.FirstName ?? null,
      MiddleName: user?.MiddleName ?? null,
      LastName: user?.LastName ?? null,
      Salutation: user?.Salutation ?? null,
      Suffix: user?.Suffix ?? null,
      // the simulator never hands out a full SSN
      SSN: user ? `*****${user.SSN.slice(-4)}` : null,
      PrimaryCIF: customer?.PrimaryCIF ?? null,
      HostAccountID: String(def.account),
      AccountNumberInternal: acct?.AccountNumber ?? null,
      CIFInternal: customer?.PrimaryCIF ?? null,
      CIFExternal: customer ? `EXT-${customer.PrimaryCIF}` : null,
      ProductName: acct?.ProductName ?? null,
      ProductTypeName: acct?.AccountType ?? null,
    };
  };

  const activeDefs = <T extends { user: number; account: number }>(defs: readonly T[]): T[] =>
    defs.filter((d) => api.activeUser(d.user) !== undefined && account(d.account) !== undefined);

  /** HTTP 200 whose body reports status 500 (CALIPER §3.3, GenerateBalanceAlerts) */
  const internalError = (): SimResponse => ({
    status: 200,
    body: {
      data: {},
      success: false,
      errors: [{ code: 500, message: 'Internal Platform Error' }],
      requestid: randomUUID(),
      status: 500,
      log_ref_id: `log-${randomBytes(6).toString('hex')}`,
    },
  });

  const userOf = (body: Record<string, unknown>, keys: { logon?: string; sso: string; id: string }): User | undefined => {
    if (keys.logon && present(body[keys.logon])) return api.userByLogon(String(body[keys.logon]));
    if (present(body[keys.sso])) {
      const m = /^sso-([1-9]\d*)$/i.exec(String(body[keys.sso]));
      return m ? api.activeUser(Number(m[1])) : undefined;
    }
    const id = api.id(body[keys.id]);
    return id === undefined ? undefined : api.activeUser(id);
  };

  const record = (n: Omit<SentNotification, 'NotificationID' | 'Status' | 'CreatedDate' | 'UpdatedDate'>): SentNotification => {
    const now = new Date().toISOString();
    const sent: SentNotification = { ...n, NotificationID: nextNotification++, Status: 'Queued', CreatedDate: now, UpdatedDate: now };
    notifications.push(sent);
    return sent;
  };

  return {
    reset: () => {
      notifications = seedNotifications();
      messages = [];
      nextNotification = 4001;
    },
    routes: [
      {
        method: 'GET',
        path: '/GetAlertAccounts',
        handler: () => {
          const accounts = [...new Set(activeDefs([...BALANCE_ALERTS, ...TRANSACTION_ALERTS]).map((d) => d.account))]
            .map(account)
            .filter((a): a is Account => a !== undefined);
          const customers = accounts.map((a) => api.activeCustomer(a.CustomerID)).filter((c) => c !== undefined);
          const cifs = [...new Set(customers.map((c) => c.PrimaryCIF))];
          return api.ok({
            PrimaryCIF: cifs,
            AccountNumberInternal: accounts.map((a) => a.AccountNumber),
            AccountNumberExternal: accounts.map((a) => `00${a.AccountNumber}`),
            CIFInternal: cifs,
            CIFExternal: cifs.map((c) => `EXT-${c}`),
          });
        },
      },
      {
        method: 'GET',
        path: '/GetAllAlerts/Balance',
        handler: () =>
          api.ok(
            activeDefs(BALANCE_ALERTS).map((d) => ({
              ...common(d, 'Balance'),
              HADEDesc: d.HADEDesc,
              HADEName: d.HADEName,
              HADEDataType: 'Money',
              Operand: d.Operand,
              ComparisonValue: d.ComparisonValue,
            })),
          ),
      },
      {
        method: 'GET',
        path: '/GetAllAlerts/Transaction',
        handler: () =>
          api.ok(
            activeDefs(TRANSACTION_ALERTS).map((d) => ({
              ...common(d, 'Transaction'),
              AlertPostedTranID: d.AlertPostedTranID,
              AlertPostedTranTypeID: d.AlertPostedTranTypeID,
              AlertPostedTranType: d.AlertPostedTranType,
              DataType: 'Money',
              Operand: d.Operand,
              ComparisonValue: d.ComparisonValue,
            })),
          ),
      },
      {
        method: 'POST',
        path: '/GenerateBalanceAlerts',
        handler: (req) => {
          const ids = items(req, 'GenerateBalanceAlertsRequest');
          if (!ids.every(text)) return api.invalid('GenerateBalanceAlertsRequest must hold host account ids (strings)');
          const accounts = ids.map((id) => api.id(id)).map((id) => (id === undefined ? undefined : account(id)));
          if (accounts.some((a) => a === undefined)) return internalError();
          return api.ok({});
        },
      },
      {
        method: 'POST',
        path: '/GenerateTransactionAlerts',
        handler: (req) => {
          const ids = items(req, 'GenerateTransactionAlertsRequest');
          if (!ids.every(text)) return api.invalid('GenerateTransactionAlertsRequest must hold host account ids (strings)');
          const accounts = ids.map((id) => api.id(id)).map((id) => (id === undefined ? undefined : account(id)));
          const missing = accounts.filter((a) => a === undefined).length;
          return api.ok({}, missing ? [`Host account not found (${missing} of ${accounts.length})`] : []);
        },
      },
      {
        method: 'POST',
        path: '/SendSecureMessage',
        handler: (req) => {
          const list = items(req, 'SendSecureMessageRequest');
          const parties = ['csr', 'csrGroup', 'endUser'];
          const checked = list.map((item) => {
            if (!isObject(item)) return api.invalid('SendSecureMessageRequest items must be objects');
            api.required(item, ['sourceId', 'targetId', 'messageSubject', 'messageBody', 'senderType', 'targetType']);
            for (const key of ['senderType', 'targetType']) {
              if (!parties.includes(String(item[key]))) api.invalid(`${key} must be csr, csrGroup or endUser`);
            }
            const sourceId = api.id(item.sourceId);
            const targetId = api.id(item.targetId);
            if (sourceId === undefined || (item.senderType === 'endUser' && !api.activeUser(sourceId))) return api.invalid('Invalid sourceId');
            if (targetId === undefined || (item.targetType === 'endUser' && !api.activeUser(targetId))) return api.invalid('Invalid targetId');
            return { sourceId, targetId };
          });
          for (const m of checked) messages.push({ MessageID: messages.length + 1, ...m });
          return api.ok({});
        },
      },
      {
        method: 'POST',
        path: '/SendNotification',
        handler: (req) => {
          const list = items(req, 'Notification');
          const checked = list.map((item) => {
            if (!isObject(item)) return api.invalid('Notification items must be objects');
            api.required(item, ['Reference', 'NotificationType', 'TextBody', 'AddHtmlHeaderAndFooter']);
            for (const key of ['Subject', 'HTMLBody']) if (item[key] === undefined || item[key] === null) api.invalid(`${key} is required`);
            const type = String(item.NotificationType);
            if (type !== 'SMS' && type !== 'PUSH' && type !== 'EMAIL') return api.invalid('NotificationType must be SMS, PUSH or EMAIL');
            const address = typeof item.TargetAddress === 'string' ? item.TargetAddress : '';
            if (type === 'SMS' && !/^\d{10}$/.test(address)) return api.invalid('TargetAddress must be a 10-digit phone number for SMS');
            if (type === 'EMAIL' && !/^[^@\s]+@[^@\s]+$/.test(address)) return api.invalid('TargetAddress must be an e-mail address for EMAIL');
            if (![true, false, 'true', 'false', 'True', 'False'].includes(item.AddHtmlHeaderAndFooter as string | boolean)) {
              return api.invalid('AddHtmlHeaderAndFooter must be true or false');
            }
            api.exactlyOne(item, ['TargetUserID', 'SSOIdentifier']);
            const user = userOf(item, { sso: 'SSOIdentifier', id: 'TargetUserID' });
            if (!user) return api.fail(404, 'User Not Found');
            return { type, user, Reference: String(item.Reference) };
          });
          const sent = checked.map((c) => record({ NotificationType: c.type as 'SMS' | 'PUSH' | 'EMAIL', Reference: c.Reference, UserID: c.user.UserID }));
          return api.ok(sent.map((n) => ({ Reference: n.Reference, NotificationID: n.NotificationID })));
        },
      },
      {
        method: 'POST',
        path: '/SendRichPushNotification',
        handler: (req) => {
          const body = api.body(req);
          api.exactlyOne(body, ['TargetUserLogon', 'SSOIdentifier', 'UserID']);
          if (!isObject(body.notification) && !isObject(body.data)) return api.invalid('notification or data is required');
          const user = userOf(body, { logon: 'TargetUserLogon', sso: 'SSOIdentifier', id: 'UserID' });
          if (!user) return api.fail(404, 'User Not Found');
          const devices = DEVICES[user.UserID] ?? [];
          if (!devices.length) return api.invalid('The user has no registered devices');
          let reached = devices;
          if (present(body.DeviceNickname)) {
            reached = devices.filter((d) => d.toLowerCase() === String(body.DeviceNickname).toLowerCase());
            if (!reached.length) return api.fail(404, 'Device Not Found');
          }
          const sent = reached.map((DeviceNickname) => record({ NotificationType: 'RICHPUSH', DeviceNickname, UserID: user.UserID }));
          return api.ok(sent.map((n) => ({ NotificationID: n.NotificationID, DeviceNickname: n.DeviceNickname })));
        },
      },
      {
        method: 'GET',
        path: '/GetNotificationStatus',
        handler: (req) => {
          const raw = req.query.notification_ids;
          if (!present(raw)) return api.invalid('notification_ids is required');
          const ids = raw.split(',').map((s) => s.trim());
          if (!ids.every((s) => /^[1-9]\d{0,17}$/.test(s))) return api.invalid('notification_ids must be a comma list of integers');
          const data: Record<string, unknown> = {};
          for (const id of ids) {
            const n = notifications.find((x) => x.NotificationID === Number(id));
            if (!n) {
              data[id] = { NotificationID: Number(id), Status: 'Not Found' };
              continue;
            }
            data[id] = { ...n };
            n.Status = NEXT[n.Status];
            n.UpdatedDate = new Date().toISOString();
          }
          return api.ok(data);
        },
      },
      {
        method: 'GET',
        path: '/GetSystemNotifications',
        handler: (req) => {
          const name = req.query['campaign-name'];
          if (!present(name)) {
            return api.ok(CAMPAIGNS.filter((c) => c.enabled).map(({ CampaignName, StartDate, EndDate }) => ({ CampaignName, StartDate, EndDate })));
          }
          return api.ok(
            CAMPAIGNS.filter((c) => c.CampaignName.toLowerCase() === name.toLowerCase()).map(({ CampaignName, StartDate, EndDate, PayloadInfo }) => ({
              CampaignName,
              StartDate,
              EndDate,
              PayloadInfo: PayloadInfo.map((p) => ({ ...p })),
            })),
          );
        },
      },
      {
        method: 'GET',
        path: '/GetVendors',
        handler: (req) => {
          const all = req.query.show_all;
          if (all !== undefined && !/^(true|false)$/i.test(all)) return api.invalid('show_all must be true or false');
          const name = req.query.vendor_name?.toLowerCase();
          return api.ok(
            VENDORS.filter((v) => all === undefined || all.toLowerCase() === 'true' || v.sso)
              .filter((v) => !name || v.VendorName.toLowerCase().includes(name))
              .map(({ VendorID, VendorName }) => ({ VendorID, VendorName })),
          );
        },
      },
    ],
  };
}
