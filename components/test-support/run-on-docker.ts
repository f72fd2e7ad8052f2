/**
 * Runs a workflow through the real engine on the Docker orchestrator and collects what the
 * component tests assert on: the final snapshot and every log line.
 */
import { Engine, formatDiagnostic, hasErrors, parseWorkflow } from '@containerops/core';
import type { JobLogLine, JobRunSnapshot, RunSnapshot } from '@containerops/core';
import { createDockerOrchestrator } from '@containerops/orchestrator-docker';

export interface DockerRun {
  readonly run: RunSnapshot;
  readonly logs: readonly JobLogLine[];
  /** The job at `stage.action.job`; throws when there is none. */
  job(path: string): JobRunSnapshot;
  /** The text of the job's log lines (stdout and stderr, in order). */
  log(path: string): string[];
}

/**
 * Parses `yaml` (throwing with every diagnostic if it is invalid), runs it and resolves when the
 * run ends. Job containers get no network (`none`): components must work offline. Images are
 * never pulled: they are built locally by the global setup.
 */
export async function runOnDocker(yaml: string): Promise<DockerRun> {
  const { workflow, diagnostics } = parseWorkflow(yaml, { fileName: 'test.yaml' });
  if (workflow === undefined || hasErrors(diagnostics)) {
    const lines = diagnostics.map((d) => formatDiagnostic('test.yaml', d));
    throw new Error(`invalid test workflow:\n${lines.join('\n')}`);
  }
  const orchestrator = createDockerOrchestrator({
    network: 'none',
    pullPolicy: 'never',
    stopGraceMs: 2_000,
  });
  const engine = new Engine({ orchestrator, stopGraceMs: 2_000 });
  const logs: JobLogLine[] = [];
  const stop = engine.observe({ onLog: (line) => logs.push(line) });
  try {
    const run = await engine.start(workflow).done;
    return {
      run,
      logs,
      job(path) {
        const job = run.stages
          .flatMap((s) => s.actions)
          .flatMap((a) => a.jobs)
          .find((j) => j.path === path);
        if (job === undefined) throw new Error(`no job ${path} in the run`);
        return job;
      },
      log(path) {
        return logs.filter((l) => l.jobPath === path && l.stream !== 'system').map((l) => l.text);
      },
    };
  } finally {
    stop();
  }
}

/** A one-stage-per-entry workflow around job YAML snippets, to keep the tests short. */
export function workflowOf(uri: string, stages: Readonly<Record<string, string>>): string {
  const body = Object.entries(stages)
    .map(([name, jobs]) => {
      const indented = jobs
        .trim()
        .split('\n')
        .map((line) => `          ${line}`)
        .join('\n');
      return `  - type: normal\n    name: ${name}\n    actions:\n      - name: ${name}\n        jobs:\n${indented}`;
    })
    .join('\n');
  return `uri: ${uri}\nstages:\n${body}\n`;
}
