using HazChem.Transport.Telemetry.Extensions;
using HazChem.Transport.Telemetry.Grpc;
using HazChem.Transport.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddTelemetry();

var app = builder.Build();
app.MapGrpcService<TelemetryGrpcService>();
app.MapDefaultEndpoints();
app.Run();
