/** Runs the SDK's orchestrator conformance suite against this plugin, as every orchestrator does. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPluginInstance } from '@containerops/sdk';
import { describeOrchestratorConformance } from '@containerops/sdk/testing';
import plugin from './index.js';

describeOrchestratorConformance({
  name: '__NAME__',
  create: () =>
    createPluginInstance(
      plugin,
      { rootDir: mkdtempSync(join(tmpdir(), '__NAME__-conformance-')) },
      { kind: 'orchestrator' },
    ),
});
