/** TensorBoard event files (`events.out.tfevents.*`) read as runs. */
export { findTensorBoardRuns, KERAS_SUBFOLDERS, TFEVENTS_MARKER } from './discover';
export { IMAGES_PER_TAG } from './event';
export { readTensorBoardRun, RUNNING_WINDOW_SECONDS, TensorBoardRunReader } from './read';
export { readTfRecords, scanTfRecords, type TfRecordProblem, type TfRecordScan, type TfRecordsResult } from './tfrecord';
