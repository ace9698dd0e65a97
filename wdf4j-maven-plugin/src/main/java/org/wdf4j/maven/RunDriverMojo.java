package org.wdf4j.maven;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.maven.artifact.Artifact;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.wdf4j.host.JvmFlags;

/**
 * {@code mvn wdf4j:run}: packages the driver, then runs it as {@code wdf4j run} does, in a JVM of its own started as
 * the {@code wdf4j} launcher starts one (the host's code as modules, its hardening flags): the driver is started, the
 * devices are added, then removed, the driver is stopped and its unload report printed. The build fails when the
 * unload is not clean (exit status 3) or the package cannot be loaded (2).
 *
 * <p>{@code -Dwdf4j.devices=ROOT\MYDEVICE,...} adds devices by hardware ID; {@code -Dwdf4j.hosting=in-process}
 * chooses where the driver runs; {@code -Dwdf4j.args="--mount-root /tmp/dev --exec 'cat /tmp/dev/...'"} passes other
 * options of {@code wdf4j run}.
 *
 * <p>Its goal and parameters are declared in {@code src/main/plugin/META-INF/maven/plugin.xml}.
 */
public final class RunDriverMojo extends AbstractMojo {

    /** The driver package to run: the project's JAR, made a driver package by {@code wdf4j:package}. */
    File jar;

    /** Hardware IDs of the devices to add once the driver is started. */
    List<String> devices;

    /** Where the driver runs: pooled, isolated or in-process (default: its package's Wdf4j-Hosting, else pooled). */
    String hosting;

    /** Other options of {@code wdf4j run}, split at spaces outside single or double quotes. */
    String args;

    /** The plugin's own dependencies: the host, the framework, the API and their libraries, the host's module path. */
    List<Artifact> pluginArtifacts;

    @Override
    public void execute() throws MojoExecutionException, MojoFailureException {
        List<String> arguments = new ArrayList<>(List.of("run"));
        if (hosting != null && !hosting.isBlank()) {
            arguments.addAll(List.of("--hosting", hosting.strip()));
        }
        if (devices != null) {
            devices.stream().map(String::strip).filter(d -> !d.isEmpty()).forEach(d -> arguments.addAll(List.of("--device", d)));
        }
        if (args != null) {
            arguments.addAll(words(args));
        }
        arguments.add(jar.getAbsolutePath());
        List<String> command = JvmFlags.hostCommand(hostCode(), arguments);
        getLog().debug("wdf4j:run: " + String.join(" ", command));
        int exit;
        try {
            Process process = new ProcessBuilder(command).inheritIO().start();
            exit = process.waitFor();
        } catch (IOException e) {
            throw new MojoExecutionException("cannot start " + command.getFirst() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MojoExecutionException("interrupted while the driver ran", e);
        }
        switch (exit) {
            case 0 -> { }
            case 3 -> throw new MojoFailureException("the driver's unload was not clean, a driver failed or a device did "
                    + "not start (wdf4j run exited with 3): see the unload report above");
            case 2 -> throw new MojoFailureException("wdf4j run could not load " + jar + " (exit status 2): see above");
            default -> throw new MojoFailureException("wdf4j run exited with status " + exit + ": see above");
        }
    }

    /** The host's module path: the plugin's runtime dependencies, without the plugin itself. */
    private List<Path> hostCode() throws MojoExecutionException {
        List<Path> code = pluginArtifacts.stream()
                .filter(a -> !a.getArtifactId().equals("wdf4j-maven-plugin") && a.getFile() != null
                        && "jar".equals(a.getType()) && !"test".equals(a.getScope()))
                .map(a -> a.getFile().toPath()).toList();
        if (code.stream().noneMatch(p -> p.getFileName().toString().startsWith("wdf4j-host"))) {
            throw new MojoExecutionException("the plugin's dependencies do not include wdf4j-host: " + code);
        }
        return code;
    }

    /** {@code text} split at spaces outside quotes, the quotes removed. */
    static List<String> words(String text) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        char quote = 0;
        boolean inWord = false;
        for (char c : text.toCharArray()) {
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    word.append(c);
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
                inWord = true;
            } else if (Character.isWhitespace(c)) {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
            } else {
                word.append(c);
                inWord = true;
            }
        }
        if (inWord) {
            words.add(word.toString());
        }
        return words;
    }
}
