using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Vinula.Runs.Storage;
using Vinula.Shared.Runs;

namespace Vinula.Dashboard.Api;

/// <summary>
/// <c>POST /api/corpora</c>: upload a plain-text corpus (multipart, field <c>file</c>). It must be UTF-8 and at most
/// <see cref="MaxBytes"/>; it is kept in the run database under a generated id, so nothing the client sends
/// (its file name included) ever becomes a path on this machine.
/// </summary>
public static class CorporaApi
{
    public const long MaxBytes = 10L << 20;
    private const int MaxNameLength = 100;

    public static IEndpointRouteBuilder MapCorporaApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/corpora").WithTags("Corpora");
        api.MapPost("/", UploadAsync).WithSummary("Upload a UTF-8 text corpus (multipart field 'file').").DisableAntiforgery();
        api.MapGet("/", (IRunStore store) => TypedResults.Ok(store.ListCorpora())).WithSummary("The uploaded corpora.");
        return app;
    }

    private static async Task<Results<Created<CorpusInfo>, ValidationProblem>> UploadAsync(HttpRequest request, IRunStore store)
    {
        if (!request.HasFormContentType)
            return Invalid("file", "Send the corpus as multipart/form-data with a field named 'file'.");
        var form = await request.ReadFormAsync(request.HttpContext.RequestAborted);
        var file = form.Files.GetFile("file");
        if (file is null || file.Length == 0)
            return Invalid("file", "file is required and must not be empty.");
        if (file.Length > MaxBytes)
            return Invalid("file", $"file has {file.Length:N0} bytes; the limit is {MaxBytes:N0} ({MaxBytes >> 20} MiB).");

        var bytes = new byte[file.Length];
        await using (var stream = file.OpenReadStream())
            await stream.ReadExactlyAsync(bytes, request.HttpContext.RequestAborted);
        if (InvalidUtf8At(bytes) is { } offset)
            return Invalid("file", $"file is not UTF-8 text: the bytes at offset {offset:N0} are not valid UTF-8.");

        var name = CleanName(form["name"].ToString() is { Length: > 0 } given ? given : file.FileName);
        var corpus = store.SaveCorpus(name, bytes);
        return TypedResults.Created($"/api/corpora/{corpus.Id}", corpus);
    }

    /// <summary>Offset of the first byte that is not valid UTF-8, or null.</summary>
    internal static long? InvalidUtf8At(byte[] bytes)
    {
        try
        {
            _ = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetCharCount(bytes);
            return null;
        }
        catch (DecoderFallbackException e)
        {
            return e.Index;
        }
    }

    /// <summary>A display name only: the last segment of whatever the client sent, printable, short.</summary>
    internal static string CleanName(string name)
    {
        var last = name.Replace('\\', '/').Split('/', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? "";
        var clean = new string([.. last.Where(c => !char.IsControl(c))]).Trim();
        if (clean.Length > MaxNameLength) clean = clean[..MaxNameLength];
        return clean.Length == 0 || clean is "." or ".." ? "corpus.txt" : clean;
    }

    private static ValidationProblem Invalid(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] });
}
