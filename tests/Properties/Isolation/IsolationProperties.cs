using System.Diagnostics;

namespace JobLog.Properties.Isolation;

public sealed class IsolationProperties
{
    private static readonly TimeSpan ProbeDeadline = TimeSpan.FromMinutes(2);

    /// <summary>
    /// The product's promise: a job's validity and schedule do not depend on which node computes them. This
    /// process first looks its batch's zones up under other spellings (filling .NET's process-wide,
    /// case-insensitive zone cache, as earlier requests on a node would); a fresh process has looked up nothing.
    /// </summary>
    [Property(MaxTest = 5, Arbitrary = [typeof(JobArbitraries)])]
    public Property A_fresh_process_validates_and_schedules_every_definition_as_a_process_that_looked_zones_up_before(IsolationBatch batch)
    {
        var lines = batch.Cases.Select(c => ZoneProbe.Serialize(c.Definition)).ToList();
        foreach (var zone in batch.Warm)
            TimeZoneInfo.TryFindSystemTimeZoneById(zone, out _);

        var here = lines.Select(line => ZoneProbe.Describe(ZoneProbe.Parse(line))).ToList();
        var fresh = DescribeInFreshProcess(lines);

        var verdict = new Verdict();
        verdict.Expect(fresh.Count == here.Count, () => $"the fresh process described {fresh.Count} of {here.Count} definitions");
        for (var i = 0; i < Math.Min(here.Count, fresh.Count); i++)
        {
            var (local, remote, which) = (here[i], fresh[i], batch.Cases[i]);
            verdict.Expect(local == remote, () => $"{which}:{Environment.NewLine}  here  {local}{Environment.NewLine}  fresh {remote}");
        }
        return verdict.ToProperty();
    }

    private static List<string> DescribeInFreshProcess(IReadOnlyList<string> definitions)
    {
        var directory = Directory.CreateTempSubdirectory("joblog-zone-probe-");
        try
        {
            var input = Path.Combine(directory.FullName, "definitions.jsonl");
            var output = Path.Combine(directory.FullName, "descriptions.jsonl");
            File.WriteAllLines(input, definitions);

            var start = new ProcessStartInfo(DotnetHost())
            {
                ArgumentList = { "exec", typeof(ZoneProbe).Assembly.Location, ZoneProbe.Command, input, output },
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            var errors = new System.Text.StringBuilder();
            using var probe = Process.Start(start) ?? throw new InvalidOperationException("The probe process did not start.");
            probe.ErrorDataReceived += (_, e) => errors.AppendLine(e.Data);
            probe.BeginErrorReadLine();
            if (!probe.WaitForExit(ProbeDeadline))
            {
                probe.Kill(entireProcessTree: true);
                throw new TimeoutException($"The probe process did not finish within {ProbeDeadline}.");
            }
            probe.WaitForExit(); // lets the stderr reader finish
            Assert.True(probe.ExitCode == 0, $"The probe process exited with {probe.ExitCode}: {errors}");
            return File.ReadAllLines(output).ToList();
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    // The dotnet CLI tells its children where the host is; outside it, the one on the PATH.
    private static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
}
