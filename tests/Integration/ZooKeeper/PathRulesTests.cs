using System.Globalization;
using System.Text;
using JobLog.Integration.Fixtures;
using JobLog.ZooKeeper.Protocol;
using Xunit;
using static JobLog.Integration.ZooKeeper.ZooKeeperTest;

namespace JobLog.Integration.ZooKeeper;

/// <summary>Our path rules judged against the reference: the Java client's own PathUtils.validatePath, run in a JVM.</summary>
public sealed class PathRulesTests
{
    // Reads "s:" or "n:" (sequential or not) and a path as hex UTF-16 units per line; prints one verdict digit per line.
    private const string JavaChecker =
        """
        import java.io.*;
        import org.apache.zookeeper.common.PathUtils;

        public class PathCheck {
            public static void main(String[] args) throws IOException {
                BufferedReader in = new BufferedReader(new InputStreamReader(System.in, "US-ASCII"));
                StringBuilder verdicts = new StringBuilder();
                for (String line; (line = in.readLine()) != null; ) {
                    StringBuilder path = new StringBuilder();
                    for (int i = 2; i < line.length(); i += 4) {
                        path.append((char) Integer.parseInt(line.substring(i, i + 4), 16));
                    }
                    try {
                        PathUtils.validatePath(path.toString(), line.charAt(0) == 's');
                        verdicts.append('1');
                    } catch (IllegalArgumentException e) {
                        verdicts.append('0');
                    }
                }
                System.out.println(verdicts);
            }
        }
        """;

    [Fact]
    public async Task Our_path_rules_agree_with_the_Java_clients_PathUtils_on_every_character_and_every_short_path()
    {
        var cases = new List<(string Path, bool Sequential)>();
        // Every UTF-16 unit inside a node name.
        for (var c = 0; c <= char.MaxValue; c++)
            cases.Add(($"/a{(char)c}b", false));

        // Every string of up to six units over the characters the structural rules are about, in both modes.
        char[] alphabet = ['/', '.', 'a', '\0'];
        var layer = new List<string> { "" };
        for (var length = 0; length <= 6; length++)
        {
            foreach (var path in layer)
            {
                cases.Add((path, false));
                cases.Add((path, true));
            }

            layer = [.. layer.SelectMany(p => alphabet.Select(c => p + c))];
        }

        var java = await JavaVerdictsAsync(cases);

        var disagreements = cases
            .Select((c, i) => (c.Path, c.Sequential, Java: java[i] == '1', Ours: PathValidation.Problem(c.Path, c.Sequential) is null))
            .Where(v => v.Java != v.Ours)
            .Take(20)
            .Select(v => $"{Escape(v.Path)} ({(v.Sequential ? "sequential" : "plain")}): Java {(v.Java ? "accepts" : "refuses")}, ours {(v.Ours ? "accepts" : "refuses")}")
            .ToList();
        Assert.True(disagreements.Count == 0, $"Disagreements with PathUtils:{Environment.NewLine}{string.Join(Environment.NewLine, disagreements)}");
    }

    private static async Task<string> JavaVerdictsAsync(IReadOnlyList<(string Path, bool Sequential)> cases)
    {
        ZooKeeperServer.EnsureInstalled();
        var directory = Directory.CreateTempSubdirectory("joblog-pathcheck-");
        try
        {
            var source = Path.Combine(directory.FullName, "PathCheck.java");
            await File.WriteAllTextAsync(source, JavaChecker);
            var lines = cases.Select(c => (c.Sequential ? "s:" : "n:") + string.Concat(c.Path.Select(u => ((int)u).ToString("x4", CultureInfo.InvariantCulture)))).ToList();
            // Java 11+ runs a single source file directly (it needs the JDK's compiler, which ./joblog installs).
            var (exitCode, output, error) = await ProcessRunner.RunAsync(
                "java", ["-XX:TieredStopAtLevel=1", "-cp", ZooKeeperServer.JarPath, source], lines, TimeSpan.FromSeconds(120), "PathUtils checker", Timeout());
            Assert.True(exitCode == 0, $"The Java checker failed ({exitCode}): {error}");
            var verdicts = output.Trim();
            Assert.Equal(cases.Count, verdicts.Length);
            return verdicts;
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static string Escape(string path)
    {
        var text = new StringBuilder("\"");
        foreach (var unit in path)
            text.Append(unit is >= ' ' and <= '~' ? unit.ToString() : $"\\u{(int)unit:X4}");
        return text.Append('"').ToString();
    }
}
