using HazChem.Transport.RouteCompliance.Extensions;
using HazChem.Transport.RouteCompliance.Grpc;
using HazChem.Transport.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddRouteCompliance();

var app = builder.Build();
app.MapGrpcService<ComplianceGrpcService>();
app.MapDefaultEndpoints();
app.Run();
