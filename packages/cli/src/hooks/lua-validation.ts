/**
 * Lua hooks at validation time, for `validate` and `run`: inline `pre`/`post` scripts are
 * compiled (not run) while the workflow is parsed, and scripts given as a `.lua` path are read
 * from the workflow's directory and compiled after. `@containerops/hook-lua` (fengari) is loaded
 * only for files that have hooks.
 */
import { dirname, resolve } from 'node:path';
import { DiagnosticCode, hasErrors, sortDiagnostics } from '@containerops/core';
import type {
  Diagnostic,
  HookKind,
  ParseResult,
  ScriptChecker,
  WorkflowDefinition,
} from '@containerops/core';
import type * as HookLuaModule from '@containerops/hook-lua';
import type { CliIo } from '../io.js';

/** Cheap test on the text: does any line start a `pre:` or `post:` field? */
const HOOK_FIELD = /^[\s-]*(?:pre|post)\s*:/m;

type HookLua = typeof HookLuaModule;

/** Loads hook-lua when `source` may hold hooks; undefined otherwise. */
export async function loadHookLua(source: string): Promise<HookLua | undefined> {
  return HOOK_FIELD.test(source) ? await import('@containerops/hook-lua') : undefined;
}

/**
 * The checker `parseWorkflow` runs on every hook: inline Lua is compiled; a `.lua` path is left
 * to {@link checkScriptFiles}, except one that leaves the repository (absolute, `..`).
 */
export function luaChecker(lua: HookLua): ScriptChecker {
  return (source) => {
    try {
      if (lua.scriptPathOf(source) !== undefined) return undefined;
    } catch (error) {
      return { line: 1, message: (error as Error).message };
    }
    return lua.checkLuaSyntax(source);
  };
}

/**
 * Reads and compiles the hook scripts the workflow names by path (relative to the workflow
 * file's directory, the repository root for a local run). A problem is a `lua-syntax` error at
 * the hook's value in the YAML, naming the script's own line and column. Returns `result` with
 * those added (and without `workflow` if any).
 */
export async function checkScriptFiles(
  io: CliIo,
  workflowPath: string,
  lua: HookLua,
  result: ParseResult,
): Promise<ParseResult> {
  const workflow = result.workflow;
  if (workflow === undefined) return result;
  const dir = dirname(workflowPath);
  const found: Diagnostic[] = [];
  for (const { path, kind, script } of hookScripts(workflow)) {
    const file = lua.scriptPathOf(script);
    if (file === undefined) continue;
    const at = result.sourceMap.get(path) ?? { line: 1, col: 1 };
    const report = (message: string): void => {
      found.push({
        severity: 'error',
        code: DiagnosticCode.luaSyntax,
        message: `${kind} hook ${file}: ${message}`,
        line: at.line,
        col: at.col,
        path,
      });
    };
    let text: string;
    try {
      text = await io.readFile(resolve(dir, file));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      report(code === 'ENOENT' ? 'no such file' : `cannot read it: ${(error as Error).message}`);
      continue;
    }
    const problem = lua.checkLuaSyntax(text);
    if (problem !== undefined) {
      report(
        `${problem.line}${problem.col === undefined ? '' : `:${problem.col}`}: ${problem.message}`,
      );
    }
  }
  if (found.length === 0) return result;
  const diagnostics = sortDiagnostics([...result.diagnostics, ...found]);
  return {
    ...(hasErrors(diagnostics) ? {} : { workflow }),
    diagnostics,
    sourceMap: result.sourceMap,
  };
}

/** True when some job has a `pre` or `post` hook. */
export function hasHooks(workflow: WorkflowDefinition): boolean {
  return hookScripts(workflow).length > 0;
}

interface HookScript {
  /** Source-map path of the value: `stages[1].actions[0].jobs[2].pre`. */
  readonly path: string;
  readonly kind: HookKind;
  readonly script: string;
}

function hookScripts(workflow: WorkflowDefinition): HookScript[] {
  const out: HookScript[] = [];
  workflow.stages.forEach((stage, s) =>
    stage.actions.forEach((action, a) =>
      action.jobs.forEach((job, j) => {
        const base = `stages[${s}].actions[${a}].jobs[${j}]`;
        if (job.pre !== undefined) out.push({ path: `${base}.pre`, kind: 'pre', script: job.pre });
        if (job.post !== undefined)
          out.push({ path: `${base}.post`, kind: 'post', script: job.post });
      }),
    ),
  );
  return out;
}
