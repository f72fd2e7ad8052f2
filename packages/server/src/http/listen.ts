/**
 * Binds the HTTP server, turning the usual reasons a bind fails into one line that says what to
 * do (instead of a stack trace from `listen EADDRINUSE`).
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OperationalError } from '@containerops/core';

/** Stable codes of a failed bind. */
export const ListenErrorCode = {
  portInUse: 'PORT_IN_USE',
  portNotAllowed: 'PORT_NOT_ALLOWED',
  hostNotAvailable: 'HOST_NOT_AVAILABLE',
} as const;

const PICK_ANOTHER =
  'pick another with --port N (or PORT / CONTAINEROPS_PORT, or port: in containerops.yaml)';

/**
 * Listens on `host:port` (port 0: any free port) and resolves with the port bound.
 *
 * @throws OperationalError PORT_IN_USE, PORT_NOT_ALLOWED or HOST_NOT_AVAILABLE with a message
 *   naming the address and the setting to change; other errors as they are.
 */
export function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void =>
      reject(describeListenError(error, port, host));
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function describeListenError(error: NodeJS.ErrnoException, port: number, host: string): Error {
  const where = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  switch (error.code) {
    case 'EADDRINUSE':
      return new OperationalError(
        ListenErrorCode.portInUse,
        `cannot listen on ${where}: port ${port} is already in use (another server?); ${PICK_ANOTHER}`,
        { cause: error },
      );
    case 'EACCES':
      return new OperationalError(
        ListenErrorCode.portNotAllowed,
        `cannot listen on ${where}: this user may not use port ${port} (ports below 1024 need privileges); ${PICK_ANOTHER}`,
        { cause: error },
      );
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
      return new OperationalError(
        ListenErrorCode.hostNotAvailable,
        `cannot listen on ${where}: ${host} is not an address of this machine; set --host ADDR (or CONTAINEROPS_HOST) to one of its addresses, 127.0.0.1 or 0.0.0.0`,
        { cause: error },
      );
    default:
      return error;
  }
}
