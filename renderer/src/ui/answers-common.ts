// Small pieces the answers panels (matrix, advice, health) share: the device-selection
// form and copyable command lines. DOM only; the answers themselves are the engine's
// pure answers/ modules.
import type { PciDevice, Snapshot } from '../../../electron/topology/model';
import { selectDevices, SELECTOR_HELP } from '../../../electron/topology/answers/select';
import { h } from './dom';
import './answers.css';

export interface SelForm {
  readonly el: HTMLElement;
  readonly input: HTMLInputElement;
  value(): string;
  set(v: string): void;
}

/** A SEL text box, an "add selected" button and an Apply button; onApply runs on Enter too. */
export function selForm(id: string, placeholder: string, selected: () => string | null, onApply: () => void, extra: HTMLElement[] = []): SelForm {
  const input = h('input', { type: 'text', placeholder, title: SELECTOR_HELP, 'data-testid': `${id}-sel`, 'aria-label': 'Devices (SEL)' });
  input.addEventListener('keydown', (e) => {
    if ((e as KeyboardEvent).key === 'Enter') onApply();
  });
  const add = h('button', {
    title: 'Add the device selected in the graph',
    'data-testid': `${id}-add`,
    onclick: () => {
      const s = selected();
      if (!s) return;
      const parts = input.value.split(',').map((x) => x.trim()).filter(Boolean);
      if (!parts.includes(s)) parts.push(s);
      input.value = parts.join(',');
      onApply();
    },
  }, '+ selected');
  const apply = h('button', { 'data-testid': `${id}-apply`, onclick: onApply }, 'Apply');
  const el = h('div', { class: 'answers-form' }, input, add, ...extra, apply);
  return { el, input, value: () => input.value, set: (v) => (input.value = v) };
}

/** Devices for a SEL (empty: the default set), or the error naming the tokens that matched nothing. */
export function pickDevices(t: Snapshot, sel: string): { devices: readonly PciDevice[]; error: string | null } {
  const r = selectDevices(t, sel);
  return { devices: r.devices, error: r.unmatched.length ? `no device matches ${r.unmatched.map((s) => `"${s}"`).join(', ')}` : null };
}

/** A command line with a Copy button (clipboard when the page may use it, else the text is selected). */
export function commandLine(text: string, testid: string): HTMLElement {
  const code = h('code', { 'data-testid': testid }, text);
  const btn = h('button', {
    class: 'copy-btn',
    title: 'Copy',
    onclick: () => {
      const done = () => (btn.textContent = 'Copied');
      if (navigator.clipboard?.writeText) navigator.clipboard.writeText(text).then(done, () => selectText(code));
      else selectText(code);
    },
  }, 'Copy');
  return h('div', { class: 'cmd' }, code, btn);
}

function selectText(el: HTMLElement): void {
  const r = document.createRange();
  r.selectNodeContents(el);
  const s = window.getSelection();
  s?.removeAllRanges();
  s?.addRange(r);
}
