using MultiTeacher.Cli.Commands;
using MultiTeacher.Cluster;
using MultiTeacher.Cluster.Testing;

namespace MultiTeacher.Cli.Bench;

/// <summary>The broker of <c>mt bench cluster</c>: a throwaway one started for the bench, and the queues removed after it.</summary>
internal static partial class ClusterBench
{
    private static async Task<BrokerProcess> StartBrokerAsync()
    {
        if (!File.Exists(BrokerProcess.ServerPath))
        {
            throw new CliUsageException($"rabbitmq-server is not installed ({BrokerProcess.ServerPath} is missing): apt-get install rabbitmq-server " +
                "(./mt test installs it), or point --uri or MT_RABBITMQ_URI at a running broker");
        }

        if (!string.Equals(Environment.UserName, "root", StringComparison.Ordinal))
        {
            throw new CliUsageException("starting a throwaway RabbitMQ broker needs root (Debian's rabbitmq-server switches to the rabbitmq user): " +
                "run as root, or point --uri or MT_RABBITMQ_URI at a running broker");
        }

        try
        {
            return await BrokerProcess.StartAsync().ConfigureAwait(false);
        }
        catch (TimeoutException exception)
        {
            throw new InvalidOperationException($"the throwaway RabbitMQ broker did not start: {exception.Message}", exception);
        }
    }

    /// <summary>Removes the bench's queues from the broker (they matter on a broker given by --uri); a failure here is only reported.</summary>
    private static async Task DeleteQueuesAsync(RabbitMqTransport transport, List<string> workerQueues)
    {
        try
        {
            await transport.DeleteAllAsync([.. workerQueues]).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is IOException or InvalidOperationException or RabbitMQ.Client.Exceptions.RabbitMQClientException)
        {
            await Console.Error.WriteLineAsync($"mt: warning: the bench's queues ({transport.Settings.Prefix}.*) could not be deleted: {exception.Message}")
                .ConfigureAwait(false);
        }
    }
}
