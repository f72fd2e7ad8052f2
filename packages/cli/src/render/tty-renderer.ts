/**
 * The live terminal view: a tree of stages, actions and jobs redrawn in place every `intervalMs`
 * (default 100 ms: at most 10 frames a second, so 100,000 log lines do not mean 100,000 redraws,
 * and the clocks and spinners move while nothing else happens), with job log lines printed above
 * it, prefixed by `[stage.action.job]`.
 *
 * How the redraw works: the tree is always the last thing on screen. Each frame moves the cursor
 * up over the previous tree, clears to the end of the screen, writes the log lines that arrived
 * since (they scroll up and stay), then the new tree — in one write, so it does not flicker.
 */
import type { EngineEvent, JobLogLine } from '@containerops/core';
import type { LineSink, RunOutcome, RunRenderer, RunStartInfo } from './renderer.js';
import { RunView } from './run-view.js';
import type { Paint } from './style.js';
import { ansiPaint, prefixColour } from './style.js';
import { summaryLines } from './summary.js';
import { treeLines } from './tree-lines.js';

export interface TtyRendererOptions {
  readonly paint?: Paint;
  /** Terminal size; read on every frame so a resize is honoured. */
  readonly size?: () => { columns: number; rows: number };
  readonly now?: () => number;
  /** Redraw period; 0 disables the timer (tests call `flush`). */
  readonly intervalMs?: number;
}

export class TtyRenderer implements RunRenderer {
  private view: RunView | undefined;
  private readonly paint: Paint;
  private readonly size: () => { columns: number; rows: number };
  private readonly now: () => number;
  private readonly intervalMs: number;
  private pending: string[] = [];
  private drawnLines = 0;
  private frame = 0;
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly out: LineSink,
    options: TtyRendererOptions = {},
  ) {
    this.paint = options.paint ?? ansiPaint;
    this.size = options.size ?? (() => ({ columns: 80, rows: 24 }));
    this.now = options.now ?? Date.now;
    this.intervalMs = options.intervalMs ?? 100;
  }

  start(info: RunStartInfo): void {
    this.view = new RunView(info.workflow, info.fanOutTotal);
    this.pending.push(
      this.paint(
        'gray',
        `run ${info.runId} of ${info.workflow.uri} on the ${info.orchestrator} orchestrator`,
      ),
    );
    if (this.intervalMs > 0) {
      this.timer = setInterval(() => this.tick(), this.intervalMs);
      this.timer.unref();
    }
  }

  event(event: EngineEvent): void {
    this.view?.apply(event);
  }

  log(line: JobLogLine): void {
    const prefix = this.paint(prefixColour(line.jobPath), `[${line.jobPath}]`);
    const text = line.stream === 'system' ? this.paint('gray', line.text) : line.text;
    this.pending.push(`${prefix} ${text}`);
  }

  notice(text: string): void {
    this.pending.push(this.paint('yellow', text));
    this.flush();
  }

  /** Draws a frame now: pending log lines, then the tree. */
  flush(final = false): void {
    if (this.view === undefined) return;
    const { columns, rows } = this.size();
    const tree = treeLines(this.view, this.paint, {
      now: this.now(),
      frame: final ? undefined : this.frame++,
      columns,
      maxLines: Math.max(3, rows - 2),
    });
    let chunk = this.drawnLines > 0 ? `\x1b[${this.drawnLines}A\x1b[0J` : '';
    for (const line of this.pending) chunk += `${line}\n`;
    for (const line of tree) chunk += `${line}\n`;
    this.pending = [];
    this.drawnLines = tree.length;
    this.out.write(chunk);
  }

  finish(outcome: RunOutcome): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    this.flush(true);
    this.drawnLines = 0;
    const lines = [
      '',
      ...summaryLines(outcome.snapshot, this.paint, { ...outcome, fanOuts: this.view?.fanOuts() }),
    ];
    this.out.write(`${lines.join('\n')}\n`);
  }

  /** Timer tick: the clocks and spinners move even when nothing else happens. */
  private tick(): void {
    this.flush();
  }
}
