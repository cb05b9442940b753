using System.ComponentModel.DataAnnotations;
using HazChem.Transport.Qualification.Domain;
using HazChem.Transport.Qualification.Options;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace HazChem.Transport.Qualification.Tests.Service;

/// <summary>The shipped configuration is valid and complete; a bad one stops the service at start naming the key.</summary>
public sealed class OptionsTests
{
    [Fact]
    public void ShippedDefaults_NameTheHighHazardGoodsOfDomainMd()
    {
        using var factory = Factory([]);

        var options = factory.Services.GetRequiredService<IOptions<QualificationOptions>>().Value;
        var policy = factory.Services.GetRequiredService<QualificationPolicy>();

        Assert.Equal(HighHazardCategory.Toxic, policy.HighHazard("1689")!.Category);
        Assert.Equal(HighHazardCategory.ExplosivePrecursor, policy.HighHazard("1942")!.Category);
        Assert.NotNull(policy.HighHazard("2556"));
        Assert.Null(policy.HighHazard("1203"));
        Assert.Equal((10_000d, 20_000d, 20_000d), (options.TankSize.ToxicMaxLitres, options.TankSize.ExplosiveMaxLitres, options.TankSize.StrongCorrosiveMaxLitres));
    }

    [Fact]
    public void Start_BadSettings_FailsNamingTheKeys()
    {
        using var factory = Factory(new()
        {
            ["Qualification:TankSize:ToxicMaxLitres"] = "0",
            ["Qualification:HighHazardGoods:0:UnNumber"] = "UN1689",
        });

        var error = Assert.Throws<OptionsValidationException>(() => factory.Services);

        Assert.Contains("Qualification:TankSize:ToxicMaxLitres", error.Message, StringComparison.Ordinal);
        Assert.Contains("Qualification:HighHazardGoods:0:UnNumber", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_EmptyHighHazardList_IsRefused()
    {
        var options = new QualificationOptions();
        var results = new List<ValidationResult>();

        var valid = Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);

        Assert.False(valid);
        Assert.Contains(results, r => r.ErrorMessage!.Contains("HighHazardGoods", StringComparison.Ordinal));
    }

    private static WebApplicationFactory<Program> Factory(Dictionary<string, string?> settings) =>
        new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            builder.UseSetting("Storage:Provider", "Sqlite");
            builder.UseSetting("ConnectionStrings:Sqlite", "Data Source=:memory:");
            builder.UseSetting("Auth:SigningKey", Convert.ToBase64String(new byte[32]));
            foreach (var (key, value) in settings)
            {
                builder.UseSetting(key, value);
            }
        });
}
