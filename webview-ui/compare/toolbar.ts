import { checkbox } from '../shared/controls';
import { clear, el } from '../shared/dom';
import type { GroupBy } from '../shared/grouping';
import { SMOOTHING_KINDS, type SmoothingKind } from '../shared/smoothing';
import type { XAxisChoice } from '../shared/xAxis';

/** What the charts draw: x axis, log scales, smoothing, grouping. Kept in the view's state. */
export interface ChartState {
  xAxis: XAxisChoice;
  logX: boolean;
  logY: boolean;
  smoothing: SmoothingKind;
  weight: number;
  groupBy: GroupBy;
  band: 'minmax' | 'std';
}

function select(label: string, options: ReadonlyArray<{ value: string; text: string }>, value: string, onChange: (v: string) => void): HTMLSelectElement {
  const s = el('select', { attrs: { 'aria-label': label, title: label } });
  for (const o of options) s.append(el('option', { text: o.text, attrs: { value: o.value } }));
  s.value = value;
  s.addEventListener('change', () => onChange(s.value));
  return s;
}

/**
 * The chart controls: x axis (step, wall time, time since start, or a metric), log x and y,
 * smoothing kind and weight, grouping and the group band. `changed('axes')` when the x axis or a
 * scale changed (zoom is reset), `changed('lines')` otherwise.
 */
export class Toolbar {
  private readonly xBox = el('label', { className: 'pick' });
  private readonly groupBox = el('label', { className: 'pick' });
  private keys: string[] = [];
  private params: string[] = [];

  constructor(root: HTMLElement, private readonly s: ChartState, private readonly changed: (what: 'axes' | 'lines') => void) {
    const weightLabel = el('span', { className: 'weight', text: s.weight.toFixed(2) });
    const slider = el('input', { attrs: { type: 'range', min: '0', max: '0.99', step: '0.01', 'aria-label': 'smoothing', title: 'Smoothing: 0 draws the raw line' } });
    slider.value = String(s.weight);
    slider.addEventListener('input', () => {
      s.weight = Number(slider.value);
      weightLabel.textContent = s.weight.toFixed(2);
      this.changed('lines');
    });
    const kind = select('smoothing kind', SMOOTHING_KINDS.map((k) => ({ value: k.kind, text: k.label })), s.smoothing, (v) => {
      s.smoothing = v as SmoothingKind;
      this.changed('lines');
    });
    const band = select('group band', [{ value: 'minmax', text: 'min–max band' }, { value: 'std', text: '±1 std band' }], s.band, (v) => {
      s.band = v as ChartState['band'];
      this.changed('lines');
    });
    root.append(
      this.xBox,
      checkbox('Log x', s.logX, (on) => {
        s.logX = on;
        this.changed('axes');
      }),
      checkbox('Log y', s.logY, (on) => {
        s.logY = on;
        this.changed('axes');
      }),
      el('label', { className: 'pick smoothing' }, [el('span', { text: 'Smoothing' }), kind, slider, weightLabel]),
      this.groupBox,
      el('label', { className: 'pick' }, [band]),
      el('span', { className: 'muted hint', text: 'Drag a box to zoom · Ctrl+wheel zooms · Shift+drag pans · double-click resets' }),
    );
    this.renderPickers();
  }

  /** The metrics and params to offer as x axes and groupings. */
  setChoices(keys: string[], params: string[]): void {
    if (JSON.stringify([keys, params]) === JSON.stringify([this.keys, this.params])) return;
    this.keys = keys;
    this.params = params;
    this.renderPickers();
  }

  private renderPickers(): void {
    const x = this.s.xAxis;
    const xValue = x.kind === 'metric' ? `metric:${x.metric}` : x.kind;
    clear(this.xBox);
    this.xBox.append(el('span', { text: 'x axis' }), select('x axis', [
      { value: 'step', text: 'step' },
      { value: 'wall', text: 'wall time' },
      { value: 'relative', text: 'time since start' },
      ...this.keys.map((k) => ({ value: `metric:${k}`, text: k })),
    ], xValue, (v) => {
      this.s.xAxis = v.startsWith('metric:') ? { kind: 'metric', metric: v.slice(7) } : { kind: v as 'step' | 'wall' | 'relative' };
      this.changed('axes');
    }));
    const g = this.s.groupBy;
    const gValue = g.kind === 'param' ? `param:${g.key}` : g.kind;
    clear(this.groupBox);
    this.groupBox.append(el('span', { text: 'group by' }), select('group by', [
      { value: 'none', text: 'no grouping' },
      { value: 'experiment', text: 'experiment' },
      { value: 'tag', text: 'tags' },
      ...this.params.map((p) => ({ value: `param:${p}`, text: p })),
    ], gValue, (v) => {
      this.s.groupBy = v.startsWith('param:') ? { kind: 'param', key: v.slice(6) } : { kind: v as 'none' | 'experiment' | 'tag' };
      this.changed('lines');
    }));
  }
}
