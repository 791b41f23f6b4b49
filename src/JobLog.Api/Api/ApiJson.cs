using System.Text.Json;
using System.Text.Json.Serialization;
using JobLog.Model;

namespace JobLog.Api.Api;

public static class ApiJson
{
    private static readonly object NoData = new EmptyData();

    /// <summary>Strict reading: a number in a string, a repeated property or an unknown one is an error, not a guess.</summary>
    public static void Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.NumberHandling = JsonNumberHandling.Strict;
        options.AllowDuplicateProperties = false;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
    }

    /// <summary>
    /// An event's own fields; the job id and provenance are shown beside it, not repeated inside. Typed objects, not
    /// a JSON DOM per event, because a history of thousands of events is serialized in one response.
    /// </summary>
    public static object DataOf(IJobEvent change) => change switch
    {
        JobAdded added => new AddedData(added.Definition, added.Enabled),
        JobUpdated updated => new UpdatedData(updated.Definition),
        _ => NoData,
    };

    /// <summary>Turns System.Text.Json's <c>$.target.url</c> into the contract's <c>target.url</c>.</summary>
    public static string FieldOf(string? jsonPath)
    {
        if (string.IsNullOrEmpty(jsonPath) || jsonPath == "$")
            return "body";
        var path = jsonPath.StartsWith("$.", StringComparison.Ordinal) ? jsonPath[2..]
            : jsonPath.StartsWith('$') ? jsonPath[1..]
            : jsonPath;
        return path.Replace("['", ".", StringComparison.Ordinal).Replace("']", "", StringComparison.Ordinal).TrimStart('.');
    }

    private sealed record AddedData(JobDefinition Definition, bool Enabled);

    private sealed record UpdatedData(JobDefinition Definition);

    private sealed record EmptyData;
}
