using HazChem.Transport.LoadingCheck.Extensions;
using HazChem.Transport.LoadingCheck.Grpc;
using HazChem.Transport.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddLoadingCheck();

var app = builder.Build();
app.MapGrpcService<LoadingCheckGrpcService>();
app.MapDefaultEndpoints();
app.Run();
