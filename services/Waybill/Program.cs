using HazChem.Transport.ServiceDefaults;
using HazChem.Transport.Waybill.Extensions;
using HazChem.Transport.Waybill.Grpc;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddWaybill();

var app = builder.Build();
app.MapGrpcService<WaybillGrpcService>();
app.MapDefaultEndpoints();
app.Run();
