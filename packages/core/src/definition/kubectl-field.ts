/**
 * The original format's `kubectl: <file>`: a Pod or Job manifest next to the flow file, which only
 * an orchestrator that declares `jobOptions: ['kubectl']` applies. Checked here so `validate`
 * says, with a position, when the field cannot work (an escaping path) or is ignored (the chosen
 * orchestrator does not read it), instead of the run silently using the endpoint image.
 */
import { DiagnosticCode } from './diagnostics.js';
import type { Field } from './fields.js';
import type { ParseContext } from './parse-context.js';
import type { TargetOrchestrator } from './parse-result.js';

/** True when `orchestrator` is known and applies `kubectl` manifests. */
export function readsKubectl(orchestrator: TargetOrchestrator | undefined): boolean {
  return orchestrator?.jobOptions.includes('kubectl') ?? false;
}

/**
 * Why `path` may not be read as a manifest, or undefined when it is a plain relative path that
 * stays under the flow file's directory (no absolute path, no drive letter, no `..` segment).
 */
export function kubectlPathProblem(path: string): string | undefined {
  if (path.trim() === '') return 'kubectl must name a manifest file';
  if (/^([\\/]|[A-Za-z]:)/.test(path))
    return `kubectl "${path}" is an absolute path: name the manifest relative to the flow file's directory`;
  if (path.split(/[\\/]/).includes('..'))
    return `kubectl "${path}" leaves the flow file's directory through "..": only files under it are read`;
  return undefined;
}

/**
 * Checks a job's `kubectl` value and, when the orchestrator applies manifests and the caller gave
 * a reader, returns the manifest's text. Reports: an escaping path (error), a manifest the reader
 * cannot find (error), and `kubectl-ignored` (warning, at the key) on an orchestrator that does
 * not read it when the job has something else to run (`runsOtherwise`: an endpoint, component or
 * command); a job with nothing else gets the job parser's `kubectl-unsupported` error instead.
 */
export function checkKubectl(
  ctx: ParseContext,
  slot: Field | undefined,
  path: string | undefined,
  runsOtherwise = true,
): string | undefined {
  if (slot === undefined || path === undefined) return undefined;
  const problem = kubectlPathProblem(path);
  if (problem !== undefined) {
    ctx.error(DiagnosticCode.invalidValue, problem, slot);
    return undefined;
  }
  const target = ctx.orchestrator;
  if (target === undefined) return undefined;
  if (!readsKubectl(target)) {
    if (!runsOtherwise) return undefined;
    ctx.warning(
      DiagnosticCode.kubectlIgnored,
      `kubectl is ignored on the ${target.name} orchestrator: only kubernetes applies manifests; the job runs its endpoint image`,
      slot.keyPos,
      slot.path,
    );
    return undefined;
  }
  if (ctx.readManifest === undefined) return undefined;
  let text: string | undefined;
  try {
    text = ctx.readManifest(path);
  } catch (error) {
    // A reader that can never read files (the server keeps no flow directory) says why itself.
    ctx.error(DiagnosticCode.invalidValue, (error as Error).message, slot);
    return undefined;
  }
  if (text === undefined)
    ctx.error(
      DiagnosticCode.invalidValue,
      `kubectl manifest "${path}" cannot be read next to the flow file`,
      slot,
    );
  return text;
}
