using Microsoft.Extensions.Logging;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace MultiTeacher.Cluster;

/// <summary>The first connection: attempts, and errors that name the problem (authentication, no broker).</summary>
public sealed partial class RabbitMqTransport
{
    private static async Task<IConnection> OpenConnectionAsync(ClusterSettings settings, string nodeId, ILogger log, CancellationToken ct)
    {
        var factory = new ConnectionFactory
        {
            Uri = settings.Uri,
            UserName = settings.EffectiveUser,
            Password = settings.EffectivePassword,
            AutomaticRecoveryEnabled = true,
            TopologyRecoveryEnabled = true,
            NetworkRecoveryInterval = TimeSpan.FromSeconds(1),
            RequestedConnectionTimeout = TimeSpan.FromSeconds(5),
            RequestedHeartbeat = TimeSpan.FromSeconds(10),
            ClientProvidedName = $"multiteacher:{nodeId}",
            MaxInboundMessageBodySize = (uint)Math.Min(uint.MaxValue, Math.Max(settings.MaxMessageSize * 2, 128L * 1024 * 1024)),
        };
        if (settings.Tls.Enabled || settings.Uri.Scheme == "amqps")
        {
            factory.Ssl = new SslOption
            {
                Enabled = true,
                ServerName = settings.Tls.ServerName.Length > 0 ? settings.Tls.ServerName : settings.Uri.Host,
                CertPath = settings.Tls.CertPath,
                CertPassphrase = settings.Tls.CertPassphrase,
            };
        }
        var endpoint = settings.Endpoint;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await factory.CreateConnectionAsync(ct).ConfigureAwait(false);
            }
            catch (BrokerUnreachableException exception)
            {
                if (IsAuthenticationFailure(exception))
                {
                    throw new ClusterConnectionException(
                        $"authentication failed for user {settings.EffectiveUser} at {endpoint}: check multiteacher.cluster.user/password or the URI", exception);
                }
                if (attempt >= settings.ConnectAttempts)
                {
                    throw new ClusterConnectionException(
                        $"no RabbitMQ broker answers at {endpoint} after {attempt} attempt(s): {Innermost(exception).Message}", exception);
                }
                log.LogWarning("No RabbitMQ broker answers at {Endpoint} (attempt {Attempt} of {Attempts}); retrying", endpoint, attempt, settings.ConnectAttempts);
                await Task.Delay(settings.ConnectRetryDelay, ct).ConfigureAwait(false);
            }
        }
    }

    private static bool IsAuthenticationFailure(Exception exception)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            if (e is AuthenticationFailureException or PossibleAuthenticationFailureException
                || (e is OperationInterruptedException interrupted && interrupted.ShutdownReason?.ReplyCode == 403))
            {
                return true;
            }
        }
        return false;
    }

    private static Exception Innermost(Exception exception)
    {
        while (exception.InnerException is not null)
        {
            exception = exception.InnerException;
        }
        return exception;
    }
}
