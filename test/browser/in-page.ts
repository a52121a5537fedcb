/**
 * Functions that run in the Node-RED editor page (Playwright's `page.evaluate(fn, arg)` sends their source). Each must
 * be self-contained: no imports, no references to this module's other names. The project compiles without the DOM
 * library, so the few browser and editor globals they use are declared here, in this module only.
 */

/** The part of a DOM element the checks read. */
interface El {
  readonly id: string;
  readonly tagName: string;
  readonly type: string;
  readonly value: string;
  readonly checked: boolean;
  readonly placeholder: string;
  readonly title: string;
  readonly innerText: string;
  readonly innerHTML: string;
  readonly textContent: string | null;
  readonly offsetParent: El | null;
  readonly previousElementSibling: El | null;
  readonly scrollWidth: number;
  readonly clientWidth: number;
  readonly style: { whiteSpace: string };
  readonly classList: { contains(name: string): boolean };
  getAttribute(name: string): string | null;
  closest(selector: string): El | null;
  querySelector(selector: string): El | null;
  querySelectorAll(selector: string): Iterable<El>;
  getBoundingClientRect(): { x: number; y: number; width: number; height: number };
}
declare const document: { querySelector(selector: string): El | null; querySelectorAll(selector: string): Iterable<El> };
declare function getComputedStyle(el: El): { visibility: string };

/** The part of the editor's `RED` the checks use. */
interface RedNode {
  id: string;
  type: string;
  name?: string;
  z?: string;
  x: number;
  y: number;
}
declare const RED: {
  nodes: {
    eachNode(fn: (n: RedNode) => void): void;
    eachConfig(fn: (n: RedNode) => void): void;
    getType(type: string): { inputs?: number; outputs?: number } | undefined;
  };
  sidebar: { help: { show(type: string): void } };
  workspaces: { active(): string };
  actions: { invoke(name: string): void };
};

/** What one edit form shows: every visible control with its label, the texts a user reads, and the labels' layout. */
export interface FormReport {
  controls: Array<{ id: string; tag: string; label: string }>;
  /** visible text, placeholders, option texts and titles of the form */
  texts: string[];
  /** labels whose text runs onto a second line, or past the label's width */
  wrapped: string[];
  /** ids of the form's controls marked invalid (class input-error, also on a typed input's container) */
  invalid: string[];
  /** ids of the form's visible controls, hidden inputs excluded */
  visible: string[];
  /** visible rows that show nothing (no text, no control): blank lines in the dialog */
  empty: string[];
}

/** Reads the edit form `selector` (`#dialog-form` for a node, `#node-config-dialog-edit-form` for a config node). */
export function readForm(selector: string): FormReport {
  const form = document.querySelector(selector);
  if (!form) throw new Error(`no form ${selector}`);
  const shown = (el: El) => el.offsetParent !== null && getComputedStyle(el).visibility !== 'hidden';
  const report: FormReport = { controls: [], texts: [], wrapped: [], invalid: [], visible: [], empty: [] };
  for (const el of form.querySelectorAll('input, select, textarea, .red-ui-typedInput-container')) {
    const isContainer = el.classList.contains('red-ui-typedInput-container');
    // the parts inside a typed input are its own; the container stands for the input it replaces
    if (!isContainer && el.closest('.red-ui-typedInput-container')) continue;
    const id = isContainer ? (el.previousElementSibling?.id ?? el.querySelector('input[id]')?.id ?? '') : el.id;
    if (el.classList.contains('input-error') && id) report.invalid.push(id);
    // Node-RED's own traps for the browser's password autofill (red-ui-trap-*) are no fields of the node
    if (!shown(el) || (el.tagName === 'INPUT' && (el.type === 'hidden' || el.type === 'file')) || id.startsWith('red-ui-trap-')) continue;
    const label = (id ? form.querySelector(`label[for="${id}"]`) : null) ?? el.closest('label');
    report.controls.push({ id, tag: el.tagName.toLowerCase(), label: label ? label.innerText.replace(/\u00a0/g, ' ').trim() : '' });
    // a control pushed below its label (the row too narrow for both) reads as a second line too
    if (
      label &&
      label.closest('.form-row') === el.closest('.form-row') &&
      el.getBoundingClientRect().y >= label.getBoundingClientRect().y + label.getBoundingClientRect().height
    ) {
      report.wrapped.push(`${label.innerText.trim()} (its input below it)`);
    }
    report.visible.push(id);
    if (el.placeholder) report.texts.push(el.placeholder);
    if (el.title) report.texts.push(el.title);
    if (el.tagName === 'SELECT') for (const option of el.querySelectorAll('option')) report.texts.push(option.textContent ?? '');
  }
  report.texts.push(form.innerText);
  for (const el of form.querySelectorAll('[title]')) if (shown(el)) report.texts.push(el.title);
  for (const label of form.querySelectorAll('.form-row label')) {
    if (!shown(label) || !label.innerText.trim()) continue;
    const height = label.getBoundingClientRect().height;
    const before = label.style.whiteSpace;
    label.style.whiteSpace = 'nowrap';
    const oneLine = label.getBoundingClientRect().height;
    const overflows = label.scrollWidth > label.clientWidth + 1;
    label.style.whiteSpace = before;
    if (height > oneLine + 2 || overflows) report.wrapped.push(label.innerText.trim());
  }
  for (const row of form.querySelectorAll('.form-row')) {
    if (!shown(row) || row.innerText.replace(/\u00a0/g, ' ').trim()) continue;
    const controls = [...row.querySelectorAll('input, select, textarea, button, .red-ui-typedInput-container')].filter(
      (el) => shown(el) && !(el.tagName === 'INPUT' && el.type === 'hidden'),
    );
    if (!controls.length) report.empty.push(row.getAttribute('id') ?? row.innerHTML.slice(0, 80));
  }
  return report;
}

/** The values of every input and textarea of the open edit forms, each with its type, and the text the forms show. */
export function formValues(): { values: Record<string, { type: string; value: string }>; text: string } {
  const values: Record<string, { type: string; value: string }> = {};
  let text = '';
  for (const form of document.querySelectorAll('#dialog-form, #node-config-dialog-edit-form')) {
    for (const el of form.querySelectorAll('input, textarea')) {
      if (el.id && el.type !== 'file' && el.type !== 'checkbox') values[el.id] = { type: el.tagName === 'TEXTAREA' ? 'textarea' : el.type, value: el.value };
    }
    text += `${form.innerText}\n`;
  }
  return { values, text };
}

/** The nodes on the active flow (not config nodes), with the text of their label on the canvas. */
export function canvasNodes(): Array<{ id: string; type: string; name: string; label: string }> {
  const z = RED.workspaces.active();
  const out: Array<{ id: string; type: string; name: string; label: string }> = [];
  RED.nodes.eachNode((n) => {
    if (n.z !== z) return;
    const label = document.querySelector(`[id="${n.id}"] .red-ui-flow-node-label`);
    out.push({ id: n.id, type: n.type, name: n.name ?? '', label: label ? (label.textContent ?? '').trim() : '' });
  });
  return out;
}

/** Config nodes of a type, by id. */
export function configNodes(type: string): string[] {
  const out: string[] = [];
  RED.nodes.eachConfig((n) => {
    if (n.type === type) out.push(n.id);
  });
  return out;
}

/** A node type's ports, as registered in the editor. */
export function ports(type: string): { inputs: number; outputs: number } {
  const def = RED.nodes.getType(type);
  return { inputs: def?.inputs ?? 0, outputs: def?.outputs ?? 0 };
}

/** Shows a node type's help in the Help sidebar (what the book button of the Info sidebar does). */
export function showHelp(type: string): void {
  RED.sidebar.help.show(type);
}

/** The help shown in the Help sidebar: its title, its section headings and its text. */
export function readHelp(): { title: string; headings: string[]; text: string } {
  const title = (document.querySelector('.red-ui-sidebar-help-stack .red-ui-help-title')?.textContent ?? '').trim();
  const help = document.querySelector('.red-ui-sidebar-help-stack .red-ui-help');
  if (!help) return { title, headings: [], text: '' };
  return { title, headings: [...help.querySelectorAll('h3')].map((h) => (h.textContent ?? '').trim()), text: help.innerText };
}

/** Whether the field `id` holds exactly `value`. */
export function fieldHolds([id, value]: [string, string]): boolean {
  return document.querySelector(`[id="${id}"]`)?.value === value;
}

/** Adds a flow tab and makes it the active one. */
export function addFlow(): void {
  RED.actions.invoke('core:add-flow');
}
