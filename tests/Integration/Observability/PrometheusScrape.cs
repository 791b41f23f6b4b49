using System.Globalization;
using System.Net;
using JobLog.Integration.Api;
using Xunit;

namespace JobLog.Integration.Observability;

/// <summary>One scrape of <c>/metrics</c> in Prometheus' text format: every sample with its name, labels and value.</summary>
public sealed class PrometheusScrape
{
    private readonly List<(string Name, Dictionary<string, string> Labels, double Value)> _samples = [];

    public PrometheusScrape(string text)
    {
        Text = text;
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (line.StartsWith('#'))
                continue;
            var brace = line.IndexOf('{', StringComparison.Ordinal);
            var space = line.IndexOf(' ', StringComparison.Ordinal);
            var labels = new Dictionary<string, string>(StringComparer.Ordinal);
            string name;
            string rest;
            if (brace >= 0 && brace < space)
            {
                var close = line.LastIndexOf('}');
                name = line[..brace];
                foreach (var pair in SplitLabels(line[(brace + 1)..close]))
                    labels[pair.Key] = pair.Value;
                rest = line[(close + 1)..].Trim();
            }
            else
            {
                name = line[..space];
                rest = line[(space + 1)..].Trim();
            }
            var value = rest.Split(' ')[0];
            _samples.Add((name, labels, value switch
            {
                "+Inf" => double.PositiveInfinity,
                "-Inf" => double.NegativeInfinity,
                _ => double.Parse(value, CultureInfo.InvariantCulture),
            }));
        }
    }

    public string Text { get; }

    /// <summary>Scrapes <c>/metrics</c> with the client's credential, as Prometheus would.</summary>
    public static async Task<PrometheusScrape> ReadAsync(HttpClient client)
    {
        var response = await client.GetAsync("/metrics");
        await Http.Expect(response, HttpStatusCode.OK);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType);
        return new PrometheusScrape(await response.Content.ReadAsStringAsync());
    }

    /// <summary>The sum of the samples named <paramref name="name"/> that carry every label given; 0 when none does.</summary>
    public double Sum(string name, params (string Label, string Value)[] labels) =>
        _samples.Where(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Label, out var v) && v == l.Value)).Sum(s => s.Value);

    public bool Has(string name) => _samples.Any(s => s.Name == name);

    private static IEnumerable<KeyValuePair<string, string>> SplitLabels(string labels)
    {
        var i = 0;
        while (i < labels.Length)
        {
            var equals = labels.IndexOf('=', i);
            var key = labels[i..equals].Trim().TrimStart(',').Trim();
            var start = equals + 2; // past ="
            var value = new System.Text.StringBuilder();
            var j = start;
            for (; j < labels.Length && labels[j] != '"'; j++)
            {
                if (labels[j] == '\\' && j + 1 < labels.Length)
                    j++;
                value.Append(labels[j]);
            }
            yield return KeyValuePair.Create(key, value.ToString());
            i = j + 1;
        }
    }
}
