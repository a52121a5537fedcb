/**
 * The node's own parameter values as TypedInputs: each generated field stores a value and its type
 * (`<key>Type`). Literal types (str, num, bool, and the enum list) are read once when the node starts; msg, flow,
 * global, env and JSONata are evaluated for each message that does not set the key in msg.config (msg.config
 * still wins). A node saved before its fields were TypedInputs has no `<key>Type`: its value is used as it is,
 * so existing flows keep working without a migration.
 */
import type { Node, NodeAPI } from 'node-red';
import { Q2Error } from '../errors';
import { t } from '../i18n';
import type { ParamSpec } from '../model/operation';
import type { Q2Message } from './node-input';

/** The TypedInput type of a field that lists an enum's values (a custom type of the generated panels). */
export const ENUM_TYPE = 'q2-enum';

/** Types evaluated per message: the TypedInput types the generated panels offer besides the literal ones. */
export const DYNAMIC_TYPES = ['msg', 'flow', 'global', 'env', 'jsonata'] as const;
type DynamicType = (typeof DYNAMIC_TYPES)[number];

/** The literal TypedInput type that fits a param: what the panel shows first, and what the runtime assumes when none is stored. */
export function literalTypes(p: ParamSpec): string[] {
  // a list of blank (not sent), true and false: a flag left alone is not sent as false
  if (p.type === 'boolean') return [ENUM_TYPE];
  if (p.type === 'enum') return [ENUM_TYPE];
  if (p.type === 'id' || p.type === 'number') return ['str', 'num'];
  if (p.type === 'object') return ['json'];
  return ['str'];
}

type JsonataExpression = ReturnType<NodeAPI['util']['prepareJSONataExpression']>;

interface DynamicSource {
  key: string;
  type: DynamicType;
  value: string;
  expression?: JsonataExpression;
}

/** Where a value came from, in the words errors use: `flow.customer`, `env.Q2_USER`, `JSONata`. */
function origin(source: DynamicSource): string {
  return source.type === 'jsonata' ? t('validation.fromJsonata') : `${source.type}.${source.value}`;
}

function isDynamic(type: unknown): type is DynamicType {
  return typeof type === 'string' && (DYNAMIC_TYPES as readonly string[]).includes(type);
}

/** A literal value as its type says: a number for `num`, a boolean for `bool`; a blank stays blank (a fallback applies). */
function literal(value: unknown, type: unknown): unknown {
  if (value === '' || value === undefined || value === null) return value;
  if (type === 'num') {
    const n = Number(value);
    return typeof value === 'string' && value.trim() !== '' && Number.isFinite(n) ? n : value;
  }
  if (type === 'json' && typeof value === 'string') {
    // not JSON: left as text, so validation names the field (never a value)
    try {
      return JSON.parse(value) as unknown;
    } catch {
      return value;
    }
  }
  if (type === 'bool') {
    if (value === true || value === 'true') return true;
    if (value === false || value === 'false') return false;
  }
  return value;
}

export interface NodeValues {
  /** the node's values for this message: literals and the evaluated ones */
  values: Record<string, unknown>;
  /** keys whose value was evaluated, and from where (for error texts) */
  origins: Record<string, string>;
}

/**
 * The node's typed parameters, prepared when the node starts: JSONata compiled once. A field whose expression does
 * not compile is `problem` (shown at deploy, and every message that needs it goes to Catch naming the field).
 */
export class TypedParams {
  private readonly literals: Record<string, unknown> = {};
  private readonly dynamic = new Map<string, DynamicSource>();
  private readonly broken = new Map<string, string>();

  constructor(
    private readonly RED: NodeAPI,
    private readonly node: Node,
    def: Record<string, unknown>,
    params: readonly ParamSpec[],
  ) {
    for (const p of params) {
      if (p.sensitive) continue;
      const value = def[p.key];
      const type = def[`${p.key}Type`];
      if (!isDynamic(type)) {
        this.literals[p.key] = literal(value, type);
        continue;
      }
      const text = typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';
      if (text.trim() === '') continue;
      const source: DynamicSource = { key: p.key, type, value: text };
      if (type === 'jsonata') {
        try {
          source.expression = RED.util.prepareJSONataExpression(text, node);
        } catch (err) {
          this.broken.set(p.key, reason(err));
          continue;
        }
      }
      this.dynamic.set(p.key, source);
    }
  }

  /** The first field whose JSONata does not compile, as an error text (for the deploy-time status and log). */
  get problem(): string | undefined {
    const [key, why] = [...this.broken.entries()][0] ?? [];
    return key === undefined ? undefined : t('validation.evaluate', { key, from: t('validation.fromJsonata'), reason: why ?? '' });
  }

  /**
   * The node's values of `params` for one message; `skip(key)` is true for keys msg.config sets (nothing is
   * evaluated for them). An evaluation that fails is an input error naming the field and where it read from.
   */
  async values(msg: Q2Message, params: readonly ParamSpec[], skip: (key: string) => boolean): Promise<NodeValues> {
    const out: NodeValues = { values: { ...this.literals }, origins: {} };
    for (const p of params) {
      if (skip(p.key)) continue;
      const broken = this.broken.get(p.key);
      if (broken !== undefined) throw inputError(t('validation.evaluate', { key: p.key, from: t('validation.fromJsonata'), reason: broken }));
      const source = this.dynamic.get(p.key);
      if (!source) continue;
      out.values[p.key] = await this.evaluate(source, msg);
      out.origins[p.key] = origin(source);
    }
    return out;
  }

  private evaluate(source: DynamicSource, msg: Q2Message): Promise<unknown> {
    const fail = (err: unknown) => inputError(t('validation.evaluate', { key: source.key, from: origin(source), reason: reason(err) }));
    // a msg path whose parent is missing: no value (as for the data property), so a fallback or `required` applies
    const missingPath = (err: unknown) => err instanceof TypeError && source.type === 'msg';
    return new Promise((resolve, reject) => {
      const settle = (err: unknown, result: unknown) => {
        if (!err) resolve(result);
        else if (missingPath(err)) resolve(undefined);
        else reject(fail(err));
      };
      try {
        if (source.expression) this.RED.util.evaluateJSONataExpression(source.expression, msg, settle);
        else this.RED.util.evaluateNodeProperty(source.value, source.type, this.node, msg, settle);
      } catch (err) {
        settle(err, undefined);
      }
    });
  }
}

/** An evaluation error in words: JSONata's are objects with a code and a message, not always Errors. */
function reason(err: unknown): string {
  if (typeof err !== 'object' || err === null) return String(err);
  const { code, message } = err as { code?: unknown; message?: unknown };
  const text = typeof message === 'string' ? message : err instanceof Error ? err.name : 'error';
  return typeof code === 'string' && !text.startsWith(code) ? `${code} ${text}` : text;
}

function inputError(text: string): Q2Error {
  return new Q2Error(text, { kind: 'input', status: t('status.invalidInput') });
}
