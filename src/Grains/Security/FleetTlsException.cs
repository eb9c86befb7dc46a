namespace EdgeCluster.Grains.Security;

/// <summary>A TLS setting that cannot be used: a missing or unreadable file, a key that does not match, a certificate the fleet's authority did not sign.</summary>
public sealed class FleetTlsException(string message, Exception? innerException = null) : Exception(message, innerException);
