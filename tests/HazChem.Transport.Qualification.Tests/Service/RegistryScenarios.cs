using System.Net;
using Grpc.Core;
using HazChem.Transport.Contracts.Qualification.V1;
using Microsoft.EntityFrameworkCore;

namespace HazChem.Transport.Qualification.Tests.Service;

/// <summary>
/// The service as its users meet it — REST bodies shaped exactly like DESIGN.md §4.1 and gRPC calls — run once on
/// PostgreSQL and once on SQLite. Tests share one database per engine and use fresh identifiers each.
/// </summary>
public abstract class RegistryScenarios(ServiceHost host)
{
    private static readonly string[] PermitScope = ["2.1", "3", "8"];
    private static readonly string[] CertScope = ["2", "3", "8"];
    private static readonly string[] WiderScope = ["2", "3", "8", "6.1"];
    private static readonly string[] Cyanide = ["1689"];
    private static readonly string[] Class3 = ["3"];
    private static readonly string[] BadScope = ["2.1", "10"];

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    // ---- Create and read --------------------------------------------------------------------------

    [Fact]
    public async Task CreateCarrier_DesignExampleBody_IsReadBackOverRestAndGrpc()
    {
        await host.StartAsync();
        var creditCode = TestData.NewCreditCode();

        var created = await host.SendAsync(HttpMethod.Post, "/api/v1/carriers", "admin", new
        {
            name = "重庆某危货运输有限公司",
            creditCode,
            permit = new { number = "渝交运管许可字500000000001号", validFrom = "2024-01-01", validUntil = "2028-12-31", scope = PermitScope },
        });

        Assert.True(created.Status == HttpStatusCode.OK, created.Body.ToString());
        var id = created.Text("id");
        Assert.Equal(1, created.Body.GetProperty("version").GetInt32());
        var read = await host.SendAsync(HttpMethod.Get, $"/api/v1/carriers/{id}", "police");
        Assert.Equal(HttpStatusCode.OK, read.Status);
        Assert.Equal(created.Body.ToString(), read.Body.ToString());
        Assert.Equal(["2.1", "3", "8"], read.Body.GetProperty("permit").GetProperty("scope").EnumerateArray().Select(s => s.GetString()));

        var grpc = await host.Grpc.GetCarrierAsync(new GetCarrierRequest { Id = id }, host.Auth("admin"), cancellationToken: Cancel);
        Assert.Equal((creditCode, "渝交运管许可字500000000001号", "2028-12-31"), (grpc.Carrier.CreditCode, grpc.Carrier.Permit.Number, grpc.Carrier.Permit.ValidUntil));
    }

    [Fact]
    public async Task Register_VehiclePersonTank_DesignExampleBodies_AreReadBack()
    {
        await host.StartAsync();
        var carrierId = await CreateCarrierAsync();
        var plate = TestData.NewPlate();
        var phone = TestData.NewTerminalPhone();
        var idNumber = TestData.IdNumber(TestData.Date("1990-01-01"));
        var tank = TestData.NewTankNumber();

        var vehicle = await host.SendAsync(HttpMethod.Post, $"/api/v1/carriers/{carrierId}/vehicles", "admin", new
        {
            plate, kind = "TANK_TRUCK", ratedLoadKg = 30000,
            roadTransportCert = new { number = "500000123456", validUntil = "2027-06-30" },
            inspectionValidUntil = "2027-03-31", terminalPhone = phone,
        });
        var person = await host.SendAsync(HttpMethod.Post, $"/api/v1/carriers/{carrierId}/personnel", "admin", new
        {
            idNumber, name = "张三", role = "DRIVER",
            qualification = new { number = idNumber, validUntil = "2028-05-01", scope = CertScope },
        });
        var tankResponse = await host.SendAsync(HttpMethod.Post, $"/api/v1/carriers/{carrierId}/tanks", "admin", new
        {
            number = tank, capacityLitres = 30000, inspectionValidUntil = "2027-01-31",
            media = new[] { new { unNumber = "1203", maxLoadKg = 21000 } },
        });

        Assert.True(vehicle.Status == HttpStatusCode.OK, vehicle.Body.ToString());
        Assert.True(person.Status == HttpStatusCode.OK, person.Body.ToString());
        Assert.True(tankResponse.Status == HttpStatusCode.OK, tankResponse.Body.ToString());

        var readVehicle = await host.SendAsync(HttpMethod.Get, "/api/v1/vehicles/" + Uri.EscapeDataString(plate), "terminal");
        Assert.Equal(vehicle.Body.ToString(), readVehicle.Body.ToString());
        Assert.Equal(("TANK_TRUCK", phone, carrierId), (readVehicle.Text("kind"), readVehicle.Text("terminalPhone"), readVehicle.Text("carrierId")));

        var readPerson = await host.SendAsync(HttpMethod.Get, "/api/v1/personnel/" + person.Text("id"), "police");
        Assert.Equal(("DRIVER", idNumber, "2028-05-01"), (readPerson.Text("role"), readPerson.Text("idNumber"), readPerson.Body.GetProperty("qualification").GetProperty("validUntil").GetString()));

        var readTank = await host.Grpc.GetTankAsync(new GetTankRequest { Number = tank }, host.Auth("service", "waybill"), cancellationToken: Cancel);
        var medium = Assert.Single(readTank.Tank.Media);
        Assert.Equal(("1203", 21000d, 30000d), (medium.UnNumber, medium.MaxLoadKg, readTank.Tank.CapacityLitres));
    }

    [Fact]
    public async Task CreateVehicle_OverGrpc_IsReadOverRestWithNormalisedPlate()
    {
        await host.StartAsync();
        var carrierId = await CreateCarrierAsync();
        var plate = TestData.NewPlate();
        var typed = plate[..2] + "·" + plate[2..];

        var created = await host.Grpc.CreateVehicleAsync(new CreateVehicleRequest
        {
            CarrierId = carrierId, Plate = typed, Kind = VehicleKind.Tractor, RatedLoadKg = 25000,
            RoadTransportCert = new RoadTransportCert { Number = "500000654321", ValidUntil = "2027-06-30" },
            InspectionValidUntil = "2027-03-31", TerminalPhone = TestData.NewTerminalPhone(),
        }, host.Auth("admin"), cancellationToken: Cancel);

        Assert.Equal(plate, created.Vehicle.Plate);
        var read = await host.SendAsync(HttpMethod.Get, "/api/v1/vehicles/" + Uri.EscapeDataString(plate), "admin");
        Assert.Equal("TRACTOR", read.Text("kind"));
    }

    [Fact]
    public async Task ListVehicles_ThreeVehicles_PagesThroughAllByPlate()
    {
        await host.StartAsync();
        var carrierId = await CreateCarrierAsync();
        var plates = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            plates.Add(await CreateVehicleAsync(carrierId));
        }

        var first = await host.SendAsync(HttpMethod.Get, $"/api/v1/carriers/{carrierId}/vehicles?pageSize=2", "admin");
        var token = first.Text("nextPageToken");
        var second = await host.SendAsync(HttpMethod.Get, $"/api/v1/carriers/{carrierId}/vehicles?pageSize=2&pageToken={Uri.EscapeDataString(token)}", "admin");

        var seen = first.Body.GetProperty("vehicles").EnumerateArray().Concat(second.Body.GetProperty("vehicles").EnumerateArray())
            .Select(v => v.GetProperty("plate").GetString()).ToList();
        Assert.Equal(plates.Order(StringComparer.Ordinal), seen);
        Assert.False(second.Body.TryGetProperty("nextPageToken", out var last) && last.GetString()!.Length > 0);
    }

    // ---- Versions and history ---------------------------------------------------------------------

    [Fact]
    public async Task UpdateCarrier_NewPermit_IsVersion2AndVersion1IsKept()
    {
        await host.StartAsync();
        var created = await PostCarrierAsync(TestData.NewCreditCode(), "2028-12-31");
        var id = created.Text("id");
        var creditCode = created.Text("creditCode");

        var updated = await host.SendAsync(HttpMethod.Put, $"/api/v1/carriers/{id}", "admin", new
        {
            name = "重庆某危货运输集团有限公司",
            creditCode,
            permit = new { number = "渝交运管许可字500000000002号", validFrom = "2025-01-01", validUntil = "2030-12-31", scope = WiderScope, highHazardScope = Cyanide },
        });

        Assert.True(updated.Status == HttpStatusCode.OK, updated.Body.ToString());
        Assert.Equal(2, updated.Body.GetProperty("version").GetInt32());
        var read = await host.SendAsync(HttpMethod.Get, $"/api/v1/carriers/{id}", "admin");
        Assert.Equal(("重庆某危货运输集团有限公司", 2), (read.Text("name"), read.Body.GetProperty("version").GetInt32()));
        Assert.Equal(created.Text("createdAt"), read.Text("createdAt"));
        var history = await host.QueryAsync(db => db.CarrierVersions.Where(v => v.CarrierId == id).OrderBy(v => v.Version).ToListAsync(Cancel));
        Assert.Equal([(1, "渝交运管许可字500000000001号"), (2, "渝交运管许可字500000000002号")], history.Select(v => (v.Version, v.PermitNumber)));
        Assert.Equal(["1689"], history[1].HighHazardScope);
        Assert.All(history, v => Assert.Equal("admin:tester", v.RecordedBy));
    }

    [Fact]
    public async Task UpdateVehicleAndTank_OverGrpc_AppendVersions()
    {
        await host.StartAsync();
        var carrierId = await CreateCarrierAsync();
        var plate = await CreateVehicleAsync(carrierId);
        var tank = await CreateTankAsync(carrierId);
        var newPhone = TestData.NewTerminalPhone();

        var vehicle = await host.Grpc.UpdateVehicleAsync(new UpdateVehicleRequest
        {
            Plate = plate, Kind = VehicleKind.TankTruck, RatedLoadKg = 31000,
            RoadTransportCert = new RoadTransportCert { Number = "500000123456", ValidUntil = "2029-06-30" },
            InspectionValidUntil = "2028-03-31", TerminalPhone = newPhone,
        }, host.Auth("admin"), cancellationToken: Cancel);
        var update = new UpdateTankRequest { Number = tank, CapacityLitres = 30000, InspectionValidUntil = "2028-01-31" };
        update.Media.Add(new TankMedium { UnNumber = "1203", MaxLoadKg = 21000 });
        update.Media.Add(new TankMedium { UnNumber = "1268", MaxLoadKg = 20000 });
        var updatedTank = await host.Grpc.UpdateTankAsync(update, host.Auth("admin"), cancellationToken: Cancel);

        Assert.Equal((2, "2029-06-30", newPhone), (vehicle.Vehicle.Version, vehicle.Vehicle.RoadTransportCert.ValidUntil, vehicle.Vehicle.TerminalPhone));
        Assert.Equal((2, 2), (updatedTank.Tank.Version, updatedTank.Tank.Media.Count));
        var versions = await host.QueryAsync(db => db.TankVersions.Where(v => v.Number == tank).OrderBy(v => v.Version).ToListAsync(Cancel));
        Assert.Equal([1, 2], versions.Select(v => v.Media.Count));
        var byNewPhone = await host.Grpc.GetVehicleByTerminalAsync(new GetVehicleByTerminalRequest { TerminalPhone = newPhone }, host.Auth("service", "telemetry"), cancellationToken: Cancel);
        Assert.Equal(plate, byNewPhone.Vehicle.Plate);
    }

    [Fact]
    public async Task UpdatePerson_ToEscort_IsNewVersionAndConcurrentUpdatesBothLand()
    {
        await host.StartAsync();
        var carrierId = await CreateCarrierAsync();
        var id = await CreatePersonAsync(carrierId, "DRIVER", TestData.Date("1990-01-01"));

        var updates = Enumerable.Range(0, 4).Select(i => host.SendAsync(HttpMethod.Put, $"/api/v1/personnel/{id}", "admin", new
        {
            name = "张三" + i, role = "ESCORT",
            qualification = new { number = "QC" + i, validUntil = "2029-05-01", scope = Class3 },
        }));
        var responses = await Task.WhenAll(updates);

        Assert.All(responses, r => Assert.True(r.Status == HttpStatusCode.OK, r.Body.ToString()));
        Assert.Equal([2, 3, 4, 5], responses.Select(r => r.Body.GetProperty("version").GetInt32()).Order());
        var read = await host.SendAsync(HttpMethod.Get, $"/api/v1/personnel/{id}", "admin");
        Assert.Equal(("ESCORT", 5), (read.Text("role"), read.Body.GetProperty("version").GetInt32()));
    }

    // ---- Errors -----------------------------------------------------------------------------------

    [Fact]
    public async Task CreateCarrier_BadInput_Is400NamingEveryField()
    {
        await host.StartAsync();

        var response = await host.SendAsync(HttpMethod.Post, "/api/v1/carriers", "admin", new
        {
            name = "重庆某危货运输有限公司",
            creditCode = "91500000MA5U00000X", // DESIGN.md's example: its GB 32100 check character is W
            permit = new { number = "渝交运管许可字500000000001号", validFrom = "2024-01-01", validUntil = "2028-13-31", scope = BadScope },
        });

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal(["creditCode", "permit.validUntil", "permit.scope[1]"], response.FieldViolations());
    }

    [Fact]
    public async Task CreateTank_BadMedia_Is400WithJsonPaths()
    {
        await host.StartAsync();
        var carrierId = await CreateCarrierAsync();

        var response = await host.SendAsync(HttpMethod.Post, $"/api/v1/carriers/{carrierId}/tanks", "admin", new
        {
            number = TestData.NewTankNumber(), capacityLitres = 30000, inspectionValidUntil = "2027-01-31",
            media = new[] { new { unNumber = "120", maxLoadKg = 21000 }, new { unNumber = "1203", maxLoadKg = -1 } },
        });

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal(["media[0].unNumber", "media[1].maxLoadKg"], response.FieldViolations());
    }

    [Fact]
    public async Task CreatePerson_DesignExampleIdNumber_Is400OnIdNumber()
    {
        await host.StartAsync();
        var carrierId = await CreateCarrierAsync();

        var response = await host.SendAsync(HttpMethod.Post, $"/api/v1/carriers/{carrierId}/personnel", "admin", new
        {
            idNumber = "500101199001011234", name = "张三", role = "DRIVER",
            qualification = new { number = "500101199001011234", validUntil = "2028-05-01", scope = CertScope },
        });

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal(["idNumber"], response.FieldViolations());
    }

    [Fact]
    public async Task Read_UnknownResources_Are404()
    {
        await host.StartAsync();

        Assert.Equal(HttpStatusCode.NotFound, (await host.SendAsync(HttpMethod.Get, "/api/v1/carriers/" + Guid.NewGuid(), "admin")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await host.SendAsync(HttpMethod.Get, "/api/v1/vehicles/" + Uri.EscapeDataString(TestData.NewPlate()), "admin")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await host.SendAsync(HttpMethod.Get, "/api/v1/personnel/" + Guid.NewGuid(), "admin")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await host.SendAsync(HttpMethod.Get, "/api/v1/tanks/" + TestData.NewTankNumber(), "admin")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await host.SendAsync(HttpMethod.Get, "/api/v1/gps-terminals/13700000000/vehicle", "admin")).Status);
        var vehicleOfNobody = await host.SendAsync(HttpMethod.Post, $"/api/v1/carriers/{Guid.NewGuid()}/vehicles", "admin", VehicleBody(TestData.NewPlate(), TestData.NewTerminalPhone()));
        Assert.Equal(HttpStatusCode.NotFound, vehicleOfNobody.Status);
    }

    [Fact]
    public async Task Create_Duplicates_Are409()
    {
        await host.StartAsync();
        var creditCode = TestData.NewCreditCode();
        var carrierId = (await PostCarrierAsync(creditCode, "2028-12-31")).Text("id");
        var plate = TestData.NewPlate();
        var phone = TestData.NewTerminalPhone();
        await host.SendAsync(HttpMethod.Post, $"/api/v1/carriers/{carrierId}/vehicles", "admin", VehicleBody(plate, phone));
        var birth = TestData.Date("1988-04-12");
        var idNumber = TestData.IdNumber(birth);
        await CreatePersonAsync(carrierId, "DRIVER", idNumber);
        var tank = await CreateTankAsync(carrierId);

        var sameCarrier = await PostCarrierAsync(creditCode, "2029-12-31");
        var samePlate = await host.SendAsync(HttpMethod.Post, $"/api/v1/carriers/{carrierId}/vehicles", "admin", VehicleBody(plate, TestData.NewTerminalPhone()));
        var sameTerminal = await host.SendAsync(HttpMethod.Post, $"/api/v1/carriers/{carrierId}/vehicles", "admin", VehicleBody(TestData.NewPlate(), phone.TrimStart('0')));
        var samePerson = await host.SendAsync(HttpMethod.Post, $"/api/v1/carriers/{carrierId}/personnel", "admin", PersonBody("ESCORT", idNumber.ToLowerInvariant()));
        var sameTank = await host.SendAsync(HttpMethod.Post, $"/api/v1/carriers/{carrierId}/tanks", "admin", TankBody(tank));

        Assert.Equal(
            [HttpStatusCode.Conflict, HttpStatusCode.Conflict, HttpStatusCode.Conflict, HttpStatusCode.Conflict, HttpStatusCode.Conflict],
            new[] { sameCarrier.Status, samePlate.Status, sameTerminal.Status, samePerson.Status, sameTank.Status });
        Assert.DoesNotContain(idNumber, samePerson.Body.ToString(), StringComparison.Ordinal); // personal data is masked
    }

    [Fact]
    public async Task UpdateCarrier_OtherCreditCode_Is400()
    {
        await host.StartAsync();
        var id = await CreateCarrierAsync();

        var response = await host.SendAsync(HttpMethod.Put, $"/api/v1/carriers/{id}", "admin", new
        {
            name = "x", creditCode = TestData.NewCreditCode(),
            permit = new { number = "P", validFrom = "2024-01-01", validUntil = "2028-12-31", scope = Class3 },
        });

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal(["creditCode"], response.FieldViolations());
    }

    // ---- Authorization ----------------------------------------------------------------------------

    [Fact]
    public async Task Policies_TokenAndRole_DecideBeforeAnyRule()
    {
        await host.StartAsync();
        var badBody = new { name = "" };

        Assert.Equal(HttpStatusCode.Unauthorized, (await host.SendAsync(HttpMethod.Get, "/api/v1/carriers", null)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await host.SendAsync(HttpMethod.Post, "/api/v1/carriers", "police", badBody)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await host.SendAsync(HttpMethod.Post, "/api/v1/carriers", "carrier", badBody)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await host.SendAsync(HttpMethod.Post, "/api/v1/blacklist", "terminal", badBody)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await host.SendAsync(HttpMethod.Get, "/api/v1/carriers", "gps")).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await host.SendAsync(HttpMethod.Post, "/api/v1/qualification:evaluate", "police", badBody)).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await host.SendAsync(HttpMethod.Post, "/api/v1/carriers", "admin", badBody)).Status);
        var grpc = await Assert.ThrowsAsync<RpcException>(() => host.Grpc.CreateTankAsync(new CreateTankRequest(), host.Auth("service", "waybill"), cancellationToken: Cancel).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, grpc.StatusCode);
    }

    [Fact]
    public async Task CarrierToken_OtherCarriersResources_Are403AndListsAreItsOwn()
    {
        await host.StartAsync();
        var mine = await RegisterAsync();
        var theirs = await RegisterAsync();

        async Task<HttpStatusCode> Get(string path) => (await host.SendAsync(HttpMethod.Get, path, "carrier", subject: mine.CarrierId)).Status;

        Assert.Equal(HttpStatusCode.OK, await Get($"/api/v1/carriers/{mine.CarrierId}"));
        Assert.Equal(HttpStatusCode.OK, await Get("/api/v1/vehicles/" + Uri.EscapeDataString(mine.Plate)));
        Assert.Equal(HttpStatusCode.OK, await Get($"/api/v1/personnel/{mine.DriverId}"));
        Assert.Equal(HttpStatusCode.OK, await Get($"/api/v1/tanks/{mine.Tank}"));
        Assert.Equal(HttpStatusCode.Forbidden, await Get($"/api/v1/carriers/{theirs.CarrierId}"));
        Assert.Equal(HttpStatusCode.Forbidden, await Get("/api/v1/vehicles/" + Uri.EscapeDataString(theirs.Plate)));
        Assert.Equal(HttpStatusCode.Forbidden, await Get($"/api/v1/personnel/{theirs.DriverId}"));
        Assert.Equal(HttpStatusCode.Forbidden, await Get($"/api/v1/tanks/{theirs.Tank}"));
        Assert.Equal(HttpStatusCode.Forbidden, await Get($"/api/v1/carriers/{theirs.CarrierId}/vehicles"));
        Assert.Equal(HttpStatusCode.Forbidden, await Get($"/api/v1/gps-terminals/{theirs.TerminalPhone}/vehicle"));
        Assert.Equal(HttpStatusCode.Forbidden, await Get($"/api/v1/blacklist/CARRIER/{theirs.CarrierId}"));
        var evaluate = await host.SendAsync(HttpMethod.Post, "/api/v1/qualification:evaluate", "carrier", EvaluateBody(theirs), mine.CarrierId);
        Assert.Equal(HttpStatusCode.Forbidden, evaluate.Status);

        var carriers = await host.SendAsync(HttpMethod.Get, "/api/v1/carriers?pageSize=500", "carrier", subject: mine.CarrierId);
        Assert.Equal([mine.CarrierId], carriers.Body.GetProperty("carriers").EnumerateArray().Select(c => c.GetProperty("id").GetString()));
    }

    // ---- Evaluation -------------------------------------------------------------------------------

    [Fact]
    public async Task Evaluate_RegisteredAndValid_IsQualifiedWithNoFindings()
    {
        await host.StartAsync();
        var registry = await RegisterAsync();

        var before = ShanghaiToday();
        var response = await host.SendAsync(HttpMethod.Post, "/api/v1/qualification:evaluate", "carrier", EvaluateBody(registry), registry.CarrierId);
        var after = ShanghaiToday();

        Assert.True(response.Status == HttpStatusCode.OK, response.Body.ToString());
        Assert.True(response.Body.GetProperty("qualified").GetBoolean());
        Assert.Empty(response.FindingCodes());
        Assert.Contains(response.Text("date"), new[] { before, after });
    }

    [Fact]
    public async Task Evaluate_SeveralProblems_ReturnsEveryFindingAtOnce()
    {
        await host.StartAsync();
        var registry = await RegisterAsync();
        var expiredDriver = await CreatePersonAsync(registry.CarrierId, "DRIVER", TestData.Date("1970-03-03"), validUntil: "2025-01-31");
        var trailer = TestData.NewTrailerPlate();

        var response = await host.Grpc.EvaluateQualificationAsync(new EvaluateQualificationRequest
        {
            CarrierId = registry.CarrierId,
            VehiclePlate = registry.Plate,
            TrailerPlate = trailer,
            DriverId = expiredDriver,
            EscortId = registry.EscortId,
            TankNumber = registry.Tank,
            Goods = { new GoodsItem { UnNumber = "1203", HazardClass = "3", QuantityKg = 20000 }, new GoodsItem { UnNumber = "1005", HazardClass = "2.3", QuantityKg = 1000 } },
            Date = "2026-06-01",
        }, host.Auth("service", "waybill"), cancellationToken: Cancel);

        Assert.False(response.Qualified);
        Assert.Equal(
            [("Q-CARRIER-SCOPE", "carrier:" + registry.CarrierId), ("Q-VEHICLE-OWNED", "trailer:" + trailer),
             ("Q-PERSON-CERT", "driver:" + expiredDriver), ("Q-TANK-MEDIUM", "tank:" + registry.Tank)],
            response.Findings.Select(f => (f.Code, f.Subject)));
        Assert.All(response.Findings, f => Assert.True(f.Blocking));
        Assert.Equal("2026-06-01", response.Date);
    }

    [Fact]
    public async Task Evaluate_UnknownEverything_IsFindingsNotErrors()
    {
        await host.StartAsync();

        var response = await host.SendAsync(HttpMethod.Post, "/api/v1/qualification:evaluate", "terminal", new
        {
            carrierId = Guid.NewGuid().ToString(), vehiclePlate = TestData.NewPlate(), driverId = "nobody", escortId = "nobody-else", tankNumber = "TK0",
            goods = new[] { new Dictionary<string, object> { ["unNumber"] = "1203", ["class"] = "3", ["quantityKg"] = 1000 } },
        });

        Assert.True(response.Status == HttpStatusCode.OK, response.Body.ToString());
        Assert.Equal(["Q-CARRIER-PERMIT", "Q-VEHICLE-OWNED", "Q-PERSON-ROLE", "Q-PERSON-ROLE", "Q-TANK-INSPECTION"], response.FindingCodes());
    }

    [Fact]
    public async Task Evaluate_BadGoodsClass_Is400OnGoodsClass()
    {
        await host.StartAsync();
        var registry = await RegisterAsync();
        var body = new Dictionary<string, object>
        {
            ["carrierId"] = registry.CarrierId, ["vehiclePlate"] = registry.Plate, ["driverId"] = registry.DriverId, ["escortId"] = registry.EscortId,
            ["goods"] = new[] { new Dictionary<string, object> { ["unNumber"] = "1203", ["class"] = "3.3", ["quantityKg"] = 1000 } },
        };

        var response = await host.SendAsync(HttpMethod.Post, "/api/v1/qualification:evaluate", "admin", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal(["goods[0].class"], response.FieldViolations());
    }

    // ---- Blacklist --------------------------------------------------------------------------------

    [Fact]
    public async Task Blacklist_Carrier_IsFoundByEvaluationUntilLiftedAndKeptInHistory()
    {
        await host.StartAsync();
        var registry = await RegisterAsync();

        var before = ShanghaiToday();
        var created = await host.SendAsync(HttpMethod.Post, "/api/v1/blacklist", "admin", new
        {
            subjectType = "CARRIER", subjectId = registry.CarrierId, reason = "多次违规运输", until = "2099-01-01",
        });
        var after = ShanghaiToday();
        var again = await host.SendAsync(HttpMethod.Post, "/api/v1/blacklist", "admin", new
        {
            subjectType = "CARRIER", subjectId = registry.CarrierId, reason = "again",
        });
        var refused = await host.SendAsync(HttpMethod.Post, "/api/v1/qualification:evaluate", "admin", EvaluateBody(registry));
        var read = await host.SendAsync(HttpMethod.Get, $"/api/v1/blacklist/CARRIER/{registry.CarrierId}", "carrier", subject: registry.CarrierId);
        var lifted = await host.SendAsync(HttpMethod.Delete, $"/api/v1/blacklist/CARRIER/{registry.CarrierId}?reason=%E6%95%B4%E6%94%B9%E5%AE%8C%E6%88%90", "admin");
        var afterLift = await host.SendAsync(HttpMethod.Post, "/api/v1/qualification:evaluate", "admin", EvaluateBody(registry));
        var gone = await host.SendAsync(HttpMethod.Get, $"/api/v1/blacklist/CARRIER/{registry.CarrierId}", "admin");
        var history = await host.SendAsync(HttpMethod.Get, $"/api/v1/blacklist?subjectType=CARRIER&subjectId={registry.CarrierId}&includeInactive=true", "admin");
        var current = await host.SendAsync(HttpMethod.Get, $"/api/v1/blacklist?subjectType=CARRIER&subjectId={registry.CarrierId}", "admin");

        Assert.True(created.Status == HttpStatusCode.OK, created.Body.ToString());
        Assert.True(created.Body.GetProperty("active").GetBoolean());
        Assert.Contains(created.Text("validFrom"), new[] { before, after });
        Assert.Equal("admin:tester", created.Text("createdBy"));
        Assert.Equal(HttpStatusCode.Conflict, again.Status);
        Assert.Contains("Q-CARRIER-BLACKLIST", refused.FindingCodes());
        Assert.False(refused.Body.GetProperty("qualified").GetBoolean());
        Assert.Equal((HttpStatusCode.OK, "多次违规运输"), (read.Status, read.Text("reason")));
        Assert.True(lifted.Status == HttpStatusCode.OK, lifted.Body.ToString());
        Assert.Equal(("整改完成", 2), (lifted.Text("liftReason"), lifted.Body.GetProperty("version").GetInt32()));
        Assert.False(lifted.Body.TryGetProperty("active", out var active) && active.GetBoolean());
        Assert.DoesNotContain("Q-CARRIER-BLACKLIST", afterLift.FindingCodes());
        Assert.Equal(HttpStatusCode.NotFound, gone.Status);
        var entry = Assert.Single(history.Body.GetProperty("entries").EnumerateArray());
        Assert.Equal("整改完成", entry.GetProperty("liftReason").GetString());
        Assert.False(current.Body.TryGetProperty("entries", out var none) && none.GetArrayLength() > 0);
        var versions = await host.QueryAsync(db => db.BlacklistEntryVersions.CountAsync(v => v.EntryId == created.Text("id"), Cancel));
        Assert.Equal(2, versions);
    }

    [Fact]
    public async Task Blacklist_VehicleAndPerson_UpdateChangesReasonAsNewVersion()
    {
        await host.StartAsync();
        var registry = await RegisterAsync();
        await host.SendAsync(HttpMethod.Post, "/api/v1/blacklist", "admin", new { subjectType = "VEHICLE", subjectId = registry.Plate, reason = "超速" });
        await host.SendAsync(HttpMethod.Post, "/api/v1/blacklist", "admin", new { subjectType = "PERSON", subjectId = registry.EscortId, reason = "脱岗" });

        var updated = await host.Grpc.UpdateBlacklistEntryAsync(new UpdateBlacklistEntryRequest
        {
            SubjectType = SubjectType.Vehicle, SubjectId = registry.Plate, Reason = "超速且屡教不改", Until = "2099-12-31",
        }, host.Auth("admin"), cancellationToken: Cancel);
        var evaluation = await host.SendAsync(HttpMethod.Post, "/api/v1/qualification:evaluate", "admin", EvaluateBody(registry));
        var carrierView = await host.SendAsync(HttpMethod.Get, "/api/v1/blacklist", "carrier", subject: registry.CarrierId);
        var unknown = await host.SendAsync(HttpMethod.Post, "/api/v1/blacklist", "admin", new { subjectType = "PERSON", subjectId = Guid.NewGuid().ToString(), reason = "x" });

        Assert.Equal((2, "超速且屡教不改", "2099-12-31"), (updated.Entry.Version, updated.Entry.Reason, updated.Entry.Until));
        Assert.Equal(["Q-VEHICLE-BLACKLIST", "Q-PERSON-BLACKLIST"], evaluation.FindingCodes());
        Assert.Equal(
            ["PERSON", "VEHICLE"],
            carrierView.Body.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("subjectType").GetString()));
        Assert.Equal(HttpStatusCode.NotFound, unknown.Status);
    }

    // ---- Terminals --------------------------------------------------------------------------------

    [Fact]
    public async Task GetVehicleByTerminal_LeadingZerosDoNotMatter()
    {
        await host.StartAsync();
        var registry = await RegisterAsync();
        var withoutZero = registry.TerminalPhone.TrimStart('0');

        var rest = await host.SendAsync(HttpMethod.Get, $"/api/v1/gps-terminals/{withoutZero}/vehicle", "admin");
        var grpc = await host.Grpc.GetVehicleByTerminalAsync(
            new GetVehicleByTerminalRequest { TerminalPhone = "00000000" + withoutZero }, host.Auth("service", "telemetry"), cancellationToken: Cancel);

        Assert.True(rest.Status == HttpStatusCode.OK, rest.Body.ToString());
        Assert.Equal((registry.Plate, registry.TerminalPhone), (rest.Text("plate"), rest.Text("terminalPhone")));
        Assert.Equal(registry.Plate, grpc.Vehicle.Plate);
    }

    // ---------------------------------------------------------------------------------------------

    /// <summary>
    /// The date in Asia/Shanghai now. The service reads its own clock during the call, so a test brackets the call
    /// with two readings: near midnight in Shanghai (16:00 UTC) they differ and either may be the service's "today".
    /// </summary>
    private static string ShanghaiToday() =>
        DateTime.UtcNow.AddHours(8).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    private sealed record Registry(string CarrierId, string Plate, string TerminalPhone, string DriverId, string EscortId, string Tank);

    private async Task<Registry> RegisterAsync()
    {
        var carrierId = await CreateCarrierAsync();
        var phone = TestData.NewTerminalPhone();
        var plate = await CreateVehicleAsync(carrierId, phone);
        var driver = await CreatePersonAsync(carrierId, "DRIVER", TestData.Date("1990-01-01"));
        var escort = await CreatePersonAsync(carrierId, "ESCORT", TestData.Date("1985-06-15"));
        var tank = await CreateTankAsync(carrierId);
        return new Registry(carrierId, plate, phone, driver, escort, tank);
    }

    private async Task<RestResponse> PostCarrierAsync(string creditCode, string validUntil) =>
        await host.SendAsync(HttpMethod.Post, "/api/v1/carriers", "admin", new
        {
            name = "重庆某危货运输有限公司",
            creditCode,
            permit = new { number = "渝交运管许可字500000000001号", validFrom = "2024-01-01", validUntil, scope = PermitScope },
        });

    private async Task<string> CreateCarrierAsync()
    {
        var response = await PostCarrierAsync(TestData.NewCreditCode(), "2099-12-31");
        Assert.True(response.Status == HttpStatusCode.OK, response.Body.ToString());
        return response.Text("id");
    }

    private async Task<string> CreateVehicleAsync(string carrierId, string? phone = null)
    {
        var plate = TestData.NewPlate();
        var response = await host.SendAsync(HttpMethod.Post, $"/api/v1/carriers/{carrierId}/vehicles", "admin", VehicleBody(plate, phone ?? TestData.NewTerminalPhone()));
        Assert.True(response.Status == HttpStatusCode.OK, response.Body.ToString());
        return plate;
    }

    private Task<string> CreatePersonAsync(string carrierId, string role, DateOnly birth, string validUntil = "2099-05-01") =>
        CreatePersonAsync(carrierId, role, TestData.IdNumber(birth), validUntil);

    private async Task<string> CreatePersonAsync(string carrierId, string role, string idNumber, string validUntil = "2099-05-01")
    {
        var response = await host.SendAsync(HttpMethod.Post, $"/api/v1/carriers/{carrierId}/personnel", "admin", PersonBody(role, idNumber, validUntil));
        Assert.True(response.Status == HttpStatusCode.OK, response.Body.ToString());
        return response.Text("id");
    }

    private async Task<string> CreateTankAsync(string carrierId)
    {
        var number = TestData.NewTankNumber();
        var response = await host.SendAsync(HttpMethod.Post, $"/api/v1/carriers/{carrierId}/tanks", "admin", TankBody(number));
        Assert.True(response.Status == HttpStatusCode.OK, response.Body.ToString());
        return number;
    }

    private static object VehicleBody(string plate, string phone) => new
    {
        plate, kind = "TANK_TRUCK", ratedLoadKg = 30000,
        roadTransportCert = new { number = "500000123456", validUntil = "2099-06-30" },
        inspectionValidUntil = "2099-03-31", terminalPhone = phone,
    };

    private static object PersonBody(string role, string idNumber, string validUntil = "2099-05-01") => new
    {
        idNumber, name = role == "DRIVER" ? "张三" : "李四", role,
        qualification = new { number = idNumber.ToUpperInvariant(), validUntil, scope = CertScope },
    };

    private static object TankBody(string number) => new
    {
        number, capacityLitres = 30000, inspectionValidUntil = "2099-01-31",
        media = new[] { new { unNumber = "1203", maxLoadKg = 21000 } },
    };

    private static Dictionary<string, object> EvaluateBody(Registry r) => new()
    {
        ["carrierId"] = r.CarrierId,
        ["vehiclePlate"] = r.Plate,
        ["trailerPlate"] = "",
        ["driverId"] = r.DriverId,
        ["escortId"] = r.EscortId,
        ["tankNumber"] = r.Tank,
        ["goods"] = new[] { new Dictionary<string, object> { ["unNumber"] = "1203", ["class"] = "3", ["quantityKg"] = 20000 } },
    };
}

/// <summary>The scenarios on PostgreSQL, the system of record.</summary>
public sealed class PostgresRegistryTests(PostgresServiceHost host) : RegistryScenarios(host), IClassFixture<PostgresServiceHost>;

/// <summary>The scenarios on SQLite, the embedded default.</summary>
public sealed class SqliteRegistryTests(SqliteServiceHost host) : RegistryScenarios(host), IClassFixture<SqliteServiceHost>;
