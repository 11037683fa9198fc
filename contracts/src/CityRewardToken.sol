// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title CityFn reward token
/// @notice ERC-20 (18 decimals). Only holders of MINTER_ROLE mint and pay claims; in a CityFn
/// deployment that is the RewardDistributor alone, which mints exactly each published epoch's total
/// and pays claims out of it.
/// @dev OpenZeppelin's ERC20 with one change, for claim gas: each holder's balance and the
/// cumulative amount it has been paid by the distributor share one storage word (two uint128s).
/// A first claim then creates one storage slot instead of two (a fresh slot costs 22.1k gas), which
/// brings a first claim in a 100k-leaf tree under the 80k gas target. Everything else (allowances,
/// events, errors, transfer rules) is OpenZeppelin's: only {_update}, {balanceOf} and {totalSupply}
/// read and write the packed storage. The supply is capped at 2^128 - 1 base units, so no balance
/// or claimed amount can overflow its half of the word.
contract CityRewardToken is ERC20, AccessControl {
    bytes32 public constant MINTER_ROLE = keccak256("MINTER_ROLE");

    /// @dev One word per holder: what it holds and what the distributor has paid it in total.
    struct Holder {
        uint128 balance;
        uint128 claimed;
    }

    mapping(address account => Holder) private _holders;
    uint256 private _supply;

    /// @notice Minting `amount` would take the supply past 2^128 - 1 base units.
    error SupplyOverflow(uint256 supply, uint256 amount);

    /// @notice The claim does not raise the account's cumulative paid amount: it was paid already.
    /// Reverts through RewardDistributor.claim, which leaves this check to the token.
    error NothingToClaim(address account, uint256 cumulativeAmount, uint256 alreadyClaimed);

    /// @param admin Holds DEFAULT_ADMIN_ROLE and so decides who may mint.
    constructor(string memory name_, string memory symbol_, address admin) ERC20(name_, symbol_) {
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
    }

    function mint(address to, uint256 amount) external onlyRole(MINTER_ROLE) {
        _mint(to, amount);
    }

    /// @notice Records that `account` has now been paid `cumulativeAmount` in total and moves the
    /// difference from the caller (the distributor) to `receiver`. The caller has checked the proof.
    /// @return amount What was paid now.
    function payClaim(address account, address receiver, uint256 cumulativeAmount)
        external
        onlyRole(MINTER_ROLE)
        returns (uint256 amount)
    {
        Holder storage holder = _holders[account];
        uint256 alreadyClaimed = holder.claimed;
        if (cumulativeAmount <= alreadyClaimed) {
            revert NothingToClaim(account, cumulativeAmount, alreadyClaimed);
        }
        // The amount comes out of the caller's balance, so it is at most the supply (< 2^128), and
        // so is what the account has been paid in total.
        if (cumulativeAmount > type(uint128).max) {
            revert SupplyOverflow(_supply, cumulativeAmount);
        }
        holder.claimed = uint128(cumulativeAmount);
        unchecked {
            amount = cumulativeAmount - alreadyClaimed;
        }
        _transfer(msg.sender, receiver, amount);
    }

    /// @notice Cumulative amount the distributor has paid `account`.
    function claimedOf(address account) external view returns (uint256) {
        return _holders[account].claimed;
    }

    function totalSupply() public view override returns (uint256) {
        return _supply;
    }

    function balanceOf(address account) public view override returns (uint256) {
        return _holders[account].balance;
    }

    /// @dev OpenZeppelin's ERC20._update over the packed storage, same errors and event.
    function _update(address from, address to, uint256 value) internal override {
        if (from == address(0)) {
            uint256 supply = _supply;
            if (value > type(uint128).max - supply) {
                revert SupplyOverflow(supply, value);
            }
            _supply = supply + value;
        } else {
            uint256 fromBalance = _holders[from].balance;
            if (fromBalance < value) {
                revert ERC20InsufficientBalance(from, fromBalance, value);
            }
            unchecked {
                // value <= fromBalance < 2^128.
                _holders[from].balance = uint128(fromBalance - value);
            }
        }

        if (to == address(0)) {
            unchecked {
                _supply -= value;
            }
        } else {
            unchecked {
                // balance + value <= supply < 2^128.
                _holders[to].balance += uint128(value);
            }
        }

        emit Transfer(from, to, value);
    }
}
