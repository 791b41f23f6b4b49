using System.Diagnostics;
using System.Text;
using JobLog.Integration.Fixtures;
using JobLog.ZooKeeper.Client;
using JobLog.ZooKeeper.Watches;

namespace JobLog.Integration.ZooKeeper;

/// <summary>Helpers shared by the client tests: connecting, a fresh znode root per test, and waits on conditions.</summary>
internal static class ZooKeeperTest
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    public static CancellationToken Within(TimeSpan time) => new CancellationTokenSource(time).Token;

    public static CancellationToken Timeout() => Within(TimeSpan.FromSeconds(60));

    public static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    public static string Text(byte[] data) => Encoding.UTF8.GetString(data);

    /// <summary>
    /// Session timeout of test clients: a test's session must outlive a server restart, a leader election and the stalls
    /// of a loaded 2-core machine (the fixture's servers allow up to 60 s). Tests that want an expiry ask for less.
    /// </summary>
    public static readonly TimeSpan SessionTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Request deadline of test clients: a request may wait through a whole server restart before it is even sent.</summary>
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(60);

    /// <summary>Client options with the generous test deadlines; tests about deadlines set their own.</summary>
    public static ZooKeeperClientOptions Options(string connectionString, TimeSpan? sessionTimeout = null) => new(connectionString)
    {
        SessionTimeout = sessionTimeout ?? SessionTimeout,
        RequestTimeout = RequestTimeout,
        ConnectTimeout = TimeSpan.FromSeconds(30),
    };

    public static Task<ZooKeeperClient> ConnectAsync(string connectionString, TimeSpan? sessionTimeout = null) =>
        ZooKeeperClient.ConnectAsync(Options(connectionString, sessionTimeout), Timeout());

    /// <summary>Creates a fresh persistent root for one test and returns its path.</summary>
    public static async Task<string> NewRootAsync(ZooKeeperClient client, string prefix = "t")
    {
        var root = ZooKeeperFixture.UniquePath(prefix);
        await client.CreateAsync(root, Array.Empty<byte>(), CreateMode.Persistent, null, Timeout());
        return root;
    }

    /// <summary>Reads events until <paramref name="count"/> arrived or the deadline passes (then fails with what came).</summary>
    public static async Task<List<WatchEvent>> TakeAsync(IAsyncEnumerator<WatchEvent> events, int count, TimeSpan within)
    {
        var received = new List<WatchEvent>();
        using var deadline = new CancellationTokenSource(within);
        try
        {
            while (received.Count < count)
            {
                var next = events.MoveNextAsync().AsTask();
                var finished = await Task.WhenAny(next, Task.Delay(System.Threading.Timeout.Infinite, deadline.Token));
                if (finished != next)
                    throw new TimeoutException($"Got {received.Count} of {count} watch events within {within}: {string.Join(", ", received)}");
                if (!await next)
                    throw new InvalidOperationException($"The watch stream ended after {received.Count} of {count} events: {string.Join(", ", received)}");
                received.Add(events.Current);
            }
        }
        catch (TaskCanceledException)
        {
            throw new TimeoutException($"Got {received.Count} of {count} watch events within {within}: {string.Join(", ", received)}");
        }

        return received;
    }
}
