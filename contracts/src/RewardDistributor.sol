// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {Nonces} from "@openzeppelin/contracts/utils/Nonces.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {CityRewardToken} from "./CityRewardToken.sol";

/// @title CityFn reward distributor
/// @notice Pays rewards from cumulative Merkle roots, one root per epoch, published in order.
/// A leaf is OpenZeppelin StandardMerkleTree standard-v1 for ["address", "uint256"]:
/// keccak256(bytes.concat(keccak256(abi.encode(account, cumulativeAmount)))), where
/// cumulativeAmount is everything the account has earned up to and including that epoch.
/// A claim pays cumulativeAmount - claimed(account) (kept by the token); the root of any published epoch stays valid,
/// so an account that missed epochs claims everything with its latest proof.
/// @dev Funding is by minting: publishing an epoch mints exactly its total to this contract, so the
/// token supply equals the sum of published epochs and nobody has to pre-fund or approve anything
/// (a funder could forget, or fund a different amount than the root promises).
contract RewardDistributor is AccessControl, Pausable, EIP712, Nonces {
    bytes32 public constant PUBLISHER_ROLE = keccak256("PUBLISHER_ROLE");
    bytes32 public constant GUARDIAN_ROLE = keccak256("GUARDIAN_ROLE");

    /// @notice EIP-712 type of a claim signed by the account, paid to `receiver` by whoever submits it.
    bytes32 public constant CLAIM_TYPEHASH = keccak256(
        "Claim(address account,uint256 cumulativeAmount,uint256 epoch,address receiver,uint256 nonce,uint256 deadline)"
    );

    CityRewardToken public immutable token;

    /// @notice Root per published epoch; zero for an epoch that was never published.
    mapping(uint256 epoch => bytes32) public roots;

    /// @notice The last published epoch (firstEpoch - 1 before the first publish).
    uint256 public currentEpoch;

    /// @notice Sum of all published epoch totals (= tokens minted to this contract).
    uint256 public totalPublished;

    /// @notice Largest total one epoch may mint.
    uint256 public epochCap;

    event RootPublished(uint256 indexed epoch, bytes32 root, uint256 epochTotal, uint256 totalPublished);
    event Claimed(
        address indexed account, address indexed receiver, uint256 indexed epoch, uint256 amount, uint256 cumulativeAmount
    );
    event EpochCapChanged(uint256 previousCap, uint256 newCap);

    error ZeroAddress();
    error InvalidFirstEpoch();
    error InvalidRoot();
    error EpochNotConsecutive(uint256 expected, uint256 got);
    error EpochOverCap(uint256 total, uint256 cap);
    error UnknownEpoch(uint256 epoch);
    error InvalidProof();
    error SignatureExpired(uint256 deadline);
    error InvalidSignature();

    /// @param firstEpoch Number of the first epoch to publish (at least 1: epoch 0 never has a root).
    constructor(
        CityRewardToken token_,
        address admin,
        address publisher,
        address guardian,
        uint256 firstEpoch,
        uint256 epochCap_
    ) EIP712("CityFn RewardDistributor", "1") {
        if (address(token_) == address(0) || admin == address(0) || publisher == address(0) || guardian == address(0)) {
            revert ZeroAddress();
        }
        if (firstEpoch == 0) {
            revert InvalidFirstEpoch();
        }
        token = token_;
        currentEpoch = firstEpoch - 1;
        epochCap = epochCap_;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(PUBLISHER_ROLE, publisher);
        _grantRole(GUARDIAN_ROLE, guardian);
        emit EpochCapChanged(0, epochCap_);
    }

    /// @notice Publishes the cumulative root of `epoch` (exactly the epoch after the last one) and
    /// mints `epochTotal` to this contract to pay it.
    function publishRoot(uint256 epoch, bytes32 root, uint256 epochTotal)
        external
        onlyRole(PUBLISHER_ROLE)
        whenNotPaused
    {
        uint256 expected = currentEpoch + 1;
        if (epoch != expected) {
            revert EpochNotConsecutive(expected, epoch);
        }
        if (root == bytes32(0)) {
            revert InvalidRoot();
        }
        uint256 cap = epochCap;
        if (epochTotal > cap) {
            revert EpochOverCap(epochTotal, cap);
        }
        uint256 total = totalPublished + epochTotal;
        roots[epoch] = root;
        currentEpoch = epoch;
        totalPublished = total;
        emit RootPublished(epoch, root, epochTotal, total);
        token.mint(address(this), epochTotal);
    }

    /// @notice Pays `account` what it is owed according to the root of `epoch`. Anyone may submit it:
    /// the tokens always go to the account itself.
    function claim(address account, uint256 cumulativeAmount, uint256 epoch, bytes32[] calldata proof)
        external
        whenNotPaused
    {
        _claim(account, cumulativeAmount, epoch, proof, account);
    }

    /// @notice Pays what `account` is owed to `receiver`, authorised by the account's EIP-712
    /// signature over the claim, the receiver, its next nonce and a deadline.
    function claimFor(
        address account,
        uint256 cumulativeAmount,
        uint256 epoch,
        bytes32[] calldata proof,
        address receiver,
        uint256 deadline,
        bytes calldata signature
    ) external whenNotPaused {
        if (block.timestamp > deadline) {
            revert SignatureExpired(deadline);
        }
        _checkSignature(account, _claimDigest(account, cumulativeAmount, epoch, receiver, deadline), signature);
        _claim(account, cumulativeAmount, epoch, proof, receiver);
    }

    /// @notice Changes the largest total one epoch may mint.
    function setEpochCap(uint256 newCap) external onlyRole(DEFAULT_ADMIN_ROLE) {
        emit EpochCapChanged(epochCap, newCap);
        epochCap = newCap;
    }

    function pause() external onlyRole(GUARDIAN_ROLE) {
        _pause();
    }

    function unpause() external onlyRole(GUARDIAN_ROLE) {
        _unpause();
    }

    /// @notice Cumulative amount already paid out to `account` (kept by the token, next to its balance).
    function claimed(address account) external view returns (uint256) {
        return token.claimedOf(account);
    }

    /// @notice The EIP-712 domain separator claimFor signatures are made for.
    function domainSeparator() external view returns (bytes32) {
        return _domainSeparatorV4();
    }

    /// @dev Uses up the account's nonce, so a signature pays at most once.
    function _claimDigest(address account, uint256 cumulativeAmount, uint256 epoch, address receiver, uint256 deadline)
        private
        returns (bytes32)
    {
        return _hashTypedDataV4(
            keccak256(
                abi.encode(CLAIM_TYPEHASH, account, cumulativeAmount, epoch, receiver, _useNonce(account), deadline)
            )
        );
    }

    function _checkSignature(address account, bytes32 digest, bytes calldata signature) private pure {
        (address signer, ECDSA.RecoverError recoverError,) = ECDSA.tryRecoverCalldata(digest, signature);
        if (recoverError != ECDSA.RecoverError.NoError || signer != account) {
            revert InvalidSignature();
        }
    }

    function _claim(address account, uint256 cumulativeAmount, uint256 epoch, bytes32[] calldata proof, address receiver)
        private
    {
        bytes32 root = roots[epoch];
        if (root == bytes32(0)) {
            revert UnknownEpoch(epoch);
        }
        bytes32 leaf = keccak256(bytes.concat(keccak256(abi.encode(account, cumulativeAmount))));
        if (!MerkleProof.verifyCalldata(proof, root, leaf)) {
            revert InvalidProof();
        }
        // The token keeps the paid amount next to the account's balance (one storage word; see
        // CityRewardToken), refuses a claim that pays nothing (NothingToClaim) and moves the difference
        // from this contract to the receiver. Our own token: it reverts on failure
        // (ERC20InsufficientBalance, ERC20InvalidReceiver) and calls nothing back.
        uint256 amount = token.payClaim(account, receiver, cumulativeAmount);
        emit Claimed(account, receiver, epoch, amount, cumulativeAmount);
    }
}
