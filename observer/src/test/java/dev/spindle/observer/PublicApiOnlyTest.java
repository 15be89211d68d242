package dev.spindle.observer;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/** The observer and the Micrometer binder are built on the runtime's public API: no internal class is named. */
class PublicApiOnlyTest
{
    @Test
    void nothingInternalIsNamed() throws IOException
    {
        try (Stream<Path> files = Files.walk(Path.of("src/main/java")))
        {
            final List<String> offenders = files.filter(p -> p.toString().endsWith(".java")).filter(p ->
            {
                try
                {
                    return Files.readString(p).contains("dev.spindle.internal");
                }
                catch (final IOException ex)
                {
                    throw new java.io.UncheckedIOException(ex);
                }
            }).map(Path::toString).toList();
            assertEquals(List.of(), offenders);
        }
    }
}
