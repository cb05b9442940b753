using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Grpc.Core;
using Grpc.Net.Client;
using HazChem.Transport.Contracts.Qualification.V1;
using HazChem.Transport.Qualification.Storage;
using HazChem.Transport.ServiceDefaults.Auth;
using HazChem.Transport.TestSupport;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

[assembly: AssemblyFixture(typeof(PostgresFixture))]

namespace HazChem.Transport.Qualification.Tests.Service;

/// <summary>A JSON answer of the REST surface.</summary>
public sealed record RestResponse(System.Net.HttpStatusCode Status, JsonElement Body)
{
    /// <summary>The <c>field</c> of every <c>BadRequest</c> field violation in the error details.</summary>
    public IReadOnlyList<string> FieldViolations() =>
        Details("fieldViolations").Select(v => v.GetProperty("field").GetString()!).ToList();

    /// <summary>The codes of the findings in an evaluation response.</summary>
    public IReadOnlyList<string> FindingCodes() =>
        Body.GetProperty("findings").EnumerateArray().Select(f => f.GetProperty("code").GetString()!).ToList();

    public string Text(string property) => Body.GetProperty(property).GetString()!;

    private IEnumerable<JsonElement> Details(string property) =>
        Body.TryGetProperty("details", out var details)
            ? details.EnumerateArray().Where(d => d.TryGetProperty(property, out _)).SelectMany(d => d.GetProperty(property).EnumerateArray())
            : [];
}

/// <summary>
/// The real Qualification service (its Program, appsettings.json and all) in-process on a test server, started on
/// first use against a fresh database, shared by the tests of one class. Tokens are signed with the host's own
/// <see cref="TokenIssuer"/>.
/// </summary>
public abstract class ServiceHost : IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private QualificationFactory? _factory;
    private HttpClient? _http;
    private GrpcChannel? _channel;

    /// <summary>Which database engine this host runs on.</summary>
    public abstract string Provider { get; }

    /// <summary>REST over HTTP/1.1 through JSON transcoding.</summary>
    public HttpClient Http => _http ?? throw new InvalidOperationException("Call StartAsync first.");

    /// <summary>A gRPC client of the service.</summary>
    public QualificationService.QualificationServiceClient Grpc =>
        new(_channel ?? throw new InvalidOperationException("Call StartAsync first."));

    /// <summary>Starts the service once (skipping the test when its database is unavailable).</summary>
    public async Task StartAsync()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_factory is not null)
            {
                return;
            }

            var settings = await StorageSettingsAsync(cancellationToken);
            settings["Auth:SigningKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
            var factory = new QualificationFactory(settings);
            _http = factory.CreateClient();
            _channel = GrpcChannel.ForAddress(factory.Server.BaseAddress, new GrpcChannelOptions { HttpHandler = factory.Server.CreateHandler() });
            _factory = factory;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>A token for <paramref name="role"/> with <paramref name="subject"/> (the carrier id for carriers).</summary>
    public string Token(string role, string subject = "tester") =>
        _factory!.Services.GetRequiredService<TokenIssuer>().Issue(role, subject, TimeSpan.FromMinutes(10));

    /// <summary>gRPC call headers carrying a token.</summary>
    public Metadata Auth(string role, string subject = "tester") => new() { { "authorization", "Bearer " + Token(role, subject) } };

    /// <summary>Calls a REST route; <paramref name="role"/> null sends no token.</summary>
    public async Task<RestResponse> SendAsync(HttpMethod method, string path, string? role, object? body = null, string subject = "tester")
    {
        using var request = new HttpRequestMessage(method, path);
        if (role is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token(role, subject));
        }

        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        using var response = await Http.SendAsync(request, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        return new RestResponse(response.StatusCode, text.Length == 0 ? default : JsonSerializer.Deserialize<JsonElement>(text));
    }

    /// <summary>Runs a query on the service's own database (to look at the history the API does not show).</summary>
    internal async Task<T> QueryAsync<T>(Func<QualificationDbContext, Task<T>> query)
    {
        var factory = _factory!.Services.GetRequiredService<IDbContextFactory<QualificationDbContext>>();
        await using var db = await factory.CreateDbContextAsync(TestContext.Current.CancellationToken);
        return await query(db);
    }

    public async ValueTask DisposeAsync()
    {
        _channel?.Dispose();
        _http?.Dispose();
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }

        await DisposeStorageAsync();
        _gate.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>The Storage and ConnectionStrings settings of a fresh database; skips the test when there is none.</summary>
    protected abstract Task<Dictionary<string, string?>> StorageSettingsAsync(CancellationToken cancellationToken);

    protected virtual ValueTask DisposeStorageAsync() => ValueTask.CompletedTask;

    private sealed class QualificationFactory(Dictionary<string, string?> settings) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            foreach (var (key, value) in settings)
            {
                builder.UseSetting(key, value);
            }

            // Quiet: retried write conflicts are logged by EF as errors, which is expected in the concurrency test.
            builder.UseSetting("Logging:LogLevel:Default", "Warning");
            builder.UseSetting("Logging:LogLevel:Microsoft.EntityFrameworkCore", "Critical");
        }
    }
}

/// <summary>The service on a fresh database of the test PostgreSQL server.</summary>
public sealed class PostgresServiceHost(PostgresFixture postgres) : ServiceHost
{
    public override string Provider => "Postgres";

    protected override async Task<Dictionary<string, string?>> StorageSettingsAsync(CancellationToken cancellationToken)
    {
        postgres.Require();
        var connectionString = await postgres.CreateDatabaseAsync("qualification", cancellationToken);
        return new Dictionary<string, string?> { ["Storage:Provider"] = "Postgres", ["ConnectionStrings:Postgres"] = connectionString };
    }
}

/// <summary>The service on a SQLite file, as the embedded dev stack runs it.</summary>
public sealed class SqliteServiceHost : ServiceHost
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"hazchem-qualification-{Guid.NewGuid():N}.db");

    public override string Provider => "Sqlite";

    protected override Task<Dictionary<string, string?>> StorageSettingsAsync(CancellationToken cancellationToken) =>
        Task.FromResult(new Dictionary<string, string?> { ["Storage:Provider"] = "Sqlite", ["ConnectionStrings:Sqlite"] = $"Data Source={_file}" });

    protected override ValueTask DisposeStorageAsync()
    {
        SqliteConnection.ClearAllPools();
        File.Delete(_file);
        return ValueTask.CompletedTask;
    }
}
