/** The UserErrors services throw, with the stable codes of contracts.ts. */
import { UserError } from '@containerops/core';
import type { Diagnostic } from '@containerops/core';
import { ServerErrorCode } from './contracts.js';

export const forbidden = (message: string): UserError =>
  new UserError(ServerErrorCode.forbidden, message);
export const notFound = (message: string): UserError =>
  new UserError(ServerErrorCode.notFound, message);
export const badInput = (message: string): UserError =>
  new UserError(ServerErrorCode.badUserInput, message);
export const conflict = (message: string): UserError =>
  new UserError(ServerErrorCode.conflict, message);
export const invalidDefinition = (message: string, diagnostics: readonly Diagnostic[]): UserError =>
  new UserError(ServerErrorCode.invalidDefinition, message, { details: { diagnostics } });
