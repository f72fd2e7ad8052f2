/**
 * Line-by-line output for logs, CI and pipes (`--plain`, no terminal, `NO_COLOR`): one line per
 * status change and one per log line, each prefixed by the node's path, never redrawn.
 */
import type { EngineEvent, JobLogLine } from '@containerops/core';
import { fanOutProgressOf } from '@containerops/core';
import type { LineSink, RunOutcome, RunRenderer, RunStartInfo } from './renderer.js';
import { RunView } from './run-view.js';
import type { Paint } from './style.js';
import { fanOutCountParts, fanOutTotalText } from './fan-out-counts.js';
import { elapsed, noPaint, prefixColour, statusColour, statusWord } from './style.js';
import { summaryLines } from './summary.js';

export class PlainRenderer implements RunRenderer {
  private view: RunView | undefined;
  private runStarted = false;

  constructor(
    private readonly out: LineSink,
    private readonly paint: Paint = noPaint,
  ) {}

  start(info: RunStartInfo): void {
    this.view = new RunView(info.workflow, info.fanOutTotal);
    this.line(
      `${this.paint('bold', `run ${info.runId}`)}: ${info.workflow.uri} on the ${info.orchestrator} orchestrator`,
    );
  }

  event(event: EngineEvent): void {
    const node = this.view?.apply(event);
    if (event.scope === 'run') {
      // The run's end is told by the summary; `queued` matters only when it says what it waits for.
      if (event.status === 'running') {
        this.line(`run ${this.paint('cyan', this.runStarted ? 'resumed' : 'started')}`);
        this.runStarted = true;
      } else if (
        event.status === 'waiting' ||
        (event.status === 'queued' && event.reason !== undefined)
      ) {
        this.line(`run ${this.statusText(event.status, event.reason)}`);
      }
      return;
    }
    if (node === undefined || !('scope' in node)) return;
    // A fan-out instance: counted on its job, not a line of its own (there may be 100,000); nor
    // is the fan-out's progress event (counts again, a few times a second).
    if (node.path !== event.path || fanOutProgressOf(event) !== undefined) return;
    if (node.scope === 'stage' && isMarker(this.view, node.path)) return;
    let detail = '';
    if (node.scope === 'job' && event.status === 'running' && node.maxAttempts > 1) {
      detail = ` (attempt ${node.attempt}/${node.maxAttempts})`;
    }
    if (node.scope === 'job' && node.fanOut !== undefined && event.status !== 'running') {
      const parts = fanOutCountParts(node.fanOut).map((p) =>
        this.paint(statusColour(p.status), p.text),
      );
      detail = ` [${parts.join(', ')} ${fanOutTotalText(node.fanOut)}]`;
    }
    const time =
      event.status === 'running' ? '' : elapsed(node.startedAt, node.finishedAt, event.time);
    this.line(
      `${this.prefix(event.path)} ${this.statusText(event.status, event.reason)}${detail}` +
        (time === '' ? '' : this.paint('gray', ` (${time})`)),
    );
  }

  log(line: JobLogLine): void {
    const text = line.stream === 'system' ? this.paint('gray', `(system) ${line.text}`) : line.text;
    this.line(`${this.prefix(line.jobPath)} ${text}`);
  }

  notice(text: string): void {
    this.line(this.paint('yellow', text));
  }

  finish(outcome: RunOutcome): void {
    this.line('');
    const options = { ...outcome, fanOuts: this.view?.fanOuts() };
    for (const l of summaryLines(outcome.snapshot, this.paint, options)) this.line(l);
  }

  private statusText(status: EngineEvent['status'], reason: string | undefined): string {
    const word = this.paint(statusColour(status), statusWord(status));
    return reason === undefined || status === 'succeeded' ? word : `${word}: ${reason}`;
  }

  private prefix(path: string): string {
    return this.paint(prefixColour(path), `[${path}]`);
  }

  private line(text: string): void {
    this.out.write(`${text}\n`);
  }
}

/** `start`/`end` stages are markers: their events are noise in a human view. */
export function isMarker(view: RunView | undefined, stagePath: string): boolean {
  const stage = view?.stages.find((s) => s.path === stagePath);
  return (
    stage !== undefined &&
    (stage.type === 'start' || stage.type === 'end') &&
    stage.actions.length === 0
  );
}
