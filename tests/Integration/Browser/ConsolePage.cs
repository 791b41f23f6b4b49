using System.Globalization;
using System.Text.RegularExpressions;
using JobLog.Integration.Fixtures;
using Microsoft.Playwright;
using Xunit;

namespace JobLog.Integration.Browser;

/// <summary>
/// One browser page on the console for one test: it collects the browser's console errors and uncaught exceptions, and
/// saves a screenshot named after the test when disposed, whether the test passed or not.
/// </summary>
public sealed partial class ConsolePage : IAsyncDisposable
{
    /// <summary>Generous: the machine is shared and slow; Playwright waits on the condition, never for a fixed time.</summary>
    public const float Patience = 30_000;

    private readonly IBrowserContext _context;
    private readonly string _name;
    private readonly List<string> _errors = [];
    private readonly HashSet<int> _expectedRefusals = [];

    private ConsolePage(IBrowserContext context, IPage page, string name)
    {
        _context = context;
        Page = page;
        _name = name;
        page.Console += (_, message) =>
        {
            if (message.Type == "error" && !IsExpectedRefusal(message.Text))
                _errors.Add(message.Text);
        };
        page.PageError += (_, error) => _errors.Add($"uncaught: {error}");
    }

    public const string ViewerZone = "America/New_York";

    public IPage Page { get; }

    public static async Task<ConsolePage> OpenAsync(ConsoleCluster cluster, string testName, int width = 1280, int height = 900)
    {
        var context = await cluster.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = cluster.Address.ToString(),
            ViewportSize = new ViewportSize { Width = width, Height = height },
            // A viewer away from UTC, so a job's own zone and the viewer's differ on the page.
            TimezoneId = ViewerZone,
        });
        context.SetDefaultTimeout(Patience);
        Assertions.SetDefaultExpectTimeout(Patience);
        var page = await context.NewPageAsync();
        var console = new ConsolePage(context, page, testName);
        await page.GotoAsync("/");
        return console;
    }

    /// <summary>Signs in with a test key through the form, as a user would, and waits for the jobs list.</summary>
    public async Task<ConsolePage> SignInAsync(TestKey? key = null)
    {
        await Page.GetByLabel("API key or bearer token").FillAsync((key ?? TestKeys.Admin).Secret);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(Page.Locator("#identity")).ToContainTextAsync((key ?? TestKeys.Admin).Name);
        return this;
    }

    public Task GoAsync(string hash) => Page.GotoAsync($"/#{hash}");

    public ILocator Field(string label) => Page.GetByLabel(label, new() { Exact = true });

    public Task ClickAsync(string button) => Page.GetByRole(AriaRole.Button, new() { Name = button, Exact = true }).ClickAsync();

    /// <summary>
    /// Chromium logs every 4xx answer to a fetch as an error line. A test whose flow includes a refusal the console shows
    /// (a cron rejected as you type: 400, a stale save: 412, a wrong key: 401) names its status; any other is a failure.
    /// </summary>
    public ConsolePage ExpectRefusals(params int[] statuses)
    {
        _expectedRefusals.UnionWith(statuses);
        return this;
    }

    public void AssertNoConsoleErrors() =>
        Assert.True(_errors.Count == 0, "The browser reported errors:\n" + string.Join("\n", _errors));

    /// <summary>A screenshot of the page as it is now, besides the one taken at the end (e.g. a view the test moves on from).</summary>
    public Task SnapshotAsync(string moment) => Page.ScreenshotAsync(new PageScreenshotOptions
    {
        Path = Path.Combine(ConsoleCluster.ScreenshotFolder, $"{_name}.{moment}.png"),
        FullPage = true,
    });

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Page.ScreenshotAsync(new PageScreenshotOptions
            {
                Path = Path.Combine(ConsoleCluster.ScreenshotFolder, $"{_name}.png"),
                FullPage = true,
            });
        }
        finally
        {
            await _context.DisposeAsync();
        }
    }

    private bool IsExpectedRefusal(string text) =>
        RefusalLine().Match(text) is { Success: true } match && _expectedRefusals.Contains(int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture));

    [GeneratedRegex(@"^Failed to load resource: the server responded with a status of (\d{3}) ")]
    private static partial Regex RefusalLine();
}
