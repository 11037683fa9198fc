// Hardhat is used here only as the local chain (`hardhat node`); contracts are compiled with the
// pinned solc from npm, so no compiler download is ever needed.
//
// The .NET fixtures and `cityfn dev up` pass fresh random keys for the funded accounts in
// CITYFN_CHAIN_KEYS, so no key lives in the repository and Hardhat does not print any.
// Without it (a plain `npx hardhat node`) Hardhat's public default accounts are used.
const keys = (process.env.CITYFN_CHAIN_KEYS || '').split(',').filter(Boolean);
const tenThousandEth = (10n ** 22n).toString();

/** @type {import('hardhat/config').HardhatUserConfig} */
module.exports = {
  networks: {
    hardhat: {
      chainId: Number(process.env.CITYFN_CHAIN_ID || 31337),
      // Room for settling 100k contributors in one block.
      blockGasLimit: 60_000_000,
      ...(keys.length > 0 && {
        accounts: keys.map((privateKey) => ({ privateKey, balance: tenThousandEth })),
      }),
    },
  },
};
