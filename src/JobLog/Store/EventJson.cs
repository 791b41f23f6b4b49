using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using System.Text.Json;
using JobLog.Model;

namespace JobLog.Store;

/// <summary>
/// Reads the JSON of JobLog's events exactly as Marten's serializer (camelCase, see <see cref="JobLogMarten"/>) does,
/// for the shapes the events have. Marten's serializer reaches the records through generic converters that start
/// unoptimised in every new process and dominated loading a large store; this reader is compiled optimised at once.
/// Whatever it does not recognise exactly (an unknown or missing property, a null or a number where another value
/// belongs, an invalid job id) it leaves to Marten's serializer by returning null, so the two always agree.
/// </summary>
internal static class EventJson
{
    public static IJobEvent? TryRead(Type type, ReadOnlySpan<byte> utf8Json)
    {
        try
        {
            return Read(type, utf8Json);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            // Malformed text: the serializer reports it in its own words.
            return null;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static IJobEvent? Read(Type type, ReadOnlySpan<byte> utf8Json)
    {
        var reader = new Utf8JsonReader(utf8Json);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            return null;
        var withDefinition = type == typeof(JobAdded) || type == typeof(JobUpdated);
        var withEnabled = type == typeof(JobAdded);
        string? job = null;
        JobDefinition? definition = null;
        bool? enabled = null;
        Provenance? by = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("job"u8))
            {
                if (!TryReadString(ref reader, out job) || job is null)
                    return null;
            }
            else if (reader.ValueTextEquals("by"u8))
            {
                if (!reader.Read() || (by = ReadProvenance(ref reader)) is null)
                    return null;
            }
            else if (withDefinition && reader.ValueTextEquals("definition"u8))
            {
                if (!reader.Read() || (definition = ReadDefinition(ref reader)) is null)
                    return null;
            }
            else if (withEnabled && reader.ValueTextEquals("enabled"u8))
            {
                if (!reader.Read() || reader.TokenType is not (JsonTokenType.True or JsonTokenType.False))
                    return null;
                enabled = reader.GetBoolean();
            }
            else
            {
                return null;
            }
        }
        if (reader.TokenType != JsonTokenType.EndObject || reader.Read() || by is null
            || !JobId.TryParse(job, out var id, out _))
            return null;

        if (type == typeof(JobAdded))
            return definition is not null && enabled is { } isEnabled ? new JobAdded(id, definition, isEnabled, by) : null;
        if (type == typeof(JobUpdated))
            return definition is not null ? new JobUpdated(id, definition, by) : null;
        if (type == typeof(JobPaused))
            return new JobPaused(id, by);
        if (type == typeof(JobResumed))
            return new JobResumed(id, by);
        if (type == typeof(JobDeleted))
            return new JobDeleted(id, by);
        if (type == typeof(JobRestored))
            return new JobRestored(id, by);
        return null;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static Provenance? ReadProvenance(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
            return null;
        string? actor = null, node = null, reason = null;
        var hasReason = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var read = reader.ValueTextEquals("actor"u8) ? TryReadString(ref reader, out actor)
                : reader.ValueTextEquals("node"u8) ? TryReadString(ref reader, out node)
                : reader.ValueTextEquals("reason"u8) && (hasReason = TryReadString(ref reader, out reason));
            if (!read)
                return null;
        }
        return reader.TokenType == JsonTokenType.EndObject && actor is not null && node is not null && hasReason
            ? new Provenance(actor, node, reason)
            : null;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static JobDefinition? ReadDefinition(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
            return null;
        string? name = null, cron = null, timeZone = null;
        WebhookTarget? target = null;
        // Events written before dispatch policies have none: they fold to the default, as Marten's serializer reads them.
        DispatchPolicy? policy = DispatchPolicy.Default;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            bool read;
            if (reader.ValueTextEquals("name"u8))
                read = TryReadString(ref reader, out name);
            else if (reader.ValueTextEquals("cron"u8))
                read = TryReadString(ref reader, out cron);
            else if (reader.ValueTextEquals("timeZone"u8))
                read = TryReadString(ref reader, out timeZone);
            else if (reader.ValueTextEquals("target"u8))
                read = reader.Read() && (target = ReadTarget(ref reader)) is not null;
            else if (reader.ValueTextEquals("policy"u8))
                read = reader.Read() && (policy = ReadPolicy(ref reader)) is not null;
            else
                read = false;
            if (!read)
                return null;
        }
        return reader.TokenType == JsonTokenType.EndObject && name is not null && cron is not null && timeZone is not null
               && target is not null && policy is not null
            ? new JobDefinition(name, cron, timeZone, target) { Policy = policy }
            : null;
    }

    /// <summary>A policy exactly as JobLog writes it: every member present, the choices spelled as <see cref="PolicyNames"/> spells them.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static DispatchPolicy? ReadPolicy(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
            return null;
        MisfirePolicy misfire = default;
        ConcurrencyPolicy concurrency = default;
        bool hasMisfire = false, hasConcurrency = false;
        int? window = null;
        RetryPolicy? retry = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            bool read;
            if (reader.ValueTextEquals("misfire"u8))
                read = hasMisfire = TryReadString(ref reader, out var name) && name is not null && PolicyNames.TryParse(name, out misfire);
            else if (reader.ValueTextEquals("catchUpWindowSeconds"u8))
                read = TryReadInt(ref reader, out window);
            else if (reader.ValueTextEquals("concurrency"u8))
                read = hasConcurrency = TryReadString(ref reader, out var name) && name is not null && PolicyNames.TryParse(name, out concurrency);
            else if (reader.ValueTextEquals("retry"u8))
                read = reader.Read() && (retry = ReadRetry(ref reader)) is not null;
            else
                read = false;
            if (!read)
                return null;
        }
        return reader.TokenType == JsonTokenType.EndObject && hasMisfire && window is { } seconds && hasConcurrency && retry is not null
            ? new DispatchPolicy(misfire, seconds, concurrency, retry)
            : null;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static RetryPolicy? ReadRetry(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
            return null;
        int? attempts = null, backoff = null, maxBackoff = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var read = reader.ValueTextEquals("attempts"u8) ? TryReadInt(ref reader, out attempts)
                : reader.ValueTextEquals("backoffSeconds"u8) ? TryReadInt(ref reader, out backoff)
                : reader.ValueTextEquals("maxBackoffSeconds"u8) && TryReadInt(ref reader, out maxBackoff);
            if (!read)
                return null;
        }
        return reader.TokenType == JsonTokenType.EndObject && attempts is { } a && backoff is { } b && maxBackoff is { } x
            ? new RetryPolicy(a, b, x)
            : null;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static WebhookTarget? ReadTarget(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
            return null;
        string? url = null, method = null, body = null;
        var hasBody = false;
        int? timeoutSeconds = null;
        ImmutableSortedDictionary<string, string>? headers = null;
        // Events written before secret headers have none, as Marten's serializer reads them.
        ImmutableSortedSet<string>? secretHeaders = ImmutableSortedSet.Create<string>(StringComparer.Ordinal);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            bool read;
            if (reader.ValueTextEquals("secretHeaders"u8))
                read = reader.Read() && (secretHeaders = ReadNames(ref reader)) is not null;
            else if (reader.ValueTextEquals("url"u8))
                read = TryReadString(ref reader, out url);
            else if (reader.ValueTextEquals("method"u8))
                read = TryReadString(ref reader, out method);
            else if (reader.ValueTextEquals("body"u8))
                read = hasBody = TryReadString(ref reader, out body);
            else if (reader.ValueTextEquals("timeoutSeconds"u8))
                read = TryReadInt(ref reader, out timeoutSeconds);
            else if (reader.ValueTextEquals("headers"u8))
                read = reader.Read() && (headers = ReadHeaders(ref reader)) is not null;
            else
                read = false;
            if (!read)
                return null;
        }
        return reader.TokenType == JsonTokenType.EndObject && url is not null && method is not null && hasBody
               && timeoutSeconds is { } timeout && headers is not null && secretHeaders is not null
            ? new WebhookTarget(url, method, headers, body, timeout) { SecretHeaders = secretHeaders }
            : null;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static ImmutableSortedSet<string>? ReadNames(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
            return null;
        var names = ImmutableSortedSet.CreateBuilder<string>(StringComparer.Ordinal);
        while (reader.Read() && reader.TokenType == JsonTokenType.String)
        {
            // A repeated name is left to the serializer, whatever it makes of it.
            if (!names.Add(reader.GetString()!))
                return null;
        }
        return reader.TokenType == JsonTokenType.EndArray ? names.ToImmutable() : null;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static ImmutableSortedDictionary<string, string>? ReadHeaders(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
            return null;
        var headers = ImmutableSortedDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString()!;
            // A repeated name is left to the serializer, whatever it makes of it.
            if (!TryReadString(ref reader, out var value) || value is null || !headers.TryAdd(name, value))
                return null;
        }
        return reader.TokenType == JsonTokenType.EndObject ? headers.ToImmutable() : null;
    }

    /// <summary>Moves to the property's value; true when it is a number that fits an <see cref="int"/> (into <paramref name="value"/>).</summary>
    private static bool TryReadInt(ref Utf8JsonReader reader, out int? value)
    {
        value = null;
        if (!reader.Read() || reader.TokenType != JsonTokenType.Number || !reader.TryGetInt32(out var number))
            return false;
        value = number;
        return true;
    }

    /// <summary>Moves to the property's value; true when it is a string (into <paramref name="value"/>) or null.</summary>
    private static bool TryReadString(ref Utf8JsonReader reader, out string? value)
    {
        value = null;
        if (!reader.Read())
            return false;
        if (reader.TokenType == JsonTokenType.Null)
            return true;
        if (reader.TokenType != JsonTokenType.String)
            return false;
        value = reader.GetString();
        return true;
    }
}
