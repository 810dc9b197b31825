/**
 * The waterfall's row elements, kept and patched by hand. A jump of the scroll replaces every
 * row in view; through Svelte's blocks that cost about 110 µs of script a row (its signals,
 * derivations and if-blocks swapping the toggle for its blank), a third of the frame. Here a
 * row is built once per slot and patched field by field from its RowView, writing only what
 * changed. Texts go in as text nodes, never as markup.
 */
import { mount, unmount } from 'svelte';
import SlowIcon from '../components/SlowIcon.svelte';
import { planSlots, type RowWindow } from './virtual';
import { rowView, sameParts, SKEW_TITLE, type RowContext, type RowFlag, type RowView } from './waterfall-row';
import type { SpanNode } from '../../../model/trace-tree';

export interface RowHandlers {
  onselect: (spanId: string) => void;
  ontoggle: (spanId: string) => void;
}

interface Slot {
  row: HTMLDivElement;
  nameCol: HTMLDivElement;
  depth: HTMLSpanElement | undefined;
  toggle: HTMLButtonElement | undefined;
  space: HTMLSpanElement;
  swatch: HTMLSpanElement;
  label: HTMLSpanElement;
  service: Text;
  op: HTMLSpanElement;
  flags: Element[];
  icons: ReturnType<typeof mount>[];
  bar: HTMLDivElement;
  duration: HTMLSpanElement;
  durationText: Text;
  view: RowView | undefined;
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className: string, parent?: Node): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  e.className = className;
  parent?.appendChild(e);
  return e;
}

export class RowSlots {
  private shown: Slot[] = [];
  private shownStart = 0;
  private readonly spare: Slot[] = [];

  constructor(
    private readonly container: HTMLElement,
    private readonly handlers: RowHandlers,
    private readonly rowHeight: number,
  ) {}

  /** Shows rows window.start to window.end of `rows`, patched for `ctx`. */
  render(rows: readonly SpanNode[], window: RowWindow, ctx: RowContext): void {
    const plan = planSlots(this.shown, this.shownStart, window.start, window.end, () => this.spare.pop() ?? this.build());
    for (const slot of plan.dropped) {
      slot.row.remove();
      this.spare.push(slot);
    }
    const first = plan.order[plan.keptFrom];
    for (let i = 0; i < plan.keptFrom; i++) this.container.insertBefore(plan.order[i]!.row, first?.row ?? null);
    for (let i = plan.keptTo; i < plan.order.length; i++) this.container.appendChild(plan.order[i]!.row);
    for (let i = 0; i < plan.order.length; i++) this.patch(plan.order[i]!, rowView(rows[window.start + i]!, ctx));
    this.shown = plan.order;
    this.shownStart = window.start;
  }

  private build(): Slot {
    const row = el('div', 'row');
    row.setAttribute('role', 'treeitem');
    row.tabIndex = -1;
    row.style.height = `${this.rowHeight}px`;
    const nameCol = el('div', 'name-col', row);
    const space = el('span', 'toggle-space', nameCol);
    const swatch = el('span', 'swatch', nameCol);
    const label = el('span', 'label', nameCol);
    const service = document.createTextNode('');
    el('span', 'service', label).appendChild(service);
    label.appendChild(document.createTextNode(' '));
    const op = el('span', 'op', label);
    const timeCol = el('div', 'time-col', row);
    const bar = el('div', 'bar', timeCol);
    const duration = el('span', 'duration', timeCol);
    const durationText = document.createTextNode('');
    duration.appendChild(durationText);
    const slot: Slot = { row, nameCol, depth: undefined, toggle: undefined, space, swatch, label, service, op, flags: [], icons: [], bar, duration, durationText, view: undefined };
    row.addEventListener('click', () => {
      if (slot.view) this.handlers.onselect(slot.view.spanId);
    });
    return slot;
  }

  private makeToggle(slot: Slot): HTMLButtonElement {
    const toggle = el('button', 'toggle');
    toggle.addEventListener('click', (e) => {
      e.stopPropagation();
      if (slot.view) this.handlers.ontoggle(slot.view.spanId);
    });
    return toggle;
  }

  private patch(slot: Slot, v: RowView): void {
    const old = slot.view;
    slot.view = v;
    const { row } = slot;
    if (old?.spanId !== v.spanId) row.dataset.spanId = v.spanId;
    if (old?.selected !== v.selected) {
      row.classList.toggle('selected', v.selected);
      row.setAttribute('aria-selected', String(v.selected));
    }
    if (old?.match !== v.match) row.classList.toggle('match', v.match);
    if (old === undefined || old.expanded !== v.expanded) {
      if (v.expanded === undefined) row.removeAttribute('aria-expanded');
      else row.setAttribute('aria-expanded', String(v.expanded));
      const hadToggle = old !== undefined && old.expanded !== undefined;
      if (v.expanded === undefined) {
        if (hadToggle) slot.toggle!.replaceWith(slot.space);
      } else {
        const toggle = (slot.toggle ??= this.makeToggle(slot));
        if (!hadToggle) slot.space.replaceWith(toggle);
        toggle.setAttribute('aria-label', v.expanded ? 'Collapse' : 'Expand');
        toggle.textContent = v.expanded ? '▾' : '▸';
      }
    }
    if (old?.padding !== v.padding) slot.nameCol.style.setProperty('padding-left', `${v.padding}px`);
    if (old?.depth !== v.depth) {
      if (v.depth === undefined) slot.depth?.remove();
      else {
        const depth = (slot.depth ??= el('span', 'depth'));
        depth.title = `Depth ${v.depth}: deeper than the name column indents`;
        depth.textContent = String(v.depth);
        if (depth.parentNode !== slot.nameCol) slot.nameCol.prepend(depth);
      }
    }
    if (old?.color !== v.color) slot.swatch.style.setProperty('background', v.color);
    if (old?.title !== v.title) slot.label.title = v.title;
    if (old?.service !== v.service) slot.service.nodeValue = v.service;
    if (old === undefined || !sameParts(old.name, v.name)) this.setName(slot.op, v);
    if (old === undefined ? v.flags.length > 0 : !sameParts(old.flags, v.flags)) this.setFlags(slot, v.flags);
    if (old?.error !== v.error) slot.bar.classList.toggle('error', v.error);
    if (old?.critical !== v.critical) slot.bar.classList.toggle('critical', v.critical);
    if (old?.left !== v.left) slot.bar.style.setProperty('left', `${v.left}%`);
    if (old?.width !== v.width) slot.bar.style.setProperty('width', `${v.width}%`);
    if (old?.color !== v.color) slot.bar.style.setProperty('background-color', v.color);
    if (old === undefined ? v.ticks.length > 0 : !sameParts(old.ticks, v.ticks)) {
      slot.bar.replaceChildren(
        ...v.ticks.map((t) => {
          const tick = el('span', 'tick');
          tick.style.setProperty('left', `${t.left}%`);
          tick.title = t.title;
          return tick;
        }),
      );
    }
    if (old?.duration !== v.duration) slot.durationText.nodeValue = v.duration;
    if (old?.label.side !== v.label.side) slot.duration.className = `duration ${v.label.side}`;
    if (old?.label.at !== v.label.at) slot.duration.style.setProperty('left', `${v.label.at}%`);
  }

  private setName(op: HTMLSpanElement, v: RowView): void {
    const [only] = v.name;
    if (v.name.length === 1 && only && !only.match) {
      const text = op.firstChild;
      if (text && text === op.lastChild && text.nodeType === Node.TEXT_NODE) text.nodeValue = only.text;
      else op.textContent = only.text;
      return;
    }
    op.replaceChildren(...v.name.map((part) => (part.match ? Object.assign(document.createElement('mark'), { textContent: part.text }) : document.createTextNode(part.text))));
  }

  private setFlags(slot: Slot, flags: readonly RowFlag[]): void {
    for (const icon of slot.icons) void unmount(icon);
    for (const flag of slot.flags) flag.remove();
    slot.icons = [];
    slot.flags = flags.map((flag) => {
      const span = el('span', 'flag');
      switch (flag.kind) {
        case 'error':
          span.classList.add('error-flag');
          span.setAttribute('role', 'img');
          span.setAttribute('aria-label', 'Error');
          span.title = flag.title;
          span.textContent = '✖';
          break;
        case 'skewed':
          span.classList.add('warn');
          span.title = SKEW_TITLE;
          span.textContent = '⚠';
          break;
        case 'shifted':
          span.classList.add('shifted');
          span.title = flag.title;
          span.textContent = '⇄';
          break;
        case 'orphan':
          span.classList.add('warn');
          span.title = flag.title;
          span.textContent = '⤒';
          break;
        case 'outlier':
          span.className = `flag outlier ${flag.severity}`;
          slot.icons.push(mount(SlowIcon, { target: span, props: { title: flag.title } }));
          break;
        case 'hidden':
          span.className = 'hidden-count muted';
          span.textContent = `+${flag.count}`;
          break;
      }
      return span;
    });
    slot.nameCol.append(...slot.flags);
  }
}
