using Grpc.Core;
using HazChem.Transport.Contracts.Qualification.V1;
using HazChem.Transport.ServiceDefaults.Auth;
using HazChem.Transport.ServiceDefaults.Errors;
using Microsoft.AspNetCore.Authorization;

namespace HazChem.Transport.ServiceDefaults.Tests;

/// <summary>A gRPC service whose RPCs raise each kind of domain error, guarded by the real policies.</summary>
[Authorize]
internal sealed class FaultyQualificationService : QualificationService.QualificationServiceBase
{
    [Authorize(Policy = Policies.RegistryWrite)]
    public override Task<CreateCarrierResponse> CreateCarrier(CreateCarrierRequest request, ServerCallContext context) =>
        throw new InvalidInputException(
        [
            new FieldViolation("creditCode", "must be an 18-character unified social credit code"),
            new FieldViolation("permit.validUntil", "must be an ISO date (YYYY-MM-DD)"),
        ]);

    [Authorize(Policy = Policies.QualificationEvaluate)]
    public override Task<EvaluateQualificationResponse> EvaluateQualification(EvaluateQualificationRequest request, ServerCallContext context) =>
        throw new RuleRefusalException(
        [
            new Finding("Q-CARRIER-PERMIT", "carrier:c1", "permit expired on 2025-12-31"),
            new Finding("Q-PERSON-CERT", "driver:p1", "certificate expired on 2026-01-01"),
        ]);

    [Authorize(Policy = Policies.RegistryRead)]
    public override Task<GetCarrierResponse> GetCarrier(GetCarrierRequest request, ServerCallContext context) =>
        request.Id == "boom"
            ? throw new InvalidOperationException("secret connection string leaked?")
            : throw new NotFoundException("carrier", request.Id);
}
