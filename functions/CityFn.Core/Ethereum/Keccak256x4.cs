using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace CityFn.Core.Ethereum;

/// <summary>
/// Four Keccak-256 hashes at once, one per 64-bit element of 256-bit vectors (AVX2 where the CPU has
/// it). Merkle trees hash millions of independent short inputs (leaves, then the nodes of one level),
/// which is exactly this shape. Same results as <see cref="Keccak256"/>, which the tests check.
/// </summary>
public static class Keccak256x4
{
    /// <summary>Whether the CPU runs 256-bit vectors natively; without it the scalar <see cref="Keccak256"/> is faster.</summary>
    public static bool IsAccelerated => Vector256.IsHardwareAccelerated;

    /// <summary>
    /// Hashes four inputs of <paramref name="length"/> bytes each (32 or 64: one Keccak block, whole lanes),
    /// stored one after the other in <paramref name="inputs"/>, into four 32-byte hashes in <paramref name="outputs"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Hash(ReadOnlySpan<byte> inputs, int length, Span<byte> outputs)
    {
        if (length is not (32 or 64) || inputs.Length < 4 * length || outputs.Length < 4 * Keccak256.HashSize)
        {
            throw new ArgumentException("Keccak256x4 hashes four 32- or 64-byte inputs into four 32-byte outputs.");
        }

        var a00 = Lane(inputs, length, 0); var a01 = Lane(inputs, length, 1); var a02 = Lane(inputs, length, 2); var a03 = Lane(inputs, length, 3);
        Vector256<ulong> a04, a05, a06, a07, a08;
        if (length == 32)
        {
            // Padding: 0x01 right after the input, 0x80 in the last byte of the 136-byte block (lane 16).
            a04 = Vector256.Create(1UL);
            a05 = a06 = a07 = a08 = Vector256<ulong>.Zero;
        }
        else
        {
            a04 = Lane(inputs, length, 4); a05 = Lane(inputs, length, 5); a06 = Lane(inputs, length, 6); a07 = Lane(inputs, length, 7);
            a08 = Vector256.Create(1UL);
        }

        var a09 = Vector256<ulong>.Zero; var a10 = a09; var a11 = a09; var a12 = a09; var a13 = a09; var a14 = a09; var a15 = a09;
        var a16 = Vector256.Create(0x8000000000000000UL);
        var a17 = a09; var a18 = a09; var a19 = a09; var a20 = a09; var a21 = a09; var a22 = a09; var a23 = a09; var a24 = a09;

        for (var round = 0; round < 24; round++)
        {
            var c0 = a00 ^ a05 ^ a10 ^ a15 ^ a20;
            var c1 = a01 ^ a06 ^ a11 ^ a16 ^ a21;
            var c2 = a02 ^ a07 ^ a12 ^ a17 ^ a22;
            var c3 = a03 ^ a08 ^ a13 ^ a18 ^ a23;
            var c4 = a04 ^ a09 ^ a14 ^ a19 ^ a24;
            var d0 = c4 ^ Rotate(c1, 1);
            var d1 = c0 ^ Rotate(c2, 1);
            var d2 = c1 ^ Rotate(c3, 1);
            var d3 = c2 ^ Rotate(c4, 1);
            var d4 = c3 ^ Rotate(c0, 1);
            var b00 = (a00 ^ d0);
            var b16 = Rotate(a05 ^ d0, 36);
            var b07 = Rotate(a10 ^ d0, 3);
            var b23 = Rotate(a15 ^ d0, 41);
            var b14 = Rotate(a20 ^ d0, 18);
            var b10 = Rotate(a01 ^ d1, 1);
            var b01 = Rotate(a06 ^ d1, 44);
            var b17 = Rotate(a11 ^ d1, 10);
            var b08 = Rotate(a16 ^ d1, 45);
            var b24 = Rotate(a21 ^ d1, 2);
            var b20 = Rotate(a02 ^ d2, 62);
            var b11 = Rotate(a07 ^ d2, 6);
            var b02 = Rotate(a12 ^ d2, 43);
            var b18 = Rotate(a17 ^ d2, 15);
            var b09 = Rotate(a22 ^ d2, 61);
            var b05 = Rotate(a03 ^ d3, 28);
            var b21 = Rotate(a08 ^ d3, 55);
            var b12 = Rotate(a13 ^ d3, 25);
            var b03 = Rotate(a18 ^ d3, 21);
            var b19 = Rotate(a23 ^ d3, 56);
            var b15 = Rotate(a04 ^ d4, 27);
            var b06 = Rotate(a09 ^ d4, 20);
            var b22 = Rotate(a14 ^ d4, 39);
            var b13 = Rotate(a19 ^ d4, 8);
            var b04 = Rotate(a24 ^ d4, 14);
            a00 = b00 ^ Vector256.AndNot(b02, b01);
            a01 = b01 ^ Vector256.AndNot(b03, b02);
            a02 = b02 ^ Vector256.AndNot(b04, b03);
            a03 = b03 ^ Vector256.AndNot(b00, b04);
            a04 = b04 ^ Vector256.AndNot(b01, b00);
            a05 = b05 ^ Vector256.AndNot(b07, b06);
            a06 = b06 ^ Vector256.AndNot(b08, b07);
            a07 = b07 ^ Vector256.AndNot(b09, b08);
            a08 = b08 ^ Vector256.AndNot(b05, b09);
            a09 = b09 ^ Vector256.AndNot(b06, b05);
            a10 = b10 ^ Vector256.AndNot(b12, b11);
            a11 = b11 ^ Vector256.AndNot(b13, b12);
            a12 = b12 ^ Vector256.AndNot(b14, b13);
            a13 = b13 ^ Vector256.AndNot(b10, b14);
            a14 = b14 ^ Vector256.AndNot(b11, b10);
            a15 = b15 ^ Vector256.AndNot(b17, b16);
            a16 = b16 ^ Vector256.AndNot(b18, b17);
            a17 = b17 ^ Vector256.AndNot(b19, b18);
            a18 = b18 ^ Vector256.AndNot(b15, b19);
            a19 = b19 ^ Vector256.AndNot(b16, b15);
            a20 = b20 ^ Vector256.AndNot(b22, b21);
            a21 = b21 ^ Vector256.AndNot(b23, b22);
            a22 = b22 ^ Vector256.AndNot(b24, b23);
            a23 = b23 ^ Vector256.AndNot(b20, b24);
            a24 = b24 ^ Vector256.AndNot(b21, b20);
            a00 ^= Vector256.Create(Keccak256.RoundConstants[round]);
        }

        for (var k = 0; k < 4; k++)
        {
            var output = outputs.Slice(k * Keccak256.HashSize, Keccak256.HashSize);
            BinaryPrimitives.WriteUInt64LittleEndian(output, a00.GetElement(k));
            BinaryPrimitives.WriteUInt64LittleEndian(output[8..], a01.GetElement(k));
            BinaryPrimitives.WriteUInt64LittleEndian(output[16..], a02.GetElement(k));
            BinaryPrimitives.WriteUInt64LittleEndian(output[24..], a03.GetElement(k));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<ulong> Lane(ReadOnlySpan<byte> inputs, int length, int lane) => Vector256.Create(
        BinaryPrimitives.ReadUInt64LittleEndian(inputs[(lane * 8)..]),
        BinaryPrimitives.ReadUInt64LittleEndian(inputs[(length + (lane * 8))..]),
        BinaryPrimitives.ReadUInt64LittleEndian(inputs[((2 * length) + (lane * 8))..]),
        BinaryPrimitives.ReadUInt64LittleEndian(inputs[((3 * length) + (lane * 8))..]));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<ulong> Rotate(Vector256<ulong> value, int bits) => (value << bits) | (value >>> (64 - bits));
}
