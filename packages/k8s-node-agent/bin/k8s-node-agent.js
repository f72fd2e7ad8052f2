#!/usr/bin/env node
// The node agent's command; TypeScript compiled to dist/ by `npm run build` (ensure-node-agent.sh builds it).
import { main } from '../dist/main.js';

// Keep-alive sockets and Docker streams must not keep a stopped agent alive.
process.exit(await main(process.argv.slice(2)));
