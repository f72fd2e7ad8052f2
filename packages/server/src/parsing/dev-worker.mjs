// Source mode only (tests, `node --import tsx`): Node 20 cannot run the TypeScript worker itself,
// so this plain-JS entry loads it through tsx. Built packages start dist/parsing/parse.worker.js.
import { workerData } from 'node:worker_threads';
import { tsImport } from 'tsx/esm/api';

await tsImport(workerData.entry, import.meta.url);
