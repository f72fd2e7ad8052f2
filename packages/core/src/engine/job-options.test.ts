import { describe, expect, it } from 'vitest';
import type { OrchestratorCapabilities } from '../orchestrator/orchestrator.js';
import { isLabelKey, isLabelValue } from '../orchestrator/labels.js';
import { JobLabel } from '../orchestrator/orchestrator.js';
import { FakeOrchestrator } from '../testing/fake-orchestrator.js';
import { Engine } from './engine.js';
import { job, simple } from './testdata/workflows.js';

/** A fake backend that declares it reads `kubectl` and refuses what is neither a YAML file name nor a manifest. */
class ManifestOrchestrator extends FakeOrchestrator {
  override readonly capabilities: OrchestratorCapabilities = {
    ...new FakeOrchestrator().capabilities,
    jobOptions: ['kubectl'],
  };
  validateJobOptions(options: Readonly<Record<string, unknown>>): string | undefined {
    const manifest = options['kubectl'];
    return typeof manifest === 'string' &&
      (manifest.endsWith('.yaml') || manifest.includes('kind:'))
      ? undefined
      : 'kubectl must name a .yaml file';
  }
}

const run = async (orchestrator: FakeOrchestrator, kubectl: string) => {
  const engine = new Engine({ orchestrator, stopGraceMs: 20 });
  const final = await engine.start(simple([job('j', {}, { kubectl })]), {}).done;
  const lines = await engine.logs.read({ runId: final.runId, jobPath: 's.a.j' });
  return { final, text: lines.map((l) => l.text).join('\n') };
};

describe('backend-only job options', () => {
  it('reach an orchestrator that declares them, in JobSpec.options', async () => {
    const fake = new ManifestOrchestrator();
    const { final } = await run(fake, 'pod.yaml');
    expect(final.status).toBe('succeeded');
    expect(fake.started[0]?.options).toEqual({ kubectl: 'pod.yaml' });
  });

  it('carry the manifest text in place of the path when the workflow was parsed with a reader', async () => {
    const fake = new ManifestOrchestrator();
    const engine = new Engine({ orchestrator: fake, stopGraceMs: 20 });
    const manifest = 'kind: Pod\n';
    const flow = simple([job('j', {}, { kubectl: 'pod.yaml', kubectlManifest: manifest })]);
    await engine.start(flow, {}).done;
    expect(fake.started[0]?.options).toEqual({ kubectl: manifest });
  });

  it('are checked by that orchestrator before start', async () => {
    const fake = new ManifestOrchestrator();
    const { final } = await run(fake, 'pod.json');
    expect(final.status).toBe('failed');
    expect(fake.started).toHaveLength(0);
  });

  it('are left out, with a note in the job log, for one that does not declare them', async () => {
    const fake = new FakeOrchestrator();
    const { final, text } = await run(fake, 'pod.yaml');
    expect(final.status).toBe('succeeded');
    expect(fake.started[0]?.options).toBeUndefined();
    expect(text).toContain('kubectl ignored: the fake orchestrator does not read it');
  });
});

describe('job labels', () => {
  it('follow the label rule; the workflow uri travels as an annotation', async () => {
    const fake = new FakeOrchestrator();
    const engine = new Engine({ orchestrator: fake, stopGraceMs: 20 });
    const flow = { ...simple([job('j', {}, { labels: { 'team name': 'pay/ments' } })]) };
    await engine.start({ ...flow, uri: 'acme/x/ci' }, {}).done;
    const spec = fake.started[0];
    for (const [key, value] of Object.entries(spec?.labels ?? {})) {
      expect(isLabelKey(key), key).toBe(true);
      expect(isLabelValue(value), value).toBe(true);
    }
    expect(spec?.annotations?.[JobLabel.workflow]).toBe('acme/x/ci');
    expect(Object.values(spec?.annotations ?? {})).toContain('pay/ments');
  });
});
