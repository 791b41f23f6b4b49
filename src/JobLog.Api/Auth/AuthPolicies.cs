namespace JobLog.Api.Auth;

/// <summary>The authorization and rate-limiting policies endpoint groups name where they are mapped.</summary>
public static class AuthPolicies
{
    /// <summary>Every read: jobs, history, replay, the events feed, schedule, cluster, runs.</summary>
    public const string Viewer = "joblog-viewer";

    /// <summary>Every change of a job (add, update, pause, resume, delete, restore) and manual triggers.</summary>
    public const string Editor = "joblog-editor";

    /// <summary>Everything; no endpoint needs more than an editor today.</summary>
    public const string Admin = "joblog-admin";

    /// <summary>The OpenAPI document: anonymous or a viewer's, as <see cref="AuthOptions.AnonymousOpenApi"/> says.</summary>
    public const string OpenApi = "joblog-openapi";

    /// <summary>The Prometheus scrape endpoint: anonymous or a viewer's, as <see cref="AuthOptions.AnonymousMetrics"/> says.</summary>
    public const string Metrics = "joblog-metrics";

    /// <summary>The rate-limiting policy of writes, partitioned by identity.</summary>
    public const string Writes = "joblog-writes";
}
