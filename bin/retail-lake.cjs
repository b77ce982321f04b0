#!/usr/bin/env node
// Runs the TypeScript CLI under tsx's loader (`node --import tsx`), so there is no build step between a clone
// and `npm start`. The child gets the terminal; signals sent to this process are passed on (serve stops cleanly).
const { spawn } = require('node:child_process');
const { join } = require('node:path');
const { pathToFileURL } = require('node:url');

const loader = pathToFileURL(join(__dirname, '..', 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
const main = join(__dirname, '..', 'local', 'cli', 'main.ts');
const child = spawn(process.execPath, ['--import', loader, main, ...process.argv.slice(2)], { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 + (require('node:os').constants.signals[signal] ?? 0) : 1)));
