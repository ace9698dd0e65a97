/**
 * The wdf4j framework: the implementation of the API (rule H9 of the hosting rules).
 *
 * <p>It binds to the API as the provider of its function table, and exports its packages to the host only: a driver
 * (a named module of its own, which the host defines) holds framework objects, but cannot call their classes' other public methods, read or write
 * their fields, or make a private lookup in them, by reflection or method handles. No package is open. JFR makes
 * the event classes of {@code org.wdf4j.framework.trace} accessible to itself when they are registered.
 *
 * <p>The qualified exports name a module compiled after this one, which javac cannot find here (lint {@code module}).
 */
@SuppressWarnings("module")
module org.wdf4j.framework {
    // The framework's classes take and answer API types, and the host uses both.
    requires transitive org.wdf4j.api;
    requires org.slf4j;
    requires jdk.jfr;

    exports org.wdf4j.framework to org.wdf4j.host;
    exports org.wdf4j.framework.trace to org.wdf4j.host;

    provides org.wdf4j.spi.WdfFunctions with org.wdf4j.framework.FxFunctions;
}
