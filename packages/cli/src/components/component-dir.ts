/**
 * Reads a component directory: its `component.yaml` (parsed and validated by core) and what a
 * build needs beside it (the Dockerfile, the readme it names).
 */
import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseComponentDefinition } from '@containerops/core';
import type { ComponentDefinition, Diagnostic } from '@containerops/core';

/** The definition file every component directory holds. */
export const COMPONENT_FILE = 'component.yaml';

export interface LoadedComponentDir {
  readonly dir: string;
  /** `DIR/component.yaml`, as the caller named DIR (for compiler-style messages). */
  readonly file: string;
  /** Present when the definition has no error. */
  readonly component?: ComponentDefinition;
  readonly diagnostics: readonly Diagnostic[];
  /** Problems outside the YAML (missing Dockerfile or readme); building is refused if any. */
  readonly problems: readonly string[];
}

/**
 * Loads `dir`. Never throws for a bad directory: an unreadable `component.yaml` is a problem, a
 * bad one gives diagnostics. Read-only.
 * @param displayDir how messages name the directory (as the user wrote it); default `dir`.
 */
export async function loadComponentDir(
  dir: string,
  displayDir: string = dir,
): Promise<LoadedComponentDir> {
  const file = join(displayDir, COMPONENT_FILE);
  let source: string;
  try {
    source = await readFile(join(dir, COMPONENT_FILE), 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : (error as Error).message;
    return { dir, file, diagnostics: [], problems: [`cannot read ${file}: ${why}`] };
  }
  const { component, diagnostics } = parseComponentDefinition(source, { fileName: file });
  const problems: string[] = [];
  if (!(await exists(join(dir, 'Dockerfile')))) {
    problems.push(`${join(displayDir, 'Dockerfile')}: missing: a component directory needs one`);
  }
  if (component?.readme !== undefined && !(await exists(join(dir, component.readme)))) {
    problems.push(`${file}: readme "${component.readme}" does not exist in ${displayDir}`);
  }
  return { dir, file, ...(component === undefined ? {} : { component }), diagnostics, problems };
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
