/** DVCLive output folders read as runs. */
export { DVCLIVE_RUNNING_WINDOW_SECONDS, findDvcliveRuns, readDvclive } from './read';
export { parseDvcliveTsv, parseTsvHeader, parseTsvRows, type DvcliveCache, type TsvHeader } from './tsv';
