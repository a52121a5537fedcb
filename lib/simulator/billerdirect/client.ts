/** Biller Direct `/v1/client` resource (API key only): create a client, create and revoke SSO tokens, sync (client + token + cards in one call). */
import { randomBytes } from 'node:crypto';
import type { Route } from '../server';
import { hexId, isObject, type Body } from '../kit';
import { DAY_MS, type BdClient } from '../billerdirect-data';
import { badRequest, notFound, optBool, optIsoDate, optPositiveInt, optString, readCard, reqString } from '../billerdirect-rules';
import { ok, type BdCore, type Ctx } from './core';
import { addMethod } from './payment';

export function clientRoutes(bd: BdCore): Route[] {
  return [
    bd.partner('POST', '/client', (c) => createClient(bd, c)),
    bd.partner('POST', '/client/create-token', (c) => createToken(bd, c)),
    bd.partner('POST', '/client/revoke-tokens', (c) => revokeTokens(bd, c)),
    bd.partner('POST', '/client/sync', (c) => syncClient(bd, c)),
  ];
}

function upsertClient(bd: BdCore, identifier: string, meta: unknown, label: string): BdClient {
  if (meta !== undefined && meta !== null && !isObject(meta)) return badRequest(`${label} must be an object`);
  const existing = bd.data.clients.find((c) => c.identifier === identifier);
  if (existing) {
    if (isObject(meta)) existing.meta = { ...existing.meta, ...meta };
    return existing;
  }
  const client: BdClient = { _id: hexId(), identifier, meta: isObject(meta) ? { ...meta } : {}, created: bd.now() };
  bd.data.clients.push(client);
  return client;
}

function createClient(bd: BdCore, ctx: Ctx): unknown {
  const body = bd.body(ctx);
  return { clientId: upsertClient(bd, reqString(body, 'identifier'), body.meta, 'meta')._id };
}

/** Validates create-token options (`label` prefixes field names) and returns an issuer. */
function tokenOptions(bd: BdCore, body: Body, label: string): (client: BdClient) => string {
  const nonce = optBool(body, 'nonce', `${label}nonce`) ?? false;
  const expiration = optIsoDate(body, 'expiration', `${label}expiration`);
  const accessTokenExpiresIn = optPositiveInt(body, 'accessTokenExpiresIn', `${label}accessTokenExpiresIn`) ?? 3600;
  const now = bd.clock();
  if (expiration && Date.parse(expiration) <= now.getTime()) return badRequest(`${label}expiration must be in the future`);
  return (client) => {
    const token = randomBytes(17).toString('hex');
    bd.data.tokens.push({
      token,
      clientId: client._id,
      created: now.toISOString(),
      expiresAt: expiration ?? new Date(now.getTime() + DAY_MS).toISOString(),
      nonce,
      used: false,
      revoked: false,
      accessTokenExpiresIn,
    });
    return token;
  };
}

function createToken(bd: BdCore, ctx: Ctx): unknown {
  const body = bd.body(ctx);
  const identifier = reqString(body, 'identifier');
  const issue = tokenOptions(bd, body, '');
  return { token: issue(upsertClient(bd, identifier, undefined, 'meta')) };
}

function revokeTokens(bd: BdCore, ctx: Ctx): unknown {
  const body = bd.body(ctx);
  const identifier = optString(body, 'identifier');
  const clientToken = optString(body, 'clientToken');
  if (!identifier && !clientToken) return badRequest('identifier or clientToken is required');
  if (identifier) {
    const client = bd.data.clients.find((c) => c.identifier === identifier) ?? notFound('Client');
    for (const t of bd.data.tokens) if (t.clientId === client._id) t.revoked = true;
  } else {
    const token = bd.data.tokens.find((t) => t.token === clientToken) ?? notFound('Client token');
    token.revoked = true;
  }
  return { ...ok };
}

function syncClient(bd: BdCore, ctx: Ctx): unknown {
  const body = bd.body(ctx);
  const clientBody = body.client;
  if (!isObject(clientBody)) return badRequest('client is required (the create-client body)');
  const identifier = reqString(clientBody, 'identifier', 'client.identifier');
  const tokenBody = body.token ?? {};
  if (!isObject(tokenBody)) return badRequest('token must be an object (the create-token body)');
  const issue = tokenOptions(bd, tokenBody, 'token.');
  const cards = body.cards ?? [];
  if (!Array.isArray(cards)) return badRequest('cards must be an array');
  // Validate every card before anything is stored.
  cards.forEach((card, i) => {
    if (!isObject(card)) badRequest(`cards[${i}] must be an object`);
    else readCard(card, bd.clock(), `cards[${i}].`);
  });
  const client = upsertClient(bd, identifier, clientBody.meta, 'client.meta');
  const ssoToken = issue(client);
  const added = (cards as Body[]).map((card, i) => {
    const m = addMethod(bd, client, card, `cards[${i}].`);
    return { paymentMethodId: m.method._id, ...(m.method.identifier ? { identifier: m.method.identifier } : {}) };
  });
  return { clientId: client._id, ssoToken, cards: added };
}
