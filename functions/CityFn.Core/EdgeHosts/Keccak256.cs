using System.Buffers.Binary;
using System.Numerics;

namespace CityFn.Core.EdgeHosts;

/// <summary>
/// Ethereum's Keccak-256 (original Keccak padding 0x01, not NIST SHA3-256's 0x06), incremental so that
/// tensors are hashed where they lie. Written out because every inference response hashes its inputs
/// and outputs, and Nethereum's managed hasher is several times slower (the tests compare the two).
/// </summary>
public sealed class Keccak256
{
    public const int Size = 32;
    private const int Rate = 136;

    private static readonly ulong[] RoundConstants =
    [
        0x0000000000000001, 0x0000000000008082, 0x800000000000808a, 0x8000000080008000,
        0x000000000000808b, 0x0000000080000001, 0x8000000080008081, 0x8000000000008009,
        0x000000000000008a, 0x0000000000000088, 0x0000000080008009, 0x000000008000000a,
        0x000000008000808b, 0x800000000000008b, 0x8000000000008089, 0x8000000000008003,
        0x8000000000008002, 0x8000000000000080, 0x000000000000800a, 0x800000008000000a,
        0x8000000080008081, 0x8000000000008080, 0x0000000080000001, 0x8000000080008008,
    ];

    // The rho rotations and pi lane order the unrolled permutation below was written from:
    // rotations 1 3 6 10 15 21 28 36 45 55 2 14 27 41 56 8 25 43 62 18 39 61 20 44,
    // lanes 10 7 11 17 18 3 5 16 8 21 24 4 15 23 19 13 12 2 20 14 22 9 6 1.

    private readonly ulong[] _state = new ulong[25];
    private readonly byte[] _pending = new byte[Rate];
    private int _pendingLength;

    public static byte[] Hash(ReadOnlySpan<byte> data)
    {
        var hasher = new Keccak256();
        hasher.Append(data);
        return hasher.Finish();
    }

    public static byte[] Hash(byte[] data)
    {
        ArgumentNullException.ThrowIfNull(data);
        return Hash(data.AsSpan());
    }

    /// <summary>keccak256 of the concatenation of <paramref name="parts"/>.</summary>
    public static byte[] HashConcatenation(params ReadOnlySpan<byte[]> parts)
    {
        var hasher = new Keccak256();
        foreach (var part in parts)
        {
            hasher.Append(part);
        }

        return hasher.Finish();
    }

    public void Append(ReadOnlySpan<byte> data)
    {
        if (_pendingLength > 0)
        {
            var take = Math.Min(Rate - _pendingLength, data.Length);
            data[..take].CopyTo(_pending.AsSpan(_pendingLength));
            _pendingLength += take;
            data = data[take..];
            if (_pendingLength < Rate)
            {
                return;
            }

            Absorb(_pending);
            _pendingLength = 0;
        }

        while (data.Length >= Rate)
        {
            Absorb(data[..Rate]);
            data = data[Rate..];
        }

        data.CopyTo(_pending);
        _pendingLength = data.Length;
    }

    public byte[] Finish()
    {
        _pending.AsSpan(_pendingLength).Clear();
        _pending[_pendingLength] ^= 0x01;
        _pending[Rate - 1] ^= 0x80;
        Absorb(_pending);
        var digest = new byte[Size];
        for (var i = 0; i < 4; i++)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(digest.AsSpan(i * 8), _state[i]);
        }

        return digest;
    }

    private void Absorb(ReadOnlySpan<byte> block)
    {
        for (var i = 0; i < Rate / 8; i++)
        {
            _state[i] ^= BinaryPrimitives.ReadUInt64LittleEndian(block.Slice(i * 8, 8));
        }

        Permute(_state);
    }

    /// <summary>Keccak-f[1600], unrolled onto locals (generated from the rotation and pi tables above).</summary>
    private static void Permute(ulong[] s)
    {
        ulong a00 = s[0], a01 = s[1], a02 = s[2], a03 = s[3], a04 = s[4], a05 = s[5], a06 = s[6], a07 = s[7], a08 = s[8], a09 = s[9], a10 = s[10], a11 = s[11], a12 = s[12], a13 = s[13], a14 = s[14], a15 = s[15], a16 = s[16], a17 = s[17], a18 = s[18], a19 = s[19], a20 = s[20], a21 = s[21], a22 = s[22], a23 = s[23], a24 = s[24];
        for (var round = 0; round < 24; round++)
        {
            var c0 = a00 ^ a05 ^ a10 ^ a15 ^ a20;
            var c1 = a01 ^ a06 ^ a11 ^ a16 ^ a21;
            var c2 = a02 ^ a07 ^ a12 ^ a17 ^ a22;
            var c3 = a03 ^ a08 ^ a13 ^ a18 ^ a23;
            var c4 = a04 ^ a09 ^ a14 ^ a19 ^ a24;
            var d0 = c4 ^ BitOperations.RotateLeft(c1, 1);
            var d1 = c0 ^ BitOperations.RotateLeft(c2, 1);
            var d2 = c1 ^ BitOperations.RotateLeft(c3, 1);
            var d3 = c2 ^ BitOperations.RotateLeft(c4, 1);
            var d4 = c3 ^ BitOperations.RotateLeft(c0, 1);
            a00 ^= d0; a05 ^= d0; a10 ^= d0; a15 ^= d0; a20 ^= d0;
            a01 ^= d1; a06 ^= d1; a11 ^= d1; a16 ^= d1; a21 ^= d1;
            a02 ^= d2; a07 ^= d2; a12 ^= d2; a17 ^= d2; a22 ^= d2;
            a03 ^= d3; a08 ^= d3; a13 ^= d3; a18 ^= d3; a23 ^= d3;
            a04 ^= d4; a09 ^= d4; a14 ^= d4; a19 ^= d4; a24 ^= d4;
            var t = a01;
            ulong n;
            n = a10; a10 = BitOperations.RotateLeft(t, 1); t = n;
            n = a07; a07 = BitOperations.RotateLeft(t, 3); t = n;
            n = a11; a11 = BitOperations.RotateLeft(t, 6); t = n;
            n = a17; a17 = BitOperations.RotateLeft(t, 10); t = n;
            n = a18; a18 = BitOperations.RotateLeft(t, 15); t = n;
            n = a03; a03 = BitOperations.RotateLeft(t, 21); t = n;
            n = a05; a05 = BitOperations.RotateLeft(t, 28); t = n;
            n = a16; a16 = BitOperations.RotateLeft(t, 36); t = n;
            n = a08; a08 = BitOperations.RotateLeft(t, 45); t = n;
            n = a21; a21 = BitOperations.RotateLeft(t, 55); t = n;
            n = a24; a24 = BitOperations.RotateLeft(t, 2); t = n;
            n = a04; a04 = BitOperations.RotateLeft(t, 14); t = n;
            n = a15; a15 = BitOperations.RotateLeft(t, 27); t = n;
            n = a23; a23 = BitOperations.RotateLeft(t, 41); t = n;
            n = a19; a19 = BitOperations.RotateLeft(t, 56); t = n;
            n = a13; a13 = BitOperations.RotateLeft(t, 8); t = n;
            n = a12; a12 = BitOperations.RotateLeft(t, 25); t = n;
            n = a02; a02 = BitOperations.RotateLeft(t, 43); t = n;
            n = a20; a20 = BitOperations.RotateLeft(t, 62); t = n;
            n = a14; a14 = BitOperations.RotateLeft(t, 18); t = n;
            n = a22; a22 = BitOperations.RotateLeft(t, 39); t = n;
            n = a09; a09 = BitOperations.RotateLeft(t, 61); t = n;
            n = a06; a06 = BitOperations.RotateLeft(t, 20); t = n;
            n = a01; a01 = BitOperations.RotateLeft(t, 44); t = n;
            c0 = a00; c1 = a01; c2 = a02; c3 = a03; c4 = a04;
            a00 = c0 ^ (~c1 & c2); a01 = c1 ^ (~c2 & c3); a02 = c2 ^ (~c3 & c4); a03 = c3 ^ (~c4 & c0); a04 = c4 ^ (~c0 & c1);
            c0 = a05; c1 = a06; c2 = a07; c3 = a08; c4 = a09;
            a05 = c0 ^ (~c1 & c2); a06 = c1 ^ (~c2 & c3); a07 = c2 ^ (~c3 & c4); a08 = c3 ^ (~c4 & c0); a09 = c4 ^ (~c0 & c1);
            c0 = a10; c1 = a11; c2 = a12; c3 = a13; c4 = a14;
            a10 = c0 ^ (~c1 & c2); a11 = c1 ^ (~c2 & c3); a12 = c2 ^ (~c3 & c4); a13 = c3 ^ (~c4 & c0); a14 = c4 ^ (~c0 & c1);
            c0 = a15; c1 = a16; c2 = a17; c3 = a18; c4 = a19;
            a15 = c0 ^ (~c1 & c2); a16 = c1 ^ (~c2 & c3); a17 = c2 ^ (~c3 & c4); a18 = c3 ^ (~c4 & c0); a19 = c4 ^ (~c0 & c1);
            c0 = a20; c1 = a21; c2 = a22; c3 = a23; c4 = a24;
            a20 = c0 ^ (~c1 & c2); a21 = c1 ^ (~c2 & c3); a22 = c2 ^ (~c3 & c4); a23 = c3 ^ (~c4 & c0); a24 = c4 ^ (~c0 & c1);
            a00 ^= RoundConstants[round];
        }

        s[0] = a00;
        s[1] = a01;
        s[2] = a02;
        s[3] = a03;
        s[4] = a04;
        s[5] = a05;
        s[6] = a06;
        s[7] = a07;
        s[8] = a08;
        s[9] = a09;
        s[10] = a10;
        s[11] = a11;
        s[12] = a12;
        s[13] = a13;
        s[14] = a14;
        s[15] = a15;
        s[16] = a16;
        s[17] = a17;
        s[18] = a18;
        s[19] = a19;
        s[20] = a20;
        s[21] = a21;
        s[22] = a22;
        s[23] = a23;
        s[24] = a24;
    }
}
