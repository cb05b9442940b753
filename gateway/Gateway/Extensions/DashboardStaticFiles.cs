using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Net.Http.Headers;

namespace HazChem.Transport.Gateway.Extensions;

/// <summary>
/// The dashboard's static files (<c>wwwroot</c>) with the headers a browser needs to keep it safe and current: a
/// content security policy that runs only the gateway's own scripts and talks only to the gateway (images may come
/// from any tile server, since base tiles are configurable at run time), no sniffing, no framing, no referrer; and
/// caching that revalidates the app's own files on every load (they are not fingerprinted) while the vendored,
/// versioned library under <c>lib/</c> is cached for a day.
/// </summary>
public static class DashboardStaticFiles
{
    /// <summary>The policy sent with every static file.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob: http: https:; " +
        "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    /// <summary>Serves <c>wwwroot</c> (index.html at <c>/</c>) with the dashboard's headers.</summary>
    public static IApplicationBuilder UseDashboardStaticFiles(this IApplicationBuilder app)
    {
        app.UseDefaultFiles();
        return app.UseStaticFiles(new StaticFileOptions { OnPrepareResponse = AddHeaders });
    }

    private static void AddHeaders(StaticFileResponseContext context)
    {
        var headers = context.Context.Response.Headers;
        headers[HeaderNames.ContentSecurityPolicy] = ContentSecurityPolicy;
        headers[HeaderNames.XContentTypeOptions] = "nosniff";
        headers[HeaderNames.XFrameOptions] = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        headers[HeaderNames.CacheControl] = context.Context.Request.Path.StartsWithSegments("/lib", StringComparison.Ordinal)
            ? "public, max-age=86400"
            : "no-cache";
    }
}
