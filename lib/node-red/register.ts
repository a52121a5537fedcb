/**
 * Node-RED wiring of the operation nodes: one node type per operation node and resource node of a node set.
 * For each message the node
 *  1. reads msg.config (when the node accepts overrides) — never writing it back onto the node,
 *  2. resolves every parameter: msg.config, then the node's property, then the connection, then the default,
 *  3. validates them and the body with ajv (errors name the field, nothing is sent),
 *  4. hands the request to its executor, which sends it through the connection (the one path to the wire),
 *  5. ends the message at the output or at Catch through the shared input handler (node-input.ts).
 */
import type { Node, NodeAPI } from 'node-red';
import type { Connection } from '../connection/connection';
import { isObject } from '../connection/envelope';
import { Q2Error } from '../errors';
import { t } from '../i18n';
import { NodeSet, NodeSpec, nodeParams, nodeSpecs } from '../model/node-set';
import type { NamedRequest } from '../model/operation';
import { readProperty, paramsBody } from '../request/build';
import { Executor, sendOperation } from '../request/execute';
import { keepMostSpecific, OperationNodeDef, own, present, readOverrides, resolveParams, typeName } from '../request/resolve';
import { compileBody, compileParams } from '../request/validate';
import { OperationResult, Q2Message, RunContext, wireInput } from './node-input';
import { StatusTracker } from './status';
import { TypedParams } from './typed-params';

/** A config node that carries a connection. */
export type ConnectionNode = Node & { q2?: Connection; q2Problem?: string; q2ProblemStatus?: string };

/**
 * The connection a node uses, looked up once when the node starts: the config node `id`'s, when it is of `type`
 * and usable; otherwise why not (no connection chosen, another kind, or the connection's own problem).
 */
export function usableConnection(RED: NodeAPI, id: string | undefined, type: string): { connection?: Connection; problem?: string; problemStatus?: string } {
  const configNode = (id ? RED.nodes.getNode(id) : null) as ConnectionNode | null;
  if (!configNode || configNode.type !== type || !configNode.q2) return { problem: t('errors.noConnection'), problemStatus: t('status.noConnection') };
  if (configNode.q2Problem) return { problem: configNode.q2Problem, problemStatus: configNode.q2ProblemStatus ?? t('status.badConnection') };
  return { connection: configNode.q2 };
}

/** Registers one node type per operation node and resource node of the set. */
export function registerNodeSet(RED: NodeAPI, set: NodeSet): void {
  for (const spec of nodeSpecs(set)) registerNode(RED, set, spec);
}

interface CompiledOperation {
  op: NamedRequest;
  validateParams: ReturnType<typeof compileParams>;
  executor: Executor;
}

function chooseOperation(
  spec: NodeSpec,
  compiled: Map<string, CompiledOperation>,
  def: OperationNodeDef,
  overrides: Record<string, unknown> | undefined,
): CompiledOperation {
  if (!spec.selectable) return compiled.get('') as CompiledOperation;
  const fromMsg = overrides ? own(overrides, 'operation') : undefined;
  const name = present(fromMsg) ? fromMsg : def.operation;
  const chosen = typeof name === 'string' ? compiled.get(name) : undefined;
  if (!chosen) {
    const field = present(fromMsg) ? 'msg.config.operation' : t('validation.nodeField', { key: 'operation' });
    throw new Q2Error(t('validation.invalid', { field, hint: t('validation.enum', { values: [...compiled.keys()].join(', ') }), got: typeName(name) }), {
      kind: 'input',
      status: t('status.invalidInput'),
    });
  }
  return chosen;
}

function registerNode(RED: NodeAPI, set: NodeSet, spec: NodeSpec): void {
  const label = t(`${set.namespace}:${spec.type}.paletteLabel`);
  const compiled = new Map<string, CompiledOperation>(
    spec.operations.map((op) => [op.name, { op, validateParams: compileParams(op), executor: (op.executor && set.executors?.[op.executor]) || sendOperation }]),
  );
  const credentials: Record<string, { type: 'password' }> = {};
  for (const p of nodeParams(spec)) if (p.sensitive) credentials[p.key] = { type: 'password' };

  function OperationNode(this: Node, def: OperationNodeDef) {
    RED.nodes.createNode(this, def);
    const node = this;
    const status = new StatusTracker(node);
    const allowOverrides = def.allowOverrides !== false;
    const bodies = new Map<string, (body: unknown) => void>();
    for (const { op } of compiled.values()) {
      if (op.body) bodies.set(op.name, compileBody(op.body.schema, `msg.${def.dataProperty || op.body.defaultProperty}`));
    }
    const { connection, problem, problemStatus } = usableConnection(RED, def.connection, set.connectionType);
    const nodeCredentials = (node.credentials ?? {}) as Record<string, unknown>;
    // shown as soon as the flow starts, not at the first message
    const typed = new TypedParams(RED, node, def, nodeParams(spec));
    // misplaced msg.config keys are named once per deploy, not once per message
    let warnedIgnored = false;
    if (problemStatus) status.problem(problemStatus);
    else if (typed.problem) status.problem(t('status.badSetting'));
    else if (connection?.missingCredentials) status.notice(t('status.noCredentials'));
    if (typed.problem) node.error(`${label}: ${typed.problem}`);

    async function run(msg: Q2Message, ctx: RunContext): Promise<OperationResult> {
      if (!connection) throw new Q2Error(problem ?? t('errors.noConnection'), { kind: 'config', status: problemStatus ?? t('status.noConnection') });
      const overrides = readOverrides(msg, allowOverrides);
      if (overrides && spec.ignoredKeys && !warnedIgnored) {
        const stray = spec.ignoredKeys.filter((key) => own(overrides, key) !== undefined);
        if (stray.length) {
          warnedIgnored = true;
          node.warn(t(`${set.namespace}:${spec.type}.ignoredKeys`, { keys: stray.join(', ') }));
        }
      }
      const { op, validateParams, executor } = chooseOperation(spec, compiled, def, overrides);
      ctx.operation(op.name);
      // msg.config wins: a key it sets is not evaluated from the node's TypedInput at all
      const fromNode = await typed.values(msg, op.params, (key) => overrides !== undefined && present(own(overrides, key)));
      const resolved = keepMostSpecific(resolveParams(op.params, fromNode.values, nodeCredentials, overrides, connection, fromNode.origins), op.exactlyOne);
      for (const p of op.params) if (p.sensitive) ctx.secret(resolved[p.key]?.value);
      const effective = validateParams(resolved);
      let userToken: string | undefined;
      const token = overrides && connection.family.userTokens ? own(overrides, 'accessToken') : undefined;
      if (present(token)) {
        if (typeof token !== 'string') {
          throw new Q2Error(t('validation.accessToken', { got: typeName(token) }), { kind: 'input', status: t('status.invalidInput') });
        }
        userToken = token;
      }
      let body: unknown;
      const validateBody = bodies.get(op.name);
      if (op.body && validateBody) {
        body = readProperty((m, p) => RED.util.getMessageProperty(m, p), msg, def.dataProperty || op.body.defaultProperty);
        if (op.body.normalise) body = op.body.normalise(body);
        if (op.body.optional && !isObject(body) && !Array.isArray(body)) body = {};
        const fromParams = paramsBody(op, effective);
        if (fromParams && isObject(body)) body = { ...body, ...fromParams };
        validateBody(body);
        // card, account and routing numbers of the body: scrubbed if a server echoes them in free text
        ctx.body(body);
      }
      return executor({ op, connection, resolved, effective, userToken, body, ticket: ctx.ticket() });
    }

    const property = def.dataProperty && def.dataProperty !== 'payload' ? def.dataProperty : undefined;
    const output = typeof def.outputProperty === 'string' && def.outputProperty.trim() && def.outputProperty !== 'payload' ? def.outputProperty : undefined;
    wireInput(
      node,
      status,
      {
        label,
        connection,
        dataProperty: property
          ? {
              get: (m) => readProperty((m2, p) => RED.util.getMessageProperty(m2, p), m, property),
              set: (m, v) => {
                if (v !== undefined) RED.util.setMessageProperty(m, property, v, false);
              },
            }
          : undefined,
        output: output
          ? {
              set: (m, v) => {
                RED.util.setMessageProperty(m, output, v, true);
              },
            }
          : undefined,
      },
      run,
    );
  }

  RED.nodes.registerType(spec.type, OperationNode, { credentials });
}
