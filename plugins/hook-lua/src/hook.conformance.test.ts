/** The SDK's hook conformance suite on the Lua plugin, created through its plugin definition. */
import { createPluginInstance } from '@containerops/sdk';
import { describeHookConformance } from '@containerops/sdk/testing';
import { luaHookPlugin } from './plugin.js';

describeHookConformance(
  'lua',
  () => createPluginInstance(luaHookPlugin, { workers: 2, wallTimeMs: 5_000 }, { kind: 'hook' }),
  {
    passThrough: '-- nothing to change\n',
    greet: "input.GREETING = 'hello ' .. input.NAME\nenv.HOOKED = 'yes'\n",
    failing: "error('boom')\n",
    endless: 'while true do end\n',
    syntaxErrorOnLine2: 'local x = 1\nlocal y = = 2\n',
    postMarksFailed: 'result.succeeded = false\n',
  },
);
