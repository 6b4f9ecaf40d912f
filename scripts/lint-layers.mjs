// Layering rules (as GitLens keeps its layers): fails when a file imports across a forbidden line.
//   src/core      pure logic: no `vscode`, nothing from the host adapters or webviews; the protocol's
//                 shared types are fine (the protocol imports nothing, so no cycle can form)
//   src/protocol  shared by host and webviews: no `vscode`, no Node built-ins, no core
//   webview-ui    browser code: no `vscode`, no Node built-ins, no host code (protocol is fine)
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const nodeBuiltins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);

function files(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...files(p));
    else if (/\.(ts|tsx|mts)$/.test(name)) out.push(p);
  }
  return out;
}

const rules = [
  { dir: 'src/core', forbid: (spec, target) => spec === 'vscode' || (target && !target.startsWith('src/core/') && !target.startsWith('src/protocol/')) },
  { dir: 'src/protocol', forbid: (spec, target) => spec === 'vscode' || nodeBuiltins.has(spec) || (target && !target.startsWith('src/protocol/')) },
  { dir: 'webview-ui', forbid: (spec, target) => spec === 'vscode' || nodeBuiltins.has(spec) || (target && !target.startsWith('webview-ui/') && !target.startsWith('src/protocol/')) },
];

const importRe = /(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|require\(\s*['"]([^'"]+)['"]\s*\)/g;
let failures = 0;
for (const rule of rules) {
  for (const file of files(join(root, rule.dir))) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(importRe)) {
      const spec = m[1] ?? m[2] ?? m[3];
      const target = spec.startsWith('.') ? relative(root, resolve(dirname(file), spec)).split('\\').join('/') : undefined;
      if (rule.forbid(spec, target)) {
        failures++;
        console.error(`${relative(root, file)}: must not import '${spec}' (layer rule for ${rule.dir})`);
      }
    }
  }
}
if (failures > 0) process.exit(1);
console.log('lint: layer rules hold');
