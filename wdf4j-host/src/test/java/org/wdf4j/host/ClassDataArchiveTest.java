package org.wdf4j.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * H11: a driver host's class-data archive is named after the code it was made from, so a rebuilt installation at the
 * same paths gets an archive of its own (the JVM refuses one made from other JARs, and does not write it again).
 */
class ClassDataArchiveTest {

    @Test
    void h11_aRebuiltJarAtTheSamePathNamesAnotherArchive(@TempDir Path tmp) throws Exception {
        Path jar = Files.write(tmp.resolve("code.jar"), new byte[] {1, 2, 3});
        String before = System.getProperty(ClassDataArchive.DIR);
        System.setProperty(ClassDataArchive.DIR, tmp.resolve("cache").toString());
        try {
            List<String> launch = List.of("--module-path", jar.toString(), "-m", "org.wdf4j.host/X");
            List<String> first = ClassDataArchive.options(launch);
            assertThat(ClassDataArchive.options(launch)).as("the same code: the same archive").isEqualTo(first);
            Files.setLastModifiedTime(jar, FileTime.fromMillis(Files.getLastModifiedTime(jar).toMillis() + 2_000));
            List<String> touched = ClassDataArchive.options(launch);
            assertThat(touched).isNotEqualTo(first);
            Files.write(jar, new byte[] {1, 2, 3, 4});
            Files.setLastModifiedTime(jar, FileTime.fromMillis(Files.getLastModifiedTime(jar).toMillis()));
            assertThat(ClassDataArchive.options(launch)).as("another size").isNotEqualTo(first);
            assertThat(first).anyMatch(o -> o.startsWith("-XX:SharedArchiveFile=" + tmp.resolve("cache")));
        } finally {
            if (before == null) {
                System.clearProperty(ClassDataArchive.DIR);
            } else {
                System.setProperty(ClassDataArchive.DIR, before);
            }
        }
    }
}
