// The Fleet tab: pick many captures (files, or a folder with one sub-folder per host as
// the Ansible playbook fetches them), parse each through the host without making it
// current, then group them and explain the outliers with compare/fleet — the same
// analysis as `topolens fleet`. Members are named like the CLI names them. It only
// shows the report; it keeps no captures beyond the compact form the analysis needs.
import { compactForCompare, fingerprint } from '../../../electron/topology/compare/fingerprint';
import { analyseFleet, memberNames, type FleetDifference, type FleetEntry, type FleetReport } from '../../../electron/topology/compare/fleet';
import { differenceLine } from '../../../electron/topology/compare/format';
import { clear, h } from './dom';
import type { Panel, PanelContext } from './panels';
import './compare.css';

export interface PickedFile {
  readonly file: File;
  /** "picked/host/capture.tar.gz" for a folder pick, "" for a plain file pick. */
  readonly relativePath: string;
}

function groupsTable(r: FleetReport): HTMLElement {
  const majority = new Set(r.models.map((m) => m.majority));
  return h(
    'table',
    { class: 'fleet-groups', 'data-testid': 'fleet-groups' },
    h('tr', {}, h('th', {}, 'fingerprint'), h('th', {}, 'machines'), h('th', {}, 'members')),
    ...r.groups.map((g) =>
      h(
        'tr',
        { 'data-fingerprint': g.fingerprint },
        h('td', { class: 'fp', title: g.model }, g.fingerprint),
        h('td', {}, `${g.members.length}${majority.has(g.fingerprint) ? ' (majority)' : ''}`),
        h('td', {}, g.members.length > 12 ? `${g.members.slice(0, 12).join(', ')}, … (+${g.members.length - 12})` : g.members.join(', ')),
      ),
    ),
  );
}

/** One difference; its address selects that function on the map (the machine shown there, usually one of the model). */
function differenceItem(d: FleetDifference, select: (a: string) => void): HTMLElement {
  const line = differenceLine(d);
  const cls = d.field === 'function' ? 'cmp-removed' : 'cmp-changed';
  if (!d.address) return h('li', { class: cls }, line);
  return h('li', { class: cls }, h('button', { class: 'dev', onclick: () => select(d.address!) }, d.address), line.slice(d.address.length));
}

function outliersList(r: FleetReport, select: (a: string) => void): HTMLElement {
  return h(
    'div',
    { 'data-testid': 'fleet-outliers' },
    ...r.outliers.map((o) =>
      h(
        'div',
        { class: 'fleet-outlier', 'data-member': o.member },
        h('h4', {}, `${o.member} — differs from ${o.reference} (majority ${o.majority})`),
        h('ul', { class: 'compare-list' }, ...o.differences.map((d) => differenceItem(d, select))),
      ),
    ),
  );
}

const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;

export function fleetPanel(): Panel {
  let ctx: PanelContext;
  let out: HTMLElement;
  let progress: HTMLElement;
  const run = async (picked: readonly PickedFile[]) => {
    const names = memberNames(picked.map((p) => ({ name: p.file.name, relativePath: p.relativePath })));
    const entries: FleetEntry[] = [];
    const errors: { member: string; error: string }[] = [];
    let done = 0;
    // Two at a time: the host parses while the next file is read.
    const one = async (i: number) => {
      const r = await ctx.api.parseBytes(picked[i]!.file.name, new Uint8Array(await picked[i]!.file.arrayBuffer()));
      if (r.ok) {
        const s = compactForCompare(r.value.snapshot);
        entries.push({ member: names[i]!, snapshot: s, fingerprint: fingerprint(s) });
      } else errors.push({ member: names[i]!, error: r.error });
      progress.textContent = `loaded ${(done += 1)}/${picked.length}`;
    };
    let next = 0;
    const lane = async () => {
      while (next < picked.length) await one(next++);
    };
    await Promise.all([lane(), lane()]);
    const report = analyseFleet(entries, errors);
    clear(out);
    const total = entries.length;
    out.append(
      h('p', { class: 'answers-note', 'data-testid': 'fleet-summary' }, `${plural(total, 'machine')}, ${plural(report.models.length, 'model')}, ${plural(report.groups.length, 'group')}, ${plural(report.outliers.length, 'outlier')}`),
      ...report.models.filter((m) => m.note).map((m) => h('p', { class: 'answers-note' }, `${m.model}: ${m.note}`)),
      groupsTable(report),
      outliersList(report, (a) => ctx.select(a)),
      ...report.errors.map((e) => h('p', { class: 'answers-note' }, `Unusable: ${e.member}: ${e.error}`)),
    );
    document.body.dataset['fleetDone'] = String(total + errors.length);
  };
  const input = (folder: boolean) => {
    const el = h('input', { type: 'file', multiple: true, hidden: true, 'data-testid': folder ? 'fleet-folder' : 'fleet-files' });
    if (folder) el.setAttribute('webkitdirectory', '');
    el.addEventListener('change', () => {
      const files = [...(el.files ?? [])].filter((f) => !f.name.startsWith('.'));
      if (files.length) void run(files.map((file) => ({ file, relativePath: folder ? file.webkitRelativePath : '' })));
      el.value = '';
    });
    return el;
  };
  return {
    id: 'fleet',
    title: 'Fleet',
    wide: true,
    mount(el, c) {
      ctx = c;
      const files = input(false);
      const folder = input(true);
      progress = h('span', { class: 'answers-note', 'data-testid': 'fleet-progress' });
      out = h('div', { 'data-testid': 'fleet-out' }, h('p', { class: 'answers-note' }, 'Pick many captures (or a folder with one sub-folder per host, as deploy/ansible/capture.yml fetches them): identical machines are grouped, and each outlier is compared with the majority of its model.'));
      el.append(
        h('div', { class: 'answers-form' }, h('button', { 'data-testid': 'fleet-pick-files', onclick: () => files.click() }, 'Pick captures…'), h('button', { 'data-testid': 'fleet-pick-folder', onclick: () => folder.click() }, 'Pick folder…'), progress, files, folder),
        out,
      );
    },
  };
}
