using System.ComponentModel.DataAnnotations;

namespace Corrections.Messaging;

/// <summary>Bound from the <c>RabbitMq</c> section (env: <c>CORRECTIONS_RABBITMQ__HOST</c>, <c>__PORT</c>, ...).</summary>
public sealed class RabbitMqOptions
{
    public const string Section = "RabbitMq";

    [Required(ErrorMessage = "RabbitMq:Host is not set. Run `eval \"$(scripts/services env)\"` or set CORRECTIONS_RABBITMQ__HOST.")]
    public string Host { get; set; } = "";

    [Range(1, 65535)]
    public int Port { get; set; } = 5672;

    public string VirtualHost { get; set; } = "/";

    [Required]
    public string Username { get; set; } = "";

    [Required]
    public string Password { get; set; } = "";
}
