namespace JobLog.Api.Auth;

/// <summary>
/// The three roles, each including the ones below it: a viewer reads, an editor also changes jobs, an admin may do
/// everything. A role claim with any other value grants nothing.
/// </summary>
public static class Roles
{
    public const string Viewer = "viewer";
    public const string Editor = "editor";
    public const string Admin = "admin";

    /// <summary>Lowest first.</summary>
    public static IReadOnlyList<string> All { get; } = [Viewer, Editor, Admin];

    public static bool IsKnown(string? role) => role is Viewer or Editor or Admin;

    /// <summary>The roles that may do what <paramref name="minimum"/> may: it and every role above it.</summary>
    public static string[] AtLeast(string minimum)
    {
        var rank = All.ToList().IndexOf(minimum);
        if (rank < 0)
            throw new ArgumentOutOfRangeException(nameof(minimum), minimum, "Not a role.");
        return All.Skip(rank).ToArray();
    }
}
