package dev.spindle.internal.nativebridge;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;

/**
 * Loads libspindle once per JVM:
 * <ol>
 *     <li>the file named by the system property {@value #PATH_PROPERTY}, if set, and only that
 *     file: a set path that does not load is an error naming the path and the OS's reason (never
 *     silently replaced by the jar's copy, which may be another build);</li>
 *     <li>else the jar resource {@code META-INF/native/<os>-<arch>/libspindle.so}, copied to a
 *     temp file (folder: {@value #TMPDIR_PROPERTY}, else {@code java.io.tmpdir}) that is deleted
 *     once loaded.</li>
 * </ol>
 * A failure is an {@link UnsatisfiedLinkError} that says what was tried and why it failed; it is
 * remembered and thrown again on every later call.
 */
public final class NativeLibrary
{
    /** System property naming the library file to load. */
    public static final String PATH_PROPERTY = "spindle.library.path";
    /** System property naming the folder the jar resource is extracted to. */
    public static final String TMPDIR_PROPERTY = "spindle.tmpdir";

    private static final Object LOCK = new Object();
    private static volatile boolean loaded;
    private static UnsatisfiedLinkError failure;

    private NativeLibrary()
    {
    }

    /** @return the resource path of the library for this OS and architecture. */
    public static String resourcePath()
    {
        return "/META-INF/native/" + platform() + "/libspindle.so";
    }

    /** @return e.g. {@code linux-x86_64}. */
    public static String platform()
    {
        final String os = System.getProperty("os.name", "unknown").toLowerCase(Locale.ROOT);
        final String osName = os.contains("linux") ? "linux" : os.replaceAll("[^a-z0-9]", "");
        String arch = System.getProperty("os.arch", "unknown").toLowerCase(Locale.ROOT);
        if (arch.equals("amd64") || arch.equals("x86-64"))
        {
            arch = "x86_64";
        }
        else if (arch.equals("arm64"))
        {
            arch = "aarch64";
        }
        return osName + "-" + arch;
    }

    /** @return whether the library is loaded (without trying to load it). */
    public static boolean isLoaded()
    {
        return loaded;
    }

    /**
     * Loads the library if it is not loaded yet. A failure is remembered and thrown again.
     *
     * @throws UnsatisfiedLinkError naming every place tried.
     */
    public static void load()
    {
        if (loaded)
        {
            return;
        }
        synchronized (LOCK)
        {
            if (loaded)
            {
                return;
            }
            if (failure != null)
            {
                throw failure;
            }
            final String explicit = System.getProperty(PATH_PROPERTY);
            if (explicit != null && !explicit.isBlank())
            {
                final String why = loadFile(explicit);
                if (why != null)
                {
                    failure = new UnsatisfiedLinkError("Spindle native library could not be loaded from -D" + PATH_PROPERTY + "=" +
                        explicit + ": " + why + ". Fix the path, or remove the property to load the copy in the jar, " +
                        "or use NodeConfig.runQueues(RunQueues.JAVA).");
                    System.getLogger("dev.spindle").log(System.Logger.Level.WARNING, failure.getMessage());
                    throw failure;
                }
                checkAbi();
                loaded = true;
                return;
            }
            final StringBuilder tried = new StringBuilder("(1) -D").append(PATH_PROPERTY).append(": not set; ");
            if (tryResource(tried))
            {
                checkAbi();
                loaded = true;
                return;
            }
            failure = new UnsatisfiedLinkError("Spindle native library could not be loaded; tried: " + tried +
                ". Build it with 'mvn -pl java package', point -D" + PATH_PROPERTY +
                " at libspindle.so, or use NodeConfig.runQueues(RunQueues.JAVA).");
            throw failure;
        }
    }

    /** Under LOCK, after a load: a library of another build is refused (its functions may differ). */
    private static void checkAbi()
    {
        final int abi = SpindleNative.abiVersion();
        if (abi != SpindleNative.ABI_VERSION)
        {
            failure = new UnsatisfiedLinkError("Spindle native library has ABI " + abi +
                " but this spindle-runtime needs " + SpindleNative.ABI_VERSION +
                ": the library and the jar come from different builds");
            throw failure;
        }
    }

    /**
     * @param file the path given.
     * @return null when loaded, else why not: the OS's reason (dlopen's message), or that the file
     * is missing or unreadable, or that native access is denied.
     */
    static String loadFile(final String file)
    {
        final Path path;
        try
        {
            path = Path.of(file).toAbsolutePath();
        }
        catch (final RuntimeException ex)
        {
            return "not a valid path (" + ex.getMessage() + ")";
        }
        if (!Files.exists(path))
        {
            return "no such file (" + path + ")";
        }
        if (Files.isDirectory(path) || !Files.isReadable(path))
        {
            return Files.isDirectory(path) ? "it is a directory" : "the file is not readable by this process";
        }
        try
        {
            System.load(path.toString());
            return null;
        }
        catch (final IllegalCallerException ex)
        {
            return "native access is denied (add --enable-native-access=" +
                (NativeLibrary.class.getModule().isNamed() ? NativeLibrary.class.getModule().getName() : "ALL-UNNAMED") + "): " +
                ex.getMessage();
        }
        catch (final UnsatisfiedLinkError | RuntimeException ex)
        {
            return String.valueOf(ex.getMessage());
        }
    }

    private static boolean tryResource(final StringBuilder tried)
    {
        final String resource = resourcePath();
        try (InputStream in = NativeLibrary.class.getResourceAsStream(resource))
        {
            if (in == null)
            {
                tried.append("(2) classpath resource ").append(resource).append(": not found (platform ")
                    .append(platform()).append(')');
                return false;
            }
            final String dir = System.getProperty(TMPDIR_PROPERTY, System.getProperty("java.io.tmpdir"));
            final Path tmp = Files.createTempFile(Path.of(dir), "libspindle-", ".so");
            try
            {
                Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                System.load(tmp.toAbsolutePath().toString());
                return true;
            }
            finally
            {
                // Linux keeps the mapping after unlink: nothing is left behind in the temp folder.
                Files.deleteIfExists(tmp);
            }
        }
        catch (final IOException | UnsatisfiedLinkError | RuntimeException ex)
        {
            tried.append("(2) classpath resource ").append(resource).append(": ").append(ex);
            return false;
        }
    }
}
