/**
 * Editor-side helpers shared by every generated edit panel. This function is not run in Node: the build
 * embeds its source (Function.prototype.toString) in each node set's .html, where it defines
 * `window.Q2Editor` once. It must therefore be self-contained: no imports, no closures over module scope.
 */
type TypeDef = string | { value: string; label: string; options: Array<{ value: string; label: string }> };
interface JQueryLike {
  typedInput(options: { types: TypeDef[]; default?: string; typeField?: string }): JQueryLike;
  on(event: string, handler: () => void): JQueryLike;
  val(): unknown;
  val(value: string): JQueryLike;
  each(fn: (this: HTMLLikeElement) => void): JQueryLike;
  toggle(show: boolean): JQueryLike;
  length: number;
}
interface HTMLLikeElement {
  getAttribute(name: string): string | null;
}
/** A generated field that is a TypedInput: its key, its types (literal first), and for an enum its values and the blank's word. */
interface TypedField {
  key: string;
  types: string[];
  options?: string[];
  blank?: string;
}
interface EditorNode {
  _(key: string): string;
  [property: string]: unknown;
}
interface EditorGlobal {
  Q2Editor?: {
    valid(kind: string, value: unknown): boolean;
    validTyped(kind: string, value: unknown, key: string, node: EditorNode | undefined): boolean;
    validProperty(value: unknown): boolean;
    prepare(node: EditorNode, options: { dataProperty: boolean; params: TypedField[] }): void;
  };
  $?: (selector: string | HTMLLikeElement) => JQueryLike;
  RED?: {
    utils?: {
      validatePropertyExpression?: (value: string) => boolean;
      validateTypedProperty?: (value: unknown, type: string) => boolean | string;
    };
  };
}

/** Runs in the browser; `sources` are the runtime's PATTERNS (lib/request/validate.ts), written in by the build. */
export function q2EditorClient(sources: Record<string, string>): void {
  const g = globalThis as unknown as EditorGlobal;
  if (g.Q2Editor) return;
  const patterns: Record<string, RegExp> = {};
  for (const kind of Object.keys(sources)) patterns[kind] = new RegExp(sources[kind]);
  g.Q2Editor = {
    /** blank (the connection or msg.config fills it), a ${ENV_VAR}, or a value of the right shape */
    valid(kind, value) {
      const text = typeof value === 'string' || typeof value === 'number' ? String(value).trim() : '';
      if (text === '' || /^\$\{\S+\}$/.test(text)) return true;
      const pattern = patterns[kind];
      return pattern ? pattern.test(text) : true;
    },
    /**
     * A TypedInput field: a literal (str, num) has the shape of its kind; bool and the enum list are always valid; msg,
     * flow, global, env and JSONata as Node-RED checks them. The type is the open dialog's, else the node's.
     */
    validTyped(kind, value, key, node) {
      const field = g.$ ? g.$('#node-input-' + key + 'Type') : undefined;
      const picked: unknown = field && field.length ? field.val() : undefined;
      const stored = node ? node[key + 'Type'] : undefined;
      const type = typeof picked === 'string' && picked ? picked : typeof stored === 'string' && stored ? stored : 'str';
      // blank: not set (msg.config, the connection or the default fills it, or the runtime says it is required)
      if (value === '' || value === undefined || value === null) return true;
      if (type === 'str' || type === 'num') return this.valid(kind, value);
      if (type === 'bool' || type === 'q2-enum') return true;
      const check = g.RED?.utils?.validateTypedProperty;
      return check ? check(value, type) === true : true;
    },
    /** a message property path such as `payload` or `data.body` */
    validProperty(value) {
      const check = g.RED?.utils?.validatePropertyExpression;
      return typeof value === 'string' && value.trim() !== '' && (check ? check(value) : true);
    },
    prepare(node, options) {
      const $ = g.$;
      if (!$) return;
      if (options.dataProperty) $('#node-input-dataProperty').typedInput({ types: ['msg'], default: 'msg' });
      const output = $('#node-input-outputProperty');
      if (!output.val()) output.val('payload');
      output.typedInput({ types: ['msg'], default: 'msg' });
      for (const field of options.params) {
        const types: TypeDef[] = field.types.map((type) =>
          type === 'q2-enum'
            ? {
                value: type,
                label: node._('common.typed.enum'),
                options: (field.options ?? []).map((v) => ({ value: v, label: v === '' && field.blank ? node._(field.blank) : v })),
              }
            : type,
        );
        $('#node-input-' + field.key).typedInput({ types, default: field.types[0], typeField: '#node-input-' + field.key + 'Type' });
      }
      const select = $('#node-input-operation');
      if (!select.length) return;
      // a resource node: show only the rows of the chosen operation
      const show = () => {
        const picked: unknown = select.val();
        const chosen = typeof picked === 'string' ? picked : '';
        $('.q2-op-row').each(function () {
          const ops = (this.getAttribute('data-ops') ?? '').split(' ');
          $(this).toggle(ops.includes(chosen));
        });
      };
      select.on('change', show);
      show();
    },
  };
}
