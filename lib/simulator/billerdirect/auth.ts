/**
 * Biller Direct `/v1/auth` resource: create (or re-run) an auth, MFA steps, answer questions, fix a hold,
 * delete, list; plus how an auth starts, holds, asks for MFA and completes (the bill, payment and swap its
 * items ask for).
 */
import { randomBytes } from 'node:crypto';
import type { Route } from '../server';
import { fail, hexId, isObject } from '../kit';
import {
  BD_ITEMS,
  BD_MFA_METHODS,
  holdReason,
  type BdAuthRecord,
  type BdCodeDestination,
  type BdItem,
  type BdMfaMethod,
  type BdMfaQuestion,
} from '../billerdirect-data';
import {
  badRequest,
  checkAnswers,
  isWrongAnswer,
  notFound,
  optBool,
  optString,
  reqEnum,
  reqString,
  resolveAuthStart,
  type AuthStart,
} from '../billerdirect-rules';
import { ok, type BdCore, type Ctx } from './core';
import { upsertBill } from './bill';
import { assign, executeScheduled } from './payment';
import { setSwapStatus, upsertSwap } from './swap';

const QUEUED = 'Auth has been queued and will respond via webhooks.';
const STEP_QUEUED = 'Auth security response has been queued and will respond via webhooks.';

const shortId = (): string => randomBytes(7).toString('base64url');

export function authRoutes(bd: BdCore): Route[] {
  return [
    bd.api('POST', '/auth', (c) => createAuth(bd, c)),
    bd.api('POST', '/auth/step', (c) => authStep(bd, c)),
    bd.api('GET', '/auth/list/:clientId', (c) => ({ data: bd.authsOf(bd.client(c, c.params.clientId)._id).map((a) => publicAuth(bd, a)) })),
    bd.api('POST', '/auth/:authId/fix-hold', (c) => fixHold(bd, c)),
    bd.api('POST', '/auth/:authId/answer-questions', (c) => answerQuestions(bd, c)),
    bd.api('DELETE', '/auth/:authId', (c) => deleteAuth(bd, c)),
  ];
}

// ---- shapes ---------------------------------------------------------------------------------------

function publicAuth(bd: BdCore, a: BdAuthRecord): Record<string, unknown> {
  const p = a.pending;
  let mfa: Record<string, unknown> | undefined;
  if (p && a.status === 'mfa-required') {
    if (p.stage === 'code') mfa = { method: 'code', mfa: [], input: p.destinations.map((d) => ({ ...d })), token: p.token };
    else if (p.stage === 'prompt') mfa = { method: 'prompt', mfa: [], input: [{ request: 'Verify your login with your mobile device' }], token: p.token };
    else mfa = { method: 'questions', mfa: p.questions.map((q) => ({ ...q })), token: p.token, ...(p.stage === 'code-questions' ? { showRetry: true } : {}) };
  }
  return {
    _id: a._id,
    created: a.created,
    items: [...a.items],
    status: { type: a.status },
    company: bd.companyRef(a.companyId),
    ...(a.reason ? { reason: { ...a.reason } } : {}),
    ...(mfa ? { mfa } : {}),
    ...(a.paymentIdentifier ? { paymentIdentifier: a.paymentIdentifier } : {}),
  };
}

function authEventSummary(bd: BdCore, a: BdAuthRecord): Record<string, unknown> {
  const c = bd.companyOf(a.companyId);
  return { _id: a._id, items: [...a.items], company: { _id: c._id, name: c.name }, status: { type: a.status } };
}

function mfaEvent(bd: BdCore, a: BdAuthRecord): void {
  const pub = publicAuth(bd, a);
  const mfa = pub.mfa as { method: BdMfaMethod; mfa: BdMfaQuestion[]; input?: unknown[]; token: string; showRetry?: boolean };
  bd.emit(
    'auth.mfa-required',
    a.clientId,
    { id: a.clientId, type: 'client' },
    {
      auth: authEventSummary(bd, a),
      method: mfa.method,
      input: mfa.input ?? mfa.mfa,
      token: mfa.token,
      ...(mfa.showRetry ? { showRetry: true } : {}),
    },
  );
}

// ---- lifecycle ------------------------------------------------------------------------------------

function applyStart(bd: BdCore, auth: BdAuthRecord, start: AuthStart): void {
  auth.plan = start.plan;
  auth.pending = undefined;
  auth.reason = undefined;
  switch (start.status) {
    case 'verified':
      return completeAuth(bd, auth);
    case 'authenticate':
      auth.status = 'authenticate';
      bd.emit('auth.invalid', auth.clientId, { id: auth._id, type: 'auth' }, { company: authEventSummary(bd, auth).company });
      return;
    case 'hold':
      return holdAuth(bd, auth, start.holdCode ?? 'account_issue_accept_toc');
    case 'mfa-required':
      return startMfa(bd, auth, start.mfaMethod ?? 'questions');
  }
}

function holdAuth(bd: BdCore, auth: BdAuthRecord, code: string): void {
  auth.status = 'hold';
  auth.pending = undefined;
  auth.reason = holdReason(code);
  bd.emit(
    'auth.hold',
    auth.clientId,
    { id: auth._id, type: 'auth' },
    {
      hold: { code, text: auth.reason.userMessage },
      company: authEventSummary(bd, auth).company,
    },
  );
  if (auth.items.includes('swap') && auth.paymentMethodId) upsertSwap(bd, auth, auth.paymentMethodId, 'hold');
}

function startMfa(bd: BdCore, auth: BdAuthRecord, method: BdMfaMethod): void {
  auth.status = 'mfa-required';
  const questions =
    method === 'questions'
      ? [
          { question: 'What city did you grow up in?', identifier: shortId() },
          { question: 'What is your favorite food?', identifier: shortId() },
        ]
      : [];
  const destinations: BdCodeDestination[] =
    method === 'code'
      ? [
          { type: 'text', mask: 'xxx-xxx-1234', identifier: shortId(), label: 'Text: xxx-xxx-1234' },
          { type: 'email', mask: 'e..e@example.com', identifier: shortId(), label: 'Email: e..e@example.com' },
        ]
      : [];
  auth.pending = { stage: method, token: hexId(), questions, destinations };
  mfaEvent(bd, auth);
}

/** Verified: auth.success, then the bill, payment and swap the items asked for. */
function completeAuth(bd: BdCore, auth: BdAuthRecord): void {
  auth.status = 'verified';
  auth.pending = undefined;
  auth.reason = undefined;
  bd.emit('auth.success', auth.clientId, { id: auth.clientId, type: 'client' }, { auth: authEventSummary(bd, auth) });
  const company = bd.companyOf(auth.companyId);
  if (auth.items.includes('bill') || auth.items.includes('payment')) {
    const bill = upsertBill(bd, auth);
    const method = auth.paymentMethodId ? bd.data.paymentMethods.find((m) => m.method._id === auth.paymentMethodId) : undefined;
    if (method && method.method.status === 'verified' && (!company.requiredPayment || company.requiredPayment === method.method.type)) {
      assign(bd, method, bill);
    }
    if (auth.items.includes('payment')) {
      const payer = bd.methodFor(bill);
      if (payer && payer.method.status === 'verified' && bill.balanceCents && bill.status !== 'syncing') {
        bill.scheduled = { payDate: bd.now(), amountCents: bill.balanceCents, paymentMethodId: payer.method._id };
        executeScheduled(bd, bill);
      }
    }
  }
  if (company.supportedItems.includes('swap') && (auth.items.includes('swap') || auth.plan.autoSwap)) {
    const cards = auth.plan.autoSwap ? bd.methodsOf(auth.clientId).filter((m) => m.method.type === 'card') : [];
    const card = auth.paymentMethodId ?? (cards.find((m) => m.method.default) ?? cards[0])?.method._id;
    if (card) upsertSwap(bd, auth, card, auth.plan.swapStatus);
  }
  for (const swap of bd.data.swaps) if (swap.authId === auth._id && swap.status === 'hold') setSwapStatus(bd, swap, auth.plan.swapStatus);
}

// ---- operations -----------------------------------------------------------------------------------

function createAuth(bd: BdCore, ctx: Ctx): unknown {
  const body = bd.body(ctx);
  const client = bd.client(ctx, reqString(body, 'clientId'));
  const record = bd.companyRecord(reqString(body, 'companyId'));
  const company = record.company;
  const rawItems = body.items;
  if (!Array.isArray(rawItems) || rawItems.length === 0) return badRequest('items must be a non-empty array of bill, payment, swap');
  if (!rawItems.every((i): i is BdItem => typeof i === 'string' && (BD_ITEMS as readonly string[]).includes(i))) {
    return badRequest('items may only contain bill, payment, swap');
  }
  const items = [...new Set(rawItems)];
  if (items.includes('swap') && items.length > 1) return badRequest('items: swap cannot be combined with other items');
  for (const item of items) {
    if (!company.supportedItems.includes(item === 'payment' ? 'bill' : item)) {
      return fail(400, 'item_not_supported', `${company.name} does not support ${item}`);
    }
  }
  const form = body.form;
  if (!isObject(form) || Object.keys(form).length === 0) return badRequest('form is required (the company login fields)');
  const paymentIdentifier = optString(body, 'paymentIdentifier');
  const meta = body.meta ?? {};
  if (!isObject(meta)) return badRequest('meta must be an object');
  const paymentMethodId = optString(meta, 'paymentMethodId', 'meta.paymentMethodId');
  const billId = optString(meta, 'billId', 'meta.billId');
  const swapId = optString(meta, 'swapId', 'meta.swapId');
  if (billId && swapId) return badRequest('meta.billId and meta.swapId cannot be used together');
  if (paymentMethodId && bd.method(ctx, paymentMethodId).clientId !== client._id) {
    return badRequest('meta.paymentMethodId belongs to another client');
  }
  let auth: BdAuthRecord | undefined;
  if (billId || swapId) {
    const target = billId ? bd.bill(ctx, billId) : (bd.data.swaps.find((s) => s._id === swapId) ?? notFound('Swap'));
    if (target.clientId !== client._id) return badRequest(`${billId ? 'meta.billId' : 'meta.swapId'} belongs to another client`);
    if (target.companyId !== company._id) return badRequest(`${billId ? 'meta.billId' : 'meta.swapId'} belongs to another company`);
    auth = bd.data.auths.find((a) => a._id === target.authId);
  }
  const start = resolveAuthStart(record, form);
  const isSwap = items.includes('swap');
  auth ??= bd.authsOf(client._id).find((a) => a.companyId === company._id && a.items.includes('swap') === isSwap);
  if (!auth) {
    auth = { _id: hexId(), clientId: client._id, companyId: company._id, created: bd.now(), items, status: start.status, plan: start.plan };
    bd.data.auths.push(auth);
  }
  auth.items = items;
  auth.paymentIdentifier = paymentIdentifier;
  auth.paymentMethodId = paymentMethodId;
  applyStart(bd, auth, start);
  return { success: true, message: QUEUED, authId: auth._id };
}

function authStep(bd: BdCore, ctx: Ctx): unknown {
  const body = bd.body(ctx);
  const token = reqString(body, 'token');
  const method = reqEnum(body, 'method', BD_MFA_METHODS);
  const retry = optBool(body, 'didNotReceiveCode') ?? false;
  const auth = bd.data.auths.find((a) => a.pending?.token === token) ?? notFound('MFA token');
  bd.own(ctx, auth.clientId);
  const pending = auth.pending;
  if (!pending) return notFound('MFA token');
  const queued = { success: 'true', message: STEP_QUEUED };
  if (retry) {
    if (pending.stage !== 'code-questions') return fail(409, 'retry_not_available', 'didNotReceiveCode is only accepted after a code was sent');
    pending.token = hexId();
    pending.questions = pending.questions.map((q) => ({ ...q, identifier: shortId() }));
    mfaEvent(bd, auth);
    return queued;
  }
  const expected = pending.stage === 'code-questions' ? 'questions' : pending.stage;
  if (method !== expected) return badRequest(`method must be "${expected}" for this MFA step`);
  let wrong: boolean;
  if (pending.stage === 'code') {
    const security = body.security;
    const id = isObject(security) ? security.identifier : undefined;
    const destination = pending.destinations.find((d) => d.identifier === id);
    if (!destination) return badRequest('security.identifier must be one of the offered code destinations');
    auth.pending = {
      stage: 'code-questions',
      token: hexId(),
      destinations: pending.destinations,
      destination,
      questions: [{ question: `What is the code sent to ${destination.mask}?`, identifier: shortId() }],
    };
    mfaEvent(bd, auth);
    return queued;
  }
  if (pending.stage === 'prompt') {
    wrong = isObject(body.security) && isWrongAnswer(body.security.answer);
  } else {
    wrong = checkAnswers(pending.questions, body.security, 'security');
  }
  if (wrong) holdAuth(bd, auth, 'authentication_not_completed');
  else completeAuth(bd, auth);
  return queued;
}

function answerQuestions(bd: BdCore, ctx: Ctx): unknown {
  const auth = bd.auth(ctx, ctx.params.authId);
  const body = bd.body(ctx);
  const pending = auth.pending;
  if (auth.status !== 'mfa-required' || !pending || (pending.stage !== 'questions' && pending.stage !== 'code-questions')) {
    return fail(409, 'not_mfa_required', 'This auth has no unanswered MFA questions');
  }
  if (checkAnswers(pending.questions, body.answers, 'answers')) holdAuth(bd, auth, 'authentication_not_completed');
  else completeAuth(bd, auth);
  return { ...ok };
}

function fixHold(bd: BdCore, ctx: Ctx): unknown {
  const auth = bd.auth(ctx, ctx.params.authId);
  if (auth.status !== 'hold') return fail(409, 'not_on_hold', 'This auth is not on hold');
  completeAuth(bd, auth);
  return { ...ok };
}

function deleteAuth(bd: BdCore, ctx: Ctx): unknown {
  const auth = bd.auth(ctx, ctx.params.authId);
  const billIds = new Set(bd.data.bills.filter((b) => b.authId === auth._id).map((b) => b._id));
  for (const m of bd.data.paymentMethods) m.method.assignedBills = m.method.assignedBills.filter((id) => !billIds.has(id));
  bd.data.bills = bd.data.bills.filter((b) => !billIds.has(b._id));
  bd.data.swaps = bd.data.swaps.filter((s) => s.authId !== auth._id);
  bd.data.auths = bd.data.auths.filter((a) => a !== auth);
  bd.emit('auth.deleted', auth.clientId, { id: auth._id, type: 'auth' }, { company: authEventSummary(bd, auth).company });
  return { ...ok };
}
