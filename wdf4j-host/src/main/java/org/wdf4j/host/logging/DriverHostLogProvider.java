package org.wdf4j.host.logging;

import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.NOPMDCAdapter;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * The SLF4J provider of a driver host process: its log lines go to standard error, one line each (with a throwable's
 * stack after it), which the host reads, logs and keeps as the process's last words. A driver host needs nothing more,
 * and logback's start (finding and parsing its configuration) costs every driver host about 200 ms of CPU and 5 MB
 * (BENCHMARKS.md, section 8). The level is the host's: {@code WDF4J_LOG} for {@code org.wdf4j} (default
 * {@code warn}), {@code warn} for everything else.
 *
 * <p>Chosen by {@code -Dslf4j.provider=org.wdf4j.host.logging.DriverHostLogProvider} in a driver host's options only;
 * the host's own JVM uses logback.
 */
public final class DriverHostLogProvider implements SLF4JServiceProvider {

    private final ILoggerFactory loggers = new StandardErrorLogger.Factory();
    private final IMarkerFactory markers = new BasicMarkerFactory();
    private final MDCAdapter mdc = new NOPMDCAdapter();

    /** For SLF4J, which instantiates its provider by reflection. */
    public DriverHostLogProvider() {
    }

    @Override
    public ILoggerFactory getLoggerFactory() {
        return loggers;
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
        return markers;
    }

    @Override
    public MDCAdapter getMDCAdapter() {
        return mdc;
    }

    @Override
    public String getRequestedApiVersion() {
        return "2.0.99";
    }

    @Override
    public void initialize() {
        // nothing to read or configure
    }
}
