/** Runs the SDK's log store conformance suite against this plugin, as every log store does. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPluginInstance } from '@containerops/sdk';
import { describeLogStoreConformance } from '@containerops/sdk/testing';
import plugin from './index.js';

describeLogStoreConformance('__NAME__', async () => {
  const dir = await mkdtemp(join(tmpdir(), '__NAME__-conformance-'));
  const open = () =>
    createPluginInstance(plugin, { path: join(dir, 'logs.jsonl') }, { kind: 'logStore' });
  return {
    store: await open(),
    reopen: open,
    dispose: () => rm(dir, { recursive: true, force: true }),
  };
});
