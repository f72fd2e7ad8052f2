/**
 * `containerops logs RUN [--job PATH] [--follow]`: prints the stored log of every job of a run on
 * a server (or of one job), in workflow order; `--follow` streams them live until the run ends.
 */
import type { JobLogLine } from '@containerops/core';
import type { ApiClient } from '../api/api-client.js';
import { ApiError } from '../api/api-error.js';
import { connect, connectionHelp, connectionOptions } from '../api/connection.js';
import type { ApiLogLine } from '../api/api-mappers.js';
import { LOG_LINE_FIELDS, toJobLogLine } from '../api/api-mappers.js';
import { followRun } from '../api/run-follower.js';
import type { CliIo } from '../io.js';
import { colourAllowed } from '../render/choose-renderer.js';
import { PlainRenderer } from '../render/plain-renderer.js';
import { ansiPaint, noPaint } from '../render/style.js';
import { ExitCode, parseCommandArgs, UsageError } from '../usage.js';
import type { Command } from './command.js';

const help = `Usage: containerops logs RUN [--job PATH] [--follow] [--json]

Prints the log of every job of run RUN (stored on the server), job by job in workflow order,
each line prefixed by [stage.action.job] (and #attempt for retried jobs).

Options:
      --job PATH      only this job (stage.action.job)
  -f, --follow        stream the logs live, as jobs start, until the run ends
      --json          one JSON object per log line
${connectionHelp}
  -h, --help          show this help

Exits 0 when the logs were printed, 1 when the run or job is unknown or the server refused,
130 when interrupted.
`;

const RUN_JOBS = `query($id: ID!) {
  run(id: $id) { id stages { actions { jobs { path attempt } } } }
}`;
const JOB_LOGS = `query($runId: ID!, $jobPath: String!, $attempt: Int!, $afterSeq: Int!, $limit: Int!) {
  jobLogs(runId: $runId, jobPath: $jobPath, attempt: $attempt, afterSeq: $afterSeq, limit: $limit) {
    ${LOG_LINE_FIELDS}
  }
}`;
const PAGE = 5_000;

interface RunJobs {
  run: {
    id: string;
    stages: { actions: { jobs: { path: string; attempt: number }[] }[] }[];
  } | null;
}

export const logsCommand: Command = {
  name: 'logs',
  summary: 'print (or follow) the job logs of a run on a server',
  help,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs('logs', args, {
      job: { type: 'string' },
      follow: { type: 'boolean', short: 'f' },
      json: { type: 'boolean' },
      ...connectionOptions,
    });
    if (values.help) {
      io.stdout.write(help);
      return ExitCode.ok;
    }
    if (positionals.length !== 1) throw new UsageError('give exactly one run id', 'logs');
    const runId = positionals[0] as string;
    const client = connect('logs', values, io);
    const print = printer(io, values.json ?? false);
    try {
      const { run } = await client.request<RunJobs>(RUN_JOBS, { id: runId });
      if (run === null) throw new ApiError('NOT_FOUND', `run ${runId} not found (NOT_FOUND)`);
      const jobs = run.stages.flatMap((s) => s.actions.flatMap((a) => a.jobs));
      if (values.job !== undefined && !jobs.some((j) => j.path === values.job)) {
        io.stderr.write(
          `containerops logs: run ${runId} has no job "${values.job}"; its jobs: ` +
            `${jobs.map((j) => j.path).join(', ')}\n`,
        );
        return ExitCode.failed;
      }
      if (values.follow) return await follow(client, io, runId, values.job, print);
      for (const job of jobs) {
        if (values.job !== undefined && job.path !== values.job) continue;
        for (let attempt = 1; attempt <= job.attempt; attempt++) {
          await printStored(client, runId, job.path, attempt, job.attempt > 1, print);
        }
      }
      return ExitCode.ok;
    } finally {
      await client.close();
    }
  },
};

type Print = (line: JobLogLine, showAttempt: boolean) => void;

/** Plain `[path] text` lines (the run view's), or JSON lines. */
function printer(io: CliIo, json: boolean): Print {
  if (json) return (line) => io.stdout.write(`${JSON.stringify(line)}\n`);
  const plain = new PlainRenderer(io.stdout, colourAllowed(io) ? ansiPaint : noPaint);
  return (line, showAttempt) =>
    plain.log(showAttempt ? { ...line, jobPath: `${line.jobPath}#${line.attempt}` } : line);
}

async function printStored(
  client: ApiClient,
  runId: string,
  jobPath: string,
  attempt: number,
  showAttempt: boolean,
  print: Print,
): Promise<void> {
  let afterSeq = 0;
  for (;;) {
    const { jobLogs } = await client.request<{ jobLogs: ApiLogLine[] }>(JOB_LOGS, {
      runId,
      jobPath,
      attempt,
      afterSeq,
      limit: PAGE,
    });
    for (const line of jobLogs) print(toJobLogLine(line), showAttempt);
    const last = jobLogs[jobLogs.length - 1];
    if (last === undefined || jobLogs.length < PAGE) return;
    afterSeq = last.seq;
  }
}

async function follow(
  client: ApiClient,
  io: CliIo,
  runId: string,
  job: string | undefined,
  print: Print,
): Promise<number> {
  const retried = new Set<string>();
  const following = followRun(client, runId, {
    logs: job ?? true,
    onEvent: (event) => {
      if (event.scope === 'job' && (event.attempt ?? 1) > 1) retried.add(event.path);
    },
    onLog: (line) => print(line, retried.has(line.jobPath)),
  });
  let interrupted = false;
  const removers: (() => void)[] = [];
  const stopped = new Promise<void>((resolve) => {
    const stop = (): void => {
      interrupted = true;
      following.stop();
      resolve();
    };
    removers.push(io.onSignal('SIGINT', stop), io.onSignal('SIGTERM', stop));
  });
  try {
    await Promise.race([following.done, stopped]);
    return interrupted ? ExitCode.interrupted : ExitCode.ok;
  } finally {
    for (const remove of removers) remove();
  }
}
