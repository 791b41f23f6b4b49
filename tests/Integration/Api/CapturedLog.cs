using Microsoft.Extensions.Logging;

namespace JobLog.Integration.Api;

public sealed record CapturedLog(string Category, LogLevel Level, string Message, Exception? Exception);
