import { FakeOrchestrator } from '@containerops/core/testing';
import { describeOrchestratorConformance } from './conformance/orchestrator-conformance.js';

describeOrchestratorConformance({ name: 'fake', create: () => new FakeOrchestrator() });
