/**
 * Webhook JWE keys with rotation (lib/billerdirect/webhook-keys.ts, docs/api-notes.md §2.11, B24), without Node-RED:
 *  - reading private keys from PEM (PKCS#8, PKCS#1, a one-line paste with literal \n, several blocks) and from a
 *    private JWKS; kid = the JWK's kid or the RFC 7638 thumbprint, the same for the same key in any format;
 *  - refusals (no key, not RSA, under 2048 bits, duplicate kid, unreadable) whose messages carry no key material;
 *  - decryption by kid, by fallback for no or an unknown kid, never by fallback when the kid names a key;
 *  - the published JWKS (public members only, usable to encrypt) and the signing key's JWKS (verifies RS256).
 */
import assert from 'node:assert/strict';
import crypto, { type KeyObject } from 'node:crypto';
import { calculateJwkThumbprint, CompactEncrypt, createLocalJWKSet, importJWK, jwtVerify, SignJWT, type JWK } from 'jose';
import { decryptCompact, parseDecryptionKeys, publicJwks, signingJwks, type PrivateKeyEntry } from '../lib/billerdirect/webhook-keys';

const ALGS = { keyManagementAlgorithms: ['RSA-OAEP'], contentEncryptionAlgorithms: ['A256GCM'] };
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

function rsa(bits = 2048): KeyObject {
  return crypto.generateKeyPairSync('rsa', { modulusLength: bits }).privateKey;
}
const pkcs8 = (key: KeyObject): string => key.export({ type: 'pkcs8', format: 'pem' }).toString();
const pkcs1 = (key: KeyObject): string => key.export({ type: 'pkcs1', format: 'pem' }).toString();
const privateJwk = (key: KeyObject, kid?: string): JWK => ({ ...(key.export({ format: 'jwk' }) as JWK), ...(kid ? { kid } : {}) });
const publicOf = (key: KeyObject): KeyObject => crypto.createPublicKey(key);
const thumbprint = (key: KeyObject): Promise<string> => {
  const { kty, n, e } = publicOf(key).export({ format: 'jwk' }) as JWK;
  return calculateJwkThumbprint({ kty, n, e }, 'sha256');
};

async function encryptFor(publicKey: KeyObject, plaintext: string, kid?: string, alg = 'RSA-OAEP'): Promise<string> {
  return new CompactEncrypt(new TextEncoder().encode(plaintext)).setProtectedHeader({ alg, enc: 'A256GCM', ...(kid ? { kid } : {}) }).encrypt(publicKey);
}

const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);

/** Pieces of the private JWK members (d, p, q, dp, dq, qi): the start and end of each. */
function privateFragments(key: KeyObject): string[] {
  const jwk = privateJwk(key);
  const members = PRIVATE_MEMBERS.map((m) => jwk[m as keyof JWK]).filter((v): v is string => typeof v === 'string');
  assert.equal(members.length, 6);
  return [...members.map((v) => v.slice(0, 16)), ...members.map((v) => v.slice(-16))];
}

/** Every fragment an error message must not contain: PEM body lines (PKCS#8 and PKCS#1) and the private JWK members. */
function keyFragments(key: KeyObject): string[] {
  const lines = pkcs8(key)
    .split('\n')
    .filter((l) => l && !l.startsWith('-----'));
  const lines1 = pkcs1(key)
    .split('\n')
    .filter((l) => l && !l.startsWith('-----'));
  return [...lines, ...lines1, ...privateFragments(key)];
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof Error, 'rejects with an Error');
    return err;
  }
  assert.fail('expected a rejection');
}

describe('webhook keys: parseDecryptionKeys', () => {
  let a: KeyObject;
  let b: KeyObject;
  before(() => {
    a = rsa();
    b = rsa();
  });

  it('reads a PKCS#8 PEM; the kid is the RFC 7638 thumbprint of the public key', async () => {
    const [entry, ...rest] = await parseDecryptionKeys(pkcs8(a));
    assert.equal(rest.length, 0);
    assert.equal(entry.kid, await thumbprint(a));
    assert.equal(entry.key.type, 'private');
    assert.equal(entry.key.asymmetricKeyType, 'rsa');
    const { n, e } = publicOf(a).export({ format: 'jwk' });
    assert.deepEqual(entry.publicJwk, { kty: 'RSA', n, e, kid: entry.kid });
  });

  it('reads a PKCS#1 PEM of the same key to the same kid', async () => {
    const [fromPkcs1] = await parseDecryptionKeys(pkcs1(a));
    const [fromPkcs8] = await parseDecryptionKeys(pkcs8(a));
    assert.equal(fromPkcs1.kid, fromPkcs8.kid);
    assert.deepEqual(fromPkcs1.publicJwk, fromPkcs8.publicJwk);
  });

  it('the thumbprint kid is stable: same key, same kid, on every read; another key, another kid', async () => {
    const first = await parseDecryptionKeys(pkcs8(a));
    const second = await parseDecryptionKeys(`\n\n  ${pkcs8(a)}  \n`);
    const other = await parseDecryptionKeys(pkcs8(b));
    assert.equal(first[0].kid, second[0].kid);
    assert.notEqual(first[0].kid, other[0].kid);
    assert.match(first[0].kid, /^[A-Za-z0-9_-]{43}$/);
  });

  it('reads a one-line paste with literal \\n (PKCS#8 and PKCS#1)', async () => {
    for (const pem of [pkcs8(a), pkcs1(a)]) {
      const oneLine = pem.trim().replace(/\n/g, '\\n');
      assert.ok(!oneLine.includes('\n'));
      const [entry] = await parseDecryptionKeys(oneLine);
      assert.equal(entry.kid, await thumbprint(a));
    }
  });

  it('reads a paste whose line breaks became spaces', async () => {
    const [entry] = await parseDecryptionKeys(pkcs8(a).trim().replace(/\n/g, ' '));
    assert.equal(entry.kid, await thumbprint(a));
  });

  it('reads two PEM blocks (mixed formats) in order', async () => {
    const entries = await parseDecryptionKeys(`${pkcs8(a)}\n${pkcs1(b)}`);
    assert.deepEqual(
      entries.map((e) => e.kid),
      [await thumbprint(a), await thumbprint(b)],
    );
    const oneLine = await parseDecryptionKeys(`${pkcs8(a)}${pkcs8(b)}`.replace(/\n/g, '\\n'));
    assert.equal(oneLine.length, 2);
  });

  it('reads a private JWKS, keeping its kids, a thumbprint where a key has none', async () => {
    const jwks = { keys: [privateJwk(a, 'key-2024'), privateJwk(b)] };
    const entries = await parseDecryptionKeys(JSON.stringify(jwks, null, 2));
    assert.deepEqual(
      entries.map((e) => e.kid),
      ['key-2024', await thumbprint(b)],
    );
    assert.equal(entries[0].publicJwk.kid, 'key-2024');
    // the JWK's kid, not the thumbprint, names the key
    assert.notEqual(entries[0].kid, await thumbprint(a));
  });

  it('a JWKS key without a kid gets the same kid as its PEM', async () => {
    const [fromJwk] = await parseDecryptionKeys(JSON.stringify({ keys: [privateJwk(b)] }));
    const [fromPem] = await parseDecryptionKeys(pkcs8(b));
    assert.equal(fromJwk.kid, fromPem.kid);
  });

  it('refuses duplicate kids (JWKS and the same PEM twice)', async () => {
    const jwks = JSON.stringify({ keys: [privateJwk(a, 'same'), privateJwk(b, 'same')] });
    assert.equal((await rejection(parseDecryptionKeys(jwks))).message, 'key 2: duplicate kid');
    assert.equal((await rejection(parseDecryptionKeys(`${pkcs8(a)}${pkcs1(a)}`))).message, 'key 2: duplicate kid');
  });

  it('refuses an RSA key under 2048 bits', async () => {
    const small = rsa(1024);
    const err = await rejection(parseDecryptionKeys(pkcs8(small)));
    assert.match(err.message, /^key 1: RSA key shorter than 2048 bits$/);
    const inJwks = await rejection(parseDecryptionKeys(JSON.stringify({ keys: [privateJwk(a, 'a'), privateJwk(small, 's')] })));
    assert.match(inJwks.message, /^key 2: /);
  });

  it("does not pass on the JSON parser's message, which quotes the text (here a private exponent)", async () => {
    const jwk = privateJwk(a, 'a');
    const d = String(jwk.d);
    const broken = JSON.stringify({ keys: [jwk] }).replace(`"d":"${d}"`, `"d":x${d}`);
    let native = '';
    try {
      JSON.parse(broken);
    } catch (err) {
      native = (err as Error).message;
    }
    assert.ok(native.includes(d.slice(0, 5)), 'precondition: the parser quotes the key');
    const err = await rejection(parseDecryptionKeys(broken));
    assert.equal(err.message, 'not valid JSON');
  });

  it('refuses what is not an RSA private key, with short messages that carry no key material', async () => {
    const ec = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    const ed = crypto.generateKeyPairSync('ed25519').privateKey;
    const pss = crypto.generateKeyPairSync('rsa-pss', { modulusLength: 2048 }).privateKey;
    const aPem = pkcs8(a);
    const aLines = aPem.split('\n');
    const truncated = [...aLines.slice(0, 8), ...aLines.slice(-2)].join('\n'); // header, some body, footer: broken DER
    const aJwk = privateJwk(a, 'a');
    const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...aPublicJwk } = aJwk;
    const { qi: _noQi, ...aJwkNoQi } = aJwk;
    const cases: Array<[string, RegExp]> = [
      ['', /^no private key found$/],
      ['   \n ', /^no private key found$/],
      ['hello', /^no private key found$/],
      [publicOf(a).export({ type: 'spki', format: 'pem' }).toString(), /^no private key found$/],
      [pkcs8(ec), /^key 1: not an RSA private key$/],
      [ec.export({ type: 'sec1', format: 'pem' }).toString(), /^key 1: not an RSA private key$/],
      [`${aPem}${pkcs8(ed)}`, /^key 2: not an RSA private key$/],
      [pkcs8(pss), /^key 1: not an RSA private key$/],
      [truncated, /^key 1: unreadable private key$/],
      [a.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'pw' }).toString(), /^key 1: encrypted private keys are not supported$/],
      [a.export({ type: 'pkcs1', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'pw' }).toString(), /^key 1: encrypted private keys are not supported$/],
      // JSON.parse would quote the broken text (here the private exponent) in its own message
      [JSON.stringify({ keys: [aJwk] }).slice(0, -3), /^not valid JSON$/],
      [JSON.stringify({ notKeys: [aJwk] }), /^not a JWKS$/],
      [JSON.stringify({ keys: [] }), /^no private key found$/],
      [JSON.stringify({ keys: [aPublicJwk] }), /^key 1: not an RSA private key$/],
      [JSON.stringify({ keys: [aJwk, { ...ec.export({ format: 'jwk' }), kid: 'ec' }] }), /^key 2: not an RSA private key$/],
      [JSON.stringify({ keys: [aJwkNoQi] }), /^key 1: unreadable private key$/],
      [JSON.stringify({ keys: [{ ...aJwk, n: aJwk.n?.slice(0, -8) }] }), /^key 1: /],
      [JSON.stringify({ keys: [{ ...aJwk, kid: 42 }] }), /^key 1: kid is not a string$/],
    ];
    const fragments = keyFragments(a);
    for (const [input, expected] of cases) {
      const err = await rejection(parseDecryptionKeys(input));
      assert.match(err.message, expected, `for input starting ${JSON.stringify(input.slice(0, 30))}`);
      assert.ok(err.message.length < 80, err.message);
      for (const fragment of fragments) assert.ok(!err.message.includes(fragment), 'no key material in the message');
    }
  });
});

describe('webhook keys: decryptCompact', () => {
  let a: KeyObject;
  let b: KeyObject;
  let c: KeyObject;
  let entries: PrivateKeyEntry[];
  before(async () => {
    a = rsa();
    b = rsa();
    c = rsa();
    entries = await parseDecryptionKeys(JSON.stringify({ keys: [privateJwk(a, 'A'), privateJwk(b, 'B')] }));
  });

  it('decrypts with the key the kid names (A and B)', async () => {
    assert.equal(text(await decryptCompact(await encryptFor(publicOf(a), 'for A', 'A'), entries, ALGS)), 'for A');
    assert.equal(text(await decryptCompact(await encryptFor(publicOf(b), 'for B', 'B'), entries, ALGS)), 'for B');
  });

  it('with no kid, tries each key in order', async () => {
    assert.equal(text(await decryptCompact(await encryptFor(publicOf(b), 'no kid'), entries, ALGS)), 'no kid');
    assert.equal(text(await decryptCompact(await encryptFor(publicOf(a), 'no kid either'), entries, ALGS)), 'no kid either');
  });

  it('with an unknown kid, tries each key in order', async () => {
    assert.equal(text(await decryptCompact(await encryptFor(publicOf(b), 'rotated', 'Z'), entries, ALGS)), 'rotated');
  });

  it('a kid that names a key uses that key only: no fallback to the others', async () => {
    const misnamed = await encryptFor(publicOf(b), 'for B, labelled A', 'A');
    await assert.rejects(decryptCompact(misnamed, entries, ALGS), /the key named by kid does not decrypt the payload/);
    // the same JWE without the name would be found by fallback
    assert.equal(text(await decryptCompact(await encryptFor(publicOf(b), 'unlabelled'), entries, ALGS)), 'unlabelled');
  });

  it('throws for a JWE made for a key it does not hold (with and without kid)', async () => {
    await assert.rejects(decryptCompact(await encryptFor(publicOf(c), 'for C', 'C'), entries, ALGS), /no key decrypts the payload/);
    await assert.rejects(decryptCompact(await encryptFor(publicOf(c), 'for C'), entries, ALGS), /no key decrypts the payload/);
  });

  it('throws for a tampered JWE, a disallowed algorithm, no keys, and text that is not a JWE', async () => {
    const jwe = await encryptFor(publicOf(a), 'original', 'A');
    const parts = jwe.split('.');
    const flipped = parts[3].startsWith('A') ? `B${parts[3].slice(1)}` : `A${parts[3].slice(1)}`;
    await assert.rejects(decryptCompact([...parts.slice(0, 3), flipped, parts[4]].join('.'), entries, ALGS));
    await assert.rejects(decryptCompact(await encryptFor(publicOf(a), 'x', 'A', 'RSA-OAEP-256'), entries, ALGS));
    assert.equal(
      text(await decryptCompact(await encryptFor(publicOf(a), 'x', 'A', 'RSA-OAEP-256'), entries, { ...ALGS, keyManagementAlgorithms: ['RSA-OAEP-256'] })),
      'x',
    );
    await assert.rejects(decryptCompact(jwe, [], ALGS), /no key decrypts the payload/);
    await assert.rejects(decryptCompact('{"type":"bill.created"}', entries, ALGS), /^Error: not a compact JWE$/);
    await assert.rejects(decryptCompact('a.b.c.d.e', entries, ALGS), /^Error: not a compact JWE$/);
  });
});

describe('webhook keys: published JWKS', () => {
  let a: KeyObject;
  let b: KeyObject;
  before(() => {
    a = rsa();
    b = rsa();
  });

  it('publicJwks holds the public members only (kty, n, e, kid, alg, use)', async () => {
    const entries = await parseDecryptionKeys(JSON.stringify({ keys: [privateJwk(a, 'A'), privateJwk(b)] }));
    // the private entries do hold private members, so the check below is not vacuous
    assert.ok('d' in (entries[0].key.export({ format: 'jwk' }) as JWK));
    const jwks = publicJwks(entries);
    assert.equal(jwks.keys.length, 2);
    for (const key of jwks.keys) {
      assert.deepEqual(Object.keys(key).sort(), ['alg', 'e', 'kid', 'kty', 'n', 'use']);
      for (const member of PRIVATE_MEMBERS) assert.ok(!(member in key), `no ${member}`);
      assert.equal(key.alg, 'RSA-OAEP');
      assert.equal(key.use, 'enc');
    }
    const serialized = JSON.stringify(jwks);
    for (const fragment of privateFragments(a)) assert.ok(!serialized.includes(fragment));
    assert.deepEqual(
      jwks.keys.map((k) => k.kid),
      ['A', entries[1].kid],
    );
    assert.deepEqual(
      publicJwks(entries, 'RSA-OAEP-256', 'enc').keys.map((k) => k.alg),
      ['RSA-OAEP-256', 'RSA-OAEP-256'],
    );
  });

  it('a published key encrypts what its private entry decrypts', async () => {
    const entries = await parseDecryptionKeys(`${pkcs8(a)}${pkcs8(b)}`);
    for (const published of publicJwks(entries).keys) {
      const jwe = await new CompactEncrypt(new TextEncoder().encode(`to ${published.kid}`))
        .setProtectedHeader({ alg: 'RSA-OAEP', enc: 'A256GCM', kid: published.kid })
        .encrypt(await importJWK(published, 'RSA-OAEP'));
      assert.equal(text(await decryptCompact(jwe, entries, ALGS)), `to ${published.kid}`);
      // and only that entry does
      const only = entries.filter((e) => e.kid === published.kid);
      const others = entries.filter((e) => e.kid !== published.kid);
      assert.equal(text(await decryptCompact(jwe, only, ALGS)), `to ${published.kid}`);
      await assert.rejects(decryptCompact(jwe, others, ALGS));
    }
  });

  it('signingJwks publishes the signing key (RS256, sig) and verifies what the private key signs', async () => {
    const jwks = await signingJwks(a);
    assert.equal(jwks.keys.length, 1);
    const [key] = jwks.keys;
    assert.deepEqual(Object.keys(key).sort(), ['alg', 'e', 'kid', 'kty', 'n', 'use']);
    assert.equal(key.alg, 'RS256');
    assert.equal(key.use, 'sig');
    assert.equal(key.kid, await thumbprint(a));
    for (const member of PRIVATE_MEMBERS) assert.ok(!(member in key), `no ${member}`);

    const jwt = await new SignJWT({ hello: 'q2' }).setProtectedHeader({ alg: 'RS256', kid: key.kid }).setExpirationTime('5m').sign(a);
    const { payload } = await jwtVerify(jwt, createLocalJWKSet(jwks), { algorithms: ['RS256'] });
    assert.equal(payload.hello, 'q2');
    // a token signed by another key under the same kid does not verify
    const forged = await new SignJWT({ hello: 'q2' }).setProtectedHeader({ alg: 'RS256', kid: key.kid }).setExpirationTime('5m').sign(b);
    await assert.rejects(jwtVerify(forged, createLocalJWKSet(jwks), { algorithms: ['RS256'] }));
  });

  it('signingJwks takes a given kid, and refuses a key that is not RSA', async () => {
    const jwks = await signingJwks(b, 'signing-2025');
    assert.equal(jwks.keys[0].kid, 'signing-2025');
    const jwt = await new SignJWT({}).setProtectedHeader({ alg: 'RS256', kid: 'signing-2025' }).sign(b);
    await jwtVerify(jwt, createLocalJWKSet(jwks), { algorithms: ['RS256'] });
    await assert.rejects(signingJwks(crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey), /^Error: not an RSA key$/);
    await assert.rejects(signingJwks(crypto.createSecretKey(crypto.randomBytes(32))), /^Error: not an RSA key$/);
  });
});
