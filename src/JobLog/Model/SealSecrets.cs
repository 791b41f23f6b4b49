namespace JobLog.Model;

/// <summary>
/// A repair, not a user's change: store the job's current definition again with every secret it holds in clear
/// (<see cref="ClearSecrets"/>) in stored form. Accepted for any job that holds one, a deleted one too (it stays deleted),
/// as a <see cref="JobUpdated"/> of the same definition that the command path then seals.
/// </summary>
public sealed record SealSecrets(JobId Job, Provenance By) : JobCommand(Job, By)
{
    public const string Actor = "system";
}
