using System.Collections.Immutable;
using JobLog.Properties.Node;
using JobLog.Properties.Cron;
using JobLog.Properties.Dst;
using JobLog.Properties.Isolation;
using JobLog.Properties.Store;
using JobLog.Testing.ClusterSim;

namespace JobLog.Properties;

/// <summary>
/// Every generator of the property tests. Histories come from commands run through the decider; shrinking
/// removes commands and rebuilds, so a counterexample is always a valid and short history.
/// </summary>
public static class JobArbitraries
{
    public const int MaxJobs = 5;

    private static readonly string[] Crons =
    [
        "0 2 * * *", "30 2 * * *", "30 1 * * *", "*/15 * * * *", "0 */6 * * *", "5 4 * * 0", "0 9 * * 1-5",
        "0 0 1 * *", "*/20 * * * * *", "30 30 2 * * *", "0 0 */2 * * *",
    ];

    private static readonly string[] Zones =
        ["UTC", "Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata"];

    // Instants at which the zones above change offset in 2026, where fold and occurrence bugs hide.
    private static readonly DateTimeOffset[] Transitions =
    [
        new(2026, 3, 29, 1, 0, 0, TimeSpan.Zero), new(2026, 10, 25, 1, 0, 0, TimeSpan.Zero),
        new(2026, 3, 8, 7, 0, 0, TimeSpan.Zero), new(2026, 11, 1, 6, 0, 0, TimeSpan.Zero),
        new(2026, 4, 4, 15, 0, 0, TimeSpan.Zero), new(2026, 10, 3, 15, 30, 0, TimeSpan.Zero),
    ];

    private static readonly (string Name, string Value)[] Headers =
        [("Authorization", "Bearer t0k3n"), ("X-Job", "1"), ("content-type", "application/json")];

    /// <summary>
    /// Valid dispatch policies: the default (what every job without one has) or any choice with numbers anywhere in
    /// their ranges, their bounds often.
    /// </summary>
    public static Gen<DispatchPolicy> Policies { get; } =
        Gen.Frequency(
            (1, Gen.Constant(DispatchPolicy.Default)),
            (3,
                from misfire in Gen.Elements(Enum.GetValues<MisfirePolicy>())
                from window in Bounded(0, JobDefinitionRules.MaxCatchUpWindowSeconds)
                from concurrency in Gen.Elements(Enum.GetValues<ConcurrencyPolicy>())
                from attempts in Bounded(JobDefinitionRules.MinRetryAttempts, JobDefinitionRules.MaxRetryAttempts)
                from backoff in Bounded(0, JobDefinitionRules.MaxBackoffSeconds)
                from maxBackoff in Bounded(backoff, JobDefinitionRules.MaxMaxBackoffSeconds)
                select new DispatchPolicy(misfire, window, concurrency, new RetryPolicy(attempts, backoff, maxBackoff))));

    private static Gen<int> Bounded(int min, int max) =>
        Gen.Frequency((1, Gen.Elements(min, max)), (2, Gen.Choose(min, max)));

    public static Gen<JobDefinition> Definitions { get; } =
        from name in Gen.Elements("nightly-report", "Backup DB", "ping", "Rapport für Jänner")
        from cron in Gen.Elements(Crons)
        from zone in Gen.Elements(Zones)
        from url in Gen.Elements("https://hooks.example.com/run", "http://10.0.0.7:8080/jobs/cleanup", "https://example.org/a?b=c")
        from method in Gen.Elements(JobDefinitionRules.Methods.Order(StringComparer.Ordinal).ToArray())
        from headers in Gen.SubListOf(Headers)
        from secretHeaders in Gen.SubListOf(headers.Select(h => h.Name))
        from body in Gen.Elements(null, "{}", "{\"full\":true}")
        from timeout in Gen.OneOf(Gen.Constant(WebhookTarget.DefaultTimeoutSeconds), Gen.Choose(1, 300))
        from policy in Policies
        select new JobDefinition(name, cron, zone, new WebhookTarget(
            url,
            method,
            headers.ToImmutableSortedDictionary(h => h.Name, h => h.Value, StringComparer.Ordinal),
            body,
            timeout) { SecretHeaders = secretHeaders.ToImmutableSortedSet(StringComparer.Ordinal) }) { Policy = policy };

    /// <summary>Text a user may send: plain, empty, with JSON's special characters, non-ASCII, or anything valid UTF-16.</summary>
    public static Gen<string> Texts { get; } =
        Gen.Frequency(
            (3, Gen.Elements("", "alice", "Rapport für Jänner", "quote \" and \\ backslash", "tab\tnew\nline\u0001", "日本語 🕒", "\u2028\u2029", "</script>")),
            (2, ArbMap.Default.GeneratorFor<NonNull<string>>().Select(s => s.Get).Where(IsValidUtf16)));

    /// <summary>Header names as the rules admit them: HTTP tokens.</summary>
    public static Gen<string> HeaderNames { get; } =
        from length in Gen.Choose(1, 12)
        from chars in Gen.ArrayOf(Gen.Elements("abcXYZ019-_!#$%&'*+.^`|~".ToCharArray()), length)
        select new string(chars);

    public static Gen<Provenance> Provenances { get; } =
        from actor in Gen.Elements("alice", "bob", Provenance.AnonymousActor)
        from node in Gen.Elements("node-a", "node-b", "node-c")
        from reason in Gen.Elements(null, "maintenance", "on call")
        select new Provenance(actor, node, reason);

    /// <summary>Histories that mostly follow legal paths, so streams get long and visit every state.</summary>
    public static Arbitrary<History> Histories() =>
        Arb.From(Scripts(legalPercent: 85).Select(History.From), ShrinkHistory);

    /// <summary>Commands of any kind for any job, about half of them invalid for the job's state at that point.</summary>
    public static Arbitrary<CommandScript> CommandScripts() =>
        Arb.From(
            Scripts(legalPercent: 50).Select(steps => new CommandScript(steps)),
            script => ShrinkList(script.Steps).Select(steps => new CommandScript(steps)));

    /// <summary>Runs of a simulated cluster: 2 to 5 nodes, writes and faults (see tests/Shared/ClusterSim), up to <paramref name="maxOps"/> operations.</summary>
    public static Arbitrary<ClusterRun> ClusterRuns(int maxOps) => Testing.ClusterSim.ClusterRuns.Arbitrary(maxOps);

    public static Arbitrary<Interleaving> Interleavings() =>
        Arb.From(
            from history in Histories().Generator
            from picks in Gen.ArrayOf(Gen.Choose(0, 1_000_000), history.Events.Count)
            select new Interleaving(history, picks),
            i => ShrinkHistory(i.History).Select(h => i with { History = h }));

    public static Arbitrary<Redelivery> Redeliveries() =>
        Arb.From(
            from history in Histories().Generator
            from prefix in Gen.Choose(0, history.Events.Count)
            from ahead in Gen.Choose(1, 3)
            select new Redelivery(history, prefix, ahead),
            r => ShrinkHistory(r.History).Select(h => r with { History = h, Prefix = Math.Min(r.Prefix, h.Events.Count) }));

    public static Arbitrary<MissedFeed> MissedFeeds() =>
        Arb.From(
            from history in Histories().Generator
            from loaded in Gen.Choose(0, history.Events.Count)
            from hidden in Gen.SubListOf(history.Events.Select(e => e.Sequence).ToArray())
            select new MissedFeed(history, loaded, hidden.ToHashSet()),
            m => ShrinkHistory(m.History).Select(h => m with { History = h, Loaded = Math.Min(m.Loaded, h.Events.Count) })
                .Concat(ShrinkList(m.Hidden.Order().ToList()).Select(hidden => m with { Hidden = hidden.ToHashSet() })));

    public static Arbitrary<NoisyFeed> NoisyFeeds() =>
        Arb.From(
            from history in Histories().Generator
            from noise in Gen.ArrayOf(
                Gen.Frequency(
                    (4, Gen.Constant(FeedNoise.None)),
                    (2, Gen.Constant(FeedNoise.FillerBefore)),
                    (2, Gen.Constant(FeedNoise.RolledBackBefore)),
                    (2, Gen.Constant(FeedNoise.CommittedLate))),
                history.Events.Count)
            from loaded in Gen.Choose(0, history.Events.Count)
            select new NoisyFeed(history, noise, loaded),
            f => ShrinkHistory(f.History).Select(h => f with { History = h, Loaded = Math.Min(f.Loaded, h.Events.Count) })
                .Concat(f.Noise.Select((n, i) => (n, i)).Where(x => x.n != FeedNoise.None)
                    .Select(x => f with { Noise = f.Noise.Select((n, j) => j == x.i ? FeedNoise.None : n).ToArray() })));

    public static Arbitrary<StoredEvent> StoredEvents() =>
        Arb.From(
            from id in Gen.Elements("a", "nightly-report", "job_0001", new string('z', JobId.MaxLength))
            from text in Gen.ArrayOf(Texts, 8)
            from headers in Gen.ArrayOf(Gen.Zip(HeaderNames, Texts), 3)
                .Select(pairs => pairs.DistinctBy(p => p.Item1, StringComparer.OrdinalIgnoreCase))
            from timeout in Gen.Choose(int.MinValue, int.MaxValue)
            from policy in Gen.OneOf(Policies, AnyNumberPolicies)
            from enabled in Gen.Elements(true, false)
            from kind in Gen.Choose(0, 5)
            let job = JobId.Parse(id)
            let author = new Provenance(text[0], text[1], kind % 2 == 0 ? null : text[2])
            let definition = new JobDefinition(text[3], text[4], text[5], new WebhookTarget(
                text[6], text[7], headers.ToImmutableSortedDictionary(h => h.Item1, h => h.Item2, StringComparer.Ordinal),
                kind % 3 == 0 ? null : text[2], timeout)) { Policy = policy }
            select new StoredEvent(kind switch
            {
                0 => new JobAdded(job, definition, enabled, author),
                1 => new JobUpdated(job, definition, author),
                2 => new JobPaused(job, author),
                3 => new JobResumed(job, author),
                4 => new JobDeleted(job, author),
                _ => new JobRestored(job, author),
            }));

    /// <summary>Policies with any choice and any numbers, valid or not: what a stored event may hold.</summary>
    private static Gen<DispatchPolicy> AnyNumberPolicies { get; } =
        from misfire in Gen.Elements(Enum.GetValues<MisfirePolicy>())
        from concurrency in Gen.Elements(Enum.GetValues<ConcurrencyPolicy>())
        from numbers in Gen.ArrayOf(Gen.Choose(int.MinValue, int.MaxValue), 4)
        select new DispatchPolicy(misfire, numbers[0], concurrency, new RetryPolicy(numbers[1], numbers[2], numbers[3]));

    /// <summary>
    /// Policies as anyone may build them: each choice defined or not, each number near a bound of its range, inside
    /// or out, or anywhere in int. The rules' verdict on them is checked against a plain reading of the ranges.
    /// </summary>
    public static Arbitrary<PolicyCandidate> PolicyCandidates()
    {
        Gen<int> Near(int min, int max) =>
            Gen.Frequency(
                (3, Gen.Elements(min - 1, min, min + 1, max - 1, max, max + 1)),
                (2, Gen.Choose(min, max)),
                (1, Gen.Elements(int.MinValue, int.MaxValue, -1, 0)),
                (1, Gen.Choose(int.MinValue, int.MaxValue)));
        var gen =
            from misfire in Gen.Frequency((4, Gen.Elements(Enum.GetValues<MisfirePolicy>())), (1, Gen.Elements(-1, 3, 99).Select(n => (MisfirePolicy)n)))
            from window in Near(0, JobDefinitionRules.MaxCatchUpWindowSeconds)
            from concurrency in Gen.Frequency(
                (4, Gen.Elements(Enum.GetValues<ConcurrencyPolicy>())), (1, Gen.Elements(-1, 3, 99).Select(n => (ConcurrencyPolicy)n)))
            from attempts in Near(JobDefinitionRules.MinRetryAttempts, JobDefinitionRules.MaxRetryAttempts)
            from backoff in Near(0, JobDefinitionRules.MaxBackoffSeconds)
            from maxBackoff in Gen.OneOf(Near(0, JobDefinitionRules.MaxMaxBackoffSeconds), Gen.Elements(backoff - 1, backoff, backoff + 1))
            select new PolicyCandidate(new DispatchPolicy(misfire, window, concurrency, new RetryPolicy(attempts, backoff, maxBackoff)));
        return Arb.From(gen, ShrinkPolicy);
    }

    // Towards the default, one member at a time, so a counterexample keeps only the members that matter.
    private static IEnumerable<PolicyCandidate> ShrinkPolicy(PolicyCandidate candidate)
    {
        var p = candidate.Policy;
        var d = DispatchPolicy.Default;
        if (p.Misfire != d.Misfire)
            yield return new(p with { Misfire = d.Misfire });
        if (p.CatchUpWindowSeconds != d.CatchUpWindowSeconds)
            yield return new(p with { CatchUpWindowSeconds = d.CatchUpWindowSeconds });
        if (p.Concurrency != d.Concurrency)
            yield return new(p with { Concurrency = d.Concurrency });
        if (p.Retry.Attempts != d.Retry.Attempts)
            yield return new(p with { Retry = p.Retry with { Attempts = d.Retry.Attempts } });
        if (p.Retry.BackoffSeconds != d.Retry.BackoffSeconds)
            yield return new(p with { Retry = p.Retry with { BackoffSeconds = d.Retry.BackoffSeconds } });
        if (p.Retry.MaxBackoffSeconds != d.Retry.MaxBackoffSeconds)
            yield return new(p with { Retry = p.Retry with { MaxBackoffSeconds = d.Retry.MaxBackoffSeconds } });
    }

    public static Arbitrary<OccurrenceQuery> OccurrenceQueries() =>
        Arb.From(
            from history in Histories().Generator
            from after in Gen.Frequency((3, NearTransition()), (1, Anytime2026()))
            from count in Gen.Choose(0, 40)
            from more in Gen.Choose(0, 40)
            select new OccurrenceQuery(history, after, count, more),
            ShrinkQuery);

    /// <summary>Updates of a job of a decided history that send its read-only fields back, each omitted, the same or changed.</summary>
    public static Arbitrary<ReadOnlyEcho> ReadOnlyEchoes()
    {
        var echo = Gen.Elements(Echo.Omitted, Echo.Same, Echo.Changed);
        return Arb.From(
            from history in Histories().Generator.Where(h => h.Events.Count > 0)
            from job in Gen.Elements(history.Jobs.ToArray())
            from enabled in echo
            from status in echo
            from version in echo
            from createdAt in echo
            from updatedAt in echo
            select new ReadOnlyEcho(history, job, enabled, status, version, createdAt, updatedAt),
            ShrinkEcho);
    }

    private static IEnumerable<ReadOnlyEcho> ShrinkEcho(ReadOnlyEcho echo)
    {
        foreach (var history in ShrinkHistory(echo.History).Where(h => h.Jobs.Contains(echo.Job)))
            yield return echo with { History = history };
        if (echo.Enabled != Echo.Omitted)
            yield return echo with { Enabled = Echo.Omitted };
        if (echo.Status != Echo.Omitted)
            yield return echo with { Status = Echo.Omitted };
        if (echo.Version != Echo.Omitted)
            yield return echo with { Version = Echo.Omitted };
        if (echo.CreatedAt != Echo.Omitted)
            yield return echo with { CreatedAt = Echo.Omitted };
        if (echo.UpdatedAt != Echo.Omitted)
            yield return echo with { UpdatedAt = Echo.Omitted };
    }

    public static Arbitrary<JobDefinition> ValidDefinitions() => Arb.From(Definitions);

    public static Arbitrary<DispatchPolicy> ValidPolicies() => Arb.From(Policies);

    public static Arbitrary<BrokenDefinition> BrokenDefinitions() =>
        Arb.From(
            from valid in Definitions
            from breakage in Gen.Frequency((3, Gen.Elements(Breakages)), (1, UnstorableBreakages))
            select new BrokenDefinition(valid, breakage));

    /// <summary>Two breakages of different fields; headers only once, as all header faults share their map.</summary>
    public static Arbitrary<DoublyBrokenDefinition> DoublyBrokenDefinitions() =>
        Arb.From(
            from valid in Definitions
            from first in Gen.Elements(Breakages)
            from second in Gen.Elements(Breakages)
                .Where(b => b.Field != first.Field && !(IsHeaders(b.Field) && IsHeaders(first.Field)) && !(IsBackoff(b.Field) && IsBackoff(first.Field)))
            select new DoublyBrokenDefinition(valid, first, second));

    private static bool IsHeaders(string field) => field.StartsWith("target.headers", StringComparison.Ordinal);

    // The maximum backoff is checked against the backoff; a broken backoff takes that check away, by design.
    private static bool IsBackoff(string field) => field.StartsWith("policy.retry.", StringComparison.Ordinal) && field.EndsWith("ackoffSeconds", StringComparison.Ordinal);

    // Every string of a definition, read and written, and the field its errors are keyed by.
    private static readonly (string Field, Func<JobDefinition, string> Get, Func<JobDefinition, string, JobDefinition> Set)[] StringFields =
    [
        ("name", d => d.Name, (d, v) => d with { Name = v }),
        ("cron", d => d.Cron, (d, v) => d with { Cron = v }),
        ("timeZone", d => d.TimeZone, (d, v) => d with { TimeZone = v }),
        ("target.url", d => d.Target.Url, (d, v) => d with { Target = d.Target with { Url = v } }),
        ("target.method", d => d.Target.Method, (d, v) => d with { Target = d.Target with { Method = v } }),
        ("target.body", d => d.Target.Body ?? "", (d, v) => d with { Target = d.Target with { Body = v } }),
        ("target.headers.X-Trace", _ => "abc", (d, v) => d with { Target = d.Target with { Headers = d.Target.Headers.SetItem("X-Trace", v) } }),
    ];

    /// <summary>A NUL or an unpaired surrogate put anywhere into any string of the definition, header names included.</summary>
    private static Gen<Breakage> UnstorableBreakages { get; } =
        from bad in Gen.Elements('\0', '\ud800', '\udbff', '\udc00', '\udfff')
        from fieldIndex in Gen.Choose(0, StringFields.Length)
        from position in Gen.Choose(0, 1000)
        select fieldIndex == StringFields.Length
            ? HeaderNameBreakage(bad, position)
            : StringBreakage(StringFields[fieldIndex], bad, position);

    private static Breakage StringBreakage(
        (string Field, Func<JobDefinition, string> Get, Func<JobDefinition, string, JobDefinition> Set) field, char bad, int position) =>
        new($"U+{(int)bad:X4} in {field.Field}", field.Field, d =>
        {
            var text = field.Get(d);
            return field.Set(d, text.Insert(position % (text.Length + 1), bad.ToString()));
        });

    private static Breakage HeaderNameBreakage(char bad, int position)
    {
        var name = "X-Trace".Insert(position % 8, bad.ToString());
        return new($"U+{(int)bad:X4} in a header name", $"target.headers.{name}",
            d => d with { Target = d.Target with { Headers = d.Target.Headers.SetItem(name, "1") } });
    }

    // Zones in their database spelling (links among them), and ids that name no zone a job may use.
    private static readonly string[] IsolationZones =
    [
        "America/Sao_Paulo", "Europe/Berlin", "UTC", "Etc/UTC", "US/Eastern", "Asia/Kolkata", "Australia/Lord_Howe",
        "America/Argentina/Buenos_Aires", "Pacific/Chatham", "Etc/GMT+5", "Europe/London",
        "Factory", "posixrules", "localtime", "posix/Europe/Berlin", "right/UTC", "zone.tab", "Europe//Berlin",
        "W. Europe Standard Time", "Mars/Olympus_Mons",
    ];

    // Valid crons, and some that earlier versions stored and must keep firing the same everywhere.
    private static readonly string[] IsolationCrons = [.. Crons, "*/0 * * * *", "5-1 * * * *", "0 0 1 January *", "61 * * * *"];

    public static Arbitrary<IsolationBatch> IsolationBatches() =>
        Arb.From(
            Gen.NonEmptyListOf(IsolationCases).Resize(40).Select(cases => new IsolationBatch([.. cases])),
            batch => ShrinkList(batch.Cases).Where(cases => cases.Count > 0).Select(cases => new IsolationBatch(cases)));

    private static Gen<IsolationCase> IsolationCases { get; } =
        from definition in Definitions
        from zone in Gen.Elements(IsolationZones)
        from spelled in Gen.Frequency(
            (1, Gen.Constant(zone)), (1, Gen.Constant(zone.ToLowerInvariant())), (1, Gen.Constant(zone.ToUpperInvariant())), (3, RandomCase(zone)))
        from cron in Gen.Elements(IsolationCrons)
        select new IsolationCase(definition with { TimeZone = spelled, Cron = cron }, zone);

    public static Arbitrary<ValidCron> ValidCrons() => Arb.From(ValidCronGen, ShrinkCron);

    /// <summary>
    /// A valid cron and a window around one transition from 2000 to 2040 of a catalog zone: half the time any
    /// transition of any zone, half the time a zone first, so zones with few transitions come up as often as the others.
    /// The window reaches a day past the transition (an hour for six fields, whose oracle walks seconds) plus the
    /// shift, and sometimes opens inside the repeated time. Two crons in three are focused on the hours around the
    /// change. Shrinking turns cron fields into * and narrows the window.
    /// </summary>
    public static Arbitrary<DstCase> DstCases() =>
        Arb.From(
            from transition in Gen.Frequency(
                (1, Gen.Elements(ZoneTransitions.ByZone.SelectMany(list => list).ToArray())),
                (1, Gen.Elements(ZoneTransitions.ByZone.ToArray()).SelectMany(list => Gen.Elements(list.ToArray()))))
            from anyCron in ValidCronGen
            from focused in Gen.Frequency((1, Gen.Constant(false)), (2, Gen.Constant(true)))
            let cron = focused ? FocusOn(anyCron, transition) : anyCron
            let shift = (int)transition.Shift.Duration().TotalSeconds
            let reach = (cron.Fields.Count == 6 ? 3600 : 26 * 3600) + shift
            from start in Gen.Choose(-reach, shift)
            from millis in Gen.Frequency((2, Gen.Constant(0)), (1, Gen.Choose(0, 59_999)))
            from finish in Gen.Choose(Math.Max(start, 0), reach)
            select new DstCase(transition, cron, transition.At.AddSeconds(start).AddMilliseconds(-millis), transition.At.AddSeconds(finish)),
            ShrinkDstCase);

    // Most crons would fire nowhere near the change: these fire on every day at the hours the clocks show around it.
    private static ValidCron FocusOn(ValidCron cron, ZoneTransition transition)
    {
        var hours = Enumerable.Range(-2, 5)
            .SelectMany(h => new[] { transition.At.AddHours(h).ToOffset(transition.Before).Hour, transition.At.AddHours(h).ToOffset(transition.After).Hour })
            .ToHashSet();
        var hourIndex = cron.Fields.Count == 6 ? 2 : 1;
        return cron with
        {
            Fields =
            [
                .. cron.Fields.Take(hourIndex),
                new CronPart(CronFieldSpec.Hour, string.Join(",", hours.Order()), hours),
                .. cron.Fields.Skip(hourIndex + 1).Select(field => CronPart.Any(field.Field)),
            ],
        };
    }

    private static IEnumerable<DstCase> ShrinkDstCase(DstCase c)
    {
        foreach (var cron in ShrinkCron(c.Cron))
            yield return c with { Cron = cron };
        var at = c.Transition.At;
        if (c.After < at.AddMinutes(-1))
            yield return c with { After = at - (at - c.After) / 2 };
        if (c.End > at.AddMinutes(1) && c.End > c.After)
            yield return c with { End = at + (c.End - at) / 2 };
    }

    public static Arbitrary<BrokenCron> BrokenCrons() =>
        Arb.From(
            from valid in ValidCronGen
            from index in Gen.Choose(0, valid.Fields.Count - 1)
            from broken in BrokenField(valid.Fields[index])
            select new BrokenCron(valid, index, broken.Text, broken.Why),
            broken => ShrinkCron(broken.Valid)
                .Where(v => v.Fields.Count == broken.Valid.Fields.Count)
                .Select(v => broken with { Valid = v with { Fields = [.. v.Fields.Select((f, i) => i == broken.Index ? broken.Valid.Fields[i] : f)] } })
                .Where(b => !b.Valid.Equals(broken.Valid)));

    public static Arbitrary<CronText> CronTexts() =>
        Arb.From(
            from pieces in Gen.ListOf(Gen.Frequency(
                (8, Gen.Choose(0, 70).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))),
                (1, Gen.Elements("99999999999", "0000000007", "2147483648", "4294967296", "-1", "+5")),
                (10, Gen.Elements("*", "/", "-", ",", " ", " ", " ", " ", " ")),
                (2, Gen.Elements("jan", "JUL", "Ju", "mon", "S", "sunday", "Thu", "x", "L", "W", "#", "?", "@daily")),
                (1, Gen.Choose(0, 0xFFFF).Select(c => ((char)c).ToString())),
                (1, Gen.Elements("\t", "\n", "\0", "\u00a0", "\u0660", "\uff10", "\ud800", "\ud83d\ude00"))))
            select new CronText(string.Concat(pieces)),
            text => ShrinkList(text.Text.ToCharArray()).Select(chars => new CronText(new string([.. chars]))));

    private static Gen<ValidCron> ValidCronGen { get; } =
        from seconds in Gen.Frequency((3, Gen.Constant(false)), (1, Gen.Constant(true)))
        from fields in Gen.CollectToArray((seconds ? CronFieldSpec.Six : CronFieldSpec.Five).Select(CronFieldGen))
        from separator in Gen.Frequency((5, Gen.Constant(" ")), (1, Gen.Constant("  ")))
        select new ValidCron(fields, separator);

    private static IEnumerable<ValidCron> ShrinkCron(ValidCron cron) =>
        cron.Fields
            .Select((field, i) => (field, i))
            .Where(p => p.field.Text != "*")
            .Select(p => cron with { Fields = [.. cron.Fields.Select((f, j) => j == p.i ? CronPart.Any(f.Field) : f)] });

    private static Gen<CronPart> CronFieldGen(CronFieldSpec field) =>
        from items in Gen.Frequency((4, Gen.Constant(1)), (1, Gen.Choose(2, 4))).SelectMany(n => Gen.ArrayOf(CronItem(field), n))
        select new CronPart(field, string.Join(",", items.Select(i => i.Text)), items.SelectMany(i => i.Values).ToHashSet());

    private static Gen<CronPart> CronItem(CronFieldSpec field)
    {
        var span = field.Max - field.Min;
        return Gen.OneOf(
            Gen.Constant(CronPart.Any(field)),
            from step in Gen.Choose(1, span)
            select new CronPart(field, $"*/{step}", Stepped(field.Min, field.Max, step)),
            from value in Gen.Choose(field.Min, field.Max)
            from text in CronValue(field, value)
            select new CronPart(field, text, new HashSet<int> { value }),
            from first in Gen.Choose(field.Min, field.Max)
            from last in Gen.Choose(first, field.Max)
            from a in CronValue(field, first)
            from b in CronValue(field, last)
            from step in Gen.Frequency((1, Gen.Constant(0)), (1, Gen.Choose(1, span)))
            select step == 0
                ? new CronPart(field, $"{a}-{b}", Stepped(first, last, 1))
                : new CronPart(field, $"{a}-{b}/{step}", Stepped(first, last, step)),
            from first in Gen.Choose(field.Min, field.Max)
            from a in CronValue(field, first)
            from step in Gen.Choose(1, span)
            select new CronPart(field, $"{a}/{step}", Stepped(first, field.Max, step)));
    }

    private static HashSet<int> Stepped(int first, int last, int step) =>
        Enumerable.Range(0, (last - first) / step + 1).Select(k => first + k * step).ToHashSet();

    // A value as a number (sometimes with leading zeros) or, where the field has names, a name in any case.
    private static Gen<string> CronValue(CronFieldSpec field, int value)
    {
        var number = Gen.Frequency(
            (6, Gen.Constant(value.ToString(System.Globalization.CultureInfo.InvariantCulture))),
            (1, Gen.Choose(1, 12).Select(zeros => new string('0', zeros) + value)));
        if (field.Names is not { } names)
            return number;
        var name = names[value - field.Min];
        return Gen.Frequency(
            (2, number),
            (1, RandomCase(name[..3])),
            (1, RandomCase(name)));
    }

    private static Gen<string> RandomCase(string text) =>
        Gen.ArrayOf(Gen.Elements(true, false), text.Length)
            .Select(upper => new string([.. text.Select((c, i) => upper[i] ? char.ToUpperInvariant(c) : char.ToLowerInvariant(c))]));

    // One field made invalid, as an item alone or inside a list with a good one, with what makes it wrong.
    private static Gen<(string Text, string Why)> BrokenField(CronPart good)
    {
        var field = good.Field;
        var span = field.Max - field.Min;
        var huge = Gen.Choose(10, 40).SelectMany(n => Gen.ArrayOf(Gen.Choose(0, 9), n))
            .Select(digits => "9" + string.Concat(digits));
        var bad = Gen.OneOf(
            Gen.Choose(field.Max + 1, field.Max + 1000).Select(v => ($"{v}", "value above the range")),
            huge.Select(v => (v, "value that overflows")),
            huge.Select(v => ($"0-{v}", "range end that overflows")),
            huge.Select(v => ($"*/{v}", "step that overflows")),
            Gen.Elements("*/0", $"{field.Min}-{field.Max}/0", $"{field.Min}/0", "*/00").Select(v => (v, "step 0")),
            Gen.Choose(span + 1, span + 100).Select(s => ($"*/{s}", "step beyond the span")),
            (from first in Gen.Choose(field.Min + 1, field.Max)
             from last in Gen.Choose(field.Min, first - 1)
             select ($"{first}-{last}", "range that runs backwards")),
            Gen.Elements("*/2/3", "1-2-3", "*-5", "-", "5-", "*/", "/5", "*/-1", "*/+1", "+1", "1.5", "?", "L", "#", "5W", "1#2")
                .Select(v => (v, "malformed item")),
            Gen.Elements(",", $"{field.Min},", $",{field.Min}", $"{field.Min},,{field.Max}").Select(v => (v, "empty list item")),
            Gen.Elements(field.Names is null ? new[] { "jan", "mon", "x" } : ["J", "Ju", "S", "T", "Janu", "Mond", "x", "jan-"])
                .Select(v => (v, "not a number or an accepted name")));
        if (field.Min > 0)
            bad = Gen.OneOf(bad, Gen.Constant(($"{field.Min - 1}", "value below the range")));
        return Gen.OneOf(
            bad,
            bad.Select(b => ($"{good.Text},{b.Item1}", b.Item2 + " after a good item")));
    }

    private static readonly Breakage[] Breakages =
    [
        new("blank name", "name", d => d with { Name = "  " }),
        new("name of 201 characters", "name", d => d with { Name = new string('n', JobDefinitionRules.MaxNameLength + 1) }),
        new("name with a tab", "name", d => d with { Name = "night\tly" }),
        new("cron of 4 fields", "cron", d => d with { Cron = "0 2 * *" }),
        new("cron of 7 fields", "cron", d => d with { Cron = "0 0 2 * * * 2026" }),
        new("minute 61", "cron", d => d with { Cron = "61 2 * * *" }),
        new("minute range overflowing int", "cron", d => d with { Cron = "0-99999999999 2 * * *" }),
        new("minute step overflowing int", "cron", d => d with { Cron = "*/99999999999 2 * * *" }),
        new("minute step 0", "cron", d => d with { Cron = "*/0 2 * * *" }),
        new("backwards minute range", "cron", d => d with { Cron = "5-1 2 * * *" }),
        new("unknown zone", "timeZone", d => d with { TimeZone = "Mars/Olympus_Mons" }),
        new("Windows zone name", "timeZone", d => d with { TimeZone = "W. Europe Standard Time" }),
        new("pseudo zone Factory", "timeZone", d => d with { TimeZone = "Factory" }),
        new("pseudo zone posixrules", "timeZone", d => d with { TimeZone = "posixrules" }),
        new("pseudo zone localtime", "timeZone", d => d with { TimeZone = "localtime" }),
        new("zone under posix/", "timeZone", d => d with { TimeZone = "posix/Europe/Berlin" }),
        new("zone under right/", "timeZone", d => d with { TimeZone = "right/UTC" }),
        new("zone.tab", "timeZone", d => d with { TimeZone = "zone.tab" }),
        new("url with a leading space", "target.url", d => d with { Target = d.Target with { Url = " https://example.com/run" } }),
        new("url with a trailing space", "target.url", d => d with { Target = d.Target with { Url = "https://example.com/run " } }),
        new("url with a tab", "target.url", d => d with { Target = d.Target with { Url = "https://example.com/r\tun" } }),
        new("url with CR LF", "target.url", d => d with { Target = d.Target with { Url = "https://example.com/run\r\nX-A: 1" } }),
        new("url with a space", "target.url", d => d with { Target = d.Target with { Url = "https://example.com/a run" } }),
        new("relative url", "target.url", d => d with { Target = d.Target with { Url = "/hooks/run" } }),
        new("ftp url", "target.url", d => d with { Target = d.Target with { Url = "ftp://files.example.com/run" } }),
        new("url of 2049 characters", "target.url",
            d => d with { Target = d.Target with { Url = "https://example.com/" + new string('a', JobDefinitionRules.MaxUrlLength - 19) } }),
        new("lowercase method", "target.method", d => d with { Target = d.Target with { Method = "post" } }),
        new("method TRACE", "target.method", d => d with { Target = d.Target with { Method = "TRACE" } }),
        new("header name with a space", "target.headers.X Trace", d => d with { Target = d.Target with { Headers = d.Target.Headers.SetItem("X Trace", "1") } }),
        new("header value with a line break", "target.headers.X-Trace",
            d => d with { Target = d.Target with { Headers = d.Target.Headers.SetItem("X-Trace", "1\r\nHost: evil") } }),
        new("header value with U+0001", "target.headers.X-Trace",
            d => d with { Target = d.Target with { Headers = d.Target.Headers.SetItem("X-Trace", "a\u0001b") } }),
        new("header value with DEL", "target.headers.X-Trace",
            d => d with { Target = d.Target with { Headers = d.Target.Headers.SetItem("X-Trace", "a\u007fb") } }),
        new("header value with a leading space", "target.headers.X-Trace",
            d => d with { Target = d.Target with { Headers = d.Target.Headers.SetItem("X-Trace", " ab") } }),
        new("51 headers", "target.headers", d => d with
        {
            Target = d.Target with
            {
                // Added to the job's own headers, so the secret header names it lists still name headers.
                Headers = d.Target.Headers.SetItems(Enumerable.Range(0, JobDefinitionRules.MaxHeaders + 1)
                    .Select(i => KeyValuePair.Create($"X-H{i}", "v"))),
            },
        }),
        new("body over 32 KiB", "target.body", d => d with { Target = d.Target with { Body = new string('b', JobDefinitionRules.MaxBodyLength + 1) } }),
        new("timeout 0", "target.timeoutSeconds", d => d with { Target = d.Target with { TimeoutSeconds = 0 } }),
        new("timeout 301", "target.timeoutSeconds", d => d with { Target = d.Target with { TimeoutSeconds = 301 } }),
        new("misfire policy 3", "policy.misfire", d => d with { Policy = d.Policy with { Misfire = (MisfirePolicy)3 } }),
        new("misfire policy -1", "policy.misfire", d => d with { Policy = d.Policy with { Misfire = (MisfirePolicy)(-1) } }),
        new("catch-up window -1", "policy.catchUpWindowSeconds", d => d with { Policy = d.Policy with { CatchUpWindowSeconds = -1 } }),
        new("catch-up window of 7 days and a second", "policy.catchUpWindowSeconds",
            d => d with { Policy = d.Policy with { CatchUpWindowSeconds = JobDefinitionRules.MaxCatchUpWindowSeconds + 1 } }),
        new("catch-up window int.MinValue", "policy.catchUpWindowSeconds", d => d with { Policy = d.Policy with { CatchUpWindowSeconds = int.MinValue } }),
        new("concurrency policy 3", "policy.concurrency", d => d with { Policy = d.Policy with { Concurrency = (ConcurrencyPolicy)3 } }),
        new("0 attempts", "policy.retry.attempts", d => d with { Policy = d.Policy with { Retry = d.Policy.Retry with { Attempts = 0 } } }),
        new("11 attempts", "policy.retry.attempts", d => d with { Policy = d.Policy with { Retry = d.Policy.Retry with { Attempts = 11 } } }),
        new("backoff -1", "policy.retry.backoffSeconds", d => d with { Policy = d.Policy with { Retry = d.Policy.Retry with { BackoffSeconds = -1 } } }),
        new("backoff 3601", "policy.retry.backoffSeconds", d => d with { Policy = d.Policy with { Retry = d.Policy.Retry with { BackoffSeconds = 3601 } } }),
        new("maximum backoff 86401", "policy.retry.maxBackoffSeconds",
            d => d with { Policy = d.Policy with { Retry = d.Policy.Retry with { MaxBackoffSeconds = JobDefinitionRules.MaxMaxBackoffSeconds + 1 } } }),
        new("maximum backoff below the backoff", "policy.retry.maxBackoffSeconds",
            d => d with { Policy = d.Policy with { Retry = d.Policy.Retry with { MaxBackoffSeconds = d.Policy.Retry.BackoffSeconds - 1 } } }),
    ];

    public static Arbitrary<IdText> IdTexts() =>
        Arb.From(
            from length in Gen.Frequency((3, Gen.Choose(0, 8)), (1, Gen.Choose(60, 68)))
            from chars in Gen.ArrayOf(
                Gen.Frequency((30, Gen.Elements("abcxyz0189-_".ToCharArray())), (1, Gen.Elements("AZ .:/é\0".ToCharArray()))),
                length)
            select new IdText(new string(chars)),
            id => ShrinkList(id.Text.ToCharArray()).Select(chars => new IdText(new string([.. chars]))));

    private static Gen<DateTimeOffset> NearTransition() =>
        from at in Gen.Elements(Transitions)
        from minutes in Gen.Choose(-240, 240)
        from millis in Gen.Choose(0, 59_999)
        select at.AddMinutes(minutes).AddMilliseconds(millis);

    private static Gen<DateTimeOffset> Anytime2026() =>
        from minutes in Gen.Choose(0, 365 * 24 * 60)
        from millis in Gen.Choose(0, 59_999)
        select History.Start.AddMinutes(minutes).AddMilliseconds(millis);

    private static IEnumerable<OccurrenceQuery> ShrinkQuery(OccurrenceQuery q)
    {
        foreach (var h in ShrinkHistory(q.History))
            yield return q with { History = h };
        if (q.Count > 0)
            yield return q with { Count = q.Count / 2 };
        if (q.More > 1)
            yield return q with { More = q.More / 2 };
    }

    private static IEnumerable<History> ShrinkHistory(History history) =>
        ShrinkList(history.Steps).Select(History.From);

    private static bool IsValidUtf16(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                i++;
            else if (char.IsSurrogate(text[i]))
                return false;
        }
        return true;
    }

    /// <summary>Removes runs of half, a quarter, ... down to single elements, keeping the order.</summary>
    public static IEnumerable<IReadOnlyList<T>> ShrinkList<T>(IReadOnlyList<T> items)
    {
        for (var size = items.Count; size >= 1; size /= 2)
        {
            for (var start = 0; start + size <= items.Count; start += size)
                yield return [.. items.Take(start), .. items.Skip(start + size)];
        }
    }

    private static Gen<IReadOnlyList<Step>> Scripts(int legalPercent) =>
        from jobs in Gen.Choose(1, MaxJobs)
        from drafts in Gen.ListOf(Drafts(jobs))
        select Interpret(drafts, legalPercent);

    private sealed record Draft(int Job, int Roll, int Kind, JobDefinition Definition, bool Enabled, Provenance By, int Delay);

    private static Gen<Draft> Drafts(int jobs) =>
        from job in Gen.Choose(1, jobs)
        from roll in Gen.Choose(0, 99)
        from kind in Gen.Choose(0, 59)
        from definition in Definitions
        from enabled in Gen.Frequency((4, Gen.Constant(true)), (1, Gen.Constant(false)))
        from who in Provenances
        from delay in Gen.Frequency((3, Gen.Choose(1, 120)), (1, Gen.Choose(1, 86_400)))
        select new Draft(job, roll, kind, definition, enabled, who, delay);

    // Drafts become commands against the state so far: mostly a legal one, sometimes any command at all.
    private static IReadOnlyList<Step> Interpret(IEnumerable<Draft> drafts, int legalPercent)
    {
        var states = new Dictionary<JobId, JobState?>();
        var steps = new List<Step>();
        foreach (var d in drafts)
        {
            var id = JobId.Parse($"job-{d.Job}");
            var state = states.GetValueOrDefault(id);
            string[] legal = state switch
            {
                null => ["add"],
                { Status: JobStatus.Deleted } => ["restore"],
                // Deleting is one choice in six: deleted jobs can only be restored, so more would make streams repetitive.
                { Enabled: true } => ["update", "pause", "update", "delete", "pause", "update"],
                _ => ["update", "resume", "update", "delete", "resume", "resume"],
            };
            string[] any = ["add", "update", "pause", "resume", "delete", "restore"];
            var kind = d.Roll < legalPercent ? legal[d.Kind % legal.Length] : any[d.Kind % any.Length];
            JobCommand command = kind switch
            {
                "add" => new AddJob(id, d.Definition, d.Enabled, d.By),
                "update" => new UpdateJob(id, d.Definition, d.By),
                "pause" => new PauseJob(id, d.By),
                "resume" => new ResumeJob(id, d.By),
                "delete" => new DeleteJob(id, d.By),
                _ => new RestoreJob(id, d.By),
            };
            steps.Add(new Step(command, d.Delay));
            if (JobDecider.Decide(state, command) is Accepted { Event: var e })
                states[id] = JobEvolution.Evolve(state, new RecordedEvent(e, (state?.Version ?? 0) + 1, 0, History.Start));
        }
        return steps;
    }
}
