package org.wdf4j.host.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.wdf4j.framework.NameRule;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code wdf4j new}: makes things from templates; today a driver project. */
@Command(name = "new", mixinStandardHelpOptions = true, subcommands = NewCommand.Driver.class,
        description = "Make a new project from a template (wdf4j new driver NAME).")
final class NewCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** {@code wdf4j new driver NAME}: a standalone Maven project of a driver, with a test that uses the test kit. */
    @Command(name = "driver", mixinStandardHelpOptions = true,
            description = {"Make a standalone Maven project of a PnP driver named NAME in the directory NAME (or "
                    + "--directory): a POM that inherits nothing (Java " + JAVA_RELEASE + ", wdf4j's BOM and Maven "
                    + "plugin), the driver (a device with an interface, a sequential queue, read and write callbacks), "
                    + "a test that runs it with the test kit, a README and the Maven wrapper.",
                    "Then: cd NAME && ./mvnw verify (needs wdf4j's artifacts in ~/.m2: ./mvnw install in wdf4j's "
                            + "directory), and ./mvnw wdf4j:run.",
                    "Exit status: 0 when made, 2 for a bad name or option, 1 when the directory exists or cannot be "
                            + "written."})
    static final class Driver implements Callable<Integer> {

        @Parameters(paramLabel = "NAME", description = "The driver's name (letters, digits, '_', '.', '-'), also its "
                + "artifactId and directory.")
        String name;

        @Option(names = "--package", paramLabel = "PACKAGE", description = "The driver's Java package (default: "
                + "com.example.NAME, NAME made a Java identifier).")
        String javaPackage;

        @Option(names = "--group-id", paramLabel = "GROUP", description = "The project's groupId (default: the package).")
        String groupId;

        @Option(names = "--hardware-id", paramLabel = "HWID", description = "The hardware ID the driver binds to "
                + "(default: ROOT\\NAME in capitals).")
        String hardwareId;

        @Option(names = "--directory", paramLabel = "DIR", description = "Where to make the project (default: ./NAME); "
                + "it must not exist or be empty.")
        Path directory;

        @Override
        public Integer call() {
            Optional<String> broken = NameRule.DRIVER_NAME.violation(name);
            if (broken.isPresent()) {
                System.err.println("wdf4j new driver: " + NameRule.DRIVER_NAME.refusal(name, broken.get()));
                return 2;
            }
            String pkg = javaPackage != null ? javaPackage : "com.example." + identifier(name.toLowerCase(Locale.ROOT));
            if (!JAVA_PACKAGE.matcher(pkg).matches() || Stream.of(pkg.split("\\.")).anyMatch(KEYWORDS::contains)) {
                System.err.println("wdf4j new driver: --package " + pkg + " is not a Java package name (identifiers, "
                        + "not keywords, separated by dots, e.g. com.example.mydriver)");
                return 2;
            }
            String hwid = hardwareId != null ? hardwareId
                    : "ROOT\\" + name.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9_]", "");
            Optional<String> badId = NameRule.HARDWARE_ID.violation(hwid);
            if (badId.isPresent()) {
                System.err.println("wdf4j new driver: " + NameRule.HARDWARE_ID.refusal(hwid, badId.get()));
                return 2;
            }
            Path dir = (directory != null ? directory : Path.of(name)).toAbsolutePath().normalize();
            try {
                if (Files.exists(dir) && !(Files.isDirectory(dir) && isEmpty(dir))) {
                    System.err.println("wdf4j new driver: " + dir + " already exists and is not an empty directory; "
                            + "choose another NAME or --directory");
                    return 1;
                }
                String className = className(name);
                Map<String, String> tokens = new LinkedHashMap<>();
                tokens.put("@NAME@", name);
                tokens.put("@PACKAGE@", pkg);
                tokens.put("@PACKAGE_PATH@", pkg.replace('.', '/'));
                tokens.put("@CLASS@", className);
                tokens.put("@GROUP_ID@", groupId != null ? groupId : pkg);
                tokens.put("@HWID@", hwid);
                tokens.put("@HWID_JAVA@", hwid.replace("\\", "\\\\").replace("\"", "\\\""));
                tokens.put("@GUID@", UUID.randomUUID().toString());
                tokens.put("@WDF4J_VERSION@", wdf4jVersion());
                tokens.put("@JAVA_RELEASE@", Integer.toString(JAVA_RELEASE));
                Path main = dir.resolve("src/main/java").resolve(pkg.replace('.', '/'));
                Path test = dir.resolve("src/test/java").resolve(pkg.replace('.', '/'));
                write(dir.resolve("pom.xml"), "pom.xml.txt", tokens);
                write(main.resolve(className + ".java"), "Driver.java.txt", tokens);
                write(test.resolve(className + "Test.java"), "DriverTest.java.txt", tokens);
                write(dir.resolve("README.md"), "README.md.txt", tokens);
                write(dir.resolve(".gitignore"), "gitignore.txt", tokens);
                write(dir.resolve(".mvn/wrapper/maven-wrapper.properties"), "maven-wrapper.properties.txt", Map.of());
                Path mvnw = write(dir.resolve("mvnw"), "mvnw.txt", Map.of());
                Files.setPosixFilePermissions(mvnw, PosixFilePermissions.fromString("rwxr-xr-x"));
                System.out.println("Made driver project " + name + " in " + dir + ":");
                System.out.println("  " + dir.relativize(main.resolve(className + ".java")) + "  the driver (hardware ID "
                        + hwid + ")");
                System.out.println("  " + dir.relativize(test.resolve(className + "Test.java"))
                        + "  its test, with the wdf4j test kit");
                System.out.println("Next (with JAVA_HOME set to a JDK " + JAVA_RELEASE + ", and wdf4j " + wdf4jVersion()
                        + " in ~/.m2: ./mvnw install -DskipTests in wdf4j's directory):");
                System.out.println("  cd " + dir + " && ./mvnw verify && ./mvnw wdf4j:run");
                return 0;
            } catch (IOException | UncheckedIOException e) {
                System.err.println("wdf4j new driver: cannot write " + dir + ": " + e.getMessage());
                return 1;
            }
        }
    }

    /** The Java release the projects compile for: the JDK wdf4j needs. */
    static final int JAVA_RELEASE = 25;

    private static final Pattern JAVA_PACKAGE = Pattern.compile("\\p{javaJavaIdentifierStart}\\p{javaJavaIdentifierPart}*"
            + "(\\.\\p{javaJavaIdentifierStart}\\p{javaJavaIdentifierPart}*)*");

    private static final Set<String> KEYWORDS = Set.of("abstract", "assert", "boolean", "break", "byte", "case", "catch",
            "char", "class", "const", "continue", "default", "do", "double", "else", "enum", "extends", "final",
            "finally", "float", "for", "goto", "if", "implements", "import", "instanceof", "int", "interface", "long",
            "native", "new", "package", "private", "protected", "public", "return", "short", "static", "strictfp",
            "super", "switch", "synchronized", "this", "throw", "throws", "transient", "try", "void", "volatile",
            "while", "true", "false", "null", "_");

    /** {@code name} with what an identifier cannot hold dropped, and a leading digit or keyword made safe. */
    static String identifier(String name) {
        String id = name.replaceAll("[^A-Za-z0-9_]", "");
        if (id.isEmpty() || !Character.isJavaIdentifierStart(id.charAt(0)) || KEYWORDS.contains(id)) {
            id = "d" + id;
        }
        return id;
    }

    /** The driver's class: {@code my-dev.x} makes {@code MyDevXDriver}. */
    static String className(String name) {
        StringBuilder out = new StringBuilder();
        for (String part : name.split("[^A-Za-z0-9]+")) {
            if (!part.isEmpty()) {
                out.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
            }
        }
        String base = out.isEmpty() || !Character.isJavaIdentifierStart(out.charAt(0)) ? "D" + out : out.toString();
        return base.endsWith("Driver") ? base : base + "Driver";
    }

    /** wdf4j's version, as its build wrote it. */
    static String wdf4jVersion() {
        try (InputStream in = NewCommand.class.getResourceAsStream("wdf4j-version.properties")) {
            if (in == null) {
                throw new IllegalStateException("wdf4j-version.properties is missing from the host's classes: rebuild wdf4j");
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        }
    }

    private static Path write(Path file, String template, Map<String, String> tokens) throws IOException {
        String text;
        try (InputStream in = NewCommand.class.getResourceAsStream("newdriver/" + template)) {
            if (in == null) {
                throw new IllegalStateException("the template " + template + " is missing from the host's classes");
            }
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        for (Map.Entry<String, String> token : tokens.entrySet()) {
            text = text.replace(token.getKey(), token.getValue());
        }
        Files.createDirectories(file.getParent());
        Files.writeString(file, text, StandardCharsets.UTF_8);
        return file;
    }
}
