package org.wdf4j.host.logging;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.ILoggerFactory;
import org.slf4j.Logger;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;

/** A logger of {@link DriverHostLogProvider}: {@code LEVEL logger message} lines on the process's standard error. */
final class StandardErrorLogger extends LegacyAbstractLogger {

    /**
     * The process's standard error, opened here: a driver that replaces {@code System.err} does not take the framework's
     * log lines with it. Guarded by itself (one line, and its stack, at a time).
     */
    private static final PrintStream ERR = new PrintStream(new FileOutputStream(FileDescriptor.err), true,
            StandardCharsets.UTF_8);
    /** The threshold of {@code org.wdf4j}'s loggers, as the host's logback configuration reads it. */
    private static final Level WDF4J_LEVEL = level(System.getenv("WDF4J_LOG"), Level.WARN);

    private final int threshold;

    private StandardErrorLogger(String name) {
        this.name = name;
        this.threshold = (name.startsWith("org.wdf4j") ? WDF4J_LEVEL : Level.WARN).toInt();
    }

    /** The level a {@code WDF4J_LOG} value names, or {@code otherwise}. */
    static Level level(String value, Level otherwise) {
        if (value == null || value.isBlank()) {
            return otherwise;
        }
        try {
            return Level.valueOf(value.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return otherwise;
        }
    }

    private boolean enabled(Level level) {
        return level.toInt() >= threshold;
    }

    @Override
    public boolean isTraceEnabled() {
        return enabled(Level.TRACE);
    }

    @Override
    public boolean isDebugEnabled() {
        return enabled(Level.DEBUG);
    }

    @Override
    public boolean isInfoEnabled() {
        return enabled(Level.INFO);
    }

    @Override
    public boolean isWarnEnabled() {
        return enabled(Level.WARN);
    }

    @Override
    public boolean isErrorEnabled() {
        return enabled(Level.ERROR);
    }

    @Override
    protected String getFullyQualifiedCallerName() {
        return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] arguments,
            Throwable throwable) {
        String message = MessageFormatter.basicArrayFormat(pattern, arguments);
        String simpleName = name.substring(name.lastIndexOf('.') + 1);
        synchronized (ERR) {
            ERR.println(level + " " + simpleName + " " + message);
            if (throwable != null) {
                throwable.printStackTrace(ERR);
            }
        }
    }

    /** One logger per name. */
    static final class Factory implements ILoggerFactory {

        private final ConcurrentHashMap<String, Logger> loggers = new ConcurrentHashMap<>();

        @Override
        public Logger getLogger(String name) {
            return loggers.computeIfAbsent(name, StandardErrorLogger::new);
        }
    }
}
