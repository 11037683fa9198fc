// Reference runs of @openzeppelin/merkle-tree StandardMerkleTree (["address","uint256"]) for the C#
// compatibility tests and `cityfn bench merkle --compare-node`. One process handles many value sets.
//
//   node tools/node/oz-merkle-tree.cjs compare <in.json> <out.json>
//     in:  [[[address, amount], ...], ...]      (value sets, strings as the tree should dump them)
//     out: [{ root, dump, proofs: [[hash, ...] per value] }, ...]   dump = JSON.stringify(tree.dump())
//   node tools/node/oz-merkle-tree.cjs bench <in.json> <out.json>
//     in:  [[address, amount], ...]
//     out: { count, root, buildMs, proofsMs, buildCpuMs, proofsCpuMs }   proofs: tree.getProof(i) for every value
//     (CPU time too: on a shared machine wall time mostly measures the neighbours)
'use strict';
const fs = require('node:fs');
const { StandardMerkleTree } = require('@openzeppelin/merkle-tree');

const encoding = ['address', 'uint256'];
const [mode, input, output] = process.argv.slice(2);
if (!['compare', 'bench'].includes(mode) || !input || !output) {
  console.error('usage: oz-merkle-tree.cjs compare|bench <in.json> <out.json>');
  process.exit(2);
}

const data = JSON.parse(fs.readFileSync(input, 'utf8'));
if (mode === 'compare') {
  const results = data.map(values => {
    const tree = StandardMerkleTree.of(values, encoding);
    const proofs = values.map((_, i) => tree.getProof(i));
    return { root: tree.root, dump: JSON.stringify(tree.dump()), proofs };
  });
  fs.writeFileSync(output, JSON.stringify(results));
} else {
  const started = process.hrtime.bigint();
  const cpuStart = process.cpuUsage();
  const tree = StandardMerkleTree.of(data, encoding);
  const built = process.hrtime.bigint();
  const cpuBuilt = process.cpuUsage(cpuStart);
  let proofHashes = 0;
  for (let i = 0; i < data.length; i++) {
    proofHashes += tree.getProof(i).length;
  }
  const proved = process.hrtime.bigint();
  const cpuAll = process.cpuUsage(cpuStart);
  const ms = ns => Number(ns) / 1e6;
  const cpuMs = usage => (usage.user + usage.system) / 1e3;
  fs.writeFileSync(output, JSON.stringify({
    count: data.length, root: tree.root, proofHashes, buildMs: ms(built - started), proofsMs: ms(proved - built),
    buildCpuMs: cpuMs(cpuBuilt), proofsCpuMs: cpuMs(cpuAll) - cpuMs(cpuBuilt),
  }));
}
