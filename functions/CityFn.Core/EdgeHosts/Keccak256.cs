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

    private static readonly int[] Rotations = [1, 3, 6, 10, 15, 21, 28, 36, 45, 55, 2, 14, 27, 41, 56, 8, 25, 43, 62, 18, 39, 61, 20, 44];
    private static readonly int[] PiLanes = [10, 7, 11, 17, 18, 3, 5, 16, 8, 21, 24, 4, 15, 23, 19, 13, 12, 2, 20, 14, 22, 9, 6, 1];

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

    private static void Permute(ulong[] a)
    {
        Span<ulong> c = stackalloc ulong[5];
        for (var round = 0; round < 24; round++)
        {
            for (var x = 0; x < 5; x++)
            {
                c[x] = a[x] ^ a[x + 5] ^ a[x + 10] ^ a[x + 15] ^ a[x + 20];
            }

            for (var x = 0; x < 5; x++)
            {
                var d = c[(x + 4) % 5] ^ BitOperations.RotateLeft(c[(x + 1) % 5], 1);
                for (var y = 0; y < 25; y += 5)
                {
                    a[y + x] ^= d;
                }
            }

            var current = a[1];
            for (var i = 0; i < 24; i++)
            {
                var lane = PiLanes[i];
                var next = a[lane];
                a[lane] = BitOperations.RotateLeft(current, Rotations[i]);
                current = next;
            }

            for (var y = 0; y < 25; y += 5)
            {
                for (var x = 0; x < 5; x++)
                {
                    c[x] = a[y + x];
                }

                for (var x = 0; x < 5; x++)
                {
                    a[y + x] = c[x] ^ (~c[(x + 1) % 5] & c[(x + 2) % 5]);
                }
            }

            a[0] ^= RoundConstants[round];
        }
    }
}
