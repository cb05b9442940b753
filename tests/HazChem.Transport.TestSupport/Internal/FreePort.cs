using System.Net;
using System.Net.Sockets;

namespace HazChem.Transport.TestSupport.Internal;

internal static class FreePort
{
    /// <summary>A loopback TCP port the OS just handed out; a server started right after will almost always get it.</summary>
    public static int Next()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        finally
        {
            listener.Stop();
        }
    }
}
