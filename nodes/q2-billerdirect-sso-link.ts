/**
 * `q2-billerdirect-sso-link`: builds the URL that opens Connect, CardSwap or Biller Direct for one client
 * (lib/billerdirect/sso.ts). The SSO token comes from msg.config.token or, given an identifier, from
 * client/create-token through a q2-billerdirect-config connection (the same request the BD Client node makes).
 */
import type { Node, NodeAPI } from 'node-red';
import { client } from '../lib/billerdirect/operations';
import { Product, ssoSpec, ssoUrl, TOKEN_OPTIONS } from '../lib/billerdirect/sso';
import { Q2Error } from '../lib/errors';
import { t, useRuntimeI18n } from '../lib/i18n';
import { type Q2Message, wireInput } from '../lib/node-red/node-input';
import { usableConnection } from '../lib/node-red/register';
import { OperationNodeDef, readOverrides, resolveParams } from '../lib/request/resolve';
import { sendOperation } from '../lib/request/execute';
import { StatusTracker } from '../lib/node-red/status';
import { compileParams } from '../lib/request/validate';

export = function (RED: NodeAPI): void {
  useRuntimeI18n('q2-billerdirect-sso-link', RED._);
  const validate = compileParams(ssoSpec);
  const createToken = client.operations.find((op) => op.name === 'createToken');
  const label = t('q2-billerdirect-sso-link:q2-billerdirect-sso-link.paletteLabel');

  function SsoLinkNode(this: Node, def: OperationNodeDef) {
    RED.nodes.createNode(this, def);
    const node = this;
    const status = new StatusTracker(node);
    const { connection, problem } = usableConnection(RED, def.connection, 'q2-billerdirect-config');
    const outputProperty =
      typeof def.outputProperty === 'string' && def.outputProperty.trim() && def.outputProperty !== 'payload' ? def.outputProperty : undefined;
    const output = outputProperty ? { set: (m: Q2Message, v: unknown) => void RED.util.setMessageProperty(m, outputProperty, v, true) } : undefined;
    wireInput(node, status, { label, connection, output }, async (msg, ctx) => {
      const given = readOverrides(msg, def.allowOverrides !== false);
      // a Date expiration (a function node's `new Date(…)`) is sent as its ISO string, as BD Client createToken does
      const expiration = given?.expiration;
      const overrides = given && expiration instanceof Date && !Number.isNaN(expiration.getTime()) ? { ...given, expiration: expiration.toISOString() } : given;
      const effective = validate(resolveParams(ssoSpec.params, def, {}, overrides, undefined));
      let token = typeof effective.token === 'string' ? effective.token : undefined;
      let statusCode = 200;
      const q2: Record<string, unknown> = {};
      if (!token) {
        if (!effective.identifier) {
          throw new Q2Error(t('sso.needToken'), { kind: 'input', status: t('status.invalidInput') });
        }
        if (!connection || !createToken) {
          throw new Q2Error(problem ?? t('errors.noConnection'), { kind: 'config', status: t('status.noConnection') });
        }
        // {identifier, nonce, expiration?, accessTokenExpiresIn?}: nonce is true unless set to false (a one-time token)
        const body: Record<string, unknown> = { identifier: effective.identifier };
        for (const key of TOKEN_OPTIONS) if (effective[key] !== undefined) body[key] = effective[key];
        ctx.operation('createToken');
        const result = await sendOperation({
          op: createToken,
          connection,
          resolved: {},
          effective: {},
          body,
          ticket: ctx.ticket(),
        });
        const issued = (result.payload as { token?: unknown } | undefined)?.token;
        if (typeof issued !== 'string' || !issued) throw new Q2Error(t('sso.noTokenInResponse'), { kind: 'parse', status: t('status.badResponse') });
        token = issued;
        statusCode = result.statusCode;
        Object.assign(q2, result.q2);
      }
      const url = ssoUrl(effective.product as Product, effective.environment as 'sandbox' | 'production', token, effective);
      return { payload: url, statusCode, q2 };
    });
  }

  RED.nodes.registerType('q2-billerdirect-sso-link', SsoLinkNode);
};
