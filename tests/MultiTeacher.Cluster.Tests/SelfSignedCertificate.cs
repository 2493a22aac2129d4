using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace MultiTeacher.Cluster.Tests;

/// <summary>A self-signed certificate for loopback nodes in a temporary .pfx file, deleted on dispose.</summary>
public sealed class SelfSignedCertificate : IDisposable
{
    public SelfSignedCertificate()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        // Akka's TLS authenticates both ends (ssl.require-mutual-authentication defaults to on): server and client use.
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], critical: false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, critical: false));
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        Password = Convert.ToHexString(RandomNumberGenerator.GetBytes(8));
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"mt-node-{Guid.NewGuid():N}.pfx");
        File.WriteAllBytes(Path, certificate.Export(X509ContentType.Pfx, Password));
    }

    /// <summary>The .pfx file.</summary>
    public string Path { get; }

    /// <summary>Its password.</summary>
    public string Password { get; }

    public void Dispose() => File.Delete(Path);
}
