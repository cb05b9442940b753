using System.ComponentModel.DataAnnotations;

namespace HazChem.Transport.ServiceDefaults.State;

/// <summary>Where hot state lives.</summary>
public enum StateStore
{
    /// <summary>In this process (the embedded default; lost on restart and rebuilt).</summary>
    InMemory,

    /// <summary>Redis (<c>Redis__Configuration</c>), shared by replicas.</summary>
    Redis,
}

/// <summary>Hot-state settings, section <c>State</c>: <c>State__Store</c> (<c>InMemory</c> or <c>Redis</c>).</summary>
public sealed class StateOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "State";

    /// <summary>The store.</summary>
    [Required]
    public StateStore Store { get; set; } = StateStore.InMemory;
}

/// <summary>Redis settings, section <c>Redis</c>: <c>Redis__Configuration</c> (a StackExchange.Redis configuration string).</summary>
public sealed class RedisOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "Redis";

    /// <summary>e.g. <c>localhost:6379,abortConnect=false</c>.</summary>
    public string Configuration { get; set; } = "";
}
