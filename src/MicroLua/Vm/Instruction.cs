using System.Runtime.CompilerServices;
using MicroLua.Core;

namespace MicroLua.Vm;

/// <summary>
/// Encoding of 32-bit instructions, field for field as Lua 5.4:
/// <c>op</c> in bits 0-6, <c>A</c> in 7-14, <c>k</c> in 15, <c>B</c> in 16-23, <c>C</c> in 24-31;
/// <c>Bx</c> (17 bits) and <c>sBx</c> in 15-31; <c>Ax</c> and <c>sJ</c> (25 bits) in 7-31.
/// Signed fields are stored with an excess-K bias.
/// </summary>
internal static class Instruction
{
    public const int SizeOp = 7;
    public const int SizeA = 8;
    public const int SizeB = 8;
    public const int SizeC = 8;
    public const int SizeBx = SizeC + SizeB + 1;
    public const int SizeAx = SizeBx + SizeA;
    public const int SizeSJ = SizeBx + SizeA;

    public const int PosA = SizeOp;
    public const int PosK = PosA + SizeA;
    public const int PosB = PosK + 1;
    public const int PosC = PosB + SizeB;
    public const int PosBx = PosK;
    public const int PosAx = PosA;
    public const int PosSJ = PosA;

    public const int MaxA = (1 << SizeA) - 1;
    public const int MaxB = (1 << SizeB) - 1;
    public const int MaxC = (1 << SizeC) - 1;
    public const int MaxBx = (1 << SizeBx) - 1;
    public const int MaxAx = (1 << SizeAx) - 1;
    public const int MaxSJ = (1 << SizeSJ) - 1;

    /// <summary>Bias of sBx: sBx = Bx - OffsetSBx.</summary>
    public const int OffsetSBx = MaxBx >> 1;
    /// <summary>Bias of sJ: sJ = field - OffsetSJ.</summary>
    public const int OffsetSJ = MaxSJ >> 1;
    /// <summary>Bias of sB and sC: value = field - OffsetSC.</summary>
    public const int OffsetSC = MaxC >> 1;

    /// <summary>Registers in a function: A is 8 bits and 255 is kept free for "no register".</summary>
    public const int MaxRegisters = 255;

    /// <summary>log2 of sizeof(Value): a register or constant field times 16 is its byte offset.</summary>
    private const int ValueShift = 4;

    // v + A(i), v + B(i), v + C(i) for a register file or the constants: the field's byte offset
    // in one shift and one mask. The fields take the instruction as a ulong (the loop widens it
    // once when it reads it): on 32 bits the JIT zero-extended the result at every use, and
    // compiled `v + A(i)` as shift, zero-extend, two moves and a shift. Together 2-7% of the
    // instructions of each benchmark (docs/performance.md).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe Value* SlotA(Value* v, ulong i) => (Value*)((byte*)v + ((i >> (PosA - ValueShift)) & ((ulong)MaxA << ValueShift)));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe Value* SlotB(Value* v, ulong i) => (Value*)((byte*)v + ((i >> (PosB - ValueShift)) & ((ulong)MaxB << ValueShift)));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe Value* SlotC(Value* v, ulong i) => (Value*)((byte*)v + ((i >> (PosC - ValueShift)) & ((ulong)MaxC << ValueShift)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static OpCode Op(ulong i) => (OpCode)(i & 0x7F);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int A(ulong i) => (int)((i >> PosA) & MaxA);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int B(ulong i) => (int)((i >> PosB) & MaxB);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int C(ulong i) => (int)(i >> PosC);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool K(ulong i) => (i & (1ul << PosK)) != 0;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int SB(ulong i) => B(i) - OffsetSC;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int SC(ulong i) => C(i) - OffsetSC;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Bx(ulong i) => (int)(i >> PosBx);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int SBx(ulong i) => (int)(i >> PosBx) - OffsetSBx;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Ax(ulong i) => (int)(i >> PosAx);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int SJ(ulong i) => (int)(i >> PosSJ) - OffsetSJ;

    public static uint CreateABCk(OpCode op, int a, int b, int c, bool k) =>
        (uint)op | ((uint)a << PosA) | ((uint)b << PosB) | ((uint)c << PosC) | (k ? 1u << PosK : 0u);
    public static uint CreateABC(OpCode op, int a, int b, int c) => CreateABCk(op, a, b, c, false);
    public static uint CreateABx(OpCode op, int a, int bx) => (uint)op | ((uint)a << PosA) | ((uint)bx << PosBx);
    public static uint CreateAsBx(OpCode op, int a, int sbx) => CreateABx(op, a, sbx + OffsetSBx);
    public static uint CreateAx(OpCode op, int ax) => (uint)op | ((uint)ax << PosAx);
    public static uint CreateSJ(OpCode op, int sj) => (uint)op | ((uint)(sj + OffsetSJ) << PosSJ);

    public static uint SetA(uint i, int a) => (i & ~((uint)MaxA << PosA)) | ((uint)a << PosA);
    public static uint SetB(uint i, int b) => (i & ~((uint)MaxB << PosB)) | ((uint)b << PosB);
    public static uint SetC(uint i, int c) => (i & ~((uint)MaxC << PosC)) | ((uint)c << PosC);
    public static uint SetK(uint i, bool k) => k ? i | (1u << PosK) : i & ~(1u << PosK);
    public static uint SetBx(uint i, int bx) => (i & ~((uint)MaxBx << PosBx)) | ((uint)bx << PosBx);
    public static uint SetSJ(uint i, int sj) => (i & ~((uint)MaxSJ << PosSJ)) | ((uint)(sj + OffsetSJ) << PosSJ);
}
