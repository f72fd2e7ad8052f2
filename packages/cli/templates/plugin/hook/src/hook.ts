/**
 * The __NAME__ hook runner: a starting point with a tiny line-based language, and passes the hook
 * conformance suite as it is. Replace the interpreter with your language's (run it sandboxed, in
 * a worker or a process, with time and memory limits), keep the contract (see `HookPlugin` in
 * @containerops/sdk): errors and aborts resolve with `fail`, never reject.
 *
 * The language, one statement per line (`#` starts a comment):
 *   set input KEY = text with ${INPUT}     (pre) sets an input of the job
 *   set env KEY = text with ${INPUT}       (pre) sets an environment variable of the job
 *   mark failed                            (post) marks the job failed
 *   fail message                           stops with an error
 *   wait forever                           waits until the hook is aborted (for tests)
 */
import type {
  HookPlugin,
  HookProblem,
  PostHookContext,
  PostHookResult,
  PreHookContext,
  PreHookResult,
} from '@containerops/sdk';

type Statement =
  | {
      readonly op: 'set';
      readonly target: 'input' | 'env';
      readonly key: string;
      readonly value: string;
    }
  | { readonly op: 'mark-failed' }
  | { readonly op: 'fail'; readonly message: string }
  | { readonly op: 'wait' };

class ScriptError extends Error {}

export class __CLASS__Hooks implements HookPlugin {
  readonly language = '__NAME__';

  constructor(private readonly timeoutMs: number) {}

  check(script: string): readonly HookProblem[] {
    const problems: HookProblem[] = [];
    parse(script, problems);
    return problems;
  }

  async runPre(ctx: PreHookContext): Promise<PreHookResult> {
    const inputs = { ...ctx.inputs };
    const env = { ...ctx.env };
    try {
      await this.execute(ctx.script, ctx.signal, (s) => {
        if (s.op === 'set')
          (s.target === 'input' ? inputs : env)[s.key] = expand(s.value, ctx.inputs);
      });
      return { inputs, env };
    } catch (error) {
      return { inputs: { ...ctx.inputs }, env: { ...ctx.env }, fail: (error as Error).message };
    }
  }

  async runPost(ctx: PostHookContext): Promise<PostHookResult> {
    let succeeded = ctx.succeeded;
    try {
      await this.execute(ctx.script, ctx.signal, (s) => {
        if (s.op === 'mark-failed') succeeded = false;
      });
      return { outputs: { ...ctx.outputs }, succeeded };
    } catch (error) {
      return { outputs: { ...ctx.outputs }, succeeded: false, fail: (error as Error).message };
    }
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  private async execute(
    script: string,
    signal: AbortSignal,
    apply: (statement: Statement) => void,
  ): Promise<void> {
    const problems: HookProblem[] = [];
    const statements = parse(script, problems);
    const [first] = problems;
    if (first !== undefined) throw new ScriptError(`line ${first.line}: ${first.message}`);
    if (signal.aborted) throw new ScriptError('hook aborted');
    for (const statement of statements) {
      if (statement.op === 'fail') throw new ScriptError(statement.message);
      if (statement.op === 'wait') await waitForAbort(signal, this.timeoutMs);
      else apply(statement);
    }
  }
}

function parse(script: string, problems: HookProblem[]): Statement[] {
  const statements: Statement[] = [];
  script.split('\n').forEach((raw, index) => {
    const line = raw.replace(/#.*$/, '').trim();
    if (line === '') return;
    const set = /^set (input|env) ([A-Za-z_][A-Za-z0-9_]*) = (.*)$/.exec(line);
    if (set !== null) {
      statements.push({
        op: 'set',
        target: set[1] as 'input' | 'env',
        key: set[2] as string,
        value: set[3] as string,
      });
    } else if (line === 'mark failed') statements.push({ op: 'mark-failed' });
    else if (line === 'wait forever') statements.push({ op: 'wait' });
    else if (line.startsWith('fail ')) statements.push({ op: 'fail', message: line.slice(5) });
    else problems.push({ line: index + 1, message: `unknown statement "${line}"` });
  });
  return statements;
}

function expand(text: string, inputs: Readonly<Record<string, string>>): string {
  return text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => inputs[name] ?? '');
}

function waitForAbort(signal: AbortSignal, timeoutMs: number): Promise<never> {
  return new Promise((_, reject) => {
    const timer = setTimeout(
      () => reject(new ScriptError(`hook ran over ${timeoutMs} ms`)),
      timeoutMs,
    );
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(new ScriptError('hook aborted'));
    });
  });
}
