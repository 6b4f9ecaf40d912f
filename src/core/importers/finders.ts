/**
 * Turns the registry's importers into the finders the index runs: each finder looks for its
 * tracker's places in the workspace (and the configured folders), and makes one import unit per place
 * with a reader kept between syncs. A last finder reports folders that look like a tracker's output
 * but that no importer took.
 */
import * as path from 'path';
import type { SqlJsStatic } from 'sql.js';
import { isReallyInside } from '../fsWalk';
import type { Importer, ImportFinder, ImportSource, ImportUnit, Place, PlaceReader } from './contract';
import { lookalikeMessages, type Found } from './lookalikes';
import { IMPORT_SOURCES, IMPORTERS } from './registry';
import { filesBelow, workspacePath } from './shared';

/** Which trackers are read, and where they are looked for. */
export interface ImportOptions {
  /** The trackers to read; all of them when absent. */
  readonly sources?: ReadonlySet<ImportSource>;
  /** Look for their output anywhere in the workspace (the default), or only in `folders`. */
  readonly searchWorkspace?: boolean;
  /** More folders (absolute, inside the workspace) to look in: deeper than the workspace search goes, or dot-folders it skips. */
  readonly folders?: readonly string[];
  /** Told (once per folder) of a configured folder that is not searched. */
  readonly report?: (message: string) => void;
}

/** Where to look: the workspace and/or the configured folders, without those that lead out of it. */
async function starts(root: string, options: ImportOptions, refused?: Set<string>): Promise<string[]> {
  const out: string[] = [];
  for (const start of [...(options.searchWorkspace === false ? [] : [root]), ...(options.folders ?? [])]) {
    // A configured folder that is a link leading out of the workspace is not searched.
    if (start !== root && !(await isReallyInside(root, start))) {
      if (refused && !refused.has(start)) {
        options.report?.(`labbook.import.folders: ${path.relative(root, start) || start} leads outside the workspace (through a link); it is not searched`);
        refused.add(start);
      }
      continue;
    }
    out.push(start);
  }
  return out;
}

/** The places of `importer` found from every start, without duplicates, sorted by kind then path. */
async function placesOf(importer: Importer, from: readonly string[]): Promise<Place[]> {
  const byPath = new Map<string, Place>();
  for (const start of from) for (const p of await importer.find(start)) if (!byPath.has(p.path)) byPath.set(p.path, p);
  const order = (p: Place): string => `${p.kind}\u0000${p.path}`;
  return [...byPath.values()].sort((a, b) => (order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : 0));
}

/** The message for a place found but holding no run that could be read. */
function nothingRead(root: string, place: Place, importer: Importer): string {
  return `${workspacePath(root, place.path) || '.'}: found as ${importer.label} output, but no run could be read from it (see the messages above, if any)`;
}

/** The finder of one tracker; the reader of each place is kept while the place is there. */
function importerFinder(SQL: SqlJsStatic, importer: Importer, options: ImportOptions, refused: Set<string>, found: Found[]): ImportFinder {
  const readers = new Map<string, PlaceReader>();
  return async (root) => {
    const places = await placesOf(importer, await starts(root, options, refused));
    const live = new Set<string>();
    const units = places.map((place): ImportUnit => {
      const key = `${place.kind}:${workspacePath(root, place.path) || '.'}`;
      live.add(key);
      found.push({ source: importer.source, path: place.path, isFile: place.isFile });
      let reader = readers.get(key);
      if (!reader) readers.set(key, (reader = importer.open(place)));
      const kept = reader;
      return {
        key,
        files: () => kept.files(),
        read: async (problems, slice) => {
          const runs = await kept.read({ root, problems, SQL, now: Date.now() / 1000, slice });
          if (runs.length === 0 && !place.saysWhenEmpty && !slice?.more) problems.report(nothingRead(root, place, importer));
          return runs;
        },
      };
    });
    for (const key of readers.keys()) if (!live.has(key)) readers.delete(key);
    return units;
  };
}

/** Every other tracker Labbook reads. Each call makes fresh finders (with their own reader caches). */
export function importFinders(SQL: SqlJsStatic, options: ImportOptions = {}): ImportFinder[] {
  const on = (source: ImportSource): boolean => !options.sources || options.sources.has(source);
  const refused = new Set<string>();
  // What each finder took in this discovery, for the look-alike finder that runs last.
  const found: Found[] = [];
  return [
    ...IMPORTERS.filter((i) => on(i.source)).map((i) => importerFinder(SQL, i, options, refused, found)),
    lookalikeFinder(found, new Set(IMPORT_SOURCES.filter(on)), options),
  ];
}

/** Folders that look like a tracker's output but that no finder took: each is a unit that only says so. */
function lookalikeFinder(found: Found[], sources: ReadonlySet<ImportSource>, options: ImportOptions): ImportFinder {
  return async (root) => {
    const taken = found.splice(0);
    const messages = new Map<string, string>();
    for (const start of await starts(root, options)) {
      for (const [dir, message] of await lookalikeMessages(root, start, taken, sources)) messages.set(dir, message);
    }
    return [...messages].sort().map(([dir, message]): ImportUnit => ({
      key: `lookalike:${workspacePath(root, dir)}`,
      files: () => filesBelow(dir, 1),
      read: async (problems) => {
        problems.report(message);
        return [];
      },
    }));
  };
}
