namespace EdgeCluster.Silo.Protocol;

internal static partial class ProtocolLog
{
    [LoggerMessage(Level = LogLevel.Error, Message = "{Operation} failed unexpectedly")]
    public static partial void Failed(ILogger logger, string operation, Exception exception);
}
