/** Biller Direct `/v1/bill` resource: list a client's bills, all of the partner's, one bill; and the bill an auth produces. */
import { randomBytes } from 'node:crypto';
import type { Route } from '../server';
import { hexId } from '../kit';
import { DAY_MS, SCHEDULE_OFFSET_DAYS, addDays, eventDate, formatCents, maskLast4, type BdAuthRecord, type BdBillRecord } from '../billerdirect-data';
import { billStart, notFound } from '../billerdirect-rules';
import type { BdCore, Ctx } from './core';

export function billRoutes(bd: BdCore): Route[] {
  return [
    bd.api('GET', '/bill/list/:clientId', (c) => ({ data: bd.billsOf(bd.client(c, c.params.clientId)._id).map((b) => billDetails(bd, b)) })),
    bd.partner('GET', '/bill/listByPartner/:partnerId', (c) => listByPartner(bd, c)),
    bd.api('GET', '/bill/:billId', (c) => billDetails(bd, bd.bill(c, c.params.billId))),
  ];
}

function listByPartner(bd: BdCore, ctx: Ctx): unknown {
  if (ctx.params.partnerId !== bd.partnerId) return notFound('Partner');
  return {
    data: bd.data.bills.map((b) => ({ ...billDetails(bd, b), partnerUserId: b.clientId, partnerId: bd.partnerId })),
  };
}

// ---- shapes ---------------------------------------------------------------------------------------

function payDateOf(b: BdBillRecord): string | undefined {
  if (b.scheduled) return b.scheduled.payDate;
  if (b.settings.recurring !== 'enabled' || !b.balanceCents || !b.dueDate) return undefined;
  if (!['upcoming', 'overdue', 'payment-declined', 'payment-required'].includes(b.status)) return undefined;
  if (b.settings.schedule === 'immediately') return b.created;
  return addDays(b.dueDate, -SCHEDULE_OFFSET_DAYS[b.settings.schedule]);
}

function publicBill(bd: BdCore, b: BdBillRecord): Record<string, unknown> {
  const auth = bd.data.auths.find((a) => a._id === b.authId);
  const company = bd.companyOf(b.companyId);
  const payDate = payDateOf(b);
  return {
    _id: b._id,
    auth: auth ? { _id: auth._id, created: auth.created, status: { type: auth.status }, company: bd.companyRef(auth.companyId), items: [...auth.items] } : null,
    autopay: 'unknown',
    autopaySource: 'unknown',
    ...(b.balanceCents !== undefined ? { balance: formatCents(b.balanceCents) } : {}),
    ...(b.dueDate ? { dueDate: b.dueDate } : {}),
    ...(payDate ? { payDate } : {}),
    ...(b.lastPaidAmountCents !== undefined ? { lastPaidAmount: formatCents(b.lastPaidAmountCents) } : {}),
    ...(b.lastPaidOn ? { lastPaidOn: b.lastPaidOn } : {}),
    ...(b.customLabel ? { customLabel: b.customLabel } : {}),
    status: { type: b.status },
    settings: { ...b.settings },
    meta: { accountNumber: b.accountNumber },
    hidden: 'false',
    company: {
      ...bd.companyRef(b.companyId),
      ...(company.schedule ? { schedule: company.schedule } : {}),
      ...(company.requiredPayment ? { requiredPayment: company.requiredPayment } : {}),
    },
  };
}

function billDetails(bd: BdCore, b: BdBillRecord): { bill: Record<string, unknown>; payments: Array<{ amount: string; paidOn: string }> } {
  return { bill: publicBill(bd, b), payments: b.payments.map((p) => ({ amount: formatCents(p.amountCents), paidOn: p.paidOn })) };
}

// ---- the bill of a verified auth ------------------------------------------------------------------

/** Creates or refreshes the auth's bill from its plan (bill.created, bill.update, bill.upcoming events). */
export function upsertBill(bd: BdCore, auth: BdAuthRecord): BdBillRecord {
  const now = bd.clock();
  const start = billStart(auth.plan, now);
  const existing = bd.data.bills.find((b) => b.authId === auth._id);
  const company = bd.companyOf(auth.companyId);
  const bill: BdBillRecord = existing ?? {
    _id: hexId(),
    clientId: auth.clientId,
    authId: auth._id,
    companyId: auth.companyId,
    created: now.toISOString(),
    status: start.status,
    accountNumber: maskLast4(String(1000 + (randomBytes(2).readUInt16BE(0) % 9000))),
    settings: { recurring: 'enabled', schedule: company.schedule ?? 'on-due-date', notifications: 'enabled' },
    payments: [],
    declineNext: false,
  };
  const previous = existing?.balanceCents;
  Object.assign(bill, {
    status: start.status,
    balanceCents: start.balanceCents,
    dueDate: start.dueDate,
    declineNext: start.declineNext,
    scheduled: undefined,
    lastFailedMethodId: undefined,
  });
  if (start.lastPaidOn) {
    bill.lastPaidAmountCents = start.lastPaidAmountCents;
    bill.lastPaidOn = start.lastPaidOn;
    bill.payments.push({ amountCents: start.lastPaidAmountCents ?? 0, paidOn: start.lastPaidOn });
  }
  if (!existing) {
    bd.data.bills.push(bill);
    bd.emit(
      'bill.created',
      bill.clientId,
      { id: bill._id, type: 'bill' },
      {
        auth: { _id: auth._id, status: { type: auth.status }, company: bd.companyRef(auth.companyId) },
      },
    );
  }
  if (bill.balanceCents !== undefined && bill.dueDate) {
    bd.billEvent(bill, 'bill.update', {
      bill: {
        balance: { ...(previous !== undefined ? { previous: formatCents(previous) } : {}), current: formatCents(bill.balanceCents) },
        dueDate: { current: eventDate(bill.dueDate) },
      },
    });
    const untilDue = Date.parse(bill.dueDate) - now.getTime();
    if (bill.status === 'upcoming' && untilDue <= 2 * DAY_MS) {
      bd.billEvent(bill, 'bill.upcoming', { bill: { balance: formatCents(bill.balanceCents), dueDate: eventDate(bill.dueDate) } });
    }
  }
  return bill;
}
