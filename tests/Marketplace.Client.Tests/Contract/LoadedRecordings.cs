using System;
using System.Collections.Concurrent;
using System.IO;
using System.Linq;

namespace Marketplace.Client.Tests.Contract;

/// <summary>
/// The ledger of recordings a test parsed, written to TestResults/recordings-loaded.txt beside the test
/// assembly after each mark. .ci/run compares it with the recordings in git: a recording no test loaded fails CI.
/// </summary>
public static class LoadedRecordings
{
    private static readonly ConcurrentDictionary<string, bool> Names = new(StringComparer.Ordinal);
    private static readonly object Gate = new();

    public static string LedgerPath => Path.Combine(AppContext.BaseDirectory, "TestResults", "recordings-loaded.txt");

    public static void Mark(Recording recording)
    {
        Names[recording.Name] = true;
        lock (Gate)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(LedgerPath)!);
            File.WriteAllLines(LedgerPath, Names.Keys.OrderBy(n => n, StringComparer.Ordinal));
        }
    }
}
