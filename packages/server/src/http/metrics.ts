/**
 * Prometheus metrics (`/metrics`, text format 0.0.4): runs and jobs by final status, queue depth,
 * run and job duration histograms, process metrics. Fed by the event bus (every stored event).
 */
import { isTerminal } from '@containerops/core';
import type { EngineEvent } from '@containerops/core';

const BUCKETS_S = [0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600, 4 * 3600];

class Histogram {
  private readonly counts = BUCKETS_S.map(() => 0);
  private sum = 0;
  private count = 0;

  observe(seconds: number): void {
    this.sum += seconds;
    this.count += 1;
    BUCKETS_S.forEach((b, i) => {
      if (seconds <= b) this.counts[i] = (this.counts[i] ?? 0) + 1;
    });
  }

  render(name: string): string[] {
    const lines = BUCKETS_S.map((b, i) => `${name}_bucket{le="${b}"} ${this.counts[i] ?? 0}`);
    lines.push(
      `${name}_bucket{le="+Inf"} ${this.count}`,
      `${name}_sum ${this.sum}`,
      `${name}_count ${this.count}`,
    );
    return lines;
  }
}

export class ServerMetrics {
  private readonly runs = new Map<string, number>();
  private readonly jobs = new Map<string, number>();
  private readonly runStarted = new Map<string, number>();
  private readonly jobStarted = new Map<string, number>();
  private readonly queued = new Set<string>();
  private readonly runDuration = new Histogram();
  private readonly jobDuration = new Histogram();

  /** Feed with every stored event batch. */
  readonly onEvents = (events: readonly EngineEvent[]): void => {
    for (const e of events) {
      if (e.scope === 'run') this.onRun(e);
      else if (e.scope === 'job') this.onJob(e);
    }
  };

  private onRun(e: EngineEvent): void {
    if (e.status === 'queued') this.queued.add(e.runId);
    else this.queued.delete(e.runId);
    if (e.status === 'running' && !this.runStarted.has(e.runId))
      this.runStarted.set(e.runId, e.time);
    if (isTerminal(e.status as never)) {
      this.runs.set(e.status, (this.runs.get(e.status) ?? 0) + 1);
      const started = this.runStarted.get(e.runId);
      if (started !== undefined) this.runDuration.observe((e.time - started) / 1000);
      this.runStarted.delete(e.runId);
    }
  }

  private onJob(e: EngineEvent): void {
    const key = `${e.runId} ${e.path} ${e.attempt ?? 0}`;
    // A fan-out job's progress events say `running` again: its start is the first one.
    if (e.status === 'running' && !this.jobStarted.has(key)) this.jobStarted.set(key, e.time);
    const terminal = ['succeeded', 'failed', 'timed_out', 'cancelled', 'skipped'].includes(
      e.status,
    );
    if (terminal) {
      this.jobs.set(e.status, (this.jobs.get(e.status) ?? 0) + 1);
      const started = this.jobStarted.get(key);
      if (started !== undefined) this.jobDuration.observe((e.time - started) / 1000);
      this.jobStarted.delete(key);
    }
  }

  render(): string {
    const out: string[] = [];
    const counter = (name: string, help: string, values: Map<string, number>): void => {
      out.push(`# HELP ${name} ${help}`, `# TYPE ${name} counter`);
      for (const [status, n] of values) out.push(`${name}{status="${status}"} ${n}`);
    };
    counter(
      'containerops_runs_total',
      'Runs finished since the server started, by final status.',
      this.runs,
    );
    counter(
      'containerops_jobs_total',
      'Job attempts finished since the server started, by status.',
      this.jobs,
    );
    out.push(
      '# HELP containerops_queue_depth Runs queued and not started.',
      '# TYPE containerops_queue_depth gauge',
    );
    out.push(`containerops_queue_depth ${this.queued.size}`);
    out.push(
      '# HELP containerops_run_duration_seconds Run durations.',
      '# TYPE containerops_run_duration_seconds histogram',
    );
    out.push(...this.runDuration.render('containerops_run_duration_seconds'));
    out.push(
      '# HELP containerops_job_duration_seconds Job attempt durations.',
      '# TYPE containerops_job_duration_seconds histogram',
    );
    out.push(...this.jobDuration.render('containerops_job_duration_seconds'));
    const mem = process.memoryUsage();
    const cpu = process.cpuUsage();
    out.push(
      '# TYPE process_resident_memory_bytes gauge',
      `process_resident_memory_bytes ${mem.rss}`,
      '# TYPE process_heap_used_bytes gauge',
      `process_heap_used_bytes ${mem.heapUsed}`,
      '# TYPE process_cpu_seconds_total counter',
      `process_cpu_seconds_total ${(cpu.user + cpu.system) / 1e6}`,
      '# TYPE process_uptime_seconds gauge',
      `process_uptime_seconds ${process.uptime()}`,
    );
    return `${out.join('\n')}\n`;
  }
}
