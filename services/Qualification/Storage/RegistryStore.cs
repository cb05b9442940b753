using System.Data;
using System.Data.Common;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using PersonRole = HazChem.Transport.Contracts.Qualification.V1.PersonRole;
using SubjectType = HazChem.Transport.Contracts.Qualification.V1.SubjectType;
using HazChem.Transport.Qualification.Domain;
using HazChem.Transport.ServiceDefaults.Errors;
using Microsoft.EntityFrameworkCore;

namespace HazChem.Transport.Qualification.Storage;

/// <summary>
/// The registry on its database. Every change appends a version row in a serializable transaction; a writer that
/// loses a race (same next version, same key, a serialization failure) retries on fresh data, so duplicates still
/// come back as <see cref="AlreadyExistsException"/> and concurrent updates both land as consecutive versions.
/// Reads take the highest version of each resource.
/// </summary>
// CA1309: string.Compare(a, b) inside queries is what EF translates to SQL "<"/">" (the overloads with a
// StringComparison are not translated); the database collation decides, the same one that orders the pages,
// which is what keyset paging needs. The comparison never runs in .NET.
[SuppressMessage("Globalization", "CA1309:Use ordinal string comparison", Justification = "Translated to SQL; see above.")]
internal sealed class RegistryStore(IDbContextFactory<QualificationDbContext> factory, TimeProvider time)
{
    private const int WriteAttempts = 6;

    // ---------------------------------------------------------------------------------------------
    // Carriers
    // ---------------------------------------------------------------------------------------------

    public Task<Carrier> CreateCarrierAsync(CarrierDraft draft, string actor, CancellationToken cancellationToken) =>
        WriteAsync(async (db, now) =>
        {
            if (await db.Carriers.AnyAsync(c => c.CreditCode == draft.CreditCode, cancellationToken))
            {
                throw new AlreadyExistsException("carrier with credit code", draft.CreditCode);
            }

            var row = new CarrierRow { Id = NewId(now), CreditCode = draft.CreditCode, CreatedAt = now, CreatedBy = actor };
            var version = CarrierVersion(row.Id, 1, draft, now, actor);
            db.Carriers.Add(row);
            db.CarrierVersions.Add(version);
            return ToCarrier(row, version);
        }, cancellationToken);

    public Task<Carrier> UpdateCarrierAsync(string id, CarrierDraft draft, string actor, CancellationToken cancellationToken) =>
        WriteAsync(async (db, now) =>
        {
            var row = await db.Carriers.SingleOrDefaultAsync(c => c.Id == id, cancellationToken) ?? throw new NotFoundException("carrier", id);
            if (!string.Equals(row.CreditCode, draft.CreditCode, StringComparison.Ordinal))
            {
                throw new InvalidInputException("creditCode",
                    $"identifies the carrier and cannot change (registered: {row.CreditCode}); register another legal entity as a new carrier");
            }

            var latest = await db.CarrierVersions.Where(v => v.CarrierId == id).MaxAsync(v => v.Version, cancellationToken);
            var version = CarrierVersion(id, latest + 1, draft, now, actor);
            db.CarrierVersions.Add(version);
            return ToCarrier(row, version);
        }, cancellationToken);

    public async Task<Carrier?> FindCarrierAsync(string id, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        return await FindCarrierAsync(db, id, cancellationToken);
    }

    /// <summary>Carriers by name, then id; only <paramref name="onlyId"/> when given (a carrier's own view).</summary>
    public async Task<Page<Carrier>> ListCarriersAsync(string? onlyId, PageRequest page, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var query = from v in LatestCarrierVersions(db)
                    join c in db.Carriers on v.CarrierId equals c.Id
                    select new { Row = c, Version = v };
        if (onlyId is not null)
        {
            query = query.Where(x => x.Row.Id == onlyId);
        }

        if (page.After is { } after)
        {
            var (name, id) = Key2(after);
            query = query.Where(x => string.Compare(x.Version.Name, name) > 0 || (x.Version.Name == name && string.Compare(x.Row.Id, id) > 0));
        }

        var rows = await query.OrderBy(x => x.Version.Name).ThenBy(x => x.Row.Id).Take(page.Size + 1).ToListAsync(cancellationToken);
        var items = rows.Take(page.Size).Select(x => ToCarrier(x.Row, x.Version)).ToList();
        return new Page<Carrier>(items, rows.Count > page.Size ? PageToken.Encode(items[^1].Name, items[^1].Id) : "");
    }

    // ---------------------------------------------------------------------------------------------
    // Vehicles
    // ---------------------------------------------------------------------------------------------

    public Task<Vehicle> CreateVehicleAsync(string carrierId, VehicleDraft draft, string actor, CancellationToken cancellationToken) =>
        WriteAsync(async (db, now) =>
        {
            await EnsureCarrierExistsAsync(db, carrierId, cancellationToken);
            if (await db.Vehicles.AnyAsync(v => v.Plate == draft.Plate, cancellationToken))
            {
                throw new AlreadyExistsException("vehicle", draft.Plate);
            }

            await EnsureTerminalFreeAsync(db, draft, cancellationToken);
            var row = new VehicleRow { Plate = draft.Plate, CarrierId = carrierId, CreatedAt = now, CreatedBy = actor };
            var version = VehicleVersion(1, draft, now, actor);
            db.Vehicles.Add(row);
            db.VehicleVersions.Add(version);
            return ToVehicle(row, version);
        }, cancellationToken);

    public Task<Vehicle> UpdateVehicleAsync(VehicleDraft draft, string actor, CancellationToken cancellationToken) =>
        WriteAsync(async (db, now) =>
        {
            var row = await db.Vehicles.SingleOrDefaultAsync(v => v.Plate == draft.Plate, cancellationToken)
                ?? throw new NotFoundException("vehicle", draft.Plate);
            await EnsureTerminalFreeAsync(db, draft, cancellationToken);
            var latest = await db.VehicleVersions.Where(v => v.Plate == draft.Plate).MaxAsync(v => v.Version, cancellationToken);
            var version = VehicleVersion(latest + 1, draft, now, actor);
            db.VehicleVersions.Add(version);
            return ToVehicle(row, version);
        }, cancellationToken);

    public async Task<Vehicle?> FindVehicleAsync(string plate, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        return await FindVehicleAsync(db, plate, cancellationToken);
    }

    /// <summary>The vehicle whose latest registration binds the terminal with this phone (compared without leading zeros).</summary>
    public async Task<Vehicle?> FindVehicleByTerminalAsync(string terminalPhone, CancellationToken cancellationToken)
    {
        var key = TerminalPhone.Key(terminalPhone);
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var found = await (from v in LatestVehicleVersions(db)
                           join r in db.Vehicles on v.Plate equals r.Plate
                           where v.TerminalKey == key
                           orderby r.Plate
                           select new { Row = r, Version = v }).FirstOrDefaultAsync(cancellationToken);
        return found is null ? null : ToVehicle(found.Row, found.Version);
    }

    /// <summary>A carrier's vehicles and trailers by plate.</summary>
    public async Task<Page<Vehicle>> ListVehiclesAsync(string carrierId, PageRequest page, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        await EnsureCarrierExistsAsync(db, carrierId, cancellationToken);
        var query = from v in LatestVehicleVersions(db)
                    join r in db.Vehicles on v.Plate equals r.Plate
                    where r.CarrierId == carrierId
                    select new { Row = r, Version = v };
        if (page.After is { } after)
        {
            var plate = Key1(after);
            query = query.Where(x => string.Compare(x.Row.Plate, plate) > 0);
        }

        var rows = await query.OrderBy(x => x.Row.Plate).Take(page.Size + 1).ToListAsync(cancellationToken);
        var items = rows.Take(page.Size).Select(x => ToVehicle(x.Row, x.Version)).ToList();
        return new Page<Vehicle>(items, rows.Count > page.Size ? PageToken.Encode(items[^1].Plate) : "");
    }

    // ---------------------------------------------------------------------------------------------
    // Personnel
    // ---------------------------------------------------------------------------------------------

    public Task<Person> CreatePersonAsync(string carrierId, string idNumber, PersonDraft draft, string actor, CancellationToken cancellationToken) =>
        WriteAsync(async (db, now) =>
        {
            await EnsureCarrierExistsAsync(db, carrierId, cancellationToken);
            if (await db.Persons.AnyAsync(p => p.IdNumber == idNumber, cancellationToken))
            {
                // An ID number is personal data: the error (and the log line it makes) carries it masked.
                throw new AlreadyExistsException("person with ID number", ResidentIdNumber.Mask(idNumber));
            }

            var row = new PersonRow { Id = NewId(now), IdNumber = idNumber, CarrierId = carrierId, CreatedAt = now, CreatedBy = actor };
            var version = PersonVersion(row.Id, 1, draft, now, actor);
            db.Persons.Add(row);
            db.PersonVersions.Add(version);
            return ToPerson(row, version);
        }, cancellationToken);

    public Task<Person> UpdatePersonAsync(string id, PersonDraft draft, string actor, CancellationToken cancellationToken) =>
        WriteAsync(async (db, now) =>
        {
            var row = await db.Persons.SingleOrDefaultAsync(p => p.Id == id, cancellationToken) ?? throw new NotFoundException("person", id);
            var latest = await db.PersonVersions.Where(v => v.PersonId == id).MaxAsync(v => v.Version, cancellationToken);
            var version = PersonVersion(id, latest + 1, draft, now, actor);
            db.PersonVersions.Add(version);
            return ToPerson(row, version);
        }, cancellationToken);

    public async Task<Person?> FindPersonAsync(string id, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        return await FindPersonAsync(db, id, cancellationToken);
    }

    /// <summary>A carrier's drivers and escorts by name, then id; one role when given.</summary>
    public async Task<Page<Person>> ListPersonnelAsync(string carrierId, PersonRole? role, PageRequest page, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        await EnsureCarrierExistsAsync(db, carrierId, cancellationToken);
        var query = from v in LatestPersonVersions(db)
                    join r in db.Persons on v.PersonId equals r.Id
                    where r.CarrierId == carrierId
                    select new { Row = r, Version = v };
        if (role is { } wanted)
        {
            query = query.Where(x => x.Version.Role == wanted);
        }

        if (page.After is { } after)
        {
            var (name, id) = Key2(after);
            query = query.Where(x => string.Compare(x.Version.Name, name) > 0 || (x.Version.Name == name && string.Compare(x.Row.Id, id) > 0));
        }

        var rows = await query.OrderBy(x => x.Version.Name).ThenBy(x => x.Row.Id).Take(page.Size + 1).ToListAsync(cancellationToken);
        var items = rows.Take(page.Size).Select(x => ToPerson(x.Row, x.Version)).ToList();
        return new Page<Person>(items, rows.Count > page.Size ? PageToken.Encode(items[^1].Name, items[^1].Id) : "");
    }

    // ---------------------------------------------------------------------------------------------
    // Tanks
    // ---------------------------------------------------------------------------------------------

    public Task<Tank> CreateTankAsync(string carrierId, string number, TankDraft draft, string actor, CancellationToken cancellationToken) =>
        WriteAsync(async (db, now) =>
        {
            await EnsureCarrierExistsAsync(db, carrierId, cancellationToken);
            if (await db.Tanks.AnyAsync(t => t.Number == number, cancellationToken))
            {
                throw new AlreadyExistsException("tank", number);
            }

            var row = new TankRow { Number = number, CarrierId = carrierId, CreatedAt = now, CreatedBy = actor };
            var version = TankVersion(number, 1, draft, now, actor);
            db.Tanks.Add(row);
            db.TankVersions.Add(version);
            return ToTank(row, version);
        }, cancellationToken);

    public Task<Tank> UpdateTankAsync(string number, TankDraft draft, string actor, CancellationToken cancellationToken) =>
        WriteAsync(async (db, now) =>
        {
            var row = await db.Tanks.SingleOrDefaultAsync(t => t.Number == number, cancellationToken) ?? throw new NotFoundException("tank", number);
            var latest = await db.TankVersions.Where(v => v.Number == number).MaxAsync(v => v.Version, cancellationToken);
            var version = TankVersion(number, latest + 1, draft, now, actor);
            db.TankVersions.Add(version);
            return ToTank(row, version);
        }, cancellationToken);

    public async Task<Tank?> FindTankAsync(string number, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        return await FindTankAsync(db, number, cancellationToken);
    }

    /// <summary>A carrier's tanks by number.</summary>
    public async Task<Page<Tank>> ListTanksAsync(string carrierId, PageRequest page, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        await EnsureCarrierExistsAsync(db, carrierId, cancellationToken);
        var query = from v in LatestTankVersions(db)
                    join r in db.Tanks on v.Number equals r.Number
                    where r.CarrierId == carrierId
                    select new { Row = r, Version = v };
        if (page.After is { } after)
        {
            var number = Key1(after);
            query = query.Where(x => string.Compare(x.Row.Number, number) > 0);
        }

        var rows = await query.OrderBy(x => x.Row.Number).Take(page.Size + 1).ToListAsync(cancellationToken);
        var items = rows.Take(page.Size).Select(x => ToTank(x.Row, x.Version)).ToList();
        return new Page<Tank>(items, rows.Count > page.Size ? PageToken.Encode(items[^1].Number) : "");
    }

    // ---------------------------------------------------------------------------------------------
    // Blacklist
    // ---------------------------------------------------------------------------------------------

    /// <summary>The carrier that owns a blacklist subject (the carrier itself, a vehicle's or a person's employer), or null when unknown.</summary>
    public async Task<string?> OwnerOfSubjectAsync(SubjectType type, string subjectId, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        return type switch
        {
            SubjectType.Carrier => await db.Carriers.Where(c => c.Id == subjectId).Select(c => c.Id).SingleOrDefaultAsync(cancellationToken),
            SubjectType.Vehicle => await db.Vehicles.Where(v => v.Plate == subjectId).Select(v => v.CarrierId).SingleOrDefaultAsync(cancellationToken),
            SubjectType.Person => await db.Persons.Where(p => p.Id == subjectId).Select(p => p.CarrierId).SingleOrDefaultAsync(cancellationToken),
            _ => null,
        };
    }

    /// <summary>Blacklists a registered subject; a subject has at most one open (not lifted, not expired) entry.</summary>
    public Task<BlacklistEntry> CreateBlacklistEntryAsync(BlacklistDraft draft, DateOnly today, string actor, CancellationToken cancellationToken) =>
        WriteAsync(async (db, now) =>
        {
            var exists = draft.SubjectType switch
            {
                SubjectType.Carrier => await db.Carriers.AnyAsync(c => c.Id == draft.SubjectId, cancellationToken),
                SubjectType.Vehicle => await db.Vehicles.AnyAsync(v => v.Plate == draft.SubjectId, cancellationToken),
                _ => await db.Persons.AnyAsync(p => p.Id == draft.SubjectId, cancellationToken),
            };
            if (!exists)
            {
                throw new NotFoundException(SubjectName(draft.SubjectType), draft.SubjectId);
            }

            if (await FindOpenEntryAsync(db, draft.SubjectType, draft.SubjectId, today, cancellationToken) is not null)
            {
                throw new AlreadyExistsException("blacklist entry for", $"{SubjectName(draft.SubjectType)} {draft.SubjectId}");
            }

            var row = new BlacklistEntryRow
            {
                Id = NewId(now), SubjectType = draft.SubjectType, SubjectId = draft.SubjectId, CreatedAt = now, CreatedBy = actor,
            };
            var version = new BlacklistEntryVersionRow
            {
                EntryId = row.Id, Version = 1, Reason = draft.Reason, ValidFrom = draft.ValidFrom, Until = draft.Until,
                RecordedAt = now, RecordedBy = actor,
            };
            db.BlacklistEntries.Add(row);
            db.BlacklistEntryVersions.Add(version);
            return ToEntry(row, version);
        }, cancellationToken);

    /// <summary>Changes the reason and period of a subject's open entry (a new version); <paramref name="validFrom"/> null keeps it.</summary>
    public Task<BlacklistEntry> UpdateBlacklistEntryAsync(
        SubjectType type, string subjectId, string reason, DateOnly? validFrom, DateOnly? until, DateOnly today, string actor, CancellationToken cancellationToken) =>
        WriteAsync(async (db, now) =>
        {
            var open = await FindOpenEntryAsync(db, type, subjectId, today, cancellationToken)
                ?? throw new NotFoundException("blacklist entry", $"{type.ToString().ToUpperInvariant()}/{subjectId}");
            var from = validFrom ?? open.Version.ValidFrom;
            if (until is { } last && last < from)
            {
                throw new InvalidInputException("until", $"must not be before validFrom {IsoDate.Format(from)}");
            }

            var version = new BlacklistEntryVersionRow
            {
                EntryId = open.Entry.Id, Version = open.Version.Version + 1, Reason = reason, ValidFrom = from, Until = until,
                RecordedAt = now, RecordedBy = actor,
            };
            db.BlacklistEntryVersions.Add(version);
            return ToEntry(open.Entry, version);
        }, cancellationToken);

    /// <summary>Lifts a subject's open entry: a new version with who lifted it, when and why; the entry stays in the history.</summary>
    public Task<BlacklistEntry> LiftBlacklistEntryAsync(
        SubjectType type, string subjectId, string reason, DateOnly today, string actor, CancellationToken cancellationToken) =>
        WriteAsync(async (db, now) =>
        {
            var open = await FindOpenEntryAsync(db, type, subjectId, today, cancellationToken)
                ?? throw new NotFoundException("blacklist entry", $"{type.ToString().ToUpperInvariant()}/{subjectId}");
            var version = new BlacklistEntryVersionRow
            {
                EntryId = open.Entry.Id, Version = open.Version.Version + 1, Reason = open.Version.Reason,
                ValidFrom = open.Version.ValidFrom, Until = open.Version.Until,
                LiftedAt = now, LiftedBy = actor, LiftReason = reason,
                RecordedAt = now, RecordedBy = actor,
            };
            db.BlacklistEntryVersions.Add(version);
            return ToEntry(open.Entry, version);
        }, cancellationToken);

    /// <summary>A subject's open entry (in force or scheduled), or null.</summary>
    public async Task<BlacklistEntry?> FindOpenBlacklistEntryAsync(SubjectType type, string subjectId, DateOnly today, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var open = await FindOpenEntryAsync(db, type, subjectId, today, cancellationToken);
        return open is null ? null : ToEntry(open.Entry, open.Version);
    }

    /// <summary>Blacklist entries, newest first; only those in force on <paramref name="today"/> unless <paramref name="includeInactive"/>.</summary>
    /// <param name="ownerCarrierId">When set, only entries about this carrier, its vehicles and its people.</param>
    public async Task<Page<BlacklistEntry>> ListBlacklistEntriesAsync(
        SubjectType? type, string? subjectId, bool includeInactive, string? ownerCarrierId, DateOnly today, PageRequest page, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var query = LatestEntries(db);
        if (type is { } wantedType)
        {
            query = query.Where(x => x.Entry.SubjectType == wantedType);
        }

        if (subjectId is not null)
        {
            query = query.Where(x => x.Entry.SubjectId == subjectId);
        }

        if (!includeInactive)
        {
            query = query.Where(x => x.Version.LiftedAt == null && x.Version.ValidFrom <= today && (x.Version.Until == null || x.Version.Until >= today));
        }

        if (ownerCarrierId is not null)
        {
            query = query.Where(x =>
                (x.Entry.SubjectType == SubjectType.Carrier && x.Entry.SubjectId == ownerCarrierId)
                || (x.Entry.SubjectType == SubjectType.Vehicle && db.Vehicles.Any(v => v.Plate == x.Entry.SubjectId && v.CarrierId == ownerCarrierId))
                || (x.Entry.SubjectType == SubjectType.Person && db.Persons.Any(p => p.Id == x.Entry.SubjectId && p.CarrierId == ownerCarrierId)));
        }

        if (page.After is { } after)
        {
            var (ticks, id) = Key2(after);
            if (!long.TryParse(ticks, NumberStyles.None, CultureInfo.InvariantCulture, out var t) || t < DateTime.MinValue.Ticks || t > DateTime.MaxValue.Ticks)
            {
                throw InvalidPageToken();
            }

            var createdAt = new DateTime(t, DateTimeKind.Utc);
            query = query.Where(x => x.Entry.CreatedAt < createdAt || (x.Entry.CreatedAt == createdAt && string.Compare(x.Entry.Id, id) < 0));
        }

        var rows = await query.OrderByDescending(x => x.Entry.CreatedAt).ThenByDescending(x => x.Entry.Id).Take(page.Size + 1).ToListAsync(cancellationToken);
        var items = rows.Take(page.Size).Select(x => ToEntry(x.Entry, x.Version)).ToList();
        var next = rows.Count > page.Size
            ? PageToken.Encode(items[^1].CreatedAt.Ticks.ToString(CultureInfo.InvariantCulture), items[^1].Id)
            : "";
        return new Page<BlacklistEntry>(items, next);
    }

    // ---------------------------------------------------------------------------------------------
    // Qualification facts
    // ---------------------------------------------------------------------------------------------

    /// <summary>Everything the Q- rules need for <paramref name="query"/>, with null for what is not registered.</summary>
    public async Task<QualificationFacts> LoadFactsAsync(QualificationQuery query, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var carrier = await FindCarrierAsync(db, query.CarrierId, cancellationToken);
        var vehicle = await FindVehicleAsync(db, query.VehiclePlate, cancellationToken);
        var trailer = query.TrailerPlate.Length > 0 ? await FindVehicleAsync(db, query.TrailerPlate, cancellationToken) : null;
        var driver = await FindPersonAsync(db, query.DriverId, cancellationToken);
        var escort = query.EscortId == query.DriverId ? driver : await FindPersonAsync(db, query.EscortId, cancellationToken);
        var tank = query.TankNumber.Length > 0 ? await FindTankAsync(db, query.TankNumber, cancellationToken) : null;

        var plates = new[] { query.VehiclePlate, query.TrailerPlate }.Where(p => p.Length > 0).ToList();
        var people = new[] { query.DriverId, query.EscortId }.Distinct().ToList();
        var entries = await LatestEntries(db)
            .Where(x => x.Version.LiftedAt == null)
            .Where(x => (x.Entry.SubjectType == SubjectType.Carrier && x.Entry.SubjectId == query.CarrierId)
                || (x.Entry.SubjectType == SubjectType.Vehicle && plates.Contains(x.Entry.SubjectId))
                || (x.Entry.SubjectType == SubjectType.Person && people.Contains(x.Entry.SubjectId)))
            .ToListAsync(cancellationToken);

        return new QualificationFacts(carrier, vehicle, trailer, driver, escort, tank, entries.Select(x => ToEntry(x.Entry, x.Version)).ToList());
    }

    // ---------------------------------------------------------------------------------------------
    // Plumbing
    // ---------------------------------------------------------------------------------------------

    private async Task<T> WriteAsync<T>(Func<QualificationDbContext, DateTime, Task<T>> write, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            await using var db = await factory.CreateDbContextAsync(cancellationToken);
            await using var transaction = await db.Database.BeginTransactionAsync(IsolationLevel.Serializable, cancellationToken);
            try
            {
                var result = await write(db, Now());
                await db.SaveChangesAsync(cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                return result;
            }
            catch (Exception ex) when (attempt < WriteAttempts && IsConflict(ex))
            {
                // A concurrent writer took the version number or key, or PostgreSQL found a serialization
                // conflict; the next attempt sees its row and either appends after it or reports the duplicate.
            }
        }
    }

    // EF wraps the provider's error (a unique violation, PostgreSQL's 40001) in DbUpdateException, and Npgsql's
    // execution strategy wraps transient ones once more in InvalidOperationException: look down the chain.
    private static bool IsConflict(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is DbUpdateException or DbException)
            {
                return true;
            }
        }

        return false;
    }

    // Microseconds: what PostgreSQL keeps, so a value read back equals the one returned at write time.
    private DateTime Now()
    {
        var now = time.GetUtcNow().UtcDateTime;
        return new DateTime(now.Ticks - (now.Ticks % 10), DateTimeKind.Utc);
    }

    private static string NewId(DateTime now) => Guid.CreateVersion7(new DateTimeOffset(now)).ToString();

    private static DateTime Utc(DateTime value) => DateTime.SpecifyKind(value, DateTimeKind.Utc);

    private static string SubjectName(SubjectType type) => type switch
    {
        SubjectType.Carrier => "carrier",
        SubjectType.Vehicle => "vehicle",
        _ => "person",
    };

    private static InvalidInputException InvalidPageToken() => new("pageToken", "is not a token this list returned");

    private static string Key1(IReadOnlyList<string> key) => key.Count == 1 ? key[0] : throw InvalidPageToken();

    private static (string, string) Key2(IReadOnlyList<string> key) => key.Count == 2 ? (key[0], key[1]) : throw InvalidPageToken();

    private static async Task EnsureCarrierExistsAsync(QualificationDbContext db, string carrierId, CancellationToken cancellationToken)
    {
        if (!await db.Carriers.AnyAsync(c => c.Id == carrierId, cancellationToken))
        {
            throw new NotFoundException("carrier", carrierId);
        }
    }

    private static async Task EnsureTerminalFreeAsync(QualificationDbContext db, VehicleDraft draft, CancellationToken cancellationToken)
    {
        if (draft.TerminalPhone.Length == 0)
        {
            return;
        }

        var key = TerminalPhone.Key(draft.TerminalPhone);
        var boundTo = await LatestVehicleVersions(db)
            .Where(v => v.TerminalKey == key && v.Plate != draft.Plate)
            .Select(v => v.Plate)
            .FirstOrDefaultAsync(cancellationToken);
        if (boundTo is not null)
        {
            throw new AlreadyExistsException("terminal", $"{draft.TerminalPhone} (bound to {boundTo})");
        }
    }

    private static IQueryable<CarrierVersionRow> LatestCarrierVersions(QualificationDbContext db) =>
        db.CarrierVersions.Where(v => v.Version == db.CarrierVersions.Where(w => w.CarrierId == v.CarrierId).Max(w => w.Version));

    private static IQueryable<VehicleVersionRow> LatestVehicleVersions(QualificationDbContext db) =>
        db.VehicleVersions.Where(v => v.Version == db.VehicleVersions.Where(w => w.Plate == v.Plate).Max(w => w.Version));

    private static IQueryable<PersonVersionRow> LatestPersonVersions(QualificationDbContext db) =>
        db.PersonVersions.Where(v => v.Version == db.PersonVersions.Where(w => w.PersonId == v.PersonId).Max(w => w.Version));

    private static IQueryable<TankVersionRow> LatestTankVersions(QualificationDbContext db) =>
        db.TankVersions.Where(v => v.Version == db.TankVersions.Where(w => w.Number == v.Number).Max(w => w.Version));

    private static IQueryable<EntryAndVersion> LatestEntries(QualificationDbContext db) =>
        from v in db.BlacklistEntryVersions
        where v.Version == db.BlacklistEntryVersions.Where(w => w.EntryId == v.EntryId).Max(w => w.Version)
        join e in db.BlacklistEntries on v.EntryId equals e.Id
        select new EntryAndVersion { Entry = e, Version = v };

    private static async Task<EntryAndVersion?> FindOpenEntryAsync(
        QualificationDbContext db, SubjectType type, string subjectId, DateOnly today, CancellationToken cancellationToken) =>
        await LatestEntries(db)
            .Where(x => x.Entry.SubjectType == type && x.Entry.SubjectId == subjectId)
            .Where(x => x.Version.LiftedAt == null && (x.Version.Until == null || x.Version.Until >= today))
            .OrderByDescending(x => x.Entry.CreatedAt)
            .FirstOrDefaultAsync(cancellationToken);

    // Each lookup reads the row with its latest version in one statement: an evaluation asks for six subjects per
    // loading check, and a round trip per table doubled its cost.
    private static async Task<Carrier?> FindCarrierAsync(QualificationDbContext db, string id, CancellationToken cancellationToken)
    {
        var found = await db.CarrierVersions.AsNoTracking()
            .Where(v => v.CarrierId == id)
            .OrderByDescending(v => v.Version)
            .Join(db.Carriers.AsNoTracking(), v => v.CarrierId, c => c.Id, (v, c) => new { Row = c, Version = v })
            .FirstOrDefaultAsync(cancellationToken);
        return found is null ? null : ToCarrier(found.Row, found.Version);
    }

    private static async Task<Vehicle?> FindVehicleAsync(QualificationDbContext db, string plate, CancellationToken cancellationToken)
    {
        var found = await db.VehicleVersions.AsNoTracking()
            .Where(v => v.Plate == plate)
            .OrderByDescending(v => v.Version)
            .Join(db.Vehicles.AsNoTracking(), v => v.Plate, r => r.Plate, (v, r) => new { Row = r, Version = v })
            .FirstOrDefaultAsync(cancellationToken);
        return found is null ? null : ToVehicle(found.Row, found.Version);
    }

    private static async Task<Person?> FindPersonAsync(QualificationDbContext db, string id, CancellationToken cancellationToken)
    {
        var found = await db.PersonVersions.AsNoTracking()
            .Where(v => v.PersonId == id)
            .OrderByDescending(v => v.Version)
            .Join(db.Persons.AsNoTracking(), v => v.PersonId, p => p.Id, (v, p) => new { Row = p, Version = v })
            .FirstOrDefaultAsync(cancellationToken);
        return found is null ? null : ToPerson(found.Row, found.Version);
    }

    private static async Task<Tank?> FindTankAsync(QualificationDbContext db, string number, CancellationToken cancellationToken)
    {
        var found = await db.TankVersions.AsNoTracking()
            .Where(v => v.Number == number)
            .OrderByDescending(v => v.Version)
            .Join(db.Tanks.AsNoTracking(), v => v.Number, t => t.Number, (v, t) => new { Row = t, Version = v })
            .FirstOrDefaultAsync(cancellationToken);
        return found is null ? null : ToTank(found.Row, found.Version);
    }

    private static CarrierVersionRow CarrierVersion(string id, int version, CarrierDraft draft, DateTime now, string actor) => new()
    {
        CarrierId = id,
        Version = version,
        Name = draft.Name,
        PermitNumber = draft.Permit.Number,
        PermitValidFrom = draft.Permit.ValidFrom,
        PermitValidUntil = draft.Permit.ValidUntil,
        Scope = [.. draft.Permit.Scope],
        HighHazardScope = [.. draft.Permit.HighHazardScope],
        RecordedAt = now,
        RecordedBy = actor,
    };

    private static VehicleVersionRow VehicleVersion(int version, VehicleDraft draft, DateTime now, string actor) => new()
    {
        Plate = draft.Plate,
        Version = version,
        Kind = draft.Kind,
        RatedLoadKg = draft.RatedLoadKg,
        CertNumber = draft.RoadTransportCert.Number,
        CertValidUntil = draft.RoadTransportCert.ValidUntil,
        InspectionValidUntil = draft.InspectionValidUntil,
        TerminalPhone = draft.TerminalPhone,
        TerminalKey = draft.TerminalPhone.Length == 0 ? "" : TerminalPhone.Key(draft.TerminalPhone),
        RecordedAt = now,
        RecordedBy = actor,
    };

    private static PersonVersionRow PersonVersion(string id, int version, PersonDraft draft, DateTime now, string actor) => new()
    {
        PersonId = id,
        Version = version,
        Name = draft.Name,
        Role = draft.Role,
        CertNumber = draft.Qualification.Number,
        CertValidUntil = draft.Qualification.ValidUntil,
        CertScope = [.. draft.Qualification.Scope],
        Phone = draft.Phone,
        RecordedAt = now,
        RecordedBy = actor,
    };

    private static TankVersionRow TankVersion(string number, int version, TankDraft draft, DateTime now, string actor) => new()
    {
        Number = number,
        Version = version,
        CapacityLitres = draft.CapacityLitres,
        InspectionValidUntil = draft.InspectionValidUntil,
        Media = draft.Media.Select(m => new TankMediumRow { UnNumber = m.UnNumber, MaxLoadKg = m.MaxLoadKg }).ToList(),
        RecordedAt = now,
        RecordedBy = actor,
    };

    private static Carrier ToCarrier(CarrierRow row, CarrierVersionRow v) => new(
        row.Id, v.Name, row.CreditCode,
        new Permit(v.PermitNumber, v.PermitValidFrom, v.PermitValidUntil, [.. v.Scope], [.. v.HighHazardScope]),
        new Stamp(v.Version, Utc(row.CreatedAt), Utc(v.RecordedAt)));

    private static Vehicle ToVehicle(VehicleRow row, VehicleVersionRow v) => new(
        row.Plate, row.CarrierId, v.Kind, v.RatedLoadKg, new Certificate(v.CertNumber, v.CertValidUntil), v.InspectionValidUntil, v.TerminalPhone,
        new Stamp(v.Version, Utc(row.CreatedAt), Utc(v.RecordedAt)));

    private static Person ToPerson(PersonRow row, PersonVersionRow v) => new(
        row.Id, row.CarrierId, row.IdNumber, v.Name, v.Role, new PersonCertificate(v.CertNumber, v.CertValidUntil, [.. v.CertScope]), v.Phone,
        new Stamp(v.Version, Utc(row.CreatedAt), Utc(v.RecordedAt)));

    private static Tank ToTank(TankRow row, TankVersionRow v) => new(
        row.Number, row.CarrierId, v.CapacityLitres, v.InspectionValidUntil, v.Media.Select(m => new TankMedium(m.UnNumber, m.MaxLoadKg)).ToList(),
        new Stamp(v.Version, Utc(row.CreatedAt), Utc(v.RecordedAt)));

    private static BlacklistEntry ToEntry(BlacklistEntryRow row, BlacklistEntryVersionRow v) => new(
        row.Id, row.SubjectType, row.SubjectId, v.Reason, v.ValidFrom, v.Until, Utc(row.CreatedAt), row.CreatedBy,
        v.LiftedAt is { } lifted ? Utc(lifted) : null, v.LiftedBy, v.LiftReason, v.Version);

    /// <summary>A blacklist entry with its latest version, composable in queries.</summary>
    private sealed class EntryAndVersion
    {
        public BlacklistEntryRow Entry { get; init; } = null!;

        public BlacklistEntryVersionRow Version { get; init; } = null!;
    }
}
