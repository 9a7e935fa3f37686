// A worker thread running every stride-th seed of a range, for `npm run sim -- --jobs N`.
import { parentPort, workerData } from 'node:worker_threads';
import { runBatch, type BatchOptions } from './runner.js';

const opts = workerData as BatchOptions;
const result = runBatch(opts);
parentPort!.postMessage(result);
