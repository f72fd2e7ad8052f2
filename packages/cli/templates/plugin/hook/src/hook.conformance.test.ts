/** Runs the SDK's hook conformance suite against this plugin, as every hook plugin does. */
import { createPluginInstance } from '@containerops/sdk';
import { describeHookConformance } from '@containerops/sdk/testing';
import plugin from './index.js';

describeHookConformance(
  '__NAME__',
  () => createPluginInstance(plugin, undefined, { kind: 'hook' }),
  {
    passThrough: '# nothing to do',
    greet: 'set input GREETING = hello ${NAME}\nset env HOOKED = yes',
    failing: 'fail boom',
    endless: 'wait forever',
    syntaxErrorOnLine2: 'set env A = 1\nthis is not a statement',
    postMarksFailed: 'mark failed',
  },
);
