/**
 * Every `containerops` subcommand, in help order. A new command is one file in this folder and
 * one entry here.
 */
import type { Command } from './command.js';
import { componentCommand } from './component-build.js';
import { logsCommand } from './logs.js';
import { pluginCommand } from './plugin.js';
import { runCommand } from './run.js';
import { secretCommand } from './secret.js';
import { serveCommand } from './serve.js';
import { tokenCommand } from './token.js';
import { validateCommand } from './validate.js';
import { versionCommand } from './version.js';
import { workflowCommand } from './workflow.js';

export type { Command } from './command.js';

export const commands: readonly Command[] = [
  runCommand,
  serveCommand,
  validateCommand,
  componentCommand,
  workflowCommand,
  logsCommand,
  tokenCommand,
  secretCommand,
  pluginCommand,
  versionCommand,
];
