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

    @Test
    void h11_onlyTheNewestArchivesOfAKindAreKeptAndOtherKindsAndFilesAreLeftAlone(@TempDir Path tmp) throws Exception {
        Path cache = Files.createDirectories(tmp.resolve("cache"));
        long now = System.currentTimeMillis();
        for (int i = 0; i < 6; i++) { // older builds' archives, the oldest first
            Path old = Files.write(cache.resolve("driver-host-%016x.jsa".formatted(i)), new byte[1]);
            Files.setLastModifiedTime(old, FileTime.fromMillis(now - (10 - i) * 60_000L));
        }
        Path otherKind = Files.write(cache.resolve("host-00000000000000aa.jsa"), new byte[1]);
        Files.setLastModifiedTime(otherKind, FileTime.fromMillis(now - 3_600_000L));
        Path notOurs = Files.write(cache.resolve("notes.txt"), new byte[1]);
        Path jar = Files.write(tmp.resolve("code.jar"), new byte[] {1, 2, 3});
        String before = System.getProperty(ClassDataArchive.DIR);
        System.setProperty(ClassDataArchive.DIR, cache.toString());
        try {
            List<String> options = ClassDataArchive.options(List.of("--module-path", jar.toString(), "-m", "m/X"));
            String current = options.getLast().substring("-XX:SharedArchiveFile=".length());
            try (var files = Files.list(cache)) {
                assertThat(files.map(f -> f.getFileName().toString()).sorted().toList())
                        .as("the %d newest of the kind besides the current one's name, the rest untouched",
                                ClassDataArchive.KEPT - 1)
                        .containsExactly("driver-host-0000000000000003.jsa", "driver-host-0000000000000004.jsa",
                                "driver-host-0000000000000005.jsa", "host-00000000000000aa.jsa", "notes.txt");
            }
            assertThat(Path.of(current).getFileName().toString()).matches("driver-host-[0-9a-f]{16}\\.jsa");
            assertThat(notOurs).exists();
        } finally {
            if (before == null) {
                System.clearProperty(ClassDataArchive.DIR);
            } else {
                System.setProperty(ClassDataArchive.DIR, before);
            }
        }
    }
}
