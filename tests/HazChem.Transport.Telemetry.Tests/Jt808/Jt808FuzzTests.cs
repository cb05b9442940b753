using System.Buffers;
using HazChem.Transport.Telemetry.Jt808;
using static HazChem.Transport.Telemetry.Tests.Jt808.Jt808TestSupport;

namespace HazChem.Transport.Telemetry.Tests.Jt808;

/// <summary>Random and mutated device input never throws, never hangs, and never reads out of bounds.</summary>
public sealed class Jt808FuzzTests
{
    private static readonly Jt808TerminalProfile[] Profiles =
    [
        Jt808TerminalProfile.Default,
        new() { TolerateBrokenAdditionalItems = true, ClockUtcOffset = TimeSpan.FromHours(-14) },
    ];

    [Fact]
    public void TryReadFrameAndDecode_RandomBytes_NeverThrow()
    {
        var random = new Random(808);
        for (var round = 0; round < 2_000; round++)
        {
            var bytes = new byte[random.Next(0, 400)];
            random.NextBytes(bytes);
            // Make flags and escapes common enough to form candidate frames.
            for (var i = 0; i < bytes.Length; i++)
            {
                var roll = random.Next(12);
                bytes[i] = roll == 0 ? Jt808FrameReader.Flag : roll == 1 ? Jt808FrameReader.EscapeByte : bytes[i];
            }

            Exercise(bytes, random);
        }
    }

    [Fact]
    public void TryReadFrameAndDecode_MutatedValidFrames_NeverThrow()
    {
        var random = new Random(2019);
        byte[][] seeds =
        [
            Frame(Header(Jt808MessageIds.LocationReport), LocationBody(itemsHex: "0104 00000064 0202 0037 1105 01 00000001 3001 17 3101 0c")),
            Frame(Header(Jt808MessageIds.LocationReport, Jt808HeaderLayout.V2019), LocationBody(itemsHex: "e203 010203")),
            Frame(Header(Jt808MessageIds.BatchLocationUpload), [0, 2, 1, 0, 28, .. LocationBody(), 0, 30, .. LocationBody(itemsHex: "3001 09")]),
            Frame(Header(Jt808MessageIds.Registration), [.. Hex("001f 006e"), .. "cd123"u8, .. new byte[20], .. "7654321"u8, 1, .. "A1234"u8]),
            Frame(Header(Jt808MessageIds.Registration, Jt808HeaderLayout.V2019), new byte[80]),
            Frame(Header(Jt808MessageIds.Authentication, Jt808HeaderLayout.V2019), [3, .. "abc"u8, .. new byte[35]]),
            Frame(Header(Jt808MessageIds.Authentication), "authcode"u8),
            Frame(Header(Jt808MessageIds.PlatformGeneralResponse), Hex("0001 0200 00")),
            Frame(Header(Jt808MessageIds.RegistrationResponse), Hex("0001 00 3132")),
            Frame(Header(Jt808MessageIds.Heartbeat), []),
        ];

        for (var round = 0; round < 5_000; round++)
        {
            var bytes = (byte[])seeds[random.Next(seeds.Length)].Clone();
            var mutations = random.Next(1, 5);
            for (var m = 0; m < mutations && bytes.Length > 0; m++)
            {
                var at = random.Next(bytes.Length);
                switch (random.Next(5))
                {
                    case 0:
                        bytes[at] = (byte)random.Next(256);
                        break;
                    case 1:
                        bytes[at] ^= (byte)(1 << random.Next(8));
                        break;
                    case 2:
                        bytes = bytes[..at];
                        break;
                    case 3:
                        bytes = [.. bytes[..at], Jt808FrameReader.EscapeByte, .. bytes[at..]];
                        break;
                    default:
                        bytes = [.. bytes[..at], Jt808FrameReader.Flag, .. bytes[at..]];
                        break;
                }
            }

            // Mutated frames carry a stale checksum, so also decode them with the checksum check off.
            Exercise(bytes, random);
            Exercise(bytes, random, verifyChecksum: false);
        }
    }

    private static void Exercise(byte[] bytes, Random random, bool verifyChecksum = true)
    {
        var sequence = random.Next(2) == 0 || bytes.Length < 2
            ? new ReadOnlySequence<byte>(bytes)
            : SplitAt(bytes, random.Next(1, bytes.Length));
        var scratch = new byte[Jt808FrameReader.MaxFrameLength];
        var calls = 0;
        while (true)
        {
            Assert.True(++calls <= bytes.Length + 1, "the reader must make progress");
            var status = Jt808FrameReader.TryReadFrame(ref sequence, scratch, out var frame, out var error, verifyChecksum);
            if (status == Jt808ReadStatus.NeedMoreData)
            {
                return;
            }

            if (status == Jt808ReadStatus.Error)
            {
                Assert.False(string.IsNullOrEmpty(error?.Reason));
                continue;
            }

            foreach (var profile in Profiles)
            {
                if (!Jt808MessageDecoder.TryDecode(frame, profile, out var message, out error))
                {
                    Assert.False(string.IsNullOrEmpty(error.Reason));
                }
                else
                {
                    Assert.NotNull(message);
                }
            }

            _ = frame.Header.Phone.ToString();
        }
    }
}
