/**
 * A stand-in for the Lua hook runner in scenarios: each script line is one command.
 * `log TEXT` | `env K=V` | `input K=V` | `skip REASON` | `fail REASON` | `throw MESSAGE` |
 * `output K=V` | `succeed` | `unsucceed`. Lines run in order; skip/fail/throw end the script.
 */
import type {
  HookRunner,
  PostHookContext,
  PostHookResult,
  PreHookContext,
  PreHookResult,
} from '../../src/index.js';

function commands(script: string): [string, string][] {
  return script
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .map((l) => {
      const i = l.indexOf(' ');
      return i < 0 ? [l, ''] : [l.slice(0, i), l.slice(i + 1)];
    });
}

function pair(arg: string): [string, string] {
  const i = arg.indexOf('=');
  return [arg.slice(0, i), arg.slice(i + 1)];
}

export class StubHookRunner implements HookRunner {
  runPre(ctx: PreHookContext): Promise<PreHookResult> {
    const env = { ...ctx.env };
    const inputs = { ...ctx.inputs };
    for (const [cmd, arg] of commands(ctx.script)) {
      if (cmd === 'log') ctx.log(arg);
      else if (cmd === 'env') {
        const [k, v] = pair(arg);
        env[k] = v;
      } else if (cmd === 'input') {
        const [k, v] = pair(arg);
        inputs[k] = v;
      } else if (cmd === 'skip') return Promise.resolve({ env, inputs, skip: arg });
      else if (cmd === 'fail') return Promise.resolve({ env, inputs, fail: arg });
      else if (cmd === 'throw') return Promise.reject(new Error(arg));
    }
    return Promise.resolve({ env, inputs });
  }

  runPost(ctx: PostHookContext): Promise<PostHookResult> {
    const outputs = { ...ctx.outputs };
    let succeeded = ctx.succeeded;
    for (const [cmd, arg] of commands(ctx.script)) {
      if (cmd === 'log') ctx.log(arg);
      else if (cmd === 'output') {
        const [k, v] = pair(arg);
        outputs[k] = v;
      } else if (cmd === 'succeed') succeeded = true;
      else if (cmd === 'unsucceed') succeeded = false;
      else if (cmd === 'fail') return Promise.resolve({ outputs, succeeded: false, fail: arg });
      else if (cmd === 'throw') return Promise.reject(new Error(arg));
    }
    return Promise.resolve({ outputs, succeeded });
  }
}
