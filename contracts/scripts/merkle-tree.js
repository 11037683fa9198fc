#!/usr/bin/env node
// Builds an OpenZeppelin StandardMerkleTree (standard-v1) of [address, cumulativeAmount] leaves with
// the reference library @openzeppelin/merkle-tree and prints its root and the requested proofs as
// JSON. Tests use it as the independent reference for what RewardDistributor must accept.
//
//   node contracts/scripts/merkle-tree.js input.json
//
// input.json:  { "values": [["0xabc…", "1000"], …], "proofsFor": [0, 5] }   (amounts as decimal strings)
// stdout:      { "root": "0x…", "leafCount": n, "proofs": [{ "index": 0, "account": "0x…", "amount": "1000", "proof": ["0x…"] }] }
//
// `--random N` instead of a file makes N leaves of random addresses and amounts, then appends the
// values of the file (if any) — for measuring gas in large trees without shipping large inputs.
//
// `--serve` reads one input object per line on stdin (optionally with "random": N) and answers one
// output line each, so a test run pays node's start-up once. It exits when stdin closes.
'use strict';

const fs = require('node:fs');
const crypto = require('node:crypto');
const { StandardMerkleTree } = require('@openzeppelin/merkle-tree');

function parseArgs(argv) {
  const args = { file: null, random: 0, serve: false };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--random') args.random = Number(argv[++i]);
    else if (argv[i] === '--serve') args.serve = true;
    else args.file = argv[i];
  }
  if (!args.file && !args.random && !args.serve) throw new Error('usage: merkle-tree.js [--serve | --random N] [input.json]');
  return args;
}

function build(input, random) {
  const values = [];
  for (let i = 0; i < random; i++) {
    values.push([`0x${crypto.randomBytes(20).toString('hex')}`, BigInt(`0x${crypto.randomBytes(8).toString('hex')}`).toString()]);
  }
  // Indexes in proofsFor refer to the file's values, which follow the random ones.
  const offset = values.length;
  values.push(...input.values);

  const tree = StandardMerkleTree.of(values, ['address', 'uint256']);
  const proofs = (input.proofsFor || []).map((i) => {
    const [account, amount] = values[offset + i];
    return { index: i, account, amount, proof: tree.getProof(offset + i) };
  });
  return { root: tree.root, leafCount: values.length, proofs };
}

function serve() {
  const lines = require('node:readline').createInterface({ input: process.stdin });
  lines.on('line', (line) => {
    let answer;
    try {
      const input = JSON.parse(line);
      answer = build(input, input.random || 0);
    } catch (error) {
      answer = { error: error.message };
    }
    process.stdout.write(`${JSON.stringify(answer)}\n`);
  });
}

function main() {
  const args = parseArgs(process.argv.slice(2));
  if (args.serve) return serve();
  const input = args.file ? JSON.parse(fs.readFileSync(args.file, 'utf8')) : { values: [], proofsFor: [] };
  process.stdout.write(`${JSON.stringify(build(input, args.random))}\n`);
}

try {
  main();
} catch (error) {
  console.error(`error: ${error.message}`);
  process.exit(2);
}
