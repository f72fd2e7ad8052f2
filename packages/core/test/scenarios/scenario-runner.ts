/**
 * Runs one scenario: parses `NN_name.yaml`, runs it on the fake orchestrator as
 * `NN_name.expected.json` says (several runs, drive steps), then checks the expectations and the
 * engine's invariants (event order, log numbering, cleanup, no leaked jobs).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { ContainerOpsError, Engine, isTerminal, parseWorkflow } from '../../src/index.js';
import type {
  EngineEvent,
  JobLogLine,
  RunHandle,
  RunSnapshot,
  SecretProvider,
  WorkflowDefinition,
} from '../../src/index.js';
import { replayEvents } from '../../src/engine/run-replay.js';
import { FakeOrchestrator } from '../../src/testing/index.js';
import { CallbackHost, closedPortUrl, LocalService } from '../service/local-service.js';
import { StubHookRunner } from './scenario-hooks.js';
import type {
  DriveStep,
  JobExpect,
  NodeExpect,
  RunExpect,
  RunScenario,
  ScenarioFile,
  Trigger,
} from './scenario-types.js';

type Item = { readonly event: EngineEvent } | { readonly line: JobLogLine };

export async function runScenario(dir: string, yamlFile: string): Promise<void> {
  const name = yamlFile.replace(/\.yaml$/, '');
  const source = readFileSync(join(dir, yamlFile), 'utf8');
  const scenario = JSON.parse(
    readFileSync(join(dir, `${name}.expected.json`), 'utf8'),
  ) as ScenarioFile;
  const parsed = parseWorkflow(source, { fileName: yamlFile, ...scenario.parse });

  if (scenario.diagnostics !== undefined) {
    const got = parsed.diagnostics.map((d, i) => {
      const want = scenario.diagnostics?.[i];
      return {
        code: d.code,
        ...(want?.severity === undefined ? {} : { severity: d.severity }),
        ...(want?.line === undefined ? {} : { line: d.line }),
        ...(want?.message === undefined
          ? {}
          : {
              message:
                want.message !== undefined && d.message.includes(want.message)
                  ? want.message
                  : d.message,
            }),
      };
    });
    expect(got, `${name}: diagnostics`).toEqual(scenario.diagnostics);
    if (scenario.diagnostics.some((d) => (d.severity ?? 'error') === 'error')) {
      expect(parsed.workflow, `${name}: no workflow when there are errors`).toBeUndefined();
    }
    // Warnings only: the scenario may go on and run the workflow.
    if (scenario.expect === undefined && scenario.runs === undefined) return;
  }
  const errors = parsed.diagnostics.filter((d) => d.severity === 'error');
  expect(errors, `${name}: the workflow must parse`).toEqual([]);
  const workflow = parsed.workflow;
  if (workflow === undefined) throw new Error('unreachable');
  for (const [path, want] of Object.entries(scenario.model ?? {})) {
    const got = path
      .split('.')
      .reduce<unknown>(
        (node, key) => (node as Record<string, unknown> | undefined)?.[key],
        workflow,
      );
    expect(got, `${name}: model ${path}`).toEqual(want);
  }

  const service = await startService(scenario);
  try {
    await runParsed(name, scenario, workflow, service);
  } finally {
    await service?.service.close();
    await service?.host?.close();
  }
}

interface ScenarioService {
  readonly service: LocalService;
  readonly closedUrl: string;
  readonly host?: CallbackHost;
}

async function startService(scenario: ScenarioFile): Promise<ScenarioService | undefined> {
  const spec = scenario.engine?.service;
  if (spec === undefined) return undefined;
  const service = await LocalService.start(spec.routes);
  const closedUrl = await closedPortUrl();
  return spec.callbacks === true
    ? { service, closedUrl, host: await CallbackHost.start() }
    : { service, closedUrl };
}

async function runParsed(
  name: string,
  scenario: ScenarioFile,
  workflow: WorkflowDefinition,
  service: ScenarioService | undefined,
): Promise<void> {
  const fake = new FakeOrchestrator();
  const secrets = scenario.engine?.secrets;
  const provider: SecretProvider | undefined =
    secrets === undefined ? undefined : { get: (n) => Promise.resolve(secrets[n]) };
  let next = 0;
  const engine = new Engine({
    orchestrator: fake,
    newRunId: () => `run-${++next}`,
    stopGraceMs: scenario.engine?.stopGraceMs ?? 50,
    ...(provider === undefined ? {} : { secrets: provider }),
    ...(scenario.engine?.hooks === 'stub' ? { hooks: new StubHookRunner() } : {}),
    ...(service?.host === undefined ? {} : { serviceCallbacks: service.host.registry }),
  });

  const stream: Item[] = [];
  const listeners = new Set<() => void>();
  engine.observe({
    onEvent: (event) => {
      stream.push({ event });
      for (const l of [...listeners]) l();
    },
    onLog: (line) => stream.push({ line }),
  });

  const runs: readonly RunScenario[] = scenario.runs ?? [scenario];
  const handles: (RunHandle | undefined)[] = runs.map(() => undefined);
  const controllers = runs.map(() => new AbortController());

  const seen = (t: Trigger, self: number): boolean => {
    const runId = handles[t.run ?? self]?.runId;
    if (runId === undefined) return false;
    return stream.some((item) => {
      if (!('event' in item) || item.event.runId !== runId) return false;
      const e = item.event;
      switch (t.on) {
        case 'waiting':
          return e.scope === 'run' && e.status === 'waiting';
        case 'running':
          return e.scope === 'run' && e.status === 'running';
        case 'done':
          return e.scope === 'run' && isTerminal(e.status);
        case 'job-running':
          return (
            e.scope === 'job' &&
            e.path === t.job &&
            e.status === 'running' &&
            (t.attempt === undefined || e.attempt === t.attempt)
          );
      }
      return false;
    });
  };
  const waitFor = (t: Trigger, self: number): Promise<void> =>
    new Promise((resolve) => {
      const check = (): void => {
        if (!seen(t, self)) return;
        listeners.delete(check);
        resolve();
      };
      listeners.add(check);
      check();
    });

  const drive = async (step: DriveStep, self: number): Promise<void> => {
    await waitFor(step, self);
    const runId = handles[self]?.runId as string;
    switch (step.do) {
      case 'approve':
      case 'reject':
        engine.decide(runId, step.stage as string, {
          approved: step.do === 'approve',
          ...(step.by === undefined ? {} : { by: step.by }),
          ...(step.comment === undefined ? {} : { comment: step.comment }),
        });
        return;
      case 'decide-expect-error': {
        let code: string | undefined;
        try {
          engine.decide(runId, step.stage as string, { approved: true });
        } catch (error) {
          code = error instanceof ContainerOpsError ? error.code : String(error);
        }
        expect(code, `${name}: decide must throw`).toBe(step.code);
        return;
      }
      case 'cancel':
        expect(engine.cancel(runId, step.reason), `${name}: cancel accepted`).toBe(true);
        return;
      case 'abort':
        controllers[self]?.abort(step.reason ?? 'aborted by the test');
        return;
    }
  };

  const tasks = runs.map(async (run, i): Promise<RunSnapshot | undefined> => {
    const when = run.start?.when;
    if (when !== undefined) await waitFor(when, i);
    const rerun = run.start?.rerun;
    const inputs =
      service === undefined
        ? run.start?.inputs
        : { SERVICE_URL: service.service.url, CLOSED_URL: service.closedUrl, ...run.start?.inputs };
    const options = {
      ...(inputs === undefined ? {} : { inputs }),
      ...(run.start?.keepWorkspace === undefined ? {} : { keepWorkspace: run.start.keepWorkspace }),
      ...(rerun === undefined
        ? {}
        : {
            rerun: {
              runId: handles[rerun.run]?.runId ?? `unknown-${rerun.run}`,
              fromFailed: rerun.fromFailed,
            },
          }),
      ...(run.start?.signal === true ? { signal: controllers[i]?.signal } : {}),
    };
    if (run.startError !== undefined) {
      let code: string | undefined;
      try {
        engine.start(workflow, options);
      } catch (error) {
        code = error instanceof ContainerOpsError ? error.code : String(error);
      }
      expect(code, `${name}: run ${i} start() must throw`).toBe(run.startError);
      return undefined;
    }
    const handle = engine.start(workflow, options);
    handles[i] = handle;
    for (const l of [...listeners]) l();
    const driving = (async () => {
      for (const step of run.drive ?? []) await drive(step, i);
    })();
    const final = await handle.done;
    await Promise.race([driving, new Promise((r) => setTimeout(r, 50))]);
    return final;
  });
  const finals = await Promise.all(tasks);
  await service?.service.settled();

  for (let i = 0; i < runs.length; i++) {
    const final = finals[i];
    const want = runs[i]?.expect;
    if (final === undefined) continue;
    await checkInvariants(name, engine, fake, stream, final);
    if (want !== undefined) await checkRun(`${name} run ${i}`, engine, fake, stream, final, want);
    if (want !== undefined) checkService(`${name} run ${i}`, service, want);
  }
  if (scenario.order !== undefined) {
    const positions = scenario.order.map((spec) => {
      const [run, path, status] = spec.split(':');
      const runId = handles[Number(run)]?.runId;
      return stream.findIndex(
        (item) =>
          'event' in item &&
          item.event.runId === runId &&
          item.event.path === path &&
          item.event.status === status,
      );
    });
    for (const [i, p] of positions.entries())
      expect(p, `${name}: order entry ${scenario.order[i]} seen`).toBeGreaterThanOrEqual(0);
    expect(
      [...positions].sort((a, b) => a - b),
      `${name}: order`,
    ).toEqual(positions);
  }
  expect(fake.liveJobs(), `${name}: no job left running`).toBe(0);
  expect(fake.retainedJobs(), `${name}: every job removed`).toBe(0);
  const ids = fake.started.map((s) => s.id);
  for (const id of ids) expect(id, `${name}: job id`).toMatch(/^[a-z0-9][a-z0-9-]{0,62}$/);
  expect(new Set(ids).size, `${name}: job ids unique`).toBe(ids.length);
}

async function checkInvariants(
  name: string,
  engine: Engine,
  fake: FakeOrchestrator,
  stream: readonly Item[],
  final: RunSnapshot,
): Promise<void> {
  const runId = final.runId;
  const where = `${name} ${runId}`;
  const events = stream.flatMap((item) =>
    'event' in item && item.event.runId === runId ? [item.event] : [],
  );
  // Events reach observers in seq order, and match what the store holds.
  const seqs = events.map((e) => e.seq);
  expect(
    [...seqs].sort((a, b) => a - b),
    `${where}: events in seq order`,
  ).toEqual(seqs);
  // Every event but the live-only ones (fan-out instances) is stored; a live-only one carries
  // the seq of the stored event before it.
  const stored = await engine.store.readEvents({ runId });
  const storedSeqs = events.filter((e) => e.liveOnly !== true).map((e) => e.seq);
  expect(
    stored.map((e) => e.seq),
    `${where}: store has every event but the live-only ones`,
  ).toEqual(storedSeqs);
  expect(new Set(storedSeqs).size, `${where}: stored seqs unique`).toBe(storedSeqs.length);
  expect(
    stored.filter((e) => e.path.includes('[')),
    `${where}: no event of a fan-out instance is stored`,
  ).toEqual([]);
  expect(final.lastSeq, `${where}: lastSeq`).toBe(storedSeqs[storedSeqs.length - 1]);
  checkFanOutReplay(where, final, stored);
  const saved = await engine.store.getRun(runId);
  expect(saved?.status, `${where}: saved snapshot`).toBe(final.status);
  expect(isTerminal(final.status), `${where}: run terminal`).toBe(true);
  for (const stage of final.stages) {
    expect(
      isTerminal(stage.status),
      `${where}: stage ${stage.name} terminal (${stage.status})`,
    ).toBe(true);
    for (const action of stage.actions) {
      expect(isTerminal(action.status), `${where}: action ${action.path} terminal`).toBe(true);
      for (const job of action.jobs)
        expect(isTerminal(job.status), `${where}: job ${job.path} terminal`).toBe(true);
    }
  }
  // A job's lines come after its `running` event and before its next event.
  const open = new Map<string, number>();
  const counted = new Map<string, number>();
  for (const item of stream) {
    if ('event' in item) {
      if (item.event.runId !== runId || item.event.scope !== 'job') continue;
      if (item.event.status === 'running') open.set(item.event.path, item.event.attempt ?? 0);
      else open.delete(item.event.path);
    } else if (item.line.runId === runId) {
      expect(
        open.get(item.line.jobPath),
        `${where}: line "${item.line.text}" of ${item.line.jobPath} inside its attempt`,
      ).toBe(item.line.attempt);
      const key = `${item.line.jobPath}#${item.line.attempt}`;
      counted.set(key, (counted.get(key) ?? 0) + 1);
    }
  }
  // Stored lines: numbered 1..n per attempt, same number as streamed.
  for (const stage of final.stages) {
    for (const action of stage.actions) {
      for (const job of action.jobs) {
        const lines = await engine.logs.read({ runId, jobPath: job.path });
        const byAttempt = new Map<number, number[]>();
        for (const l of lines)
          byAttempt.set(l.attempt, [...(byAttempt.get(l.attempt) ?? []), l.seq]);
        for (const [attempt, list] of byAttempt) {
          expect(list, `${where}: ${job.path} attempt ${attempt} seq`).toEqual(
            list.map((_, i) => i + 1),
          );
          expect(list.length, `${where}: ${job.path} attempt ${attempt} streamed`).toBe(
            counted.get(`${job.path}#${attempt}`) ?? 0,
          );
        }
      }
    }
  }
  if (events.some((e) => e.scope === 'run' && e.status === 'running')) {
    expect(fake.events, `${where}: cleanup ran`).toContain(`cleanup:${runId}`);
  }
}

/** The stored events alone (progress events) rebuild every fan-out as the run left it. */
function checkFanOutReplay(
  where: string,
  final: RunSnapshot,
  stored: Parameters<typeof replayEvents>[1],
): void {
  const blank = structuredClone(final);
  for (const stage of blank.stages)
    for (const action of stage.actions) for (const job of action.jobs) delete job.fanOut;
  replayEvents(blank, stored);
  for (const [i, stage] of final.stages.entries())
    for (const [j, action] of stage.actions.entries())
      for (const [k, job] of action.jobs.entries()) {
        if (job.fanOut === undefined) continue;
        const rebuilt = blank.stages[i]?.actions[j]?.jobs[k]?.fanOut;
        expect(rebuilt, `${where}: ${job.path} fan-out rebuilt from stored events`).toEqual(
          job.fanOut,
        );
      }
}

function checkService(where: string, service: ScenarioService | undefined, want: RunExpect): void {
  if (want.requests === undefined && want.callbackAnswers === undefined) return;
  expect(service, `${where}: the scenario has a service`).toBeDefined();
  for (const [path, n] of Object.entries(want.requests ?? {})) {
    expect(service?.service.to(path).length, `${where}: requests to ${path}`).toBe(n);
  }
  if (want.callbackAnswers !== undefined) {
    expect(
      service?.service.callbackAnswers.map((a) => a.code),
      `${where}: callback answers`,
    ).toEqual(want.callbackAnswers);
  }
}

function nodeCheck(
  where: string,
  actual: { status: string; reason?: string } | undefined,
  want: NodeExpect,
): void {
  expect(actual, `${where}: exists`).toBeDefined();
  const w = typeof want === 'string' ? { status: want } : want;
  expect(actual?.status, `${where}: status (reason: ${actual?.reason ?? '-'})`).toBe(w.status);
  if (w.reason !== undefined) expect(actual?.reason ?? '', `${where}: reason`).toContain(w.reason);
}

async function checkRun(
  where: string,
  engine: Engine,
  fake: FakeOrchestrator,
  stream: readonly Item[],
  final: RunSnapshot,
  want: RunExpect,
): Promise<void> {
  expect(final.status, `${where}: run status (reason: ${final.reason ?? '-'})`).toBe(want.status);
  if (want.reason !== undefined)
    expect(final.reason ?? '', `${where}: run reason`).toContain(want.reason);
  for (const [stage, w] of Object.entries(want.stages ?? {})) {
    nodeCheck(
      `${where} stage ${stage}`,
      final.stages.find((s) => s.name === stage),
      w,
    );
  }
  const actions = final.stages.flatMap((s) => s.actions);
  for (const [path, w] of Object.entries(want.actions ?? {})) {
    nodeCheck(
      `${where} action ${path}`,
      actions.find((a) => a.path === path),
      w,
    );
  }
  const jobs = actions.flatMap((a) => a.jobs);
  for (const [path, w] of Object.entries(want.jobs ?? {})) {
    const job = jobs.find((j) => j.path === path);
    const exp: JobExpect = typeof w === 'string' ? { status: w } : w;
    nodeCheck(
      `${where} job ${path}`,
      job,
      exp.reason === undefined ? exp.status : { status: exp.status, reason: exp.reason },
    );
    if (exp.outputs !== undefined)
      expect(job?.outputs, `${where} job ${path}: outputs`).toEqual(exp.outputs);
    if (exp.attempt !== undefined)
      expect(job?.attempt, `${where} job ${path}: attempt`).toBe(exp.attempt);
    if (exp.exitCode !== undefined)
      expect(job?.exitCode, `${where} job ${path}: exitCode`).toBe(exp.exitCode);
    if (exp.statuses !== undefined) {
      const statuses = stream.flatMap((item) =>
        'event' in item &&
        item.event.runId === final.runId &&
        item.event.scope === 'job' &&
        item.event.path === path
          ? [item.event.status]
          : [],
      );
      expect(statuses, `${where} job ${path}: statuses`).toEqual(exp.statuses);
    }
    if (exp.runningAttempts !== undefined) {
      const attempts = stream.flatMap((item) =>
        'event' in item &&
        item.event.runId === final.runId &&
        item.event.path === path &&
        item.event.status === 'running'
          ? [item.event.attempt]
          : [],
      );
      expect(attempts, `${where} job ${path}: running attempts`).toEqual(exp.runningAttempts);
    }
  }
  const specs = fake.started.filter((s) => s.runId === final.runId);
  if (want.started !== undefined) expect(specs.length, `${where}: jobs started`).toBe(want.started);
  const lastSpec = (path: string) =>
    specs.filter((s) => `${s.stage}.${s.action}.${s.job}` === path).at(-1);
  for (const [path, vars] of Object.entries(want.env ?? {})) {
    const spec = lastSpec(path);
    expect(spec, `${where}: ${path} was started`).toBeDefined();
    for (const [k, v] of Object.entries(vars)) {
      expect(spec?.env[k], `${where}: ${path} env ${k}`).toBe(v === null ? undefined : v);
    }
  }
  for (const [path, fields] of Object.entries(want.spec ?? {})) {
    const spec = lastSpec(path);
    expect(spec, `${where}: ${path} was started`).toBeDefined();
    const flat: Record<string, unknown> = { ...spec, ...spec?.resources };
    for (const [key, value] of Object.entries(fields)) {
      // null in the fixture: the field must be absent.
      if (value === null) expect(flat[key], `${where}: ${path} spec ${key}`).toBeUndefined();
      else if (typeof value === 'object' && !Array.isArray(value)) {
        expect(flat[key], `${where}: ${path} spec ${key}`).toMatchObject(value as object);
      } else expect(flat[key], `${where}: ${path} spec ${key}`).toEqual(value);
    }
  }
  for (const [path, w] of Object.entries(want.logs ?? {})) {
    const lines = await engine.logs.read({ runId: final.runId, jobPath: path });
    const texts = lines.map((l) => l.text);
    for (const s of w.contains ?? [])
      expect(
        texts.some((t) => t.includes(s)),
        `${where}: ${path} logs contain "${s}": ${JSON.stringify(texts.slice(0, 20))}`,
      ).toBe(true);
    for (const s of w.notContains ?? [])
      expect(
        texts.some((t) => t.includes(s)),
        `${where}: ${path} logs lack "${s}"`,
      ).toBe(false);
    if (w.count !== undefined) expect(lines.length, `${where}: ${path} line count`).toBe(w.count);
    for (const [text, streamName] of Object.entries(w.streams ?? {})) {
      expect(
        lines.find((l) => l.text === text)?.stream,
        `${where}: ${path} stream of "${text}"`,
      ).toBe(streamName);
    }
  }
  if (want.nowhere !== undefined) {
    const events = await engine.store.readEvents({ runId: final.runId });
    const logs = stream.flatMap((item) =>
      'line' in item && item.line.runId === final.runId ? [item.line] : [],
    );
    const all = JSON.stringify([events, final, logs]);
    for (const s of want.nowhere) expect(all.includes(s), `${where}: "${s}" leaked`).toBe(false);
  }
}
