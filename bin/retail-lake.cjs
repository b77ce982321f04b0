#!/usr/bin/env node
// Runs the TypeScript CLI in this process under tsx's hooks (require and import), so there is no build step
// between a clone and `npm start`, and signals (Ctrl-C, kill) reach the CLI itself.
const { register } = require('node:module');
const { dirname, join } = require('node:path');
const { pathToFileURL } = require('node:url');

require('tsx/cjs/api').register();
// tsx's import hooks, registered as `node --import tsx` would (its esm/api helper resolves the wrong path
// when called from CommonJS in this version)
const tsxDist = join(dirname(require.resolve('tsx/package.json')), 'dist');
register(pathToFileURL(join(tsxDist, 'esm', 'index.mjs')).href, { data: {} });
require('../local/cli/main.ts');
