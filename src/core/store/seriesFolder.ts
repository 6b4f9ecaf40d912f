import * as fs from 'fs';

/** The folder beside index `file` that holds its series files (core/series). */
export const seriesFolder = (file: string): string => `${file}.series`;

/**
 * Makes sure the series folder of index `file` is a real folder: a link or a file in its place (never
 * written by Labbook) is removed, not followed, and the folder is created. The index folder itself was
 * checked by the caller. Never throws: a folder that cannot be made leaves every series missing, which
 * the store treats as damaged and reads again from the logs.
 */
export async function prepareSeriesFolder(file: string): Promise<void> {
  const dir = seriesFolder(file);
  const st = await fs.promises.lstat(dir).catch(() => undefined);
  if (st && !st.isDirectory()) await fs.promises.rm(dir, { force: true }).catch(() => undefined);
  await fs.promises.mkdir(dir).catch(() => undefined);
}
