using System.Diagnostics;

namespace JobLog.Testing;

/// <summary>Waits on a condition with a deadline and says what was awaited when it runs out; a fixed sleep is never the wait.</summary>
public static class Wait
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(20);

    public static Task Eventually(Func<bool> condition, TimeSpan within, string what) =>
        Eventually(() => Task.FromResult(condition()), within, () => what);

    public static Task Eventually(Func<bool> condition, TimeSpan within, Func<string> what) =>
        Eventually(() => Task.FromResult(condition()), within, what);

    public static Task Eventually(Func<Task<bool>> condition, TimeSpan within, string what) =>
        Eventually(condition, within, () => what);

    public static async Task Eventually(Func<Task<bool>> condition, TimeSpan within, Func<string> what)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > within)
                throw new TimeoutException($"Not true after {within}: {what()}");
            await Task.Delay(Poll);
        }
    }
}
