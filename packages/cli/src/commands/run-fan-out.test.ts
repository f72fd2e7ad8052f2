/**
 * `containerops run` on a workflow that fans out (issue 16), in process with the engine and the
 * fake orchestrator: a fan-out is one line with counts, never a line per instance, and the
 * failed instances are named at the end, a bounded number of them.
 */
import { describe, expect, it } from 'vitest';
import { FakeOrchestrator } from '@containerops/core/testing';
import { definePlugin, noConfig } from '@containerops/sdk';
import { PluginHost } from '@containerops/sdk/host';
import { MemoryIo } from '../../test/memory-io.js';
import { FAILED_NAMES_SHOWN } from '../render/fan-out-view.js';
import { createRunCommand } from './run.js';

const fake = new FakeOrchestrator();
const run = createRunCommand(() => {
  const host = new PluginHost();
  host.addBuiltin({
    kind: 'orchestrator',
    name: 'fake',
    description: 'in memory',
    auto: true,
    load: () =>
      Promise.resolve(
        definePlugin({
          kind: 'orchestrator',
          name: 'fake',
          version: '0.1.0',
          sdkVersion: '^0.1.0',
          configSchema: noConfig,
          create: () => fake,
        }),
      ),
  });
  return host;
});

const INSTANCES = 25;
const ns = Array.from({ length: INSTANCES }, (_, i) => i).join(', ');

/** `flaky` fails each instance's first attempt (a retry passes it); `broken` fails them all. */
const yaml = `uri: acme/demo/fan
stages:
  - type: normal
    name: test
    actions:
      - name: unit
        jobs:
          - name: flaky
            command: run
            retries: 1
            environments:
              FAKE_FAIL_ATTEMPTS: "1"
            matrix:
              axes:
                n: [${ns}]
              max-parallel: 5
      - name: more
        jobs:
          - name: broken
            command: run
            environments:
              FAKE_EXIT_CODE: "3"
            matrix:
              axes:
                n: [${ns}]
              max-parallel: 5
              fail-fast: false
`;

// ANSI colour and cursor sequences, to read the live view's text.
const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*[A-Za-z]`, 'g');

describe('containerops run with a fan-out', () => {
  it('plain lines: one line per fan-out job with counts, failed instances named at the end', async () => {
    const io = new MemoryIo({ files: { '/w/wf.yaml': yaml } });
    await expect(run.run(['wf.yaml'], io)).resolves.toBe(1);
    const out = io.stdout.text;
    // No line for any instance.
    expect(out).not.toMatch(/\[test\.(unit|more)\.\w+\[n=/);
    expect(out).toContain(
      `[test.unit.flaky] succeeded [${INSTANCES} passed of ${INSTANCES} instances]`,
    );
    expect(out).toMatch(
      new RegExp(
        `\\[test\\.more\\.broken\\] failed: ${INSTANCES} of ${INSTANCES} instances failed.*` +
          `\\[0 passed, ${INSTANCES} failed of ${INSTANCES} instances\\]`,
      ),
    );
    // The summary: the failed job, then its first failed instances and how many more.
    const summary = out.slice(out.indexOf('✗ acme/demo/fan failed'));
    const named = summary.match(/^ {6}✗ broken\[n=\d+\]: exited with code 3$/gm) ?? [];
    expect(named).toHaveLength(FAILED_NAMES_SHOWN);
    expect(summary).toContain(`      … and ${INSTANCES - FAILED_NAMES_SHOWN} more`);
    // Retried-then-passed instances of `flaky` are not failures.
    expect(summary).not.toContain('flaky[');
  });

  it('the live tree draws each fan-out as one line with its counts', async () => {
    const io = new MemoryIo({ files: { '/w/wf.yaml': yaml }, tty: true, env: { TERM: 'xterm' } });
    await expect(run.run(['wf.yaml'], io)).resolves.toBe(1);
    const text = io.stdout.text.replace(ANSI, '');
    // The final frame of the tree (the last one drawn before the summary).
    const lastTree = text.slice(text.lastIndexOf('acme/demo/fan  failed'), text.indexOf('\n\n✗'));
    expect(lastTree).toMatch(new RegExp(`✓ flaky  ${INSTANCES} passed of ${INSTANCES} instances`));
    expect(lastTree).toMatch(
      new RegExp(`✗ broken  0 passed · ${INSTANCES} failed of ${INSTANCES} instances`),
    );
    const frames = text.slice(0, text.indexOf('\n\n✗'));
    // No line of an instance (a reason may mention the first failed one).
    expect(frames).not.toMatch(/^\s+\S (flaky|broken)\[n=/m);
    // While it ran, some frame showed instances running and pending, with the total known.
    expect(frames).toMatch(/flaky {2}\d+ running · \d+ passed · \d+ pending of 25 instances/);
    expect(text).toContain(`… and ${INSTANCES - FAILED_NAMES_SHOWN} more`);
  });
});
