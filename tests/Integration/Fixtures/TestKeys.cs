namespace JobLog.Integration.Fixtures;

/// <summary>
/// The one place test nodes get their API keys: every node a test starts (in-process host or process) is configured
/// with these hashes, and the shared clients send <see cref="Admin"/> unless a test says otherwise.
/// </summary>
public static class TestKeys
{
    public static TestKey Admin { get; } = new("test-admin", "admin");

    public static TestKey Editor { get; } = new("test-editor", "editor");

    public static TestKey Viewer { get; } = new("test-viewer", "viewer");

    /// <summary>A second editor, for tests that check which identity an event names.</summary>
    public static TestKey Ops { get; } = new("ops", "editor");

    public static IReadOnlyList<TestKey> All { get; } = [Admin, Editor, Viewer, Ops];

    /// <summary>
    /// The keys as settings, and a write limit no test reaches by accident (the default, 600 a minute per identity, is
    /// less than a load test writes); the rate-limit tests set their own.
    /// </summary>
    public static IReadOnlyDictionary<string, string?> Settings { get; } = All
        .SelectMany(key => new[]
        {
            KeyValuePair.Create($"JobLog:Auth:ApiKeys:{key.Name}:Role", (string?)key.Role),
            KeyValuePair.Create($"JobLog:Auth:ApiKeys:{key.Name}:Hash", (string?)key.Hash),
        })
        .Append(KeyValuePair.Create("JobLog:Auth:RateLimit:PermitLimit", (string?)"1000000"))
        .ToDictionary();

    /// <summary>The same settings as environment variables for a node process.</summary>
    public static IReadOnlyDictionary<string, string> Environment { get; } =
        Settings.ToDictionary(setting => setting.Key.Replace(":", "__", StringComparison.Ordinal), setting => setting.Value!);

    /// <summary>A client of a node process that sends <paramref name="key"/> (the admin's by default).</summary>
    public static HttpClient Client(Uri baseAddress, TestKey? key = null, TimeSpan? timeout = null)
    {
        var client = new HttpClient { BaseAddress = baseAddress };
        if (timeout is { } limit)
            client.Timeout = limit;
        client.DefaultRequestHeaders.Authorization = (key ?? Admin).Bearer;
        return client;
    }
}
