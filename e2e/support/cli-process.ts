/**
 * TEST SUPPORT: the `containerops` command from source in a process of its own, so a test can
 * send it real signals (`containerops serve` handles SIGTERM/SIGINT itself).
 *
 * ```
 * node --conditions=@containerops/source --import tsx e2e/support/cli-process.ts serve --data DIR
 * ```
 * Exits with the command's exit code, as `bin/containerops.js` does.
 */
import { main } from '@containerops/cli';

process.exit(await main(process.argv.slice(2)));
