using HazChem.Transport.Gateway.DevTokens;
using HazChem.Transport.Gateway.Extensions;
using HazChem.Transport.Gateway.Health;
using HazChem.Transport.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddHazChemTelemetry();
builder.AddGateway();

var app = builder.Build();
app.UseDashboardStaticFiles();
app.UseAuthentication();
app.UseAuthorization();
app.UseRateLimiter();
app.MapAggregateHealth();
app.MapDevTokens();
app.MapReverseProxy();
app.Run();
