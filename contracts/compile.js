#!/usr/bin/env node
// Compiles contracts/src with the solc pinned in package-lock.json (never a downloaded compiler)
// and writes one artifact per contract to contracts/artifacts/<Name>.json.
//
// The artifacts are committed: the C# bindings embed them, and a test runs `--check` to prove they
// are exactly what these sources compile to. The output is deterministic: fixed compiler settings,
// source unit names relative to the repository (no absolute paths), keys sorted, fixed formatting,
// and no metadata hash in the bytecode.
//
//   node contracts/compile.js            write the artifacts
//   node contracts/compile.js --check    compile in memory, exit 1 if a committed artifact differs
//   node contracts/compile.js --out DIR  write the artifacts to DIR instead (the test compares them)
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const solc = require('solc');

const contractsDir = __dirname;
const repoRoot = path.dirname(contractsDir);
const sourceDir = path.join(contractsDir, 'src');
const committedArtifactDir = path.join(contractsDir, 'artifacts');
const nodeModules = path.join(repoRoot, 'node_modules');

// Changing any of these changes the bytecode: the check test then tells you to recompile.
const settings = {
  // Prague: what current public EVM chains run; Hardhat's default (Osaka) runs it too.
  evmVersion: 'prague',
  optimizer: { enabled: true, runs: 10000 },
  // No IPFS/Swarm hash of the metadata: the bytecode then depends only on code and settings.
  metadata: { bytecodeHash: 'none' },
  outputSelection: {
    '*': { '*': ['abi', 'evm.bytecode.object', 'evm.deployedBytecode.object', 'evm.methodIdentifiers'] },
  },
};

function readSources() {
  const sources = {};
  for (const file of fs.readdirSync(sourceDir).filter((f) => f.endsWith('.sol')).sort()) {
    sources[`src/${file}`] = { content: fs.readFileSync(path.join(sourceDir, file), 'utf8') };
  }
  return sources;
}

// Resolves imports: "@openzeppelin/..." from node_modules, relative imports inside src/.
function findImport(importPath) {
  const file = importPath.startsWith('@')
    ? path.join(nodeModules, importPath)
    : path.join(contractsDir, importPath);
  try {
    return { contents: fs.readFileSync(file, 'utf8') };
  } catch {
    return { error: `import not found: ${importPath} (looked at ${file}; run npm ci?)` };
  }
}

function compile() {
  const input = { language: 'Solidity', sources: readSources(), settings };
  const output = JSON.parse(solc.compile(JSON.stringify(input), { import: findImport }));
  const problems = (output.errors || []).filter((e) => e.severity === 'error' || e.severity === 'warning');
  if (problems.length > 0) {
    // Warnings fail too: the repository builds with zero warnings.
    throw new Error(problems.map((e) => e.formattedMessage).join('\n'));
  }

  const artifacts = {};
  for (const [unit, contracts] of Object.entries(output.contracts)) {
    if (!unit.startsWith('src/')) continue; // OpenZeppelin's own contracts are not our artifacts.
    for (const [name, contract] of Object.entries(contracts)) {
      if (contract.evm.bytecode.object.length === 0) continue; // interfaces and abstract contracts
      artifacts[name] = {
        contractName: name,
        sourceName: `contracts/${unit}`,
        compiler: { solc: solc.version(), settings: { evmVersion: settings.evmVersion, optimizer: settings.optimizer, metadata: settings.metadata } },
        abi: contract.abi,
        bytecode: `0x${contract.evm.bytecode.object}`,
        deployedBytecode: `0x${contract.evm.deployedBytecode.object}`,
        methodIdentifiers: contract.evm.methodIdentifiers,
      };
    }
  }
  return artifacts;
}

function sortKeys(value) {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().map((key) => [key, sortKeys(value[key])]));
  }
  return value;
}

function format(artifact) {
  return `${JSON.stringify(sortKeys(artifact), null, 2)}\n`;
}

function main() {
  const check = process.argv.includes('--check');
  const outIndex = process.argv.indexOf('--out');
  const artifactDir = outIndex > 0 ? path.resolve(process.argv[outIndex + 1] || '') : committedArtifactDir;
  if (outIndex > 0 && !process.argv[outIndex + 1]) throw new Error('--out needs a directory');
  const artifacts = compile();
  const names = Object.keys(artifacts).sort();

  if (!check) {
    fs.mkdirSync(artifactDir, { recursive: true });
    for (const name of names) {
      fs.writeFileSync(path.join(artifactDir, `${name}.json`), format(artifacts[name]));
    }
    console.log(`compiled ${names.join(', ')} with solc ${solc.version()} into ${artifactDir}`);
    return;
  }

  const committed = fs.existsSync(artifactDir)
    ? fs.readdirSync(artifactDir).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)).sort()
    : [];
  const stale = names.filter((name) => {
    const file = path.join(artifactDir, `${name}.json`);
    return !fs.existsSync(file) || fs.readFileSync(file, 'utf8') !== format(artifacts[name]);
  });
  const extra = committed.filter((name) => !names.includes(name));
  if (stale.length > 0 || extra.length > 0) {
    if (stale.length > 0) console.error(`stale artifacts: ${stale.join(', ')}`);
    if (extra.length > 0) console.error(`artifacts without a source contract: ${extra.join(', ')}`);
    console.error('fix: run `npm run compile:contracts` and commit contracts/artifacts/');
    process.exit(1);
  }
  console.log(`artifacts up to date: ${names.join(', ')} (solc ${solc.version()})`);
}

try {
  main();
} catch (error) {
  console.error(`error: ${error.message}`);
  process.exit(2);
}
