using Microsoft.Extensions.Options;

namespace JobLog.Dispatch.Delivery;

/// <summary>Refuses settings the sender cannot run with, each failure naming its configuration key, so a typo fails start-up.</summary>
public sealed class DeliveryOptionsValidator : IValidateOptions<DeliveryOptions>
{
    public const int MaxConcurrentCallsLimit = 10_000;

    public const int MaxBegunAttemptsLimit = 100_000;

    // Polly's own bounds for a circuit breaker.
    private static readonly TimeSpan MinBreakerDuration = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan MaxBreakerDuration = TimeSpan.FromDays(1);

    public ValidateOptionsResult Validate(string? name, DeliveryOptions options)
    {
        var failures = new List<string>();
        if (options.MaxConcurrentCalls is < 1 or > MaxConcurrentCallsLimit)
            failures.Add($"{DeliveryOptions.Section}:MaxConcurrentCalls must be between 1 and {MaxConcurrentCallsLimit}; it is {options.MaxConcurrentCalls}.");
        if (options.MaxBegunAttempts is < 1 or > MaxBegunAttemptsLimit)
            failures.Add($"{DeliveryOptions.Section}:MaxBegunAttempts must be between 1 and {MaxBegunAttemptsLimit}; it is {options.MaxBegunAttempts}.");

        Ranges(TargetPolicyOptions.AllowKey, options.Targets.Allow, failures);
        Ranges(TargetPolicyOptions.DenyKey, options.Targets.Deny, failures);

        var breaker = options.Breaker;
        if (!(breaker.FailureRatio is > 0 and <= 1))
            failures.Add($"{BreakerOptions.Section}:FailureRatio must be above 0 and at most 1; it is {breaker.FailureRatio}.");
        if (breaker.MinimumThroughput < 2)
            failures.Add($"{BreakerOptions.Section}:MinimumThroughput must be at least 2; it is {breaker.MinimumThroughput}.");
        Duration($"{BreakerOptions.Section}:SamplingDuration", breaker.SamplingDuration, failures);
        Duration($"{BreakerOptions.Section}:BreakDuration", breaker.BreakDuration, failures);

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Ranges(string key, List<string> ranges, List<string> failures)
    {
        for (var i = 0; i < ranges.Count; i++)
        {
            if (!AddressRange.TryParse(ranges[i], out _, out var error))
                failures.Add($"{key}:{i}: '{ranges[i]}' {error}");
        }
    }

    private static void Duration(string key, TimeSpan value, List<string> failures)
    {
        if (value < MinBreakerDuration || value > MaxBreakerDuration)
            failures.Add($"{key} must be between {MinBreakerDuration} and {MaxBreakerDuration}; it is {value}.");
    }
}
