using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.OpenApi;

namespace JobLog.Api.OpenApi;

/// <summary>
/// Says in the OpenAPI document what the summaries used to: the Bearer scheme (an API key and a JWT both travel as
/// <c>Authorization: Bearer</c>) on every endpoint that needs a credential, the 401/403/429 problems such endpoints can
/// answer, and the <c>If-Match</c> / <c>ETag</c> headers of the job endpoints (<see cref="VersionHeaders"/>).
/// </summary>
public static class OpenApiSecurity
{
    public const string SchemeName = "Bearer";

    private const string ProblemJson = "application/problem+json";

    public static void Configure(OpenApiOptions options)
    {
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[SchemeName] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                Description = "An API key (`joblog key create`) or a JWT from the configured issuer, as `Authorization: Bearer <credential>`.",
            };
            return Task.CompletedTask;
        });
        options.AddOperationTransformer((operation, context, _) =>
        {
            var metadata = context.Description.ActionDescriptor.EndpointMetadata;
            if (NeedsCredential(metadata))
            {
                operation.Security ??= [];
                operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(SchemeName, context.Document)] = [] });
                AddProblem(operation, StatusCodes.Status401Unauthorized, "No credential, or one that is unknown, expired or invalid.");
                AddProblem(operation, StatusCodes.Status403Forbidden, "The caller's role does not allow this.");
            }
            if (metadata.OfType<EnableRateLimitingAttribute>().Any())
                AddProblem(operation, StatusCodes.Status429TooManyRequests, "Too many writes by this identity; Retry-After says when to try again.");
            if (metadata.OfType<VersionHeaders>().LastOrDefault() is { } headers)
                DeclareVersionHeaders(operation, headers);
            return Task.CompletedTask;
        });
    }

    private static bool NeedsCredential(IList<object> metadata) =>
        metadata.OfType<IAuthorizeData>().Any() && !metadata.OfType<IAllowAnonymous>().Any();

    private static void DeclareVersionHeaders(OpenApiOperation operation, VersionHeaders headers)
    {
        if (headers.RequiresIfMatch)
        {
            operation.Parameters ??= [];
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = "If-Match",
                In = ParameterLocation.Header,
                Required = true,
                Description = "The job's version as last read, a strong ETag such as \"3\". Missing: 428; stale: 412 with the current version in ETag.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.String },
            });
            AddProblem(operation, StatusCodes.Status412PreconditionFailed, "The job changed since the version in If-Match; ETag carries the current one.");
            AddProblem(operation, StatusCodes.Status428PreconditionRequired, "If-Match is missing.");
        }
        foreach (var (status, response) in operation.Responses ?? [])
        {
            if (status is not ("200" or "201" or "412") || response is not OpenApiResponse concrete)
                continue;
            concrete.Headers ??= new Dictionary<string, IOpenApiHeader>();
            concrete.Headers["ETag"] = new OpenApiHeader
            {
                Description = "The job's version as a strong ETag (\"3\"): send it back in If-Match to change the job.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.String },
            };
        }
    }

    private static void AddProblem(OpenApiOperation operation, int status, string description)
    {
        operation.Responses ??= new OpenApiResponses();
        var key = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (operation.Responses.TryGetValue(key, out var existing) && existing.Content?.ContainsKey(ProblemJson) == true)
            return;
        operation.Responses[key] = new OpenApiResponse
        {
            Description = description,
            Content = new Dictionary<string, OpenApiMediaType>
            {
                [ProblemJson] = new() { Schema = ProblemSchema(operation) },
            },
        };
    }

    /// <summary>The schema the endpoint's declared problems already use (ASP.NET Core's ProblemDetails); an object otherwise.</summary>
    private static IOpenApiSchema ProblemSchema(OpenApiOperation operation) =>
        operation.Responses?.Values
            .Select(r => r.Content is { } content && content.TryGetValue(ProblemJson, out var media) ? media.Schema : null)
            .FirstOrDefault(schema => schema is not null)
        ?? new OpenApiSchema { Type = JsonSchemaType.Object };
}
