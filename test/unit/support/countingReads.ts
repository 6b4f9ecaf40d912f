// Reads of an in-process index that count the points they hand back (to show what a view reads).
import type { Store } from '../../../src/core/store/store';
import { storeReads, type IndexReads } from '../../../src/core/worker/indexReads';

/** `storeReads` of `store`, counting points read whole (`getPoints`) and, with `chartLines`, points drawn through the pyramid. */
export function countingReads(store: Store, opts: { chartLines: boolean }): { reads: IndexReads; read: () => number } {
  const inner = storeReads(() => store);
  let read = 0;
  const reads: IndexReads = {
    ...inner,
    getPoints: async (id, from) => {
      const p = await inner.getPoints(id, from);
      read += p.steps.length;
      return p;
    },
    chartLine: async (...args) => {
      const line = await inner.chartLine(...args);
      if (opts.chartLines) read += line.steps.length;
      return line;
    },
    chartLines: async (...args) => {
      const lines = await inner.chartLines(...args);
      if (opts.chartLines) for (const line of lines) read += line.steps.length;
      return lines;
    },
  };
  return { reads, read: () => read };
}

/** `storeReads` of `store`, counting the reads that count the tag chips of matching runs. */
export function countingTagChips(store: Store): { reads: IndexReads; counted: () => number } {
  let counted = 0;
  const counting = new Proxy(store, {
    get(target, prop) {
      if (prop === 'selectRows') {
        return (text: string, params: Parameters<Store['selectRows']>[1]) => {
          if (/GROUP BY t\.tag\b/.test(text)) counted++;
          return target.selectRows(text, params);
        };
      }
      const v: unknown = Reflect.get(target, prop, target);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
  return { reads: storeReads(() => counting), counted: () => counted };
}
