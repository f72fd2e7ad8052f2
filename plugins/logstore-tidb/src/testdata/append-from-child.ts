/**
 * Run by `tidb-log-store.test.ts` in a separate Node process: appends lines, one per call, to the
 * log table the test process follows. Args: <url> <table> <runId> <jobPath> <count>.
 */
import { openTidbLogStore } from '../tidb-log-store.js';

const [url, table, runId, jobPath, count] = process.argv.slice(2);
if ([url, table, runId, jobPath, count].includes(undefined))
  throw new Error('usage: append-from-child <url> <table> <runId> <jobPath> <count>');
const store = await openTidbLogStore({ url: url as string, table: table as string });
for (let seq = 1; seq <= Number(count); seq++) {
  await store.append([
    {
      runId: runId as string,
      jobPath: jobPath as string,
      attempt: 1,
      seq,
      stream: 'stdout',
      text: `from child ${seq}`,
      time: Date.now(),
    },
  ]);
}
await store.close();
