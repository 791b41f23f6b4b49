using System.Diagnostics.CodeAnalysis;

namespace JobLog.Model;

/// <summary>
/// The one registry of event type names: the store writes them, the ZooKeeper mirror carries them, the API shows
/// them. A name is data, not a class name: renaming a class never changes stored or mirrored events, and a shipped
/// name never changes.
/// </summary>
public static class JobEventTypes
{
    private static readonly (Type Type, string Name, string LegacyStoreName)[] Known =
    [
        // Events stored before names were fixed here carry the store's own default name (snake_case of the class).
        (typeof(JobAdded), "JobAdded", "job_added"),
        (typeof(JobUpdated), "JobUpdated", "job_updated"),
        (typeof(JobPaused), "JobPaused", "job_paused"),
        (typeof(JobResumed), "JobResumed", "job_resumed"),
        (typeof(JobDeleted), "JobDeleted", "job_deleted"),
        (typeof(JobRestored), "JobRestored", "job_restored"),
    ];

    private static readonly Dictionary<Type, string> NamesByType = Known.ToDictionary(k => k.Type, k => k.Name);

    private static readonly Dictionary<string, Type> TypesByName = Known
        .SelectMany(k => new[] { (k.Name, k.Type), (Name: k.LegacyStoreName, k.Type) })
        .ToDictionary(k => k.Name, k => k.Type, StringComparer.Ordinal);

    public static IReadOnlyList<Type> All { get; } = Known.Select(k => k.Type).ToArray();

    public static string NameOf(IJobEvent change) => NameOf(change.GetType());

    public static string NameOf(Type type) =>
        NamesByType.TryGetValue(type, out var name)
            ? name
            : throw new ArgumentException($"{type.Name} is not a registered job event type.", nameof(type));

    /// <summary>The event type a stored or mirrored name stands for, older store names included; false for names this node does not know.</summary>
    public static bool TryFind(string name, [NotNullWhen(true)] out Type? type) => TypesByName.TryGetValue(name, out type);
}
