/**
 * Get Token (docs/api-notes.md §1.3). With the connection's own identity it returns the connection's managed token
 * (fetching it once for everyone); with per-message or per-node credentials, scope or base URL it asks the
 * token endpoint directly. The client secret only goes to the connection's origins, unless the message
 * brought both the client id and the secret itself.
 */
import { Q2Error } from '../errors';
import { t } from '../i18n';
import type { OperationContext } from '../request/execute';
import type { OperationResult } from '../node-red/node-input';
import { PlatformConnection, tokenUrlFor } from './connection';

const IDENTITY = ['client_id', 'client_secret', 'grant_type', 'scope'];

export async function getToken(ctx: OperationContext): Promise<OperationResult> {
  const { resolved, effective } = ctx;
  const connection = ctx.connection as PlatformConnection;
  const baseFromConnection = resolved.baseUrl?.source === 'connection';
  const url = baseFromConnection ? connection.tokenUrl : tokenUrlFor(String(effective.baseUrl));
  const started = Date.now();

  const ownIdentity = baseFromConnection && IDENTITY.every((k) => resolved[k]?.source === 'connection' || resolved[k]?.source === 'default');
  if (ownIdentity) {
    const response = { ...(await connection.tokens.get()) };
    const remaining = connection.tokens.remainingSeconds();
    if (remaining !== undefined) response.expires_in = remaining;
    return { payload: response, statusCode: 200, q2: { durationMs: Date.now() - started, attempts: 0 }, configPatch: { accessToken: response.access_token } };
  }

  const bringsOwnSecret = resolved.client_id?.source === 'msg' && resolved.client_secret?.source === 'msg';
  if (!connection.isOwnOrigin(url) && !bringsOwnSecret) {
    throw new Q2Error(t('errors.foreignTokenOrigin'), { kind: 'security', status: t('status.blocked') });
  }
  const result = await connection.requestToken(
    {
      url,
      clientId: String(effective.client_id),
      clientSecret: String(effective.client_secret),
      grantType: String(effective.grant_type),
      scope: effective.scope === undefined ? undefined : String(effective.scope),
    },
    ctx.ticket,
  );
  return {
    payload: result.response,
    statusCode: result.statusCode,
    q2: { durationMs: result.durationMs, attempts: ctx.ticket.attempts },
    configPatch: { accessToken: result.response.access_token },
  };
}
