/**
 * The Biller Direct connection (q2-billerdirect-config) through the real Node-RED runtime against the simulator:
 *  - RSA request signing (docs/api-notes.md §2.10): with the private key in the `signingKey` credential and the public key in
 *    the simulator, every request (GET with a path id, GET without, POST with a body, DELETE) carries `Signature` and
 *    `Date`, which the simulator verifies and the test verifies again; with another key, or none while the simulator
 *    requires one, 401 at Catch and nothing on the output;
 *  - a signing key that is not an RSA private key in PEM form: a clear error at Catch, nothing sent;
 *  - the API key: missing (nothing sent) or wrong (401 at Catch).
 */
import assert from 'node:assert/strict';
import { constants, generateKeyPairSync, verify, type KeyObject } from 'node:crypto';
import type { SinonSpy } from 'sinon';
import { BILLER_DIRECT_SEED_IDS as SEED, type RecordedRequest, type RunningSimulator } from '../lib/simulator';
import { bdApi, bdFailure, bdFlowWith, bdSuccess, helper, loadBillerDirect, send, simulatorContext, useSimulator, type FlowNode, type Msg } from './harness';

const ctx = simulatorContext();
const API_KEY = 'sandbox-api-key';
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

interface Probe {
  id: string;
  label: string;
  props: Record<string, unknown>;
  msg: () => Record<string, unknown>;
  method: string;
  path: string;
}

/** A GET with a path id, a GET without, a POST with a body, a POST without, and a DELETE (of a fresh card). */
function probes(paymentMethodId: string): Probe[] {
  return [
    {
      id: 'n1',
      label: 'BD Bill',
      props: { type: 'q2-billerdirect-bill', operation: 'get', billId: SEED.billId },
      msg: () => ({}),
      method: 'GET',
      path: `/v1/bill/${SEED.billId}`,
    },
    {
      id: 'n2',
      label: 'BD Company',
      props: { type: 'q2-billerdirect-company', operation: 'categories' },
      msg: () => ({}),
      method: 'GET',
      path: '/v1/company/categories',
    },
    {
      id: 'n3',
      label: 'BD Client',
      props: { type: 'q2-billerdirect-client', operation: 'create' },
      msg: () => ({ payload: { identifier: 'signed-user', meta: { firstName: 'Sig' } } }),
      method: 'POST',
      path: '/v1/client',
    },
    {
      id: 'n4',
      label: 'BD Company',
      props: { type: 'q2-billerdirect-company', operation: 'search' },
      msg: () => ({ payload: { query: 'mfa', products: ['biller-direct'] } }),
      method: 'POST',
      path: '/v1/company/search',
    },
    {
      id: 'n5',
      label: 'BD Payment',
      props: { type: 'q2-billerdirect-payment', operation: 'delete', paymentMethodId },
      msg: () => ({}),
      method: 'DELETE',
      path: `/v1/payment/${paymentMethodId}`,
    },
  ];
}

function pem(key: KeyObject, type: 'pkcs8' | 'pkcs1' = 'pkcs8'): string {
  return key.export({ type, format: 'pem' }).toString();
}

const settle = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('Biller Direct connection against the simulator: request signing and the API key', () => {
  useSimulator(ctx);

  let signer: { privateKey: KeyObject; publicKey: KeyObject };
  let stranger: { privateKey: KeyObject; publicKey: KeyObject };
  before(() => {
    signer = generateKeyPairSync('rsa', { modulusLength: 2048 });
    stranger = generateKeyPairSync('rsa', { modulusLength: 2048 });
  });

  /** Loads one node per probe on one connection with these credentials; counts what reaches the output. */
  async function deploy(credentials: Record<string, string>, probeList: Probe[]): Promise<{ sim: RunningSimulator; outputs: Msg[] }> {
    const { sim } = ctx;
    const nodes: FlowNode[] = probeList.map((p) => ({ id: p.id, name: '', ...p.props, type: String(p.props.type) }));
    await loadBillerDirect(bdFlowWith(sim.url, nodes), { conn: credentials });
    const outputs: Msg[] = [];
    helper.getNode('out').on('input', (msg: Msg) => outputs.push(msg));
    return { sim, outputs };
  }

  async function freshCard(sim: RunningSimulator): Promise<string> {
    const { clientId } = await bdApi<{ clientId: string }>(sim, 'POST', '/client', { identifier: `card-owner-${Date.now()}` });
    const { paymentMethodId } = await bdApi<{ paymentMethodId: string }>(sim, 'POST', '/payment', {
      clientId,
      paymentType: 'card',
      cardNumber: '4111111111111111',
      cardCode: '123',
      expMonth: '02',
      expYear: '2040',
      zipcode: '12345',
      name: 'Card Owner',
    });
    return paymentMethodId;
  }

  /** The signature checks out with `publicKey` over METHOD:path-and-query:apiKey:Date (docs/api-notes.md §2.10). */
  function assertSigned(call: RecordedRequest, publicKey: KeyObject): void {
    const { signature, date } = call.headers;
    assert.ok(signature && date, `${call.method} ${call.path}: Signature and Date headers`);
    assert.match(date, ISO, 'Date is an ISO 8601 timestamp, not the RFC 7231 form');
    assert.ok(Math.abs(Date.parse(date) - Date.now()) < 10_000, 'Date is now');
    const text = `${call.method}:${call.path}:${API_KEY}:${date}`;
    assert.ok(
      verify('sha256', Buffer.from(text), { key: publicKey, padding: constants.RSA_PKCS1_PADDING }, Buffer.from(signature, 'base64')),
      `the signature of ${text}`,
    );
    assert.equal(call.headers.authorization, `Bearer ${API_KEY}`, 'the API key is still the bearer');
  }

  describe('with a signing key', () => {
    it('every request is signed and passes the simulator’s verification (GET with and without a path id, POST with a body, DELETE)', async () => {
      const sim = ctx.sim;
      const card = await freshCard(sim);
      sim.billerDirect.setSigningPublicKey(signer.publicKey.export({ type: 'spki', format: 'pem' }).toString());
      sim.server.clearRequests();
      const all = probes(card);
      await deploy({ apiKey: API_KEY, signingKey: pem(signer.privateKey) }, all);
      for (const p of all) {
        const { payload } = bdSuccess(await send(p.msg(), p.id));
        assert.notEqual((payload as { success?: unknown }).success, false);
      }
      assert.deepEqual(
        sim.server.requests.map((r) => `${r.method} ${r.path}`),
        all.map((p) => `${p.method} ${p.path}`),
      );
      for (const call of sim.server.requests) assertSigned(call, signer.publicKey);
      const signatures = new Set(sim.server.requests.map((r) => r.headers.signature));
      assert.equal(signatures.size, all.length, 'each request has its own signature');
      assert.equal(
        sim.billerDirect.state.paymentMethods.some((m) => m.method._id === card),
        false,
        'the signed DELETE was carried out',
      );
    });

    it('a PKCS#1 key (BEGIN RSA PRIVATE KEY) and a PEM pasted on one line with literal \\n work too', async () => {
      const sim = ctx.sim;
      sim.billerDirect.setSigningPublicKey(signer.publicKey);
      const pkcs1 = pem(signer.privateKey, 'pkcs1');
      assert.match(pkcs1, /BEGIN RSA PRIVATE KEY/);
      const [bill] = probes('unused');
      await deploy({ apiKey: API_KEY, signingKey: pkcs1 }, [bill]);
      bdSuccess(await send(bill.msg(), bill.id));
      await helper.unload();
      await deploy({ apiKey: API_KEY, signingKey: pem(signer.privateKey).trim().replace(/\n/g, '\\n') }, [bill]);
      bdSuccess(await send(bill.msg(), bill.id));
      assert.equal(sim.server.requests.length, 2);
      for (const call of sim.server.requests) assertSigned(call, signer.publicKey);
    });

    it('a signing key is harmless when the API does not ask for signatures', async () => {
      const sim = ctx.sim;
      const [bill] = probes('unused');
      await deploy({ apiKey: API_KEY, signingKey: pem(signer.privateKey) }, [bill]);
      bdSuccess(await send(bill.msg(), bill.id));
      assertSigned(sim.server.requests[0], signer.publicKey);
    });
  });

  describe('signing required by the simulator, but the wrong key or none', () => {
    const cases: Array<{ title: string; credentials: () => Record<string, string>; code: string; message: string; signed: boolean }> = [
      {
        title: 'another key pair’s private key',
        credentials: () => ({ apiKey: API_KEY, signingKey: pem(stranger.privateKey) }),
        code: 'invalid_signature',
        message: 'The request signature does not verify',
        signed: true,
      },
      {
        title: 'no signing key',
        credentials: () => ({ apiKey: API_KEY }),
        code: 'signature_required',
        message: 'Signature and Date headers are required',
        signed: false,
      },
    ];
    for (const c of cases) {
      it(`${c.title}: 401 at Catch for every request, nothing on the output, no retry`, async () => {
        const sim = ctx.sim;
        const card = await freshCard(sim);
        sim.billerDirect.setSigningPublicKey(signer.publicKey.export({ type: 'spki', format: 'pem' }).toString());
        sim.server.clearRequests();
        const all = probes(card);
        const { outputs } = await deploy(c.credentials(), all);
        for (const p of all) {
          const { caught, text } = bdFailure(await send(p.msg(), p.id), p.label);
          assert.equal(caught.statusCode, 401);
          const body = caught.payload as { success: boolean; code: string; message: string };
          assert.deepEqual([body.success, body.code, body.message], [false, c.code, c.message]);
          assert.match(text, new RegExp(`^${p.label}: HTTP 401: ${c.code} ${c.message} \\(requestid [0-9a-f-]{36}\\)$`));
          assert.equal(caught.q2?.requestId, text.slice(-37, -1));
        }
        await settle(50);
        assert.deepEqual(outputs, [], 'nothing was emitted on the output');
        assert.deepEqual(
          sim.server.requests.map((r) => `${r.method} ${r.path}`),
          all.map((p) => `${p.method} ${p.path}`),
          'one request each: a 401 is not retried',
        );
        for (const call of sim.server.requests) assert.equal(call.headers.signature !== undefined, c.signed);
        if (c.signed) for (const call of sim.server.requests) assertSigned(call, stranger.publicKey);
        assert.ok(
          sim.billerDirect.state.paymentMethods.some((m) => m.method._id === card),
          'the DELETE was refused',
        );
        assert.equal(
          sim.billerDirect.state.clients.some((x) => x.identifier === 'signed-user'),
          false,
          'the POST was refused',
        );
      });
    }
  });

  describe('a signing key that cannot be used', () => {
    const bad: Array<{ title: string; key: () => string }> = [
      { title: 'not a PEM at all', key: () => 'this is not a key' },
      { title: 'a PEM with a broken body', key: () => '-----BEGIN PRIVATE KEY-----\nMIIBroken==\n-----END PRIVATE KEY-----' },
      { title: 'the public key', key: () => signer.publicKey.export({ type: 'spki', format: 'pem' }).toString() },
      { title: 'an EC private key', key: () => pem(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey) },
    ];
    for (const b of bad) {
      it(`${b.title}: the node reports the connection problem at Catch and sends nothing`, async () => {
        const [bill, , client] = probes('unused');
        const { sim, outputs } = await deploy({ apiKey: API_KEY, signingKey: b.key() }, [bill, client]);
        for (const p of [bill, client]) {
          const { caught, text } = bdFailure(await send(p.msg(), p.id), p.label);
          assert.equal(text, `${p.label}: the connection's signing key is not a PEM RSA private key`);
          assert.equal(caught.statusCode, undefined);
        }
        await settle(50);
        assert.equal(sim.server.requests.length, 0, 'nothing was sent');
        assert.deepEqual(outputs, []);
        const status = (helper.getNode('n1') as unknown as { status: SinonSpy }).status;
        const texts = status
          .getCalls()
          .filter((call) => (call.thisValue as { id?: string }).id === 'n1')
          .map((call) => JSON.stringify(call.args[0]));
        assert.ok(
          texts.some((s) => s.includes('"fill":"red"') && s.includes('connection invalid')),
          `a red ring on the node: ${texts.join(' | ')}`,
        );
        assert.ok(
          texts.every((s) => !s.includes('not a key') && !s.includes('BEGIN')),
          'the key is not shown',
        );
      });
    }
  });

  describe('the API key', () => {
    it('no API key: Catch names it, nothing is sent', async () => {
      const [bill] = probes('unused');
      const { sim } = await deploy({}, [bill]);
      const { caught, text } = bdFailure(await send(bill.msg(), bill.id), bill.label);
      assert.match(text, /^BD Bill: the connection has no API key/);
      assert.equal(caught.statusCode, undefined);
      await settle(50);
      assert.equal(sim.server.requests.length, 0);
    });

    it('a wrong API key: the simulator’s 401 at Catch, without the key in the text', async () => {
      const [bill] = probes('unused');
      const { sim } = await deploy({ apiKey: 'wrong-key-Qx81' }, [bill]);
      const { caught, text } = bdFailure(await send(bill.msg(), bill.id), bill.label);
      assert.equal(caught.statusCode, 401);
      assert.match(text, /HTTP 401: unauthorized A valid API key is required as a Bearer/); // (redact() turns "Bearer token" into "Bearer ***")
      assert.equal(text.includes('wrong-key-Qx81'), false);
      assert.equal(sim.server.requests[0].headers.authorization, 'Bearer wrong-key-Qx81');
      assert.equal(sim.server.requests.length, 1);
    });

    it('msg.config.apiKey is not honoured and is removed from the message that reaches Catch', async () => {
      const [bill] = probes('unused');
      const { sim } = await deploy({}, [bill]);
      const { caught } = bdFailure(await send({ config: { apiKey: API_KEY, keep: 1 } }, bill.id), bill.label);
      assert.deepEqual(caught.config, { keep: 1 });
      assert.equal(sim.server.requests.length, 0);
    });
  });
});
