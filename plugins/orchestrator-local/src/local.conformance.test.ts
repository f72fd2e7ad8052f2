import { describeOrchestratorConformance } from '@containerops/sdk/testing';
import { createLocalOrchestrator } from './local-orchestrator.js';

describeOrchestratorConformance({ name: 'local', create: () => createLocalOrchestrator() });
