// The processes of this machine, for core/status.ts: a running run whose process is gone is killed.
export { localProcesses } from './core/localProcesses';
