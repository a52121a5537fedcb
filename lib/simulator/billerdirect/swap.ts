/** Biller Direct `/v1/swap` resource: start a card swap, the companies that support swaps, a client's swaps; and swap status changes. */
import type { Route } from '../server';
import { fail, hexId } from '../kit';
import type { BdAuthRecord, BdSwapRecord, BdSwapStatus } from '../billerdirect-data';
import { badRequest, reqString } from '../billerdirect-rules';
import type { BdCore, Ctx } from './core';

export function swapRoutes(bd: BdCore): Route[] {
  return [
    bd.api('POST', '/swap/create', (c) => createSwap(bd, c)),
    bd.api('GET', '/swap/companies', () => ({
      data: bd.data.companies.filter((x) => x.company.supportedItems.includes('swap')).map((x) => structuredClone(x.company)),
    })),
    bd.api('GET', '/swap/list/:clientId', (c) => ({ data: bd.swapsOf(bd.client(c, c.params.clientId)._id).map((s) => publicSwap(bd, s)) })),
  ];
}

function publicSwap(bd: BdCore, s: BdSwapRecord): Record<string, unknown> {
  const auth = bd.data.auths.find((a) => a._id === s.authId);
  const c = bd.companyOf(s.companyId);
  const m = bd.data.paymentMethods.find((x) => x.method._id === s.paymentMethodId);
  return {
    _id: s._id,
    status: { type: s.status },
    auth: { _id: s.authId, status: { type: auth?.status ?? 'verified' } },
    company: { _id: c._id, name: c.name, status: c.status, logo: structuredClone(c.logo) },
    paymentMethod: bd.eventMethod(m),
  };
}

export function upsertSwap(bd: BdCore, auth: BdAuthRecord, paymentMethodId: string, status: BdSwapStatus): BdSwapRecord {
  let swap = bd.data.swaps.find((s) => s.authId === auth._id && s.paymentMethodId === paymentMethodId);
  if (!swap) {
    swap = { _id: hexId(), clientId: auth.clientId, authId: auth._id, companyId: auth.companyId, paymentMethodId, status, created: bd.now() };
    bd.data.swaps.push(swap);
    if (status === 'completed' || status === 'card-on-file') swapSuccess(bd, swap);
  } else {
    setSwapStatus(bd, swap, status);
  }
  return swap;
}

export function setSwapStatus(bd: BdCore, swap: BdSwapRecord, status: BdSwapStatus): void {
  const was = swap.status;
  swap.status = status;
  if (was !== status && (status === 'completed' || status === 'card-on-file')) swapSuccess(bd, swap);
}

function swapSuccess(bd: BdCore, swap: BdSwapRecord): void {
  const method = bd.data.paymentMethods.find((m) => m.method._id === swap.paymentMethodId);
  bd.emit(
    'swap.success',
    swap.clientId,
    { id: swap._id, type: 'swap' },
    {
      clientId: swap.clientId,
      company: structuredClone(bd.companyOf(swap.companyId)),
      paymentMethod: bd.eventMethod(method),
    },
  );
}

function createSwap(bd: BdCore, ctx: Ctx): unknown {
  const body = bd.body(ctx);
  const auth = bd.auth(ctx, reqString(body, 'authId'));
  const m = bd.method(ctx, reqString(body, 'paymentMethodId'));
  if (m.clientId !== auth.clientId) return badRequest('paymentMethodId belongs to another client');
  if (m.method.type !== 'card') return badRequest('paymentMethodId must be a card');
  const company = bd.companyOf(auth.companyId);
  if (!company.supportedItems.includes('swap')) return fail(409, 'item_not_supported', `${company.name} does not support swaps`);
  if (!auth.items.includes('swap') && !auth.plan.autoSwap) return fail(409, 'swap_not_requested', 'The auth was not created with items ["swap"]');
  if (auth.status !== 'verified' && auth.status !== 'hold') return fail(409, 'auth_not_verified', `The auth is ${auth.status}`);
  const swap = upsertSwap(bd, auth, m.method._id, auth.status === 'hold' ? 'hold' : auth.plan.swapStatus);
  return { success: true, swapId: swap._id };
}
