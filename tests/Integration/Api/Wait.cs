using System.Diagnostics;

namespace JobLog.Integration.Api;

public static class Wait
{
    public static async Task Until(Func<Task<bool>> ok, TimeSpan within, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!await ok())
        {
            if (clock.Elapsed > within)
                throw new TimeoutException($"Not true after {within}: {what}");
            await Task.Delay(TimeSpan.FromMilliseconds(50));
        }
    }
}
