package org.wdf4j.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code wdf4j new driver}: what it makes, and what it refuses with a message that names what to fix. The project it
 * makes is built and tested offline by wdf4j-maven-plugin's NewDriverProjectTest.
 */
class NewDriverCommandTest {

    @TempDir
    Path tmp;

    @Test
    void makesTheProjectWithTheNameMadeAJavaPackageAndClass() throws Exception {
        Path dir = tmp.resolve("p");
        CliRun run = CliRun.of("new", "driver", "my-dev.2", "--directory", dir.toString());
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).contains("Made driver project my-dev.2").contains("./mvnw verify");
        Path driver = dir.resolve("src/main/java/com/example/mydev2/MyDev2Driver.java");
        assertThat(Files.readString(driver)).contains("package com.example.mydev2;")
                .contains("public final class MyDev2Driver implements DriverEntry")
                .contains("HARDWARE_ID = \"ROOT\\\\MYDEV2\"");
        assertThat(Files.readString(dir.resolve("pom.xml"))).contains("<artifactId>my-dev.2</artifactId>")
                .contains("<hardwareId>ROOT\\MYDEV2</hardwareId>").contains("<entryClass>com.example.mydev2.MyDev2Driver<")
                .doesNotContainPattern("@[A-Z_]+@");
        assertThat(Files.readString(dir.resolve("src/test/java/com/example/mydev2/MyDev2DriverTest.java")))
                .contains("@DriverTest(entry = MyDev2Driver.class").doesNotContainPattern("@[A-Z_]+@");
        assertThat(Files.isExecutable(dir.resolve("mvnw"))).isTrue();
        assertThat(dir.resolve(".mvn/wrapper/maven-wrapper.properties")).exists();
    }

    @Test
    void aBadNameAPackageThatIsAKeywordAndANonEmptyDirectoryAreRefused() throws Exception {
        CliRun bad = CliRun.of("new", "driver", "my driver", "--directory", tmp.resolve("a").toString());
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).contains("driver name").contains("letters, digits");

        CliRun keyword = CliRun.of("new", "driver", "x", "--package", "com.new.x", "--directory",
                tmp.resolve("b").toString());
        assertThat(keyword.exit()).isEqualTo(2);
        assertThat(keyword.err()).contains("--package com.new.x is not a Java package name");

        Files.writeString(Files.createDirectories(tmp.resolve("c")).resolve("keep.txt"), "mine");
        CliRun exists = CliRun.of("new", "driver", "x", "--directory", tmp.resolve("c").toString());
        assertThat(exists.exit()).isEqualTo(1);
        assertThat(exists.err()).contains("already exists and is not an empty directory");
        assertThat(tmp.resolve("c/pom.xml")).doesNotExist();
    }
}
