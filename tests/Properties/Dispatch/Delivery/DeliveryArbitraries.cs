using System.Net;

namespace JobLog.Properties.Dispatch.Delivery;

/// <summary>An IPv4 range as numbers (network masked to its prefix) and an address, often at or next to the range's edges.</summary>
public sealed record V4Case(uint Network, int Prefix, uint Address)
{
    public uint Last => LastOf(Network, Prefix);

    // C# takes a shift count modulo the width: a shift by 32 would be a shift by 0.
    public static uint LastOf(uint network, int prefix) => prefix == 32 ? network : network | (uint.MaxValue >> prefix);

    public string Range => $"{V4(Network)}/{Prefix}";

    public static IPAddress V4(uint value) => new([(byte)(value >> 24), (byte)(value >> 16), (byte)(value >> 8), (byte)value]);

    public override string ToString() => $"{Range} ∋? {V4(Address)}";
}

/// <summary>An IPv6 range as a 128-bit number (masked) and an address, often at or next to the edges.</summary>
public sealed record V6Case(UInt128 Network, int Prefix, UInt128 Address)
{
    public UInt128 Last => LastOf(Network, Prefix);

    public static UInt128 LastOf(UInt128 network, int prefix) => prefix == 128 ? network : network | (UInt128.MaxValue >> prefix);

    public string Range => $"{V6(Network)}/{Prefix}";

    public static IPAddress V6(UInt128 value)
    {
        var bytes = new byte[16];
        for (var i = 0; i < 16; i++)
            bytes[i] = (byte)(value >> (8 * (15 - i)));
        return new IPAddress(bytes);
    }

    public override string ToString() => $"{Range} ∋? {V6(Address)}";
}

/// <summary>Allowed and denied IPv4 ranges and an address to judge.</summary>
public sealed record PolicyCase(IReadOnlyList<V4Case> Allow, IReadOnlyList<V4Case> Deny, uint Address)
{
    public override string ToString() =>
        $"allow [{string.Join(", ", Allow.Select(r => r.Range))}] deny [{string.Join(", ", Deny.Select(r => r.Range))}] address {V4Case.V4(Address)}";
}

public static class DeliveryArbitraries
{
    private static readonly Gen<uint> Numbers = ArbMap.Default.GeneratorFor<uint>();

    public static Arbitrary<V4Case> V4Cases() => Arb.From(
        from prefix in Gen.Choose(0, 32)
        from raw in Numbers
        let network = prefix == 0 ? 0u : raw & (uint.MaxValue << (32 - prefix))
        let last = V4Case.LastOf(network, prefix)
        from address in Gen.Frequency(
            (2, Numbers),
            (1, Gen.Constant(network)),
            (1, Gen.Constant(last)),
            (1, Gen.Constant(unchecked(network - 1))),
            (1, Gen.Constant(unchecked(last + 1))))
        select new V4Case(network, prefix, address));

    public static Arbitrary<V6Case> V6Cases() => Arb.From(
        from prefix in Gen.Choose(0, 128)
        from high in ArbMap.Default.GeneratorFor<ulong>()
        from low in ArbMap.Default.GeneratorFor<ulong>()
        let raw = new UInt128(high, low)
        let network = prefix == 0 ? UInt128.Zero : raw & (UInt128.MaxValue << (128 - prefix))
        let last = V6Case.LastOf(network, prefix)
        from address in Gen.Frequency(
            (2, from h in ArbMap.Default.GeneratorFor<ulong>() from l in ArbMap.Default.GeneratorFor<ulong>() select new UInt128(h, l)),
            (1, Gen.Constant(network)),
            (1, Gen.Constant(last)),
            (1, Gen.Constant(unchecked(network - 1))),
            (1, Gen.Constant(unchecked(last + 1))))
        select new V6Case(network, prefix, address));

    // Small address space (10.0.0.0/28 and around) so that allowed and denied ranges overlap the address often.
    public static Arbitrary<PolicyCase> PolicyCases()
    {
        var ranges =
            from prefix in Gen.Choose(26, 32)
            from offset in Gen.Choose(0, 63)
            let network = (0x0A000000u + (uint)offset) & (uint.MaxValue << (32 - prefix))
            select new V4Case(network, prefix, 0);
        return Arb.From(
            from allowCount in Gen.Choose(0, 3)
            from allow in Gen.ListOf(ranges, allowCount)
            from denyCount in Gen.Choose(0, 3)
            from deny in Gen.ListOf(ranges, denyCount)
            from offset in Gen.Choose(0, 63)
            select new PolicyCase([.. allow], [.. deny], 0x0A000000u + (uint)offset),
            ShrinkPolicy);
    }

    // Fewer ranges first: a counterexample ends with only the ranges that matter.
    private static IEnumerable<PolicyCase> ShrinkPolicy(PolicyCase c) =>
        Enumerable.Range(0, c.Allow.Count).Select(i => c with { Allow = [.. c.Allow.Where((_, j) => j != i)] })
            .Concat(Enumerable.Range(0, c.Deny.Count).Select(i => c with { Deny = [.. c.Deny.Where((_, j) => j != i)] }));
}
