using HazChem.Transport.Qualification.Extensions;
using HazChem.Transport.Qualification.Grpc;
using HazChem.Transport.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddQualification();

var app = builder.Build();
app.MapGrpcService<QualificationGrpcService>();
app.MapDefaultEndpoints();
app.Run();
