/**
 * The Biller Direct sandbox behaviours (docs/api-notes.md §2.3, §2.5) through the real Node-RED runtime against the
 * simulator, and the server-side failures that reach Catch:
 *  - each legacy test credential (`test`, `testfail`, `testhold`, `testmfaquestion`, `testmfacode`, `testmfaprompt`,
 *    `testpaymentfail`, `testswap`, and the `@test.test` form) gives its documented outcome, read back through the
 *    nodes: the auth status from BD Auth list, the bill status from BD Bill list, the swap status from BD Swap list;
 *  - each test-company `status` input (with `balance` and `dueDate`) gives its auth, bill or swap status;
 *  - the 24-hour rule on deleting a payment method, companies that force recurring payments and unknown ids (404)
 *    reach Catch with the HTTP status, Biller Direct's message and the request id.
 */
import assert from 'node:assert/strict';
import { BILLER_DIRECT_COMPANY_IDS as CO, BILLER_DIRECT_SEED_IDS as SEED, type RunningSimulator } from '../lib/simulator';
import { bdApi, bdDueDate, bdFailure, bdFlowWith, bdSuccess, loadBillerDirect, send, simulatorContext, useSimulator, type FlowNode, type Msg } from './harness';

const ctx = simulatorContext();

const CARD = { paymentType: 'card', cardNumber: '4111111111111111', cardCode: '123', expMonth: '02', expYear: '2040', zipcode: '12345', name: 'Test User' };
const DAY_MS = 24 * 60 * 60 * 1000;

interface AuthView {
  _id: string;
  status: { type: string };
  reason?: { code: string; userMessage: string };
  mfa?: { method: string; mfa: Array<{ question: string; identifier: string }>; input?: Array<Record<string, unknown>> };
}
interface BillView {
  bill: { _id: string; status: { type: string }; balance?: string; dueDate?: string; lastPaidAmount?: string; lastPaidOn?: string; auth: { _id: string } };
}
interface SwapView {
  _id: string;
  status: { type: string };
  auth: { _id: string };
  paymentMethod: { _id: string };
}

/**
 * The nodes of a bill-pay / swap flow, one per id: create an auth, list auths, bills and swaps, schedule a payment,
 * delete a payment method, change payment settings.
 */
const NODES: FlowNode[] = [
  { id: 'bd-auth', type: 'q2-billerdirect-auth', name: '', operation: 'create' },
  { id: 'bd-auths', type: 'q2-billerdirect-auth', name: '', operation: 'list' },
  { id: 'bd-bills', type: 'q2-billerdirect-bill', name: '', operation: 'list' },
  { id: 'bd-swaps', type: 'q2-billerdirect-swap', name: '', operation: 'list' },
  { id: 'bd-pay', type: 'q2-billerdirect-payment', name: '', operation: 'schedule' },
  { id: 'bd-unpay', type: 'q2-billerdirect-payment', name: '', operation: 'delete' },
  { id: 'bd-settings', type: 'q2-billerdirect-payment', name: '', operation: 'settings' },
];

async function deploy(): Promise<RunningSimulator> {
  const { sim } = ctx;
  await loadBillerDirect(bdFlowWith(sim.url, NODES));
  return sim;
}

async function newClient(sim: RunningSimulator, withCard: boolean): Promise<{ clientId: string; paymentMethodId?: string }> {
  const { clientId } = await bdApi<{ clientId: string }>(sim, 'POST', '/client', { identifier: `sandbox-${Math.random().toString(36).slice(2)}` });
  if (!withCard) return { clientId };
  const { paymentMethodId } = await bdApi<{ paymentMethodId: string }>(sim, 'POST', '/payment', { clientId, ...CARD });
  return { clientId, paymentMethodId };
}

/** Creates an auth through BD Auth create; returns its id. */
async function createAuth(
  clientId: string,
  companyId: string,
  form: Record<string, unknown>,
  items: string[] = ['bill'],
  meta?: Record<string, unknown>,
): Promise<string> {
  const { payload } = bdSuccess<{ success: boolean; authId: string }>(
    await send({ payload: { clientId, companyId, items, form: { password: 'any-password', ...form }, ...(meta ? { meta } : {}) } }, 'bd-auth'),
  );
  assert.equal(payload.success, true);
  return payload.authId;
}

async function authFromList(clientId: string, authId: string): Promise<AuthView> {
  const { payload } = bdSuccess<{ data: AuthView[] }>(await send({ config: { clientId } }, 'bd-auths'));
  const found = payload.data.find((a) => a._id === authId);
  assert.ok(found, 'the auth is listed');
  return found;
}

async function billFromList(clientId: string, authId: string): Promise<BillView['bill']> {
  const { payload } = bdSuccess<{ data: BillView[] }>(await send({ config: { clientId } }, 'bd-bills'));
  const found = payload.data.find((d) => d.bill.auth._id === authId);
  assert.ok(found, 'the auth’s bill is listed');
  return found.bill;
}

async function swapsFromList(clientId: string): Promise<SwapView[]> {
  return bdSuccess<{ data: SwapView[] }>(await send({ config: { clientId } }, 'bd-swaps')).payload.data;
}

/** `mm/dd/yyyy` → the ISO midnight the bill shows. */
const isoOf = (usDate: string): string => {
  const [m, d, y] = usDate.split('/');
  return `${y}-${m}-${d}T00:00:00.000Z`;
};

describe('Biller Direct sandbox behaviours against the simulator', () => {
  useSimulator(ctx);

  // ---- legacy test credentials (§2.3) --------------------------------------------------------------------------

  interface Legacy {
    credential: string;
    companyId: string;
    /** the login field the company asks for */
    field: 'username' | 'email';
    check: (clientId: string, authId: string, sim: RunningSimulator, paymentMethodId?: string) => Promise<void>;
  }

  const authIs =
    (status: string, more?: (a: AuthView) => void) =>
    async (clientId: string, authId: string): Promise<void> => {
      const a = await authFromList(clientId, authId);
      assert.equal(a.status.type, status);
      more?.(a);
    };

  const legacy: Legacy[] = [
    { credential: 'test', companyId: CO.fiberNet, field: 'username', check: authIs('verified', (a) => assert.equal(a.mfa, undefined)) },
    { credential: 'testfail', companyId: CO.regular3, field: 'username', check: authIs('authenticate') },
    {
      credential: 'testhold',
      companyId: CO.regular3,
      field: 'username',
      check: authIs('hold', (a) => assert.equal(a.reason?.code, 'account_issue_verify_identity')),
    },
    {
      credential: 'testmfaquestion',
      companyId: CO.lumenPower,
      field: 'username',
      check: authIs('mfa-required', (a) => {
        assert.equal(a.mfa?.method, 'questions');
        assert.equal(a.mfa?.mfa.length, 2);
        for (const q of a.mfa?.mfa ?? []) assert.ok(q.question && q.identifier);
      }),
    },
    {
      credential: 'testmfacode',
      companyId: CO.regular3,
      field: 'username',
      check: authIs('mfa-required', (a) => {
        assert.equal(a.mfa?.method, 'code');
        assert.deepEqual(
          a.mfa?.input?.map((i) => i.type),
          ['text', 'email'],
          'where to send the code',
        );
      }),
    },
    { credential: 'testmfaprompt', companyId: CO.regular3, field: 'username', check: authIs('mfa-required', (a) => assert.equal(a.mfa?.method, 'prompt')) },
    {
      credential: 'testpaymentfail',
      companyId: CO.regular3,
      field: 'username',
      check: async (clientId, authId) => {
        await authIs('verified')(clientId, authId);
        const before = await billFromList(clientId, authId);
        assert.equal(before.status.type, 'upcoming');
        bdSuccess(await send({ config: { billId: before._id } }, 'bd-pay'));
        assert.equal((await billFromList(clientId, authId)).status.type, 'payment-declined', 'the payment failed');
      },
    },
    {
      credential: 'testswap',
      companyId: CO.regular4,
      field: 'username',
      check: async (clientId, authId, _sim, paymentMethodId) => {
        await authIs('verified')(clientId, authId);
        const swaps = await swapsFromList(clientId);
        assert.deepEqual(
          swaps.map((s) => [s.auth._id, s.paymentMethod._id, s.status.type]),
          [[authId, paymentMethodId, 'completed']],
          'a post-auth swap of the client’s card',
        );
      },
    },
    { credential: 'testfail@test.test', companyId: CO.regular2, field: 'email', check: authIs('authenticate') },
    { credential: 'TestHold@test.test', companyId: CO.shopwise, field: 'email', check: authIs('hold') },
  ];

  describe('legacy test credentials: the documented outcome, read back through the nodes', () => {
    for (const l of legacy) {
      it(`${l.field} "${l.credential}"`, async () => {
        const sim = await deploy();
        const { clientId, paymentMethodId } = await newClient(sim, true);
        const items = l.companyId === CO.shopwise ? ['swap'] : ['bill'];
        const authId = await createAuth(clientId, l.companyId, { [l.field]: l.credential }, items);
        await l.check(clientId, authId, sim, paymentMethodId);
      });
    }

    it('a plain username (not a test credential) at an ordinary company is verified', async () => {
      const sim = await deploy();
      const { clientId } = await newClient(sim, false);
      const authId = await createAuth(clientId, CO.metroGas, { username: 'testing' });
      assert.equal((await authFromList(clientId, authId)).status.type, 'verified');
    });
  });

  // ---- test companies: balance, dueDate, status (§2.3, §2.5) ---------------------------------------------------

  interface TestInput {
    title: string;
    companyId: string;
    form: Record<string, string>;
    items?: string[];
    /** the swap cases pass the client's card as meta.paymentMethodId */
    withCardMeta?: boolean;
    check: (clientId: string, authId: string, form: Record<string, string>, paymentMethodId: string) => Promise<void>;
  }

  const future = bdDueDate(20);
  const past = bdDueDate(-20);

  const billIs =
    (status: string, more?: (bill: BillView['bill'], form: Record<string, string>) => void) =>
    async (clientId: string, authId: string, form: Record<string, string>): Promise<void> => {
      const bill = await billFromList(clientId, authId);
      assert.equal(bill.status.type, status);
      more?.(bill, form);
    };

  const swapIs =
    (status: string) =>
    async (clientId: string, authId: string, _form: Record<string, string>, paymentMethodId: string): Promise<void> => {
      const swaps = await swapsFromList(clientId);
      assert.deepEqual(
        swaps.map((s) => [s.auth._id, s.paymentMethod._id, s.status.type]),
        [[authId, paymentMethodId, status]],
      );
    };

  const inputs: TestInput[] = [
    // auth status
    {
      title: 'no status: verified, with an upcoming bill',
      companyId: CO.regular1,
      form: {},
      check: async (c, a, f) => {
        await authIs('verified')(c, a);
        await billIs('upcoming')(c, a, f);
      },
    },
    { title: 'status authenticate', companyId: CO.regular1, form: { status: 'authenticate' }, check: authIs('authenticate') },
    {
      title: 'status hold (account_issue_accept_toc)',
      companyId: CO.regular2,
      form: { status: 'hold' },
      check: authIs('hold', (a) => assert.equal(a.reason?.code, 'account_issue_accept_toc')),
    },
    {
      title: 'status mfa-required-questions',
      companyId: CO.regular3,
      form: { status: 'mfa-required-questions' },
      check: authIs('mfa-required', (a) => assert.equal(a.mfa?.method, 'questions')),
    },
    {
      title: 'status mfa-required-code',
      companyId: CO.regular4,
      form: { status: 'mfa-required-code' },
      check: authIs('mfa-required', (a) => assert.equal(a.mfa?.method, 'code')),
    },
    {
      title: 'status mfa-required-prompt',
      companyId: CO.regular5,
      form: { status: 'mfa-required-prompt' },
      check: authIs('mfa-required', (a) => assert.equal(a.mfa?.method, 'prompt')),
    },
    {
      title: 'MFA Company 1 without a status: code MFA',
      companyId: CO.mfa1,
      form: {},
      check: authIs('mfa-required', (a) => assert.equal(a.mfa?.method, 'code')),
    },
    {
      title: 'MFA Company 2 without a status: prompt MFA',
      companyId: CO.mfa2,
      form: {},
      check: authIs('mfa-required', (a) => assert.equal(a.mfa?.method, 'prompt')),
    },
    // bill status
    { title: 'status syncing', companyId: CO.regular1, form: { status: 'syncing' }, check: billIs('syncing') },
    {
      title: 'status zero-balance (balance 0, future dueDate)',
      companyId: CO.regular2,
      form: { balance: '0', dueDate: future, status: 'zero-balance' },
      check: billIs('zero-balance', (b, f) => assert.deepEqual([b.balance, b.dueDate], ['0.00', isoOf(f.dueDate)])),
    },
    {
      title: 'status overdue (balance > 0, past dueDate)',
      companyId: CO.regular3,
      form: { balance: '50', dueDate: past, status: 'overdue' },
      check: billIs('overdue', (b, f) => assert.deepEqual([b.balance, b.dueDate], ['50.00', isoOf(f.dueDate)])),
    },
    {
      title: 'status upcoming (balance > 0, future dueDate)',
      companyId: CO.regular4,
      form: { balance: '75.25', dueDate: future, status: 'upcoming' },
      check: billIs('upcoming', (b, f) => assert.deepEqual([b.balance, b.dueDate], ['75.25', isoOf(f.dueDate)])),
    },
    {
      title: 'status paid (balance → 0, lastPaidOn = dueDate, lastPaidAmount = balance)',
      companyId: CO.regular5,
      form: { balance: '80', dueDate: past, status: 'paid' },
      check: billIs('paid', (b, f) => assert.deepEqual([b.balance, b.lastPaidAmount, b.lastPaidOn], ['0.00', '80.00', isoOf(f.dueDate)])),
    },
    {
      title: 'status payment-declined (future dueDate, balance > 0, then a payment with no date)',
      companyId: CO.regular1,
      form: { balance: '60', dueDate: future, status: 'payment-declined' },
      check: async (clientId, authId, form) => {
        const bill = await billFromList(clientId, authId);
        assert.equal(bill.status.type, 'upcoming', 'until a payment is tried');
        bdSuccess(await send({ config: { billId: bill._id } }, 'bd-pay'));
        await billIs('payment-declined', (b) => assert.equal(b.balance, '60.00'))(clientId, authId, form);
      },
    },
    // swap status
    {
      title: 'swap: status in-progress',
      companyId: CO.regular2,
      form: { status: 'in-progress' },
      items: ['swap'],
      withCardMeta: true,
      check: swapIs('in-progress'),
    },
    { title: 'swap: status completed', companyId: CO.regular3, form: { status: 'completed' }, items: ['swap'], withCardMeta: true, check: swapIs('completed') },
    {
      title: 'swap: status card-on-file',
      companyId: CO.regular4,
      form: { status: 'card-on-file' },
      items: ['swap'],
      withCardMeta: true,
      check: swapIs('card-on-file'),
    },
    {
      title: 'swap: status hold (as an auth hold)',
      companyId: CO.regular5,
      form: { status: 'hold' },
      items: ['swap'],
      withCardMeta: true,
      check: async (c, a, f, p) => {
        await authIs('hold')(c, a);
        await swapIs('hold')(c, a, f, p);
      },
    },
  ];

  describe('test companies: the status input (with balance and dueDate) gives the documented status', () => {
    for (const i of inputs) {
      it(i.title, async () => {
        const sim = await deploy();
        const { clientId, paymentMethodId } = await newClient(sim, true);
        assert.ok(paymentMethodId);
        const authId = await createAuth(clientId, i.companyId, { username: 'jdoe', ...i.form }, i.items, i.withCardMeta ? { paymentMethodId } : undefined);
        await i.check(clientId, authId, { username: 'jdoe', ...i.form }, paymentMethodId);
      });
    }
  });

  // ---- server-side failures at Catch ----------------------------------------------------------------------------

  /** Catch got the HTTP status, the simulator's error body, and a text naming the code, the message and the request id. */
  function serverFailure(outcome: { out?: Msg; caught?: Msg }, label: string, status: number, code: string, message: string | RegExp): Msg {
    const { caught, text } = bdFailure(outcome, label);
    assert.equal(caught.statusCode, status);
    const body = caught.payload as { success: boolean; code: string; message: string };
    assert.equal(body.success, false);
    assert.equal(body.code, code);
    if (typeof message === 'string') assert.equal(body.message, message);
    else assert.match(body.message, message);
    const requestId = caught.q2?.requestId;
    assert.match(String(requestId), /^[0-9a-f-]{36}$/);
    assert.equal(text, `${label}: HTTP ${status}: ${code} ${body.message} (requestid ${String(requestId)})`);
    return caught;
  }

  describe('server-side failures reach Catch with the status and the request id', () => {
    it('the 24-hour rule: a payment method that paid something less than 24 hours ago cannot be deleted (409); a day later it can', async () => {
      const sim = await deploy();
      const { clientId, paymentMethodId } = await newClient(sim, true);
      const authId = await createAuth(clientId, CO.regular1, { username: 'jdoe', balance: '42.50', dueDate: future });
      const bill = await billFromList(clientId, authId);
      bdSuccess(await send({ config: { billId: bill._id } }, 'bd-pay'));
      assert.equal((await billFromList(clientId, authId)).status.type, 'paid', 'paid at once with the new card');

      serverFailure(
        await send({ config: { paymentMethodId } }, 'bd-unpay'),
        'BD Payment',
        409,
        'payment_method_recently_used',
        'A payment was made with this payment method in the last 24 hours; try again later',
      );
      assert.ok(
        sim.billerDirect.state.paymentMethods.some((m) => m.method._id === paymentMethodId),
        'not deleted',
      );

      const later = Date.now() + DAY_MS + 60_000;
      sim.billerDirect.setClock(() => new Date(later));
      assert.deepEqual(bdSuccess(await send({ config: { paymentMethodId } }, 'bd-unpay')).payload, { success: true });
      assert.equal(
        sim.billerDirect.state.paymentMethods.some((m) => m.method._id === paymentMethodId),
        false,
      );
    });

    for (const [name, companyId] of [
      ['Streamflix', CO.streamflix],
      ['Tunebox Music', CO.tunebox],
    ] as const) {
      it(`forced recurring: ${name} refuses recurring disabled (409); enabled is accepted`, async () => {
        const sim = await deploy();
        const { clientId } = await newClient(sim, true);
        const authId = await createAuth(clientId, companyId, { username: 'jdoe', email: 'jdoe@example.com' });
        const bill = await billFromList(clientId, authId);
        serverFailure(
          await send({ config: { billId: bill._id }, payload: { recurring: 'disabled' } }, 'bd-settings'),
          'BD Payment',
          409,
          'recurring_required',
          `${name} requires recurring payments; they cannot be disabled`,
        );
        assert.equal(sim.billerDirect.state.bills.find((b) => b._id === bill._id)?.settings.recurring, 'enabled');
        bdSuccess(await send({ config: { billId: bill._id }, payload: { recurring: 'enabled' } }, 'bd-settings'));
        serverFailure(
          await send({ config: { billId: bill._id }, payload: { schedule: 'day-before' } }, 'bd-settings'),
          'BD Payment',
          409,
          'schedule_fixed',
          `${name} uses the fixed schedule on-due-date`,
        );
      });
    }

    interface Unknown {
      title: string;
      type: string;
      label: string;
      props: Record<string, unknown>;
      msg?: Record<string, unknown>;
      what: string;
    }
    const NO = '64bffffffffffffffffffff0';
    const unknown: Unknown[] = [
      { title: 'bill get: unknown billId', type: 'q2-billerdirect-bill', label: 'BD Bill', props: { operation: 'get', billId: NO }, what: 'Bill' },
      { title: 'bill list: unknown clientId', type: 'q2-billerdirect-bill', label: 'BD Bill', props: { operation: 'list', clientId: NO }, what: 'Client' },
      {
        title: 'bill listByPartner: unknown partnerId',
        type: 'q2-billerdirect-bill',
        label: 'BD Bill',
        props: { operation: 'listByPartner', partnerId: NO },
        what: 'Partner',
      },
      { title: 'auth list: unknown clientId', type: 'q2-billerdirect-auth', label: 'BD Auth', props: { operation: 'list', clientId: NO }, what: 'Client' },
      { title: 'auth fixHold: unknown authId', type: 'q2-billerdirect-auth', label: 'BD Auth', props: { operation: 'fixHold', authId: NO }, what: 'Auth' },
      { title: 'auth delete: unknown authId', type: 'q2-billerdirect-auth', label: 'BD Auth', props: { operation: 'delete', authId: NO }, what: 'Auth' },
      {
        title: 'auth step: unknown MFA token',
        type: 'q2-billerdirect-auth',
        label: 'BD Auth',
        props: { operation: 'step' },
        msg: { payload: { token: NO, method: 'prompt' } },
        what: 'MFA token',
      },
      {
        title: 'company get: unknown companyId',
        type: 'q2-billerdirect-company',
        label: 'BD Company',
        props: { operation: 'get', companyId: NO },
        what: 'Company',
      },
      {
        title: 'payment delete: unknown paymentMethodId',
        type: 'q2-billerdirect-payment',
        label: 'BD Payment',
        props: { operation: 'delete', paymentMethodId: NO },
        what: 'Payment method',
      },
      {
        title: 'payment retry: unknown paymentMethodId',
        type: 'q2-billerdirect-payment',
        label: 'BD Payment',
        props: { operation: 'retry', paymentMethodId: NO },
        what: 'Payment method',
      },
      {
        title: 'payment assign: unknown billId',
        type: 'q2-billerdirect-payment',
        label: 'BD Payment',
        props: { operation: 'assign', paymentMethodId: SEED.paymentMethodId, billId: NO },
        what: 'Bill',
      },
      {
        title: 'payment schedule: unknown billId',
        type: 'q2-billerdirect-payment',
        label: 'BD Payment',
        props: { operation: 'schedule', billId: NO },
        what: 'Bill',
      },
      {
        title: 'payment add: unknown clientId',
        type: 'q2-billerdirect-payment',
        label: 'BD Payment',
        props: { operation: 'add', clientId: NO },
        msg: { payload: { ...CARD } },
        what: 'Client',
      },
      {
        title: 'client revokeTokens: unknown identifier',
        type: 'q2-billerdirect-client',
        label: 'BD Client',
        props: { operation: 'revokeTokens', identifier: 'nobody-here' },
        what: 'Client',
      },
      {
        title: 'swap create: unknown authId',
        type: 'q2-billerdirect-swap',
        label: 'BD Swap',
        props: { operation: 'create', authId: NO, paymentMethodId: SEED.paymentMethodId },
        what: 'Auth',
      },
      { title: 'swap list: unknown clientId', type: 'q2-billerdirect-swap', label: 'BD Swap', props: { operation: 'list', clientId: NO }, what: 'Client' },
      {
        title: 'partner publicKey: unknown keyId',
        type: 'q2-billerdirect-partner',
        label: 'BD Partner',
        props: { operation: 'publicKey', keyId: 'no-such-kid' },
        what: 'Public key',
      },
    ];
    for (const u of unknown) {
      it(`${u.title}: 404`, async () => {
        const { sim } = ctx;
        await loadBillerDirect(bdFlowWith(sim.url, [{ id: 'n1', type: u.type, name: '', ...u.props }]));
        serverFailure(await send(u.msg ?? {}), u.label, 404, 'not_found', `${u.what} not found`);
        assert.equal(sim.server.requests.length, 1);
      });
    }

    it('other business rules: fix-hold on an auth that is not on hold, cancel without a scheduled payment (409)', async () => {
      const { sim } = ctx;
      await loadBillerDirect(
        bdFlowWith(sim.url, [
          { id: 'n1', type: 'q2-billerdirect-auth', name: '', operation: 'fixHold', authId: SEED.authId },
          { id: 'n2', type: 'q2-billerdirect-payment', name: '', operation: 'cancel', billId: SEED.billId },
        ]),
      );
      serverFailure(await send({}, 'n1'), 'BD Auth', 409, 'not_on_hold', 'This auth is not on hold');
      serverFailure(await send({}, 'n2'), 'BD Payment', 409, 'no_scheduled_payment', 'The bill has no scheduled payment');
    });
  });
});
