using Omnibus.Storage;
using Omnibus.Storage.Memory;

namespace Omnibus.Core.Tests;

/// <summary>
/// The store the core suite runs on: the file store, or with <c>OMNIBUS_TEST_STORE=memory</c> the
/// memory store (one per test process; every test uses its own directory under it). test.sh runs
/// the suite both ways; tests that inspect or damage files on disk carry the
/// <see cref="FileOnly"/> trait and are left out of the memory run.
/// </summary>
public static class TestStore
{
    /// <summary>Trait value of tests that need files on disk (crash children, damaged files, on-disk layout).</summary>
    public const string FileOnly = "file-only";

    public static ILogStore Current { get; } =
        string.Equals(Environment.GetEnvironmentVariable("OMNIBUS_TEST_STORE"), "memory", StringComparison.OrdinalIgnoreCase)
            ? new MemoryLogStore()
            : FileLogStore.Instance;

    /// <summary>Removes a test's directory from the store and from the disk, whichever holds it.</summary>
    public static void Delete(string directory)
    {
        Forget(directory);
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>The bytes of the document at <paramref name="path"/> as text, or "" when there is none.</summary>
    public static string ReadText(string path) => Current.ReadDocument(path) is { } bytes ? System.Text.Encoding.UTF8.GetString(bytes) : "";

    /// <summary>Drops what a test left in the store (a no-op for the file store: the test deletes its directory).</summary>
    public static void Forget(string directory)
    {
        if (!Current.IsDurable)
        {
            try
            {
                Current.DeleteDirectory(directory);
            }
            catch (StorageException)
            {
                // A log still open (a test that failed half-way): leave it; the process ends soon.
            }
        }
    }
}
