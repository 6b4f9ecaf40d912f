/**
 * Every command id of the extension, in one table. Code refers to commands only through these
 * constants (a unit test checks that no command id is written as a string anywhere else in `src/`,
 * and that this table equals the commands `package.json` contributes and its menus use).
 */
export const COMMANDS = {
  // Runs
  openRun: 'labbook.openRun',
  compareRuns: 'labbook.compareRuns',
  exportMetricsCsv: 'labbook.exportMetricsCsv',
  revealRun: 'labbook.revealRun',
  editNote: 'labbook.editNote',
  renameRun: 'labbook.renameRun',
  editTags: 'labbook.editTags',
  archiveRun: 'labbook.archiveRun',
  unarchiveRun: 'labbook.unarchiveRun',
  toggleArchived: 'labbook.toggleArchived',
  openRunsTable: 'labbook.openRunsTable',
  // Workspace and index
  refresh: 'labbook.refresh',
  rebuildIndex: 'labbook.rebuildIndex',
  showLog: 'labbook.showLog',
  openFormatDocs: 'labbook.openFormatDocs',
  openSdkDocs: 'labbook.openSdkDocs',
  copyPythonSdk: 'labbook.copyPythonSdk',
  runQuickstart: 'labbook.runQuickstart',
  // Sweeps
  createSweep: 'labbook.createSweep',
  launchSweepAgents: 'labbook.launchSweepAgents',
  stopSweep: 'labbook.stopSweep',
  resumeSweep: 'labbook.resumeSweep',
  openSweep: 'labbook.openSweep',
  // Models
  refreshModels: 'labbook.refreshModels',
  setModelAlias: 'labbook.setModelAlias',
  openModelRun: 'labbook.openModelRun',
  revealModelArtifact: 'labbook.revealModelArtifact',
  openModelRegistryDocs: 'labbook.openModelRegistryDocs',
  // Sidebar: organising, finding, stopping and rerunning runs
  deleteRuns: 'labbook.deleteRuns',
  restoreFromTrash: 'labbook.restoreFromTrash',
  deleteFromTrash: 'labbook.deleteFromTrash',
  refreshTrash: 'labbook.refreshTrash',
  editRunNoteDocument: 'labbook.editRunNoteDocument',
  archiveRuns: 'labbook.archiveRuns',
  unarchiveRuns: 'labbook.unarchiveRuns',
  starRuns: 'labbook.starRuns',
  unstarRuns: 'labbook.unstarRuns',
  tagRuns: 'labbook.tagRuns',
  moveRuns: 'labbook.moveRuns',
  createExperiment: 'labbook.createExperiment',
  renameExperiment: 'labbook.renameExperiment',
  describeExperiment: 'labbook.describeExperiment',
  editExperimentNote: 'labbook.editExperimentNote',
  archiveExperiment: 'labbook.archiveExperiment',
  unarchiveExperiment: 'labbook.unarchiveExperiment',
  stopRun: 'labbook.stopRun',
  rerunRun: 'labbook.rerunRun',
  filterRuns: 'labbook.filterRuns',
  clearFilter: 'labbook.clearFilter',
  filterByStatus: 'labbook.filterByStatus',
  filterByTag: 'labbook.filterByTag',
  sortRuns: 'labbook.sortRuns',
  showMoreRuns: 'labbook.showMoreRuns',
  showRunningRuns: 'labbook.showRunningRuns',
  groupRuns: 'labbook.groupRuns',
} as const;

export type CommandId = (typeof COMMANDS)[keyof typeof COMMANDS];
