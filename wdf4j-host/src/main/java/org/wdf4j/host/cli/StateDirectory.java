package org.wdf4j.host.cli;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.function.UnaryOperator;

/**
 * Which store (state directory) a {@code wdf4j} command uses, and why: {@code --state-dir DIR}, else the environment
 * variable {@value #ENV}, else {@value #DEFAULT} in the current directory. The variable lets every shell and project
 * directory share one store; without it, a command run from another directory would find (or make) another, empty
 * store there.
 *
 * @param dir the state directory, absolute and normalized
 * @param source where it came from, for messages: {@code --state-dir}, {@code WDF4J_STATE_DIR}, or
 *     {@code the default .wdf4j in the current directory}
 */
public record StateDirectory(Path dir, String source) {

    /** The environment variable that names the store when {@code --state-dir} is not given. */
    public static final String ENV = "WDF4J_STATE_DIR";
    /** The store when neither is given, relative to the current directory. */
    public static final String DEFAULT = ".wdf4j";

    /**
     * Resolves the store from the option ({@code null} when not given) and the environment ({@code env} answers a
     * variable's value, or null).
     *
     * @throws IllegalArgumentException when {@value #ENV} is set to something that is not a path
     */
    public static StateDirectory resolve(Path option, UnaryOperator<String> env) {
        if (option != null) {
            return new StateDirectory(option.toAbsolutePath().normalize(), "--state-dir");
        }
        String value = env.apply(ENV);
        if (value != null && !value.isBlank()) {
            try {
                return new StateDirectory(Path.of(value.strip()).toAbsolutePath().normalize(), ENV);
            } catch (InvalidPathException e) {
                throw new IllegalArgumentException(ENV + " is '" + value + "', which is not a path: " + e.getReason()
                        + "; set it to the state directory, e.g. export " + ENV + "=$HOME/.wdf4j");
            }
        }
        return new StateDirectory(Path.of(DEFAULT).toAbsolutePath().normalize(),
                "the default " + DEFAULT + " in the current directory");
    }

    /** {@code /x/.wdf4j (from WDF4J_STATE_DIR)}. */
    public String describe() {
        return dir + " (from " + source + ")";
    }
}
