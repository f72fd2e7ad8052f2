// The agent's command run from the sources (through tsx), so a test can SIGKILL a real agent process.
import { main } from '../src/main.js';

process.exit(await main(process.argv.slice(2)));
