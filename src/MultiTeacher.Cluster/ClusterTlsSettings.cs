namespace MultiTeacher.Cluster;

/// <summary>TLS towards the broker, handed to the RabbitMQ client's <c>SslOption</c>.</summary>
/// <param name="Enabled">Whether to connect with TLS (the broker's TLS port, usually 5671).</param>
/// <param name="ServerName">The name the broker's certificate must carry; empty for the URI's host.</param>
/// <param name="CertPath">A client certificate file (PKCS#12) for mutual TLS; empty for none.</param>
/// <param name="CertPassphrase">The client certificate's passphrase; empty for none.</param>
public sealed record ClusterTlsSettings(bool Enabled = false, string ServerName = "", string CertPath = "", string CertPassphrase = "")
{
    /// <summary>The passphrase is not printed.</summary>
    public override string ToString() =>
        $"{nameof(ClusterTlsSettings)} {{ Enabled = {Enabled}, ServerName = {ServerName}, CertPath = {CertPath}, CertPassphrase = {(CertPassphrase.Length > 0 ? "***" : "")} }}";
}
