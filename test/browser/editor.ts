/**
 * Drives the Node-RED editor in a real browser, as a user does: drags nodes from the palette, opens and fills their
 * edit dialogs (and the config node dialogs behind a connection field's edit button), deploys, imports examples and
 * presses inject buttons. The checks of what a dialog shows are in-page functions (./in-page).
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { ConsoleMessage, Locator, Page } from 'playwright-core';
import { addFlow, canvasNodes, configNodes, fieldHolds, formValues, ports, readForm, readHelp, showHelp, type FormReport } from './in-page';

/** The edit form of a node's dialog and of a config node's dialog. */
export const NODE_FORM = '#dialog-form';
export const CONFIG_FORM = '#node-config-dialog-edit-form';

/** Text that is an i18n key shown raw: `q2-billerdirect-webhook.label.x`, `common.params.name.label`, `node-red:…`. */
export const RAW_KEY = /\bnode-red:[\w.-]+|(?:^|[^\w./-])((?:q2-[a-z-]+|common)\.[A-Za-z][\w-]*(?:\.[\w-]+)+)/;

export class Editor {
  /** console errors and page errors, in order */
  readonly errors: string[] = [];
  private drops = 0;

  constructor(
    readonly page: Page,
    readonly url: string,
    private readonly artifacts: string,
  ) {
    page.on('console', (m: ConsoleMessage) => {
      if (m.type() === 'error') this.errors.push(`console: ${m.text()}`);
    });
    page.on('pageerror', (e: Error) => this.errors.push(`page error: ${e.message}\n${e.stack ?? ''}`));
  }

  async open(): Promise<void> {
    await this.page.goto(this.url);
    await this.page.locator('#red-ui-palette-container .red-ui-palette-node').first().waitFor({ timeout: 60_000 });
    await this.page.locator('#red-ui-workspace-chart').waitFor();
  }

  /** The text of a type's palette entry. */
  async paletteLabel(type: string): Promise<string> {
    return (await this.paletteEntry(type).innerText()).replace(/\s+/g, ' ').trim();
  }

  private paletteEntry(type: string): Locator {
    return this.page.locator(`#red-ui-palette-container .red-ui-palette-node[data-palette-type="${type}"]`);
  }

  /** Drags a type from the palette onto the active flow, each drop at its own place; resolves to the new node's id. */
  async drop(type: string): Promise<string> {
    await this.page.locator(`${NODE_FORM}, ${CONFIG_FORM}`).first().waitFor({ state: 'detached' });
    const before = new Set((await this.page.evaluate(canvasNodes)).map((n) => n.id));
    const entry = this.paletteEntry(type);
    if (!(await entry.isVisible())) {
      // its palette category is collapsed: open it
      await entry.locator('xpath=ancestor::div[contains(@class,"red-ui-palette-category")]//div[contains(@class,"red-ui-palette-header")]').click();
    }
    await entry.scrollIntoViewIfNeeded();
    const from = await entry.boundingBox();
    const chart = await this.page.locator('#red-ui-workspace-chart').boundingBox();
    assert.ok(from && chart, `${type}: the palette entry and the workspace are on screen`);
    const spot = this.drops++;
    // three columns wide apart: a resource node's label names its operation and can be long
    const x = chart.x + 140 + (spot % 3) * 300;
    const y = chart.y + 60 + (Math.floor(spot / 3) % 10) * 60;
    await this.page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
    await this.page.mouse.down();
    await this.page.mouse.move(x, y, { steps: 8 });
    await this.page.mouse.up();
    const added = (await this.page.evaluate(canvasNodes)).filter((n) => !before.has(n.id));
    assert.equal(added.length, 1, `${type}: one node dropped onto the flow`);
    assert.equal(added[0].type, type);
    return added[0].id;
  }

  /** The label a node shows on the canvas. */
  async canvasLabel(id: string): Promise<string> {
    const node = (await this.page.evaluate(canvasNodes)).find((n) => n.id === id);
    assert.ok(node, `node ${id} is on the active flow`);
    return node.label;
  }

  /** Opens a node's edit dialog by double-clicking it. */
  async edit(id: string): Promise<void> {
    await this.page.locator(`[id="${id}"] rect.red-ui-flow-node`).dblclick();
    await this.settled(NODE_FORM);
  }

  /**
   * Opens the config node dialog behind a node's connection field: its add button (a new connection) or its edit
   * button (the chosen one).
   */
  async editConnection(button: 'add' | 'edit'): Promise<void> {
    await this.page.locator(`#node-input-btn-connection-${button}`).click();
    await this.settled(CONFIG_FORM);
  }

  /** Closes whatever dialogs a failed test left open, so that the next one starts on the bare workspace. */
  async closeDialogs(): Promise<void> {
    for (let i = 0; i < 10 && (await this.page.locator(`${NODE_FORM}, ${CONFIG_FORM}, #red-ui-clipboard-dialog:visible`).count()) > 0; i++) {
      for (const button of ['#node-config-dialog-cancel', '#node-dialog-cancel', '#red-ui-clipboard-dialog-cancel']) {
        const b = this.page.locator(button);
        if (await b.isVisible()) await b.click();
      }
      await this.page.waitForTimeout(300);
    }
    await this.page.locator('#red-ui-header-shade').waitFor({ state: 'hidden' });
  }

  /** Waits until a dialog's form is shown and its tray has stopped sliding in. */
  private async settled(form: string): Promise<void> {
    await this.page.locator(form).waitFor({ state: 'visible' });
    let last = '';
    for (let i = 0; i < 40; i++) {
      const box = JSON.stringify(await this.page.locator(form).boundingBox());
      if (box === last) return;
      last = box;
      await this.page.waitForTimeout(50);
    }
  }

  read(form: string): Promise<FormReport> {
    return this.page.evaluate(readForm, form);
  }

  values(): Promise<{ values: Record<string, { type: string; value: string }>; text: string }> {
    return this.page.evaluate(formValues);
  }

  ports(type: string): Promise<{ inputs: number; outputs: number }> {
    return this.page.evaluate(ports, type);
  }

  configNodes(type: string): Promise<string[]> {
    return this.page.evaluate(configNodes, type);
  }

  canvasNodes(): Promise<Array<{ id: string; type: string; name: string; label: string }>> {
    return this.page.evaluate(canvasNodes);
  }

  /** Types into a text input or textarea (replacing its value), as a user does: the editor validates on keyup. */
  async fill(id: string, value: string): Promise<void> {
    const field = this.page.locator(`[id="${id}"]`);
    // a TypedInput hides its input: a user types into the one it shows beside it
    const typed = await field.evaluate((el) => el.classList.contains('red-ui-typedInput'));
    const input = typed ? this.page.locator(`[id="${id}"] + .red-ui-typedInput-container input.red-ui-typedInput-input`) : field;
    await input.fill(value);
    await input.dispatchEvent('change');
  }

  /** The value of an input, hidden or not (a TypedInput's type field). */
  value(id: string): Promise<string> {
    return this.page.locator(`[id="${id}"]`).inputValue();
  }

  /** Chooses a TypedInput's type from its type menu, as a user does (e.g. `flow`). */
  async pickType(id: string, type: string): Promise<void> {
    await this.page.locator(`[id="${id}"] + .red-ui-typedInput-container button.red-ui-typedInput-type-select`).click();
    await this.page.locator(`.red-ui-typedInput-options a[value="${type}"]`).filter({ visible: true }).first().click();
  }

  /**
   * Chooses a file holding `text` in the file input `id`, as its Upload button lets a user do, and waits until the
   * editor has read it into the field `into`.
   */
  async upload(id: string, text: string, into: string): Promise<void> {
    await this.page.locator(`[id="${id}"]`).setInputFiles({ name: 'key.pem', mimeType: 'text/plain', buffer: Buffer.from(text, 'utf8') });
    await this.page.waitForFunction(fieldHolds, [into, text] as [string, string]);
  }

  async select(id: string, value: string): Promise<void> {
    await this.page.locator(`[id="${id}"]`).selectOption(value);
  }

  async check(id: string, on: boolean): Promise<void> {
    await this.page.locator(`[id="${id}"]`).setChecked(on);
    await this.page.locator(`[id="${id}"]`).dispatchEvent('change');
  }

  async invalid(form: string): Promise<string[]> {
    return (await this.read(form)).invalid;
  }

  /**
   * Whether field `id` is marked invalid in `form`, once it is as `expected` (the editor validates on the input's
   * events, some after an animation): waits up to 3 s for it, then answers what it sees.
   */
  async marked(form: string, id: string, expected: boolean): Promise<boolean> {
    const deadline = Date.now() + 3000;
    let marked = (await this.invalid(form)).includes(id);
    while (marked !== expected && Date.now() < deadline) {
      await this.page.waitForTimeout(100);
      marked = (await this.invalid(form)).includes(id);
    }
    return marked;
  }

  /** Done (a node's dialog) or Add/Update (a config node's). */
  async done(form: string): Promise<void> {
    await this.page.locator(form === CONFIG_FORM ? '#node-config-dialog-ok' : '#node-dialog-ok').click();
    await this.page.locator(form).waitFor({ state: 'detached' });
  }

  async cancel(form: string): Promise<void> {
    await this.page.locator(form === CONFIG_FORM ? '#node-config-dialog-cancel' : '#node-dialog-cancel').click();
    await this.page.locator(form).waitFor({ state: 'detached' });
  }

  /** Deploys, and fails when the editor asks to confirm (invalid, unknown or unused nodes) or reports an error. */
  async deploy(): Promise<void> {
    const errors = this.page.locator('.red-ui-notification-error');
    const errorsBefore = await errors.count();
    await this.page.locator('#red-ui-header-button-deploy').click();
    const done = this.page.locator('#red-ui-header-button-deploy.disabled');
    const confirm = this.page.locator('#red-ui-deploy-dialog-confirm-deploy-deploy');
    await done.or(confirm).or(errors.nth(errorsBefore)).first().waitFor({ timeout: 20_000 });
    if (await confirm.isVisible()) {
      const notification = this.page.locator('.red-ui-notification').last();
      const text = await notification.innerText();
      await notification.locator('button', { hasText: /^Cancel$/ }).click();
      assert.fail(`the editor did not deploy but asked: ${text}`);
    }
    if ((await errors.count()) > errorsBefore) assert.fail(`the deploy failed: ${await errors.last().innerText()}`);
  }

  /** Shows a type's help in the Help sidebar and reads it. */
  async help(type: string): Promise<{ title: string; headings: string[]; text: string }> {
    await this.page.evaluate(showHelp, type);
    await this.page.locator('.red-ui-sidebar-help-stack .red-ui-help h3').first().waitFor({ timeout: 10_000 });
    return this.page.evaluate(readHelp);
  }

  async screenshot(name: string): Promise<void> {
    fs.mkdirSync(this.artifacts, { recursive: true });
    await this.page.screenshot({ path: path.join(this.artifacts, `${name.replace(/[^\w.-]+/g, '_')}.png`) });
  }

  /** Menu ▸ Import ▸ Examples ▸ `module` ▸ …`entry`, onto a new flow tab; resolves to the imported nodes. */
  async importExample(module: string, entry: string[]): Promise<Array<{ id: string; type: string; name: string; label: string }>> {
    await this.page.evaluate(addFlow);
    await this.page.locator('#red-ui-header-button-sidemenu').click();
    await this.page.locator('#menu-item-import').click();
    await this.page.locator('#red-ui-tab-red-ui-clipboard-dialog-import-tab-examples a').click();
    const tab = this.page.locator('#red-ui-clipboard-dialog-import-tab-examples');
    for (const label of [module, ...entry]) {
      await tab.locator('.red-ui-treeList-label-text', { hasText: new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}$`) }).click();
    }
    await this.page.locator('#red-ui-clipboard-dialog-ok').click();
    await this.page.locator('#red-ui-clipboard-dialog').waitFor({ state: 'hidden' });
    // the imported nodes follow the mouse until a click places them
    const chart = await this.page.locator('#red-ui-workspace-chart').boundingBox();
    assert.ok(chart);
    await this.page.mouse.move(chart.x + 250, chart.y + 150, { steps: 4 });
    await this.page.mouse.click(chart.x + 250, chart.y + 150);
    return this.canvasNodes();
  }

  /** Presses an inject node's button. */
  async inject(id: string): Promise<void> {
    await this.page.locator(`[id="${id}"] .red-ui-flow-node-button-button`).click();
  }

  /** Waits for a node's status to be a green dot. */
  async greenStatus(id: string, timeout = 15_000): Promise<void> {
    await this.page.locator(`[id="${id}"] .red-ui-flow-node-status-dot-green`).waitFor({ state: 'attached', timeout });
  }
}
