using System.Collections.Immutable;
using JobLog.Secrets;
using JobLog.Testing;

namespace JobLog.Properties.Secrets;

/// <summary>
/// For any headers, some secret by default, some listed, some plain: what anyone can see of the stored target holds no
/// secret value, and sending that view back keeps every stored value exactly (a PUT of a GET changes nothing).
/// </summary>
public sealed class RedactionProperties
{
    private static readonly ISecretVault Vault = SecretVaults.Shared;

    // Secret values carry '@', which no header name, plain value below, fingerprint or ciphertext contains, so any
    // occurrence of one in the view is the value itself, not a coincidence.
    private static readonly Gen<string> SecretValues =
        from length in Gen.Choose(1, 24)
        from chars in Gen.ArrayOf(Gen.Elements("QWERTYUPASDFGHJKLZXCVBNM!%".ToCharArray()), length)
        select "@" + new string(chars);

    private static readonly Gen<string> PlainValues = Gen.Elements("1", "application/json", "trace-7", "no");

    private static readonly Gen<HeaderCase> Cases =
        Gen.OneOf(
            from name in Gen.Elements("Authorization", "cookie", "X-Api-Key", "X-Auth-Token", "Client-Secret", "X-Password")
            from value in SecretValues
            select new HeaderCase(name, value, Listed: false, Secret: true),
            from name in Gen.Elements("X-Signature", "X-Tenant", "Signature")
            from listed in Gen.Elements(true, false)
            from value in listed ? SecretValues : PlainValues
            select new HeaderCase(name, value, listed, Secret: listed),
            from name in Gen.Elements("X-Trace", "Content-Type", "Accept")
            from value in PlainValues
            select new HeaderCase(name, value, Listed: false, Secret: false));

    private static readonly Arbitrary<HeaderCase[]> HeaderSets = Arb.From(
        Gen.ArrayOf(Cases).Select(cases => cases.DistinctBy(c => c.Name, StringComparer.OrdinalIgnoreCase).ToArray()),
        cases => Enumerable.Range(0, cases.Length).Select(i => cases.Where((_, j) => j != i).ToArray()));

    [Property(MaxTest = 300)]
    public Property The_view_of_a_stored_target_holds_no_secret_value_and_sent_back_keeps_the_stored_target_exactly() =>
        Prop.ForAll(HeaderSets, cases =>
        {
            var given = new WebhookTarget(
                "https://hooks.example.com/run", "POST",
                cases.ToImmutableSortedDictionary(c => c.Name, c => c.Value, StringComparer.Ordinal), null, 30)
            {
                SecretHeaders = cases.Where(c => c.Listed).Select(c => c.Name).ToImmutableSortedSet(StringComparer.Ordinal),
            };
            var stored = TargetSecrets.SealAsync(given, null, Vault, CancellationToken.None).GetAwaiter().GetResult().Target!;

            var view = RedactedHeaders.Of(stored);
            var shown = string.Join("\n", view.Headers.Select(h => $"{h.Key}: {h.Value}").Concat(view.Fingerprints.Values));
            var leaked = cases.Where(c => c.Secret && shown.Contains(c.Value, StringComparison.Ordinal)).Select(c => c.Name).ToList();
            var wrong = cases.Where(c => view.Headers[c.Name] != (c.Secret ? SecretValue.Redacted : c.Value)).Select(c => c.Name).ToList();
            var unfingerprinted = cases.Where(c => c.Secret && !view.Fingerprints.ContainsKey(c.Name)).Select(c => c.Name).ToList();

            var sentBack = stored with { Headers = view.Headers.ToImmutableSortedDictionary(StringComparer.Ordinal) };
            var kept = TargetSecrets.SealAsync(sentBack, stored, Vault, CancellationToken.None).GetAwaiter().GetResult();
            var revealed = TargetSecrets.TryReveal(stored, Vault, out var clear, out _) ? clear : null;

            return (leaked.Count == 0).Label($"secret values shown: {string.Join(", ", leaked)}")
                .And((wrong.Count == 0).Label($"headers shown other than redacted or as given: {string.Join(", ", wrong)}"))
                .And((unfingerprinted.Count == 0).Label($"secret headers without a fingerprint: {string.Join(", ", unfingerprinted)}"))
                .And((kept.Target == stored).Label($"the view sent back changed the stored target: {string.Join("; ", kept.Errors)}"))
                .And((revealed == given).Label("revealing the stored target does not give back the values given"));
        });

    public sealed record HeaderCase(string Name, string Value, bool Listed, bool Secret);
}
