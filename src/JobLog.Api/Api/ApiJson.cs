using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using JobLog.Model;

namespace JobLog.Api.Api;

public static class ApiJson
{
    private static readonly JsonSerializerOptions EventData = new(JsonSerializerDefaults.Web);

    /// <summary>Strict reading: a number in a string, a repeated property or an unknown one is an error, not a guess.</summary>
    public static void Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.NumberHandling = JsonNumberHandling.Strict;
        options.AllowDuplicateProperties = false;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
    }

    /// <summary>An event's own fields; the job id and provenance are shown beside it, not repeated inside.</summary>
    public static JsonObject DataOf(IJobEvent change)
    {
        var data = JsonSerializer.SerializeToNode(change, change.GetType(), EventData) as JsonObject ?? [];
        data.Remove("job");
        data.Remove("by");
        return data;
    }

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
}
