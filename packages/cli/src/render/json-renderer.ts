/**
 * `--json`: one JSON object per line, for scripts. `{"type":"event",...}` for every engine event,
 * `{"type":"log",...}` for every log line, `{"type":"notice","text"}` for CLI messages, and a final
 * `{"type":"result",...}` with the status, exit code, failed jobs and the final snapshot.
 */
import type { EngineEvent, JobLogLine } from '@containerops/core';
import type { LineSink, RunOutcome, RunRenderer, RunStartInfo } from './renderer.js';
import { runDuration, unsuccessfulJobs } from './summary.js';

export class JsonRenderer implements RunRenderer {
  constructor(private readonly out: LineSink) {}

  start(info: RunStartInfo): void {
    this.emit({
      type: 'start',
      runId: info.runId,
      workflow: info.workflow.uri,
      orchestrator: info.orchestrator,
    });
  }

  event(event: EngineEvent): void {
    this.emit({ type: 'event', ...event });
  }

  log(line: JobLogLine): void {
    this.emit({ type: 'log', ...line });
  }

  notice(text: string): void {
    this.emit({ type: 'notice', text });
  }

  finish(outcome: RunOutcome): void {
    const { snapshot } = outcome;
    this.emit({
      type: 'result',
      runId: snapshot.runId,
      workflow: snapshot.workflow,
      status: snapshot.status,
      reason: snapshot.reason,
      durationMs: runDuration(snapshot),
      interrupted: outcome.interrupted,
      exitCode: outcome.exitCode,
      failedJobs: unsuccessfulJobs(snapshot).map((j) => ({
        path: j.path,
        status: j.status,
        reason: j.reason,
        exitCode: j.exitCode,
        attempt: j.attempt,
      })),
      snapshot,
    });
  }

  private emit(value: Readonly<Record<string, unknown>>): void {
    this.out.write(`${JSON.stringify(value)}\n`);
  }
}
