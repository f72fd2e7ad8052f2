#!/usr/bin/env node
// The `containerops` command. The CLI is TypeScript compiled to dist/ by `npm install` (prepare).
import { main } from '../dist/main.js';

const code = await main(process.argv.slice(2));
// Job processes, timers and sockets of plugins must not keep a finished command alive.
process.exit(code);
