/**
 * Biller Direct `/v1/payment` resource: payment methods (add, list, delete, retry, assign) and bill payments
 * (settings, schedule, cancel); plus how a scheduled payment is sent, declined or settled.
 */
import type { Route } from '../server';
import { fail, hexId, type Body } from '../kit';
import {
  BD_SCHEDULES,
  DAY_MS,
  eventDate,
  formatCents,
  maskLast4,
  startOfDay,
  type BdBillRecord,
  type BdClient,
  type BdPaymentMethodRecord,
} from '../billerdirect-data';
import { badRequest, optBool, optEnum, optIsoDate, optString, readBank, readCard, readPaymentType, reqString } from '../billerdirect-rules';
import { ok, type BdCore, type Ctx } from './core';

export function paymentRoutes(bd: BdCore): Route[] {
  return [
    bd.api('POST', '/payment', (c) => addPaymentMethod(bd, c)),
    bd.api('GET', '/payment/list/:clientId', (c) => ({
      data: bd.methodsOf(bd.client(c, c.params.clientId)._id).map((m) => structuredClone(m.method)),
    })),
    bd.api('POST', '/payment/settings', (c) => paymentSettings(bd, c)),
    bd.api('POST', '/payment/schedule', (c) => schedulePayment(bd, c)),
    bd.api('POST', '/payment/cancel', (c) => cancelPayment(bd, c)),
    bd.api('DELETE', '/payment/:paymentMethodId', (c) => deletePaymentMethod(bd, c)),
    bd.api('POST', '/payment/:paymentMethodId/retry', (c) => retryPaymentMethod(bd, c)),
    bd.api('POST', '/payment/:paymentMethodId/assign', (c) => assignPaymentMethod(bd, c)),
  ];
}

/** Sends every scheduled payment whose payDate has come (run before each request). */
export function runScheduledPayments(bd: BdCore): void {
  const now = bd.clock().getTime();
  for (const bill of [...bd.data.bills]) {
    if (bill.scheduled && Date.parse(bill.scheduled.payDate) <= now) executeScheduled(bd, bill);
  }
}

// ---- payment methods ------------------------------------------------------------------------

/** Adds a card or bank method from `body` (already validated by the caller for cards in sync). */
export function addMethod(bd: BdCore, client: BdClient, body: Body, label = ''): BdPaymentMethodRecord {
  const type = label ? 'card' : readPaymentType(body);
  const identifier = optString(body, 'identifier', `${label}identifier`);
  const name = optString(body, 'name', `${label}name`);
  const customLabel = optString(body, 'customLabel', `${label}customLabel`);
  const setAsDefault = optBool(body, 'setAsDefault', `${label}setAsDefault`) ?? false;
  const base = {
    _id: hexId(),
    type,
    ...(identifier ? { identifier } : {}),
    default: false,
    ...(name ? { name } : {}),
    ...(customLabel ? { customLabel } : {}),
    assignedBills: [] as string[],
  };
  let record: BdPaymentMethodRecord;
  if (type === 'card') {
    const card = readCard(body, bd.clock(), label);
    record = {
      method: {
        ...base,
        status: card.approved ? 'verified' : 'declined',
        card: { number: maskLast4(card.last4), brand: card.brand, type: card.type, expDate: card.expDate },
      },
      clientId: client._id,
      created: bd.now(),
      approved: card.approved,
      bin: card.bin,
      declines: card.approved ? 0 : 1,
      paidAt: [],
    };
  } else {
    const bank = readBank(body);
    record = {
      method: {
        ...base,
        status: 'verified',
        bank: { routingNumber: maskLast4(bank.routingLast4), accountNumber: maskLast4(bank.accountLast4), type: bank.type },
      },
      clientId: client._id,
      created: bd.now(),
      approved: true,
      declines: 0,
      paidAt: [],
    };
  }
  const others = bd.methodsOf(client._id);
  if (setAsDefault || !others.some((m) => m.method.default)) {
    for (const m of others) m.method.default = false;
    record.method.default = true;
  }
  bd.data.paymentMethods.push(record);
  return record;
}

function addPaymentMethod(bd: BdCore, ctx: Ctx): unknown {
  const body = bd.body(ctx);
  const client = bd.client(ctx, reqString(body, 'clientId'));
  return { paymentMethodId: addMethod(bd, client, body).method._id };
}

function removeMethod(bd: BdCore, m: BdPaymentMethodRecord): void {
  bd.data.paymentMethods = bd.data.paymentMethods.filter((x) => x !== m);
}

function deletePaymentMethod(bd: BdCore, ctx: Ctx): unknown {
  const m = bd.method(ctx, ctx.params.paymentMethodId);
  const since = bd.clock().getTime() - DAY_MS;
  if (m.paidAt.some((at) => Date.parse(at) > since)) {
    return fail(409, 'payment_method_recently_used', 'A payment was made with this payment method in the last 24 hours; try again later');
  }
  removeMethod(bd, m);
  return { ...ok };
}

export function assign(bd: BdCore, m: BdPaymentMethodRecord, bill: BdBillRecord): void {
  for (const other of bd.methodsOf(bill.clientId)) other.method.assignedBills = other.method.assignedBills.filter((id) => id !== bill._id);
  m.method.assignedBills.push(bill._id);
  if (bill.status === 'payment-required' || bill.status === 'payment-declined') restoreStatus(bd, bill);
}

function restoreStatus(bd: BdCore, bill: BdBillRecord): void {
  const past = bill.dueDate !== undefined && Date.parse(bill.dueDate) < Date.parse(startOfDay(bd.clock()));
  bill.status = !bill.balanceCents ? 'zero-balance' : past ? 'overdue' : 'upcoming';
}

function checkPayer(bd: BdCore, m: BdPaymentMethodRecord, bill: BdBillRecord): void {
  if (m.method.status === 'declined') fail(409, 'payment_method_declined', 'The payment method is declined; retry it or use another one');
  const required = bd.companyOf(bill.companyId).requiredPayment;
  if (required && m.method.type !== required) fail(409, 'payment_type_required', `This company only accepts ${required} payments`);
}

function assignPaymentMethod(bd: BdCore, ctx: Ctx): unknown {
  const m = bd.method(ctx, ctx.params.paymentMethodId);
  const bill = bd.bill(ctx, reqString(bd.body(ctx), 'billId'));
  if (bill.clientId !== m.clientId) return badRequest('billId belongs to another client');
  checkPayer(bd, m, bill);
  assign(bd, m, bill);
  return { ...ok };
}

function retryPaymentMethod(bd: BdCore, ctx: Ctx): unknown {
  const m = bd.method(ctx, ctx.params.paymentMethodId);
  if (m.method.status !== 'declined') return fail(409, 'not_declined', 'Only a declined payment method can be retried');
  if (!m.approved) {
    decline(bd, m);
    return { ...ok };
  }
  m.method.status = 'verified';
  for (const bill of bd.billsOf(m.clientId)) {
    if (bill.status === 'payment-declined' && bill.lastFailedMethodId === m.method._id && bill.balanceCents) {
      attemptPayment(bd, bill, m, bill.balanceCents);
    }
  }
  return { ...ok };
}

function decline(bd: BdCore, m: BdPaymentMethodRecord): void {
  m.method.status = 'declined';
  m.declines += 1;
  if (m.declines >= 3) removeMethod(bd, m);
}

// ---- bill payments --------------------------------------------------------------------------

function paymentSettings(bd: BdCore, ctx: Ctx): unknown {
  const body = bd.body(ctx);
  const bill = bd.bill(ctx, reqString(body, 'billId'));
  const recurring = optEnum(body, 'recurring', ['enabled', 'disabled'] as const);
  const schedule = optEnum(body, 'schedule', BD_SCHEDULES);
  const notifications = optEnum(body, 'notifications', ['enabled', 'disabled'] as const);
  if (!recurring && !schedule && !notifications) return badRequest('recurring or schedule is required');
  const record = bd.companyRecord(bill.companyId);
  if (recurring === 'disabled' && record.recurringRequired) {
    return fail(409, 'recurring_required', `${record.company.name} requires recurring payments; they cannot be disabled`);
  }
  if (schedule && record.company.schedule && schedule !== record.company.schedule) {
    return fail(409, 'schedule_fixed', `${record.company.name} uses the fixed schedule ${record.company.schedule}`);
  }
  if (recurring) bill.settings.recurring = recurring;
  if (schedule) bill.settings.schedule = schedule;
  if (notifications) bill.settings.notifications = notifications;
  return { ...ok };
}

function schedulePayment(bd: BdCore, ctx: Ctx): unknown {
  const body = bd.body(ctx);
  const bill = bd.bill(ctx, reqString(body, 'billId'));
  const payDate = optIsoDate(body, 'payDate') ?? optIsoDate(body, 'date');
  if (bill.status === 'syncing') return fail(409, 'bill_syncing', 'The bill is still syncing');
  if (!bill.balanceCents) return fail(409, 'nothing_to_pay', 'The bill has no balance to pay');
  const payer = bd.methodFor(bill) ?? fail(409, 'no_payment_method', 'The client has no payment method for this bill');
  checkPayer(bd, payer, bill);
  const now = bd.clock();
  if (payDate && Date.parse(payDate) < Date.parse(startOfDay(now))) return badRequest('payDate must not be in the past');
  const immediate = !payDate || Date.parse(payDate) <= now.getTime();
  bill.scheduled = { payDate: immediate ? now.toISOString() : (payDate as string), amountCents: bill.balanceCents, paymentMethodId: payer.method._id };
  bd.billEvent(bill, 'bill.payment.scheduled', {
    paymentMethod: bd.eventMethod(payer),
    amount: formatCents(bill.balanceCents),
    payDate: eventDate(bill.scheduled.payDate),
    ...surcharge(bd, bill, payer, bill.balanceCents),
  });
  if (immediate) executeScheduled(bd, bill);
  return { ...ok };
}

function cancelPayment(bd: BdCore, ctx: Ctx): unknown {
  const bill = bd.bill(ctx, reqString(bd.body(ctx), 'billId'));
  const s = bill.scheduled ?? fail(409, 'no_scheduled_payment', 'The bill has no scheduled payment');
  bill.scheduled = undefined;
  bd.billEvent(bill, 'bill.payment.cancelled', {
    paymentMethod: bd.eventMethod(bd.data.paymentMethods.find((m) => m.method._id === s.paymentMethodId)),
    bill: { ...(bill.dueDate ? { dueDate: { current: eventDate(bill.dueDate) } } : {}), amount: { current: formatCents(s.amountCents) } },
    trigger: 'client',
  });
  return { ...ok };
}

function surcharge(bd: BdCore, bill: BdBillRecord, m: BdPaymentMethodRecord, amountCents: number): { surcharge?: { type: string; rate: string } } {
  const fees = bd.companyOf(bill.companyId).fees;
  const card = m.method.card;
  const fee = card ? fees?.cards?.[card.brand]?.[card.type] : fees?.ach;
  if (!fee) return {};
  const cents = fee.percentage ? Math.round((amountCents * fee.rate) / 100) : Math.round(fee.rate * 100);
  return { surcharge: { type: card ? card.type : 'ach', rate: formatCents(cents) } };
}

export function executeScheduled(bd: BdCore, bill: BdBillRecord): void {
  const s = bill.scheduled;
  if (!s) return;
  bill.scheduled = undefined;
  const payer = bd.data.paymentMethods.find((m) => m.method._id === s.paymentMethodId) ?? bd.methodFor(bill);
  if (!payer) {
    bill.status = 'payment-declined';
    bd.billEvent(bill, 'bill.payment.failed', { amount: formatCents(s.amountCents), paymentMethod: null });
    return;
  }
  const amount = Math.min(s.amountCents, bill.balanceCents ?? 0);
  if (amount > 0) attemptPayment(bd, bill, payer, amount);
}

function attemptPayment(bd: BdCore, bill: BdBillRecord, m: BdPaymentMethodRecord, amountCents: number): void {
  const auth = bd.data.auths.find((a) => a._id === bill.authId);
  if (auth?.plan.paymentsFail || bill.declineNext || !m.approved || m.method.status === 'declined') {
    bill.declineNext = false;
    bill.status = 'payment-declined';
    bill.lastFailedMethodId = m.method._id;
    m.method.status = 'declined';
    bd.billEvent(bill, 'bill.payment.failed', { amount: formatCents(amountCents), paymentMethod: bd.eventMethod(m) });
    m.declines += 1;
    if (m.declines >= 3) removeMethod(bd, m);
    return;
  }
  const now = bd.now();
  const previous = bill.balanceCents ?? 0;
  m.declines = 0;
  m.paidAt.push(now);
  bill.payments.push({ amountCents, paidOn: now, paymentMethodId: m.method._id });
  bill.lastPaidAmountCents = amountCents;
  bill.lastPaidOn = now;
  bill.balanceCents = Math.max(0, previous - amountCents);
  bill.lastFailedMethodId = undefined;
  if (bill.balanceCents === 0) bill.status = 'paid';
  else restoreStatus(bd, bill);
  bd.billEvent(bill, 'bill.payment.sent', {
    amount: formatCents(amountCents),
    paymentMethod: bd.eventMethod(m),
    ...surcharge(bd, bill, m, amountCents),
  });
  bd.billEvent(bill, 'bill.update', {
    bill: {
      balance: { previous: formatCents(previous), current: formatCents(bill.balanceCents) },
      ...(bill.dueDate ? { dueDate: { current: eventDate(bill.dueDate) } } : {}),
    },
  });
}
