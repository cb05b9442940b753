using Grpc.Core;
using HazChem.Transport.Contracts.Qualification.V1;
using HazChem.Transport.Qualification.Domain;
using HazChem.Transport.Qualification.Mapping;
using HazChem.Transport.Qualification.Storage;
using HazChem.Transport.ServiceDefaults.Auth;
using HazChem.Transport.ServiceDefaults.Errors;
using Microsoft.AspNetCore.Authorization;

namespace HazChem.Transport.Qualification.Grpc;

/// <summary>
/// The Qualification gRPC surface (and its REST routes through JSON transcoding): read the request (400 with every
/// bad field), act on the registry or the rules, map the answer. Each RPC names the policy the gateway's route
/// table names for it; on top of that a carrier token reaches only its own carrier's resources (403), decided
/// before anything else is looked at except the resource's owner.
/// </summary>
[Authorize]
internal sealed class QualificationGrpcService(RegistryStore store, QualificationRules rules, TimeProvider time)
    : QualificationService.QualificationServiceBase
{
    // ---------------------------------------------------------------------------------------------
    // Carriers
    // ---------------------------------------------------------------------------------------------

    [Authorize(Policy = Policies.RegistryWrite)]
    public override async Task<CreateCarrierResponse> CreateCarrier(CreateCarrierRequest request, ServerCallContext context)
    {
        var draft = RequestReader.Carrier(request.Name, request.CreditCode, request.Permit);
        var carrier = await store.CreateCarrierAsync(draft, CallerOf(context).Actor, context.CancellationToken);
        return new CreateCarrierResponse { Carrier = carrier.ToProto() };
    }

    [Authorize(Policy = Policies.RegistryRead)]
    public override async Task<GetCarrierResponse> GetCarrier(GetCarrierRequest request, ServerCallContext context)
    {
        var id = RequestReader.Id(request.Id, "id");
        CallerOf(context).EnsureMaySee(id, "carrier");
        var carrier = await store.FindCarrierAsync(id, context.CancellationToken) ?? throw new NotFoundException("carrier", id);
        return new GetCarrierResponse { Carrier = carrier.ToProto() };
    }

    [Authorize(Policy = Policies.RegistryRead)]
    public override async Task<ListCarriersResponse> ListCarriers(ListCarriersRequest request, ServerCallContext context)
    {
        var page = RequestReader.Page(request.PageSize, request.PageToken);
        var result = await store.ListCarriersAsync(CallerOf(context).OwnCarrierId, page, context.CancellationToken);
        var response = new ListCarriersResponse { NextPageToken = result.NextPageToken };
        response.Carriers.AddRange(result.Items.Select(c => c.ToProto()));
        return response;
    }

    [Authorize(Policy = Policies.RegistryWrite)]
    public override async Task<UpdateCarrierResponse> UpdateCarrier(UpdateCarrierRequest request, ServerCallContext context)
    {
        var id = RequestReader.Id(request.Id, "id");
        var draft = RequestReader.Carrier(request.Name, request.CreditCode, request.Permit);
        var carrier = await store.UpdateCarrierAsync(id, draft, CallerOf(context).Actor, context.CancellationToken);
        return new UpdateCarrierResponse { Carrier = carrier.ToProto() };
    }

    // ---------------------------------------------------------------------------------------------
    // Vehicles
    // ---------------------------------------------------------------------------------------------

    [Authorize(Policy = Policies.RegistryWrite)]
    public override async Task<CreateVehicleResponse> CreateVehicle(CreateVehicleRequest request, ServerCallContext context)
    {
        var carrierId = RequestReader.Id(request.CarrierId, "carrierId");
        var draft = RequestReader.Vehicle(
            request.Plate, request.Kind, request.RatedLoadKg, request.RoadTransportCert, request.InspectionValidUntil, request.TerminalPhone);
        var vehicle = await store.CreateVehicleAsync(carrierId, draft, CallerOf(context).Actor, context.CancellationToken);
        return new CreateVehicleResponse { Vehicle = vehicle.ToProto() };
    }

    [Authorize(Policy = Policies.RegistryRead)]
    public override async Task<GetVehicleResponse> GetVehicle(GetVehicleRequest request, ServerCallContext context)
    {
        var plate = RequestReader.PlateKey(request.Plate);
        var vehicle = await store.FindVehicleAsync(plate, context.CancellationToken) ?? throw new NotFoundException("vehicle", plate);
        CallerOf(context).EnsureMaySee(vehicle.CarrierId, "vehicles");
        return new GetVehicleResponse { Vehicle = vehicle.ToProto() };
    }

    [Authorize(Policy = Policies.RegistryRead)]
    public override async Task<ListVehiclesResponse> ListVehicles(ListVehiclesRequest request, ServerCallContext context)
    {
        var carrierId = RequestReader.Id(request.CarrierId, "carrierId");
        CallerOf(context).EnsureMaySee(carrierId, "vehicles");
        var page = RequestReader.Page(request.PageSize, request.PageToken);
        var result = await store.ListVehiclesAsync(carrierId, page, context.CancellationToken);
        var response = new ListVehiclesResponse { NextPageToken = result.NextPageToken };
        response.Vehicles.AddRange(result.Items.Select(v => v.ToProto()));
        return response;
    }

    [Authorize(Policy = Policies.RegistryWrite)]
    public override async Task<UpdateVehicleResponse> UpdateVehicle(UpdateVehicleRequest request, ServerCallContext context)
    {
        var draft = RequestReader.Vehicle(
            request.Plate, request.Kind, request.RatedLoadKg, request.RoadTransportCert, request.InspectionValidUntil, request.TerminalPhone);
        var vehicle = await store.UpdateVehicleAsync(draft, CallerOf(context).Actor, context.CancellationToken);
        return new UpdateVehicleResponse { Vehicle = vehicle.ToProto() };
    }

    [Authorize(Policy = Policies.RegistryRead)]
    public override async Task<GetVehicleByTerminalResponse> GetVehicleByTerminal(GetVehicleByTerminalRequest request, ServerCallContext context)
    {
        var phone = RequestReader.TerminalPhoneKey(request.TerminalPhone);
        var vehicle = await store.FindVehicleByTerminalAsync(phone, context.CancellationToken) ?? throw new NotFoundException("vehicle with terminal", phone);
        CallerOf(context).EnsureMaySee(vehicle.CarrierId, "vehicles");
        return new GetVehicleByTerminalResponse { Vehicle = vehicle.ToProto() };
    }

    // ---------------------------------------------------------------------------------------------
    // Personnel
    // ---------------------------------------------------------------------------------------------

    [Authorize(Policy = Policies.RegistryWrite)]
    public override async Task<CreatePersonResponse> CreatePerson(CreatePersonRequest request, ServerCallContext context)
    {
        var errors = new FieldErrors();
        var carrierId = RequestReader.Id(errors, "carrierId", request.CarrierId);
        var idNumber = RequestReader.IdNumber(errors, request.IdNumber, BusinessCalendar.Today(time));
        var draft = RequestReader.Person(errors, request.Name, request.Role, request.Qualification, request.Phone);
        errors.ThrowIfAny();
        var person = await store.CreatePersonAsync(carrierId, idNumber, draft, CallerOf(context).Actor, context.CancellationToken);
        return new CreatePersonResponse { Person = person.ToProto() };
    }

    [Authorize(Policy = Policies.RegistryRead)]
    public override async Task<GetPersonResponse> GetPerson(GetPersonRequest request, ServerCallContext context)
    {
        var id = RequestReader.Id(request.Id, "id");
        var person = await store.FindPersonAsync(id, context.CancellationToken) ?? throw new NotFoundException("person", id);
        CallerOf(context).EnsureMaySee(person.CarrierId, "personnel");
        return new GetPersonResponse { Person = person.ToProto() };
    }

    [Authorize(Policy = Policies.RegistryRead)]
    public override async Task<ListPersonnelResponse> ListPersonnel(ListPersonnelRequest request, ServerCallContext context)
    {
        var carrierId = RequestReader.Id(request.CarrierId, "carrierId");
        CallerOf(context).EnsureMaySee(carrierId, "personnel");
        var page = RequestReader.Page(request.PageSize, request.PageToken);
        PersonRole? role = request.Role == PersonRole.Unspecified ? null : request.Role;
        var result = await store.ListPersonnelAsync(carrierId, role, page, context.CancellationToken);
        var response = new ListPersonnelResponse { NextPageToken = result.NextPageToken };
        response.Personnel.AddRange(result.Items.Select(p => p.ToProto()));
        return response;
    }

    [Authorize(Policy = Policies.RegistryWrite)]
    public override async Task<UpdatePersonResponse> UpdatePerson(UpdatePersonRequest request, ServerCallContext context)
    {
        var errors = new FieldErrors();
        var id = RequestReader.Id(errors, "id", request.Id);
        var draft = RequestReader.Person(errors, request.Name, request.Role, request.Qualification, request.Phone);
        errors.ThrowIfAny();
        var person = await store.UpdatePersonAsync(id, draft, CallerOf(context).Actor, context.CancellationToken);
        return new UpdatePersonResponse { Person = person.ToProto() };
    }

    // ---------------------------------------------------------------------------------------------
    // Tanks
    // ---------------------------------------------------------------------------------------------

    [Authorize(Policy = Policies.RegistryWrite)]
    public override async Task<CreateTankResponse> CreateTank(CreateTankRequest request, ServerCallContext context)
    {
        var errors = new FieldErrors();
        var carrierId = RequestReader.Id(errors, "carrierId", request.CarrierId);
        var number = RequestReader.TankNumber(errors, "number", request.Number);
        var draft = RequestReader.Tank(errors, request.CapacityLitres, request.InspectionValidUntil, request.Media);
        errors.ThrowIfAny();
        var tank = await store.CreateTankAsync(carrierId, number, draft, CallerOf(context).Actor, context.CancellationToken);
        return new CreateTankResponse { Tank = tank.ToProto() };
    }

    [Authorize(Policy = Policies.RegistryRead)]
    public override async Task<GetTankResponse> GetTank(GetTankRequest request, ServerCallContext context)
    {
        var errors = new FieldErrors();
        var number = RequestReader.TankNumber(errors, "number", request.Number);
        errors.ThrowIfAny();
        var tank = await store.FindTankAsync(number, context.CancellationToken) ?? throw new NotFoundException("tank", number);
        CallerOf(context).EnsureMaySee(tank.CarrierId, "tanks");
        return new GetTankResponse { Tank = tank.ToProto() };
    }

    [Authorize(Policy = Policies.RegistryRead)]
    public override async Task<ListTanksResponse> ListTanks(ListTanksRequest request, ServerCallContext context)
    {
        var carrierId = RequestReader.Id(request.CarrierId, "carrierId");
        CallerOf(context).EnsureMaySee(carrierId, "tanks");
        var page = RequestReader.Page(request.PageSize, request.PageToken);
        var result = await store.ListTanksAsync(carrierId, page, context.CancellationToken);
        var response = new ListTanksResponse { NextPageToken = result.NextPageToken };
        response.Tanks.AddRange(result.Items.Select(t => t.ToProto()));
        return response;
    }

    [Authorize(Policy = Policies.RegistryWrite)]
    public override async Task<UpdateTankResponse> UpdateTank(UpdateTankRequest request, ServerCallContext context)
    {
        var errors = new FieldErrors();
        var number = RequestReader.TankNumber(errors, "number", request.Number);
        var draft = RequestReader.Tank(errors, request.CapacityLitres, request.InspectionValidUntil, request.Media);
        errors.ThrowIfAny();
        var tank = await store.UpdateTankAsync(number, draft, CallerOf(context).Actor, context.CancellationToken);
        return new UpdateTankResponse { Tank = tank.ToProto() };
    }

    // ---------------------------------------------------------------------------------------------
    // Blacklist
    // ---------------------------------------------------------------------------------------------

    [Authorize(Policy = Policies.BlacklistWrite)]
    public override async Task<CreateBlacklistEntryResponse> CreateBlacklistEntry(CreateBlacklistEntryRequest request, ServerCallContext context)
    {
        var today = BusinessCalendar.Today(time);
        var draft = RequestReader.NewBlacklistEntry(request, today);
        var entry = await store.CreateBlacklistEntryAsync(draft, today, CallerOf(context).Actor, context.CancellationToken);
        return new CreateBlacklistEntryResponse { Entry = entry.ToProto(today) };
    }

    [Authorize(Policy = Policies.RegistryRead)]
    public override async Task<GetBlacklistEntryResponse> GetBlacklistEntry(GetBlacklistEntryRequest request, ServerCallContext context)
    {
        var (type, subjectId) = RequestReader.Subject(request.SubjectType, request.SubjectId);
        await EnsureMaySeeSubjectAsync(CallerOf(context), type, subjectId, context.CancellationToken);
        var today = BusinessCalendar.Today(time);
        var entry = await store.FindOpenBlacklistEntryAsync(type, subjectId, today, context.CancellationToken)
            ?? throw new NotFoundException("blacklist entry", $"{request.SubjectType.ToString().ToUpperInvariant()}/{subjectId}");
        return new GetBlacklistEntryResponse { Entry = entry.ToProto(today) };
    }

    [Authorize(Policy = Policies.RegistryRead)]
    public override async Task<ListBlacklistEntriesResponse> ListBlacklistEntries(ListBlacklistEntriesRequest request, ServerCallContext context)
    {
        var page = RequestReader.Page(request.PageSize, request.PageToken);
        SubjectType? type = request.SubjectType == SubjectType.Unspecified ? null : request.SubjectType;
        string? subjectId = string.IsNullOrWhiteSpace(request.SubjectId)
            ? null
            : type == SubjectType.Vehicle ? RequestReader.PlateKey(request.SubjectId, "subjectId") : request.SubjectId.Trim();
        var today = BusinessCalendar.Today(time);
        var result = await store.ListBlacklistEntriesAsync(
            type, subjectId, request.IncludeInactive, CallerOf(context).OwnCarrierId, today, page, context.CancellationToken);
        var response = new ListBlacklistEntriesResponse { NextPageToken = result.NextPageToken };
        response.Entries.AddRange(result.Items.Select(e => e.ToProto(today)));
        return response;
    }

    [Authorize(Policy = Policies.BlacklistWrite)]
    public override async Task<UpdateBlacklistEntryResponse> UpdateBlacklistEntry(UpdateBlacklistEntryRequest request, ServerCallContext context)
    {
        var change = RequestReader.BlacklistChange(request);
        var today = BusinessCalendar.Today(time);
        var entry = await store.UpdateBlacklistEntryAsync(
            change.Type, change.Id, change.Reason, change.ValidFrom, change.Until, today, CallerOf(context).Actor, context.CancellationToken);
        return new UpdateBlacklistEntryResponse { Entry = entry.ToProto(today) };
    }

    [Authorize(Policy = Policies.BlacklistWrite)]
    public override async Task<DeleteBlacklistEntryResponse> DeleteBlacklistEntry(DeleteBlacklistEntryRequest request, ServerCallContext context)
    {
        var (type, subjectId) = RequestReader.Subject(request.SubjectType, request.SubjectId);
        var reason = RequestReader.LiftReason(request.Reason);
        var today = BusinessCalendar.Today(time);
        var entry = await store.LiftBlacklistEntryAsync(type, subjectId, reason, today, CallerOf(context).Actor, context.CancellationToken);
        return new DeleteBlacklistEntryResponse { Entry = entry.ToProto(today) };
    }

    // ---------------------------------------------------------------------------------------------
    // Qualification verdict
    // ---------------------------------------------------------------------------------------------

    /// <summary>Every Q- finding in the response; refusing is the caller's business (the waybill's W-QUALIFIED), so nothing here throws for a finding.</summary>
    [Authorize(Policy = Policies.QualificationEvaluate)]
    public override async Task<EvaluateQualificationResponse> EvaluateQualification(EvaluateQualificationRequest request, ServerCallContext context)
    {
        if (!string.IsNullOrWhiteSpace(request.CarrierId))
        {
            CallerOf(context).EnsureMaySee(request.CarrierId.Trim(), "qualification");
        }

        var query = RequestReader.Evaluation(request, BusinessCalendar.Today(time));
        var facts = await store.LoadFactsAsync(query, context.CancellationToken);
        return ResponseWriter.Evaluation(query.Date, rules.Evaluate(query, facts));
    }

    private static Caller CallerOf(ServerCallContext context)
    {
        var user = context.GetHttpContext().User;
        return new Caller(user.Role() ?? "", user.Subject() ?? "");
    }

    private async Task EnsureMaySeeSubjectAsync(Caller caller, SubjectType type, string subjectId, CancellationToken cancellationToken)
    {
        if (caller.OwnCarrierId is null)
        {
            return;
        }

        // A subject that does not exist has no owner: a carrier may not probe other carriers' ids through it.
        var owner = await store.OwnerOfSubjectAsync(type, subjectId, cancellationToken) ?? "";
        caller.EnsureMaySee(owner, "blacklist entries");
    }
}
