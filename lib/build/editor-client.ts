/**
 * Editor-side helpers shared by every generated edit panel. This function is not run in Node: the build
 * embeds its source (Function.prototype.toString) in each node set's .html, where it defines
 * `window.Q2Editor` once. It must therefore be self-contained: no imports, no closures over module scope.
 */
interface JQueryLike {
  typedInput(options: { types: string[]; default?: string }): JQueryLike;
  on(event: string, handler: () => void): JQueryLike;
  val(): unknown;
  each(fn: (this: HTMLLikeElement) => void): JQueryLike;
  toggle(show: boolean): JQueryLike;
  length: number;
}
interface HTMLLikeElement {
  getAttribute(name: string): string | null;
}
interface EditorGlobal {
  Q2Editor?: {
    valid(kind: string, value: unknown): boolean;
    prepare(options: { dataProperty: boolean }): void;
  };
  $?: (selector: string | HTMLLikeElement) => JQueryLike;
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
    prepare(options) {
      const $ = g.$;
      if (!$) return;
      if (options.dataProperty) $('#node-input-dataProperty').typedInput({ types: ['msg'], default: 'msg' });
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
