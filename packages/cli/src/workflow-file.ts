/**
 * Reads and parses a workflow file for `validate` and `run`.
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { parseWorkflow } from '@containerops/core';
import type { ManifestReader, ParseResult, TargetOrchestrator } from '@containerops/core';
import { checkScriptFiles, loadHookLua, luaChecker } from './hooks/lua-validation.js';
import type { CliIo } from './io.js';

/**
 * Receiver types a notifier handles on the command line: none yet, so `validate` and `run` warn
 * (`unhandled-receiver`) that `receivers:` such as the original files' `mail` send nothing.
 */
const CLI_RECEIVER_TYPES: readonly string[] = [];

export type LoadedWorkflow =
  | {
      readonly ok: true;
      readonly file: string;
      /** The absolute path. */
      readonly path: string;
      readonly result: ParseResult;
    }
  | { readonly ok: false; readonly file: string; readonly error: string };

/**
 * Loads `file` (relative to the cwd). `file` in the result is the name as the user gave it, so
 * diagnostics read `examples/hello.yaml:3:5: ...` like a compiler's. Lua hooks are checked too
 * (see hooks/lua-validation.ts).
 *
 * With `target`, the file is validated for that orchestrator: `kubectl` on one that does not
 * apply manifests is a warning (or an error for a `kubectl`-only job), and on one that does, each
 * manifest is read from the flow file's directory and travels with the job as its text.
 */
export async function loadWorkflowFile(
  io: CliIo,
  file: string,
  target?: TargetOrchestrator,
): Promise<LoadedWorkflow> {
  const path = isAbsolute(file) ? file : resolve(io.cwd, file);
  let source: string;
  try {
    source = await io.readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? 'is a directory'
          : (error as Error).message;
    return { ok: false, file, error: `cannot read ${file}: ${why}` };
  }
  const lua = await loadHookLua(source);
  const result = parseWorkflow(source, {
    fileName: file,
    receiverTypes: CLI_RECEIVER_TYPES,
    ...(lua === undefined ? {} : { scriptChecker: luaChecker(lua) }),
    ...(target === undefined
      ? {}
      : { orchestrator: target, readManifest: manifestReader(dirname(path)) }),
  });
  return {
    ok: true,
    file,
    path,
    result: lua === undefined ? result : await checkScriptFiles(io, path, lua, result),
  };
}

/**
 * Reads `kubectl` manifests under `flowDir` (core has already refused absolute and `..` paths).
 * Synchronous because core's parser is; undefined for a file that is not there or not readable,
 * which core reports at the `kubectl` value.
 */
function manifestReader(flowDir: string): ManifestReader {
  return (relativePath) => {
    try {
      return readFileSync(join(flowDir, relativePath), 'utf8');
    } catch {
      return undefined;
    }
  };
}
