/**
 * Every `containerops` subcommand, in help order. A new command is one file in this folder and
 * one entry here (`serve`, `workflow apply`, `logs`, `component build` come later).
 */
import type { Command } from './command.js';
import { componentCommand } from './component-build.js';
import { runCommand } from './run.js';
import { serveCommand } from './serve.js';
import { validateCommand } from './validate.js';
import { versionCommand } from './version.js';

export type { Command } from './command.js';

export const commands: readonly Command[] = [
  runCommand,
  serveCommand,
  validateCommand,
  componentCommand,
  versionCommand,
];
