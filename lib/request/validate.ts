/**
 * Validation with ajv, derived from an OperationSpec: one schema for the operation's settings (node properties
 * and msg.config overrides) and the body schema for operations that send a message property. Every error names
 * the field and what was wrong, never the value (it may be an SSN or an account number).
 */
import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import { Q2Error } from '../errors';
import { t } from '../i18n';
import type { Effective, ParamSpec, RequestSpec, Resolved } from '../model/operation';

const ajv = new Ajv({ allErrors: false, strict: true, strictRequired: false, verbose: true, multipleOfPrecision: 9 });
ajv.addKeyword({ keyword: 'x-hint', schemaType: 'string' });

/**
 * The shapes of the parameter types, as regular-expression sources: the runtime's ajv schemas and the editors'
 * validators (written in by lib/build/editor.ts) both use these, so the panel and the runtime agree.
 */
export const PATTERNS = {
  id: '^[1-9][0-9]{0,17}$',
  url: '^https?://[^\\s/?#]+\\S*$',
  list: '^[^,\\s]+(,[^,\\s]+)*$',
  /** a decimal number written as text, e.g. an amount `12.50` */
  number: '^-?[0-9]+(\\.[0-9]+)?$',
  /** a value still holding an environment variable reference, `${NAME}` */
  env: '^\\$\\{\\S+\\}$',
} as const;

const ID_PATTERN = PATTERNS.id;

function paramSchema(p: ParamSpec): object {
  switch (p.type) {
    case 'id':
      return {
        anyOf: [
          { type: 'integer', minimum: 1 },
          { type: 'string', pattern: ID_PATTERN },
        ],
      };
    case 'boolean':
      return { type: 'boolean' };
    case 'number':
      return {
        anyOf: [{ type: 'number' }, { type: 'string', pattern: PATTERNS.number }],
      };
    case 'enum':
      return { type: 'string', enum: [...(p.enum ?? [])] };
    case 'url':
      return { type: 'string', pattern: PATTERNS.url };
    case 'list':
      return { type: 'string', pattern: PATTERNS.list };
    case 'string':
      return p.pattern ? { type: 'string', minLength: 1, pattern: p.pattern } : { type: 'string', minLength: 1 };
    case 'object':
      return p.schema ?? { type: 'object' };
  }
}

/** What a param must look like, in words. */
function hint(p: ParamSpec): string {
  switch (p.type) {
    case 'id':
      return t('validation.id');
    case 'boolean':
      return t('validation.boolean');
    case 'number':
      return t('validation.number');
    case 'enum':
      return t('validation.enum', { values: (p.enum ?? []).join(', ') });
    case 'url':
      return t('validation.url');
    case 'list':
      return t('validation.list');
    case 'string':
      return p.patternHint ? t(p.patternHint) : t('validation.string');
    case 'object':
      return p.patternHint ? t(p.patternHint) : t('validation.object');
  }
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/** Lenient, loss-free conversions applied before validation: numbers for enums, lists as arrays, boolean words. */
function precoerce(p: ParamSpec, value: unknown): unknown {
  if (p.type === 'enum' && typeof value === 'number') return String(value);
  if (p.type === 'list' && Array.isArray(value) && value.every((v) => typeof v === 'string')) return value.join(',');
  // an id Q2 types as text (a digits pattern): a whole number given is sent as its digits
  if (p.type === 'string' && p.pattern && typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  if (p.type === 'boolean') {
    if (value === 'true' || value === '1' || value === 1) return true;
    if (value === 'false' || value === '0' || value === 0) return false;
  }
  return value;
}

function toWire(p: ParamSpec, value: unknown): string | number | boolean | undefined {
  if (value === undefined) return undefined;
  if (p.type === 'id' || p.type === 'number') return typeof value === 'number' ? value : Number(value);
  if (p.type === 'url') return (typeof value === 'string' ? value : JSON.stringify(value)).replace(/\/+$/, '');
  return value as string | boolean;
}

function fieldName(p: ParamSpec, resolved: Resolved): string {
  const source = resolved[p.key]?.source;
  if (source === 'msg') return `msg.config.${p.key}`;
  if (source === 'connection') return t('validation.connectionField', { key: p.key });
  const from = resolved[p.key]?.from;
  if (from) return t('validation.typedField', { key: p.key, from });
  return t('validation.nodeField', { key: p.key });
}

/** ajv lists an anyOf's branch failures before the anyOf itself: the last error is the one to explain. */
function lastError(errors: ErrorObject[] | null | undefined): ErrorObject | undefined {
  return errors && errors.length ? errors[errors.length - 1] : undefined;
}

export type ParamValidator = (resolved: Resolved) => Effective;

export function compileParams(op: RequestSpec): ParamValidator {
  const properties: Record<string, object> = {};
  for (const p of op.params) properties[p.key] = paramSchema(p);
  const schema: Record<string, unknown> = {
    type: 'object',
    properties,
    required: op.params.filter((p) => p.required).map((p) => p.key),
  };
  if (op.exactlyOne) schema.oneOf = op.exactlyOne.map((key) => ({ required: [key] }));
  if (op.requiredWith) schema.dependencies = op.requiredWith;
  const validate = ajv.compile(schema);
  const byKey = new Map(op.params.map((p) => [p.key, p]));

  return (resolved) => {
    const candidate: Record<string, unknown> = {};
    for (const p of op.params) {
      const entry = resolved[p.key];
      if (entry !== undefined) candidate[p.key] = precoerce(p, entry.value);
    }
    if (!validate(candidate)) {
      const error = lastError(validate.errors);
      throw new Q2Error(describeParamError(error, byKey, resolved, candidate, op), { kind: 'input', status: t('status.invalidInput') });
    }
    const effective: Effective = {};
    for (const p of op.params) effective[p.key] = toWire(p, candidate[p.key]);
    return effective;
  };
}

function describeParamError(
  error: ErrorObject | undefined,
  byKey: Map<string, ParamSpec>,
  resolved: Resolved,
  candidate: Record<string, unknown>,
  op: RequestSpec,
): string {
  if (!error) return t('validation.unknown');
  if (error.keyword === 'oneOf' && error.instancePath === '') {
    const fields = (op.exactlyOne ?? []).map((k) => `msg.config.${k}`).join(', ');
    const several = (error.params as { passingSchemas?: number[] | null }).passingSchemas;
    return t(several ? 'validation.onlyOne' : 'validation.atLeastOne', { fields });
  }
  if (error.keyword === 'required') {
    const key = String((error.params as { missingProperty: string }).missingProperty);
    return t('validation.required', { key });
  }
  if (error.keyword === 'dependencies') {
    const { property, missingProperty } = error.params as { property: string; missingProperty: string };
    return t('validation.requiredWith', { key: missingProperty, with: property });
  }
  const key = error.instancePath.split('/')[1] ?? '';
  const p = byKey.get(key);
  if (!p) return t('validation.unknown');
  return t('validation.invalid', { field: fieldName(p, resolved), hint: hint(p), got: typeName(candidate[key]) });
}

/** Validates a request body read from `msg.<property>`; errors name the path inside it. */
export function compileBody(schema: object, propertyLabel: string): (body: unknown) => void {
  const validate: ValidateFunction = ajv.compile(schema);
  return (body) => {
    if (validate(body)) return;
    const error = lastError(validate.errors);
    throw new Q2Error(describeBodyError(error, propertyLabel, body), { kind: 'input', status: t('status.invalidInput') });
  };
}

function jsonPath(base: string, instancePath: string): string {
  return instancePath
    .split('/')
    .slice(1)
    .reduce((acc, seg) => (/^\d+$/.test(seg) ? `${acc}[${seg}]` : `${acc}.${seg.replace(/~1/g, '/').replace(/~0/g, '~')}`), base);
}

function valueAt(root: unknown, instancePath: string): unknown {
  return instancePath
    .split('/')
    .slice(1)
    .reduce<unknown>((acc, seg) => (acc !== null && typeof acc === 'object' ? (acc as Record<string, unknown>)[seg] : undefined), root);
}

function describeBodyError(error: ErrorObject | undefined, base: string, body: unknown): string {
  if (!error) return t('validation.unknown');
  const where = jsonPath(base, error.instancePath);
  if (error.keyword === 'required') {
    return t('validation.bodyRequired', { field: `${where}.${String((error.params as { missingProperty: string }).missingProperty)}` });
  }
  const parent = error.parentSchema as { 'x-hint'?: string } | undefined;
  const why = parent?.['x-hint'] ? t(parent['x-hint']) : ajvWords(error);
  return t('validation.bodyInvalid', { field: where, hint: why, got: typeName(valueAt(body, error.instancePath)) });
}

/** ajv's keyword failures in our catalogue's words (validation.keyword.*), with ajv's params filled in. */
function ajvWords(error: ErrorObject): string {
  const params: Record<string, string | number> = {};
  for (const [name, value] of Object.entries(error.params as Record<string, unknown>)) {
    params[name] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  const words = t(`validation.keyword.${error.keyword}`, params);
  return words === `validation.keyword.${error.keyword}` ? t('validation.unknown') : words;
}
