namespace JobLog.Bench;

/// <summary>
/// Finds the output of a project the bench builds alongside itself (a project reference without its assembly): it is
/// built with the bench's configuration and framework, so its dll sits at
/// <c>&lt;repo&gt;/&lt;project folder&gt;/bin/&lt;configuration&gt;/&lt;framework&gt;/</c>.
/// </summary>
public static class SiblingBuild
{
    public static string Find(string projectFolder, string dll)
    {
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var framework = output.Name;
        var configuration = output.Parent!.Name;
        for (var dir = output; dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, projectFolder, "bin", configuration, framework, dll);
            if (File.Exists(candidate))
                return candidate;
        }
        throw new FileNotFoundException($"{dll} ({configuration}/{framework}) not found above {output.FullName}; build {projectFolder}.");
    }
}
