/**
 * Run by `sqlite-log-store.test.ts` in a separate Node process: appends lines to a log file the
 * test process follows. Args: <path> <runId> <jobPath> <count>.
 */
import { createSqliteLogStore } from '../sqlite-log-store.js';

const [path, runId, jobPath, count] = process.argv.slice(2);
if (path === undefined || runId === undefined || jobPath === undefined || count === undefined)
  throw new Error('usage: append-from-child <path> <runId> <jobPath> <count>');
const store = createSqliteLogStore({ path });
for (let seq = 1; seq <= Number(count); seq++) {
  await store.append([
    {
      runId,
      jobPath,
      attempt: 1,
      seq,
      stream: 'stdout',
      text: `from child ${seq}`,
      time: Date.now(),
    },
  ]);
}
await store.close();
