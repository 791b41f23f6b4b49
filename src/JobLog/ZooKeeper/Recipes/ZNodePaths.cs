using JobLog.ZooKeeper.Client;
using JobLog.ZooKeeper.Errors;
using JobLog.ZooKeeper.Protocol;

namespace JobLog.ZooKeeper.Recipes;

/// <summary>Path arithmetic and the persistent parent every recipe keeps its children under.</summary>
internal static class ZNodePaths
{
    public static string Child(string parent, string name) => parent == "/" ? $"/{name}" : $"{parent}/{name}";

    public static string Name(string path) => path[(path.LastIndexOf('/') + 1)..];

    public static bool IsAtOrBelow(string path, string ancestor) =>
        path == ancestor || ancestor == "/" || (path.StartsWith(ancestor, StringComparison.Ordinal) && path.Length > ancestor.Length && path[ancestor.Length] == '/');

    /// <summary>Throws <see cref="ArgumentException"/> for a path ZooKeeper refuses, naming the argument.</summary>
    public static string Validate(string path, string argument)
    {
        ArgumentNullException.ThrowIfNull(path, argument);
        if (PathValidation.Problem(path, sequential: false) is { } problem)
            throw new ArgumentException($"'{path}' is not a znode path: {problem}.", argument);
        return path;
    }

    /// <summary>Creates <paramref name="path"/> and any missing ancestor as empty persistent nodes; existing ones are left as they are.</summary>
    public static async Task EnsureAsync(IZooKeeperClient client, string path, CancellationToken cancellationToken)
    {
        if (path == "/")
            return;
        try
        {
            await client.CreateAsync(path, ReadOnlyMemory<byte>.Empty, CreateMode.Persistent, null, cancellationToken).ConfigureAwait(false);
        }
        catch (NodeExistsException)
        {
        }
        catch (NoNodeException)
        {
            await EnsureAsync(client, path[..Math.Max(1, path.LastIndexOf('/'))], cancellationToken).ConfigureAwait(false);
            await EnsureAsync(client, path, cancellationToken).ConfigureAwait(false);
        }
    }
}
