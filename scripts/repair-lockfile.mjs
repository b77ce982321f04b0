#!/usr/bin/env node
// The npm registry this project's machines reach serves only some platforms' builds of native packages
// (e.g. @swc/core-darwin-arm64 exists at 1.16.18 but not 1.16.22). `npm install` then leaves those optional
// packages out of package-lock.json, and `npm ci` refuses the lock ("Missing: ... from lock file").
// This adds each missing optional platform package to the lock with the os/cpu/libc its name declares, so
// `npm ci` accepts the lock and skips them on other platforms, as it would with a complete lock.
// Run after any dependency change: `node scripts/repair-lockfile.mjs`.
import { readFileSync, writeFileSync } from 'node:fs';

const OS = ['darwin', 'linux', 'win32', 'android', 'freebsd', 'openharmony', 'sunos', 'aix', 'netbsd', 'openbsd'];
const CPU = { arm64: 'arm64', x64: 'x64', ia32: 'ia32', arm: 'arm', ppc64: 'ppc64', s390x: 's390x', riscv64: 'riscv64', loong64: 'loong64' };

function platformOf(name) {
  const parts = name.split('/').pop().split('-');
  const os = parts.find((p) => OS.includes(p));
  const cpu = parts.map((p) => CPU[p]).find(Boolean);
  if (!os || !cpu) return null;
  const libc = parts.some((p) => p.startsWith('musl')) ? ['musl'] : os === 'linux' && parts.some((p) => p.startsWith('gnu')) ? ['glibc'] : undefined;
  return { os: [os], cpu: [cpu], ...(libc ? { libc } : {}) };
}

const path = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(path, 'utf8'));
const added = [];
for (const [where, pkg] of Object.entries(lock.packages)) {
  for (const [name, spec] of Object.entries(pkg.optionalDependencies ?? {})) {
    const key = `${where ? `${where}/` : ''}node_modules/${name}`;
    const hoisted = `node_modules/${name}`;
    if (lock.packages[key] || lock.packages[hoisted]) continue;
    const platform = platformOf(name);
    if (!platform || !/^\d+\.\d+\.\d+(-[\w.]+)?$/.test(spec)) continue; // only exact-versioned platform builds
    lock.packages[hoisted] = { version: spec, dev: pkg.dev, optional: true, ...platform };
    if (lock.packages[hoisted].dev === undefined) delete lock.packages[hoisted].dev;
    added.push(`${name}@${spec}`);
  }
}
lock.packages = Object.fromEntries(Object.entries(lock.packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a < b ? -1 : 1)));
writeFileSync(path, JSON.stringify(lock, null, 2) + '\n');
console.log(added.length ? `added ${added.length} platform packages to package-lock.json:\n  ${added.join('\n  ')}` : 'package-lock.json already lists every optional platform package');
