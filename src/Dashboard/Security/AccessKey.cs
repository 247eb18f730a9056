using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.Extensions.Options;

namespace Vinula.Dashboard.Security;

/// <summary>The <c>Security</c> configuration section.</summary>
public sealed class SecurityOptions
{
    public const string SectionName = "Security";

    /// <summary>Empty: no key (the default, with the app on localhost only). Set it before exposing the app.</summary>
    public string AccessKey { get; set; } = "";
}

/// <summary>
/// With <c>Security:AccessKey</c> set, every request but <c>/healthz</c> needs the key: scripts send it in the
/// <c>X-Vinula-Key</c> header, browsers enter it once at <c>/access</c> and then carry an HttpOnly cookie that
/// holds a keyed hash, never the key. Links stay free of it, so a shared link does not share access.
/// </summary>
public sealed class AccessKeyMiddleware(RequestDelegate next, IOptions<SecurityOptions> options)
{
    public const string Header = "X-Vinula-Key";
    public const string Cookie = "vinula_access";
    public const string AccessPath = "/access";

    private readonly byte[]? _key = string.IsNullOrEmpty(options.Value.AccessKey) ? null : Encoding.UTF8.GetBytes(options.Value.AccessKey);

    public Task InvokeAsync(HttpContext context, IAntiforgery antiforgery)
    {
        if (_key is null || context.Request.Path.StartsWithSegments("/healthz") || IsAuthorised(context.Request))
            return next(context);
        if (context.Request.Path.StartsWithSegments(AccessPath))
            return AccessPageAsync(context, antiforgery);

        if (WantsJson(context.Request))
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return Results.Problem(statusCode: 401, title: "Access key required",
                detail: $"This Vinula needs its access key: send it in the {Header} header.").ExecuteAsync(context);
        }
        var returnUrl = context.Request.Path + context.Request.QueryString;
        context.Response.Redirect($"{AccessPath}?returnUrl={WebUtility.UrlEncode(returnUrl)}");
        return Task.CompletedTask;
    }

    private bool IsAuthorised(HttpRequest request)
    {
        if (request.Headers.TryGetValue(Header, out var header) && Matches(Encoding.UTF8.GetBytes(header.ToString()), _key!))
            return true;
        return request.Cookies.TryGetValue(Cookie, out var cookie) && Matches(Encoding.ASCII.GetBytes(cookie), Encoding.ASCII.GetBytes(CookieValue()));
    }

    /// <summary>HMAC-SHA256 of a fixed label under the key: proves the browser knew the key without storing it.</summary>
    private string CookieValue() => Convert.ToHexStringLower(HMACSHA256.HashData(_key!, "vinula-access-v1"u8));

    private static bool Matches(byte[] given, byte[] expected) =>
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(given), SHA256.HashData(expected));

    private static bool WantsJson(HttpRequest request) =>
        request.Path.StartsWithSegments("/api") || request.Path.StartsWithSegments("/hubs")
        || request.Path.StartsWithSegments("/openapi") || request.Path.StartsWithSegments("/_blazor")
        || request.Headers.Accept.ToString().Contains("application/json", StringComparison.OrdinalIgnoreCase);

    /// <summary>GET: the form. POST: check the key, set the cookie, go back where the user was going.</summary>
    private async Task AccessPageAsync(HttpContext context, IAntiforgery antiforgery)
    {
        var returnUrl = LocalUrl(context.Request.Query["returnUrl"].ToString());
        string? error = null;
        if (HttpMethods.IsPost(context.Request.Method) && context.Request.HasFormContentType)
        {
            // Anti-forgery: another site must not be able to post a key (its own) into this browser.
            if (!await antiforgery.IsRequestValidAsync(context))
            {
                context.Response.StatusCode = StatusCodes.Status400BadRequest;
                await context.Response.WriteAsync("The form expired or did not come from this site; reload the page and try again.");
                return;
            }
            var form = await context.Request.ReadFormAsync();
            returnUrl = LocalUrl(form["returnUrl"].ToString());
            if (Matches(Encoding.UTF8.GetBytes(form["key"].ToString()), _key!))
            {
                context.Response.Cookies.Append(Cookie, CookieValue(), new CookieOptions
                {
                    HttpOnly = true,
                    SameSite = SameSiteMode.Strict,
                    Secure = context.Request.IsHttps,
                    Path = "/",
                    MaxAge = TimeSpan.FromDays(30),
                });
                context.Response.Redirect(returnUrl);
                return;
            }
            error = "That is not the access key.";
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        }
        var tokens = antiforgery.GetAndStoreTokens(context);
        context.Response.ContentType = "text/html; charset=utf-8";
        await context.Response.WriteAsync(Page(returnUrl, error, tokens.FormFieldName, tokens.RequestToken ?? ""));
    }

    /// <summary>Only paths of this site: never redirect elsewhere (an open redirect would help phishing).</summary>
    private static string LocalUrl(string url) =>
        url.StartsWith('/') && !url.StartsWith("//", StringComparison.Ordinal) && !url.StartsWith("/\\", StringComparison.Ordinal) ? url : "/";

    private static string Page(string returnUrl, string? error, string tokenField, string token) => $$"""
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>Access key · Vinula</title>
        <style>
          body { font-family: system-ui, sans-serif; background: #15131c; color: #eee; display: grid; place-items: center; min-height: 100vh; margin: 0; }
          form { background: #1f1c29; padding: 2rem; border-radius: 12px; width: min(360px, 90vw); }
          input, button { width: 100%; box-sizing: border-box; padding: .6rem; margin-top: .6rem; border-radius: 6px; border: 1px solid #444; font-size: 1rem; }
          button { background: #5b3fd6; color: white; border: 0; cursor: pointer; }
          .error { color: #ff8a80; }
        </style></head>
        <body><form method="post" action="{{AccessPath}}">
          <h1 style="margin-top: 0">Vinula</h1>
          <p>This dashboard is protected. Enter its access key once; this browser then remembers it.</p>
          {{(error is null ? "" : $"<p class=\"error\">{WebUtility.HtmlEncode(error)}</p>")}}
          <input type="password" name="key" autocomplete="current-password" aria-label="Access key" autofocus required>
          <input type="hidden" name="returnUrl" value="{{WebUtility.HtmlEncode(returnUrl)}}">
          <input type="hidden" name="{{WebUtility.HtmlEncode(tokenField)}}" value="{{WebUtility.HtmlEncode(token)}}">
          <button type="submit">Continue</button>
        </form></body></html>
        """;
}
