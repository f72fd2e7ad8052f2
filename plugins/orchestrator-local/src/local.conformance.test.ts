import { describeOrchestratorConformance } from '@containerops/sdk/testing';
import { createLocalOrchestrator } from './local-orchestrator.js';

describeOrchestratorConformance({
  name: 'local (spawner helper)',
  create: () => createLocalOrchestrator({ spawn: 'helper' }),
});
describeOrchestratorConformance({
  name: 'local (in-process)',
  create: () => createLocalOrchestrator({ spawn: 'in-process' }),
});
