using System.Collections.Immutable;
using JobLog.Properties.Cluster;
using JobLog.Properties.Store;

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

    public static Gen<JobDefinition> Definitions { get; } =
        from name in Gen.Elements("nightly-report", "Backup DB", "ping", "Rapport für Jänner")
        from cron in Gen.Elements(Crons)
        from zone in Gen.Elements(Zones)
        from url in Gen.Elements("https://hooks.example.com/run", "http://10.0.0.7:8080/jobs/cleanup", "https://example.org/a?b=c")
        from method in Gen.Elements(JobDefinitionRules.Methods.Order(StringComparer.Ordinal).ToArray())
        from headers in Gen.SubListOf(Headers)
        from body in Gen.Elements(null, "{}", "{\"full\":true}")
        from timeout in Gen.OneOf(Gen.Constant(WebhookTarget.DefaultTimeoutSeconds), Gen.Choose(1, 300))
        select new JobDefinition(name, cron, zone, new WebhookTarget(
            url,
            method,
            headers.ToImmutableSortedDictionary(h => h.Name, h => h.Value, StringComparer.Ordinal),
            body,
            timeout));

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
            from enabled in Gen.Elements(true, false)
            from kind in Gen.Choose(0, 5)
            let job = JobId.Parse(id)
            let author = new Provenance(text[0], text[1], kind % 2 == 0 ? null : text[2])
            let definition = new JobDefinition(text[3], text[4], text[5], new WebhookTarget(
                text[6], text[7], headers.ToImmutableSortedDictionary(h => h.Item1, h => h.Item2, StringComparer.Ordinal),
                kind % 3 == 0 ? null : text[2], timeout))
            select new StoredEvent(kind switch
            {
                0 => new JobAdded(job, definition, enabled, author),
                1 => new JobUpdated(job, definition, author),
                2 => new JobPaused(job, author),
                3 => new JobResumed(job, author),
                4 => new JobDeleted(job, author),
                _ => new JobRestored(job, author),
            }));

    public static Arbitrary<OccurrenceQuery> OccurrenceQueries() =>
        Arb.From(
            from history in Histories().Generator
            from after in Gen.Frequency((3, NearTransition()), (1, Anytime2026()))
            from count in Gen.Choose(0, 40)
            from more in Gen.Choose(0, 40)
            select new OccurrenceQuery(history, after, count, more),
            ShrinkQuery);

    public static Arbitrary<JobDefinition> ValidDefinitions() => Arb.From(Definitions);

    public static Arbitrary<BrokenDefinition> BrokenDefinitions() =>
        Arb.From(
            from valid in Definitions
            from breakage in Gen.Elements(Breakages)
            select new BrokenDefinition(valid, breakage));

    private static readonly Breakage[] Breakages =
    [
        new("blank name", "name", d => d with { Name = "  " }),
        new("name of 201 characters", "name", d => d with { Name = new string('n', JobDefinitionRules.MaxNameLength + 1) }),
        new("name with a tab", "name", d => d with { Name = "night\tly" }),
        new("cron of 4 fields", "cron", d => d with { Cron = "0 2 * *" }),
        new("cron of 7 fields", "cron", d => d with { Cron = "0 0 2 * * * 2026" }),
        new("minute 61", "cron", d => d with { Cron = "61 2 * * *" }),
        new("unknown zone", "timeZone", d => d with { TimeZone = "Mars/Olympus_Mons" }),
        new("Windows zone name", "timeZone", d => d with { TimeZone = "W. Europe Standard Time" }),
        new("relative url", "target.url", d => d with { Target = d.Target with { Url = "/hooks/run" } }),
        new("ftp url", "target.url", d => d with { Target = d.Target with { Url = "ftp://files.example.com/run" } }),
        new("url of 2049 characters", "target.url",
            d => d with { Target = d.Target with { Url = "https://example.com/" + new string('a', JobDefinitionRules.MaxUrlLength - 19) } }),
        new("lowercase method", "target.method", d => d with { Target = d.Target with { Method = "post" } }),
        new("method TRACE", "target.method", d => d with { Target = d.Target with { Method = "TRACE" } }),
        new("header name with a space", "target.headers.X Trace", d => d with { Target = d.Target with { Headers = d.Target.Headers.SetItem("X Trace", "1") } }),
        new("header value with a line break", "target.headers.X-Trace",
            d => d with { Target = d.Target with { Headers = d.Target.Headers.SetItem("X-Trace", "1\r\nHost: evil") } }),
        new("51 headers", "target.headers", d => d with
        {
            Target = d.Target with
            {
                Headers = Enumerable.Range(0, JobDefinitionRules.MaxHeaders + 1)
                    .ToImmutableSortedDictionary(i => $"X-H{i}", i => "v", StringComparer.Ordinal),
            },
        }),
        new("body over 32 KiB", "target.body", d => d with { Target = d.Target with { Body = new string('b', JobDefinitionRules.MaxBodyLength + 1) } }),
        new("timeout 0", "target.timeoutSeconds", d => d with { Target = d.Target with { TimeoutSeconds = 0 } }),
        new("timeout 301", "target.timeoutSeconds", d => d with { Target = d.Target with { TimeoutSeconds = 301 } }),
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
