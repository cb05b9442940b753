extern alias QualificationHost;

using System.Globalization;
using Grpc.Core;
using Grpc.Net.Client;
using HazChem.Transport.Contracts.Common.V1;
using HazChem.Transport.Contracts.Qualification.V1;
using HazChem.Transport.Contracts.Waybill.V1;
using HazChem.Transport.ServiceDefaults.Auth;
using HazChem.Transport.TestSupport;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using QualificationProgram = QualificationHost::Program;

namespace HazChem.Transport.Waybill.Tests.Service;

/// <summary>
/// The Waybill service calling the real Qualification service (both in-process, each on its own PostgreSQL
/// database): the issue's "done when" list — ISSUED for UN1203, and each refusal with its code.
/// </summary>
public sealed class RealQualificationTests(PostgresFixture postgres, KafkaFixture kafka, RealQualificationTests.Hosts cache)
    : IClassFixture<RealQualificationTests.Hosts>
{
    private static readonly string InTwoYears = DateTime.UtcNow.Date.AddYears(2).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
    private static int _suffix = Random.Shared.Next(10000, 60000);

    [Fact]
    public async Task IssueWaybill_RegisteredInTheRealRegistry_IsIssued()
    {
        var (registry, waybill) = await cache.GetAsync(postgres, kafka);
        var r = await RegisterAsync(registry, scope: ["2.1", "3", "8"]);

        var issued = (await waybill.Client.IssueWaybillAsync(WaybillStack.IssueRequest(r), waybill.As("carrier", r.CarrierId))).Waybill;

        Assert.Equal(WaybillStatus.Issued, issued.Status);
        Assert.StartsWith("渝交运管许可字", issued.CarrierPermitNumber, StringComparison.Ordinal);
        Assert.Equal(18, issued.DriverCertNumber.Length);
    }

    [Fact]
    public async Task IssueWaybill_EachRuleOfTheRegistryAndTheWaybill_RefusesWithItsCode()
    {
        var (registry, waybill) = await cache.GetAsync(postgres, kafka);
        var r = await RegisterAsync(registry, scope: ["2.1", "3", "8"]);
        var carrier = waybill.As("carrier", r.CarrierId);
        await waybill.Client.IssueWaybillAsync(WaybillStack.IssueRequest(r), carrier);
        var other = await RegisterAsync(registry, scope: ["2.1", "3", "8"]);
        var otherCarrier = waybill.As("carrier", other.CarrierId);

        Assert.Contains("W-ONE-ACTIVE", await RefusalCodesAsync(waybill, WaybillStack.IssueRequest(r), carrier));
        Assert.Contains("Q-CARRIER-SCOPE", await RefusalCodesAsync(waybill, WaybillStack.IssueRequest(other, WaybillStack.Goods("1005", "2.3", "-", 1000)), otherCarrier));
        Assert.Contains("W-LOAD-TANK", await RefusalCodesAsync(waybill, WaybillStack.IssueRequest(other, WaybillStack.Goods("1203", "3", "II", 22000)), otherCarrier));
        Assert.Contains("W-UN-MATCH", await RefusalCodesAsync(waybill, WaybillStack.IssueRequest(other, WaybillStack.Goods("1203", "8", "II", 1000)), otherCarrier));

        var expiredDriver = await CreatePersonAsync(registry, other.CarrierId, PersonRole.Driver, IdNumber("50010119700303" + Next()[2..]), validUntil: "2025-01-31");
        var withExpiredDriver = WaybillStack.IssueRequest(other with { DriverId = expiredDriver });
        var codes = await RefusalCodesAsync(waybill, withExpiredDriver, otherCarrier);
        Assert.Contains("Q-PERSON-CERT", codes);
        Assert.Contains("W-QUALIFIED", codes);

        await registry.Client.CreateBlacklistEntryAsync(
            new CreateBlacklistEntryRequest { SubjectType = SubjectType.Carrier, SubjectId = other.CarrierId, Reason = "serious violations", Until = "2099-01-01" },
            registry.Admin);
        Assert.Contains("Q-CARRIER-BLACKLIST", await RefusalCodesAsync(waybill, WaybillStack.IssueRequest(other), otherCarrier));
    }

    private static async Task<List<string>> RefusalCodesAsync(WaybillTestHost waybill, IssueWaybillRequest request, CallOptions caller)
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => waybill.Client.IssueWaybillAsync(request, caller).ResponseAsync);
        Assert.True(error.StatusCode == StatusCode.FailedPrecondition, error.ToString());
        return [.. error.GetRpcStatus()!.GetDetail<RuleFindings>().Findings.Select(f => f.Code)];
    }

    private static string Next() => Interlocked.Increment(ref _suffix).ToString("D5", CultureInfo.InvariantCulture);

    private static async Task<Registration> RegisterAsync(Registry registry, string[] scope)
    {
        var tail = Next();
        var permit = new Permit { Number = $"渝交运管许可字5000{tail}号", ValidFrom = "2024-01-01", ValidUntil = InTwoYears };
        permit.Scope.AddRange(scope);
        var carrier = await registry.Client.CreateCarrierAsync(
            new CreateCarrierRequest { Name = $"重庆危货运输{tail}有限公司", CreditCode = CreditCode("9150000" + tail + "MA5U0"), Permit = permit },
            registry.Admin);
        var carrierId = carrier.Carrier.Id;
        var plate = "渝A" + tail;
        await registry.Client.CreateVehicleAsync(
            new CreateVehicleRequest
            {
                CarrierId = carrierId,
                Plate = plate,
                Kind = VehicleKind.TankTruck,
                RatedLoadKg = 30000,
                RoadTransportCert = new RoadTransportCert { Number = "5000" + tail, ValidUntil = InTwoYears },
                InspectionValidUntil = InTwoYears,
                TerminalPhone = "0138000" + tail,
            },
            registry.Admin);
        var driver = await CreatePersonAsync(registry, carrierId, PersonRole.Driver, IdNumber("50010119900101" + tail[2..]), InTwoYears);
        var escort = await CreatePersonAsync(registry, carrierId, PersonRole.Escort, IdNumber("50010119850615" + tail[2..]), InTwoYears);
        var tank = "TK" + tail;
        await registry.Client.CreateTankAsync(
            new CreateTankRequest
            {
                CarrierId = carrierId,
                Number = tank,
                CapacityLitres = 30000,
                InspectionValidUntil = InTwoYears,
                Media = { new TankMedium { UnNumber = "1203", MaxLoadKg = 21000 }, new TankMedium { UnNumber = "1005", MaxLoadKg = 10000 } },
            },
            registry.Admin);
        return new Registration(carrierId, plate, driver, escort, tank);
    }

    private static async Task<string> CreatePersonAsync(Registry registry, string carrierId, PersonRole role, string idNumber, string validUntil)
    {
        var qualification = new PersonCertificate { Number = idNumber, ValidUntil = validUntil };
        qualification.Scope.AddRange(["2", "3", "8"]);
        var person = await registry.Client.CreatePersonAsync(
            new CreatePersonRequest { CarrierId = carrierId, IdNumber = idNumber, Name = role == PersonRole.Driver ? "张三" : "李四", Role = role, Qualification = qualification },
            registry.Admin);
        return person.Person.Id;
    }

    /// <summary>GB 32100 check character.</summary>
    private static string CreditCode(string base17)
    {
        const string Alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
        int[] weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
        var sum = base17.Select((c, i) => Alphabet.IndexOf(c, StringComparison.Ordinal) * weights[i]).Sum();
        var check = 31 - (sum % 31);
        return base17 + Alphabet[check == 31 ? 0 : check];
    }

    /// <summary>GB 11643 check digit.</summary>
    private static string IdNumber(string base17)
    {
        int[] weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
        var sum = base17.Select((c, i) => (c - '0') * weights[i]).Sum();
        return base17 + "10X98765432"[sum % 11];
    }

    /// <summary>The real Qualification service on a test server, reached by gRPC as the authority.</summary>
    public sealed class Registry : IAsyncDisposable
    {
        private readonly Factory _factory;
        private readonly GrpcChannel _channel;

        internal Registry(string signingKey, string connectionString)
        {
            _factory = new Factory(new Dictionary<string, string?>
            {
                ["Auth:SigningKey"] = signingKey,
                ["Storage:Provider"] = "Postgres",
                ["ConnectionStrings:Postgres"] = connectionString,
            });
            _channel = GrpcChannel.ForAddress(_factory.Server.BaseAddress, new GrpcChannelOptions { HttpHandler = _factory.Server.CreateHandler() });
            Client = new QualificationService.QualificationServiceClient(_channel);
            var token = _factory.Services.GetRequiredService<TokenIssuer>().Issue(Roles.Admin, "authority-1", TimeSpan.FromHours(1));
            Admin = new CallOptions(new Metadata { { "authorization", "Bearer " + token } });
        }

        internal QualificationService.QualificationServiceClient Client { get; }

        internal CallOptions Admin { get; }

        internal TestServer Server => _factory.Server;

        public async ValueTask DisposeAsync()
        {
            _channel.Dispose();
            await _factory.DisposeAsync();
        }

        private sealed class Factory(Dictionary<string, string?> settings) : WebApplicationFactory<QualificationProgram>
        {
            protected override void ConfigureWebHost(IWebHostBuilder builder)
            {
                foreach (var (key, value) in settings)
                {
                    builder.UseSetting(key, value);
                }

                builder.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
            }
        }
    }

    /// <summary>One registry and one Waybill service per test class.</summary>
    public sealed class Hosts : IAsyncDisposable
    {
        private readonly SemaphoreSlim _gate = new(1, 1);
        private (Registry Registry, WaybillTestHost Waybill)? _started;

        internal async Task<(Registry Registry, WaybillTestHost Waybill)> GetAsync(PostgresFixture postgres, KafkaFixture kafka)
        {
            postgres.Require();
            kafka.Require();
            await _gate.WaitAsync(TestContext.Current.CancellationToken);
            try
            {
                if (_started is null)
                {
                    var ct = TestContext.Current.CancellationToken;
                    var key = SigningKeys.Create();
                    var registry = new Registry(key, await postgres.CreateDatabaseAsync("qualification", ct));
                    var topic = await kafka.CreateTopicAsync("waybill-events", cancellationToken: ct);
                    var waybill = await WaybillTestHost.StartAsync(
                        key, WaybillStack.Settings(await postgres.CreateDatabaseAsync("waybill_real", ct), topic, kafka), registry.Server.CreateHandler);
                    _started = (registry, waybill);
                }

                return _started.Value;
            }
            finally
            {
                _gate.Release();
            }
        }

        public async ValueTask DisposeAsync()
        {
            if (_started is { } started)
            {
                await started.Waybill.DisposeAsync();
                await started.Registry.DisposeAsync();
            }

            _gate.Dispose();
        }
    }
}
