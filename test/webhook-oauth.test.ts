/**
 * The partner's client-credentials token endpoint for Biller Direct webhooks (lib/billerdirect/webhook-oauth.ts,
 * docs/api-notes.md §2.11, B23; RFC 6749 §2.3.1, §4.4, §5), without Node-RED:
 *  - credentials in the form or by HTTP Basic → 200 with access_token, token_type, expires_in, no-store; verify() true;
 *  - wrong id or secret → 401 invalid_client with a Basic challenge; wrong or missing grant, duplicate parameters,
 *    two authentication methods, a body that is not a form → 400;
 *  - tokens: HS256 JWTs with iss, aud, sub, iat, exp, jti; expired (by an injected clock), another secret, client or
 *    audience, tampered, alg none → refused; two issuers with the same credentials accept each other's tokens;
 *  - the secret appears in no response and no error.
 */
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { decodeJwt, decodeProtectedHeader, SignJWT, UnsecuredJWT } from 'jose';
import { TOKEN_ISSUER, WebhookTokenIssuer, type TokenResponse } from '../lib/billerdirect/webhook-oauth';

const CLIENT_ID = 'q2-biller-direct';
const SECRET = 'S3cret-Value:with/odd+chars%and spaces';
const AUDIENCE = '/q2/billerdirect/events';
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const T0 = Date.UTC(2025, 0, 15, 12, 0, 0);

type Headers = Record<string, string | undefined>;

const form = (params: Record<string, string> | Array<[string, string]>): Buffer => Buffer.from(new URLSearchParams(params).toString());
const basic = (id: string, secret: string, encode = true): string => {
  const part = (s: string): string => (encode ? encodeURIComponent(s) : s);
  return `Basic ${Buffer.from(`${part(id)}:${part(secret)}`).toString('base64')}`;
};
const bearer = (response: TokenResponse): string => `Bearer ${String(response.body.access_token)}`;

/** Every response seen, to check at the end that none carries the secret. */
const seen: TokenResponse[] = [];

function issuerAt(clock: { t: number }, overrides: Partial<{ clientId: string; clientSecret: string; audience: string; lifetimeSeconds: number }> = {}) {
  return new WebhookTokenIssuer({ clientId: CLIENT_ID, clientSecret: SECRET, audience: AUDIENCE, ...overrides }, () => clock.t);
}

async function request(issuer: WebhookTokenIssuer, headers: Headers, body: Buffer, contentType?: string): Promise<TokenResponse> {
  const response = await issuer.issue(headers, body, contentType);
  seen.push(response);
  return response;
}

function assertError(response: TokenResponse, status: number, error: string): void {
  assert.equal(response.status, status, JSON.stringify(response.body));
  assert.deepEqual(response.body, { error });
  assert.equal(response.headers['Cache-Control'], 'no-store');
  assert.equal(response.headers.Pragma, 'no-cache');
  assert.equal(response.headers['WWW-Authenticate'], status === 401 ? 'Basic realm="q2-webhook"' : undefined);
}

describe('webhook OAuth: the token endpoint', () => {
  const clock = { t: T0 };
  let issuer: WebhookTokenIssuer;
  beforeEach(() => {
    clock.t = T0;
    issuer = issuerAt(clock);
  });

  it('form credentials → 200 with a Bearer token for 900 s, not cached; verify() accepts it', async () => {
    const response = await request(issuer, FORM, form({ grant_type: 'client_credentials', client_id: CLIENT_ID, client_secret: SECRET, scope: 'events' }));
    assert.equal(response.status, 200);
    assert.deepEqual(Object.keys(response.body).sort(), ['access_token', 'expires_in', 'token_type']);
    assert.equal(response.body.token_type, 'Bearer');
    assert.equal(response.body.expires_in, 900);
    assert.equal(typeof response.body.access_token, 'string');
    assert.equal(response.headers['Cache-Control'], 'no-store');
    assert.equal(response.headers.Pragma, 'no-cache');
    assert.equal(response.headers['WWW-Authenticate'], undefined);
    assert.equal(await issuer.verify(bearer(response)), true);
  });

  it('the token is an HS256 JWT with iss, aud, sub, iat, exp and a fresh jti', async () => {
    const params = form({ grant_type: 'client_credentials', client_id: CLIENT_ID, client_secret: SECRET });
    const first = String((await request(issuer, FORM, params)).body.access_token);
    const second = String((await request(issuer, FORM, params)).body.access_token);
    assert.deepEqual(decodeProtectedHeader(first), { alg: 'HS256', typ: 'JWT' });
    const claims = decodeJwt(first);
    assert.deepEqual(Object.keys(claims).sort(), ['aud', 'exp', 'iat', 'iss', 'jti', 'sub']);
    assert.equal(claims.iss, TOKEN_ISSUER);
    assert.equal(claims.aud, AUDIENCE);
    assert.equal(claims.sub, CLIENT_ID);
    assert.equal(claims.iat, T0 / 1000);
    assert.equal(claims.exp, T0 / 1000 + 900);
    assert.notEqual(claims.jti, decodeJwt(second).jti);
  });

  it('takes the content type from the argument or the header, with parameters', async () => {
    const params = form({ grant_type: 'client_credentials', client_id: CLIENT_ID, client_secret: SECRET });
    assert.equal((await request(issuer, { 'content-type': 'Application/X-WWW-Form-URLEncoded; charset=UTF-8' }, params)).status, 200);
    assert.equal((await request(issuer, {}, params, 'application/x-www-form-urlencoded')).status, 200);
    // the argument wins over the header
    assertError(await request(issuer, FORM, params, 'application/json'), 400, 'invalid_request');
  });

  it('HTTP Basic credentials (form-encoded as RFC 6749 asks, or sent raw) → 200; verify() accepts the token', async () => {
    for (const encode of [true, false]) {
      const response = await request(issuer, { ...FORM, authorization: basic(CLIENT_ID, SECRET, encode) }, form({ grant_type: 'client_credentials' }));
      assert.equal(response.status, 200, `encode ${encode}`);
      assert.equal(await issuer.verify(bearer(response)), true);
    }
    // client_id beside Basic is allowed when it names the same client
    const withId = await request(
      issuer,
      { ...FORM, authorization: basic(CLIENT_ID, SECRET) },
      form({ grant_type: 'client_credentials', client_id: CLIENT_ID }),
    );
    assert.equal(withId.status, 200);
  });

  it('a lifetime of its own', async () => {
    const short = issuerAt(clock, { lifetimeSeconds: 120 });
    const response = await request(short, FORM, form({ grant_type: 'client_credentials', client_id: CLIENT_ID, client_secret: SECRET }));
    assert.equal(response.body.expires_in, 120);
    assert.equal(decodeJwt(String(response.body.access_token)).exp, T0 / 1000 + 120);
  });

  it('a wrong secret or client id → 401 invalid_client with a Basic challenge (form and Basic)', async () => {
    const wrong: Array<[string, string]> = [
      [CLIENT_ID, `${SECRET}x`],
      [CLIENT_ID, SECRET.slice(0, -1)],
      [CLIENT_ID, SECRET.toUpperCase()],
      [`${CLIENT_ID}x`, SECRET],
      ['', SECRET],
      [SECRET, CLIENT_ID],
    ];
    for (const [id, secret] of wrong) {
      const params: Record<string, string> = { grant_type: 'client_credentials', client_secret: secret };
      if (id) params.client_id = id;
      assertError(await request(issuer, FORM, form(params)), 401, 'invalid_client');
      assertError(await request(issuer, { ...FORM, authorization: basic(id, secret) }, form({ grant_type: 'client_credentials' })), 401, 'invalid_client');
    }
  });

  it('no credentials, half of them, or a malformed Basic header → 401 invalid_client', async () => {
    assertError(await request(issuer, FORM, form({ grant_type: 'client_credentials' })), 401, 'invalid_client');
    assertError(await request(issuer, FORM, form({ grant_type: 'client_credentials', client_id: CLIENT_ID })), 401, 'invalid_client');
    assertError(await request(issuer, FORM, form({ grant_type: 'client_credentials', client_secret: SECRET })), 401, 'invalid_client');
    assertError(await request(issuer, FORM, form({ grant_type: 'client_credentials', client_id: CLIENT_ID, client_secret: '' })), 401, 'invalid_client');
    for (const authorization of ['Basic', 'Basic !!!', `Basic ${Buffer.from(`${CLIENT_ID}${SECRET}`).toString('base64')}`]) {
      assertError(await request(issuer, { ...FORM, authorization }, form({ grant_type: 'client_credentials' })), 401, 'invalid_client');
    }
  });

  it('a grant other than client_credentials → 400 unsupported_grant_type; none → 400 invalid_request', async () => {
    for (const grant of ['password', 'authorization_code', 'refresh_token', 'CLIENT_CREDENTIALS']) {
      assertError(await request(issuer, FORM, form({ grant_type: grant, client_id: CLIENT_ID, client_secret: SECRET })), 400, 'unsupported_grant_type');
    }
    assertError(await request(issuer, FORM, form({ client_id: CLIENT_ID, client_secret: SECRET })), 400, 'invalid_request');
    assertError(await request(issuer, FORM, form({ grant_type: '', client_id: CLIENT_ID, client_secret: SECRET })), 400, 'invalid_request');
  });

  it('a body that is not a form → 400 invalid_request', async () => {
    const json = Buffer.from(JSON.stringify({ grant_type: 'client_credentials', client_id: CLIENT_ID, client_secret: SECRET }));
    assertError(await request(issuer, { 'content-type': 'application/json' }, json), 400, 'invalid_request');
    const params = form({ grant_type: 'client_credentials', client_id: CLIENT_ID, client_secret: SECRET });
    assertError(await request(issuer, {}, params), 400, 'invalid_request');
    assertError(await request(issuer, { 'content-type': 'text/plain' }, params), 400, 'invalid_request');
    assertError(await request(issuer, { 'content-type': 'multipart/form-data; boundary=x' }, params), 400, 'invalid_request');
    const huge = Buffer.concat([params, Buffer.from(`&padding=${'x'.repeat(10_000)}`)]);
    assertError(await request(issuer, FORM, huge), 400, 'invalid_request');
  });

  it('a parameter sent twice, or two authentication methods → 400 invalid_request', async () => {
    const twice: Array<Array<[string, string]>> = [
      [
        ['grant_type', 'client_credentials'],
        ['grant_type', 'client_credentials'],
        ['client_id', CLIENT_ID],
        ['client_secret', SECRET],
      ],
      [
        ['grant_type', 'client_credentials'],
        ['client_id', CLIENT_ID],
        ['client_secret', SECRET],
        ['client_secret', 'other'],
      ],
      [
        ['grant_type', 'client_credentials'],
        ['client_id', 'other'],
        ['client_id', CLIENT_ID],
        ['client_secret', SECRET],
      ],
    ];
    for (const params of twice) assertError(await request(issuer, FORM, form(params)), 400, 'invalid_request');
    const auth = { ...FORM, authorization: basic(CLIENT_ID, SECRET) };
    assertError(await request(issuer, auth, form({ grant_type: 'client_credentials', client_id: CLIENT_ID, client_secret: SECRET })), 400, 'invalid_request');
    assertError(await request(issuer, auth, form({ grant_type: 'client_credentials', client_id: 'someone-else' })), 400, 'invalid_request');
  });

  it('refuses a configuration without credentials or audience, or with an odd lifetime, without quoting the secret', () => {
    const bad: Array<Partial<{ clientId: string; clientSecret: string; audience: string; lifetimeSeconds: number }>> = [
      { clientId: '' },
      { clientSecret: '' },
      { audience: '' },
      { lifetimeSeconds: 0 },
      { lifetimeSeconds: 30 },
      { lifetimeSeconds: 1.5 },
      { lifetimeSeconds: 86_401 },
    ];
    for (const overrides of bad) {
      assert.throws(
        () => issuerAt(clock, overrides),
        (err: unknown) => err instanceof Error && !err.message.includes(SECRET) && !inspect(err).includes(SECRET),
      );
    }
  });
});

describe('webhook OAuth: verify', () => {
  const clock = { t: T0 };
  beforeEach(() => {
    clock.t = T0;
  });

  async function tokenFrom(issuer: WebhookTokenIssuer, id = CLIENT_ID, secret = SECRET): Promise<string> {
    const response = await request(issuer, FORM, form({ grant_type: 'client_credentials', client_id: id, client_secret: secret }));
    assert.equal(response.status, 200);
    return bearer(response);
  }

  it('accepts its token until expiry (5 s tolerance), then refuses it', async () => {
    const issuer = issuerAt(clock);
    const token = await tokenFrom(issuer);
    clock.t = T0 + 899_000;
    assert.equal(await issuer.verify(token), true);
    clock.t = T0 + 904_000;
    assert.equal(await issuer.verify(token), true);
    clock.t = T0 + 906_000;
    assert.equal(await issuer.verify(token), false);
    clock.t = T0 + 86_400_000;
    assert.equal(await issuer.verify(token), false);
  });

  it('refuses a token from another secret, client id or audience', async () => {
    const issuer = issuerAt(clock);
    assert.equal(await issuer.verify(await tokenFrom(issuer)), true);
    const otherSecret = issuerAt(clock, { clientSecret: `${SECRET}2` });
    assert.equal(await issuer.verify(await tokenFrom(otherSecret, CLIENT_ID, `${SECRET}2`)), false);
    const otherClient = issuerAt(clock, { clientId: 'another-client' });
    assert.equal(await issuer.verify(await tokenFrom(otherClient, 'another-client')), false);
    const otherAudience = issuerAt(clock, { audience: '/other/route' });
    const fromOtherAudience = await tokenFrom(otherAudience);
    assert.equal(await otherAudience.verify(fromOtherAudience), true);
    assert.equal(await issuer.verify(fromOtherAudience), false);
  });

  it('two issuers with the same credentials (other instances, a restart) accept each other’s tokens', async () => {
    const one = issuerAt(clock);
    const two = issuerAt(clock, { lifetimeSeconds: 3600 });
    assert.equal(await two.verify(await tokenFrom(one)), true);
    assert.equal(await one.verify(await tokenFrom(two)), true);
  });

  it('refuses what is not its Bearer JWT: missing, other schemes, tampered, alg none, HS256 with the raw secret', async () => {
    const issuer = issuerAt(clock);
    const token = await tokenFrom(issuer);
    const jwt = token.slice('Bearer '.length);
    assert.equal(await issuer.verify(`bearer   ${jwt}  `), true);
    const [header, payload, signature] = jwt.split('.');
    const claims = decodeJwt(jwt);
    const forgedPayload = Buffer.from(JSON.stringify({ ...claims, exp: claims.exp! + 86_400 })).toString('base64url');
    const flipped = signature.startsWith('A') ? `B${signature.slice(1)}` : `A${signature.slice(1)}`;
    const unsecured = new UnsecuredJWT({ ...claims }).encode();
    const rawSecret = await new SignJWT({ ...claims }).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(new TextEncoder().encode(SECRET));
    const refused = [
      undefined,
      '',
      jwt,
      `Basic ${jwt}`,
      'Bearer',
      `Bearer ${header}.${forgedPayload}.${signature}`,
      `Bearer ${header}.${payload}.${flipped}`,
      `Bearer ${header}.${payload}.`,
      `Bearer ${unsecured}`,
      `Bearer ${rawSecret}`,
      `Bearer ${jwt} ${jwt}`,
    ];
    for (const authorization of refused) assert.equal(await issuer.verify(authorization), false, String(authorization));
  });
});

describe('webhook OAuth: secrecy', () => {
  it('no response (success or error) and no inspection of the issuer carries the secret', async () => {
    const clock = { t: T0 };
    const issuer = issuerAt(clock);
    // a few more of every kind, in case this runs alone
    await request(issuer, FORM, form({ grant_type: 'client_credentials', client_id: CLIENT_ID, client_secret: SECRET }));
    await request(issuer, FORM, form({ grant_type: 'client_credentials', client_id: CLIENT_ID, client_secret: `${SECRET}!` }));
    await request(issuer, { ...FORM, authorization: basic(CLIENT_ID, SECRET) }, form({ grant_type: 'client_credentials' }));
    await request(issuer, { ...FORM, authorization: basic(CLIENT_ID, 'nope') }, form({ grant_type: 'client_credentials' }));
    await request(issuer, FORM, form({ grant_type: 'password', client_id: CLIENT_ID, client_secret: SECRET }));
    assert.ok(seen.some((r) => r.status === 200));
    assert.ok(seen.some((r) => r.status === 401));
    assert.ok(seen.some((r) => r.status === 400));
    const forms = [SECRET, encodeURIComponent(SECRET), Buffer.from(SECRET).toString('base64'), Buffer.from(SECRET).toString('base64url')];
    for (const response of seen) {
      const text = JSON.stringify(response);
      for (const form of forms) assert.ok(!text.includes(form), 'secret in a response');
      // nor inside the token's parts
      const token = response.body.access_token;
      if (typeof token === 'string') {
        const decoded = token
          .split('.')
          .slice(0, 2)
          .map((part) => Buffer.from(part, 'base64url').toString('utf8'))
          .join('');
        assert.ok(!decoded.includes(SECRET), 'secret in the token');
      }
    }
    const inspected = inspect(issuer, { depth: 10, showHidden: true });
    for (const form of forms) assert.ok(!inspected.includes(form), 'secret kept in the issuer');
    assert.ok(!JSON.stringify(issuer).includes(SECRET));
  });
});
