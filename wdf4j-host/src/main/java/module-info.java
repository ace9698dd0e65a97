/**
 * The wdf4j host: driver packages and their class loaders, the PnP manager, device files, driver host processes,
 * unload verification and the {@code wdf4j} command (rule H9 of the hosting rules).
 *
 * <p>Exported, for embedders: {@code org.wdf4j.host} ({@code DriverHost} and what it answers) and
 * {@code org.wdf4j.host.client} (the Win32-shaped client API). Nothing is open except the command-line package, to
 * picocli, which sets the commands' option fields by reflection. A driver in the host's JVM (a named module of its own, DriverModule) can
 * therefore reach only the public types and members of those two packages, and only by reflection (its class loader
 * does not show it the host's classes); the rest of the host, and the framework, are closed to it.
 *
 * <p>Native access (the FUSE transport in {@code org.wdf4j.host.fuse}) is granted to this module alone, by the
 * launcher's {@code --enable-native-access=org.wdf4j.host}; with {@code --illegal-native-access=deny} every other
 * module of the host's JVM, in-process drivers included, is refused. A driver host, which needs none, grants it to its
 * drivers ({@code org.wdf4j.host.JvmFlags}).
 *
 * <p>The embedding API's signatures use a few framework types ({@code VerifierSettings}, {@code FxDriverState},
 * {@code Finding}, {@code JournalEntry}), which the framework exports to this module only, so that drivers cannot
 * reach the framework: an embedder on the class path sees them, one in a named module of its own needs
 * {@code --add-exports org.wdf4j.framework/org.wdf4j.framework=ITS.MODULE} (never to a driver's module). A few members name the host's own unexported types too ({@code DeviceFileSecurity}, {@code FuseSession}),
 * usable inside the host only. javac's {@code exports} lint, which warns of each, is off for this module
 * ({@code wdf4j-host/pom.xml}).
 */
module org.wdf4j.host {
    // The embedding and client API take and answer API types (NtStatus, NtResult, WdfRequestor, ...).
    requires transitive org.wdf4j.api;
    requires org.wdf4j.framework;
    requires org.slf4j;
    // The logging back end, configured by this module's logback.xml; its code is also put on a driver host's path.
    requires ch.qos.logback.classic;
    requires ch.qos.logback.core;
    requires info.picocli;
    requires com.fasterxml.jackson.core; // the driver store's unload reports (JSON)
    requires jdk.jfr;                // DriverHostEndedEvent; ThreadStarts' recording stream of thread starts
    requires java.management;       // LeakDiagnosis: the platform MBean server, heap dumps
    requires jdk.management;        // LeakDiagnosis: com.sun.management.HotSpotDiagnosticMXBean
    requires java.logging;          // LeakDiagnosis: java.util.logging handlers a driver left behind
    requires java.xml;              // wdf4j verify's JUnit XML (XMLStreamWriter)

    exports org.wdf4j.host;
    exports org.wdf4j.host.client;
    exports org.wdf4j.host.verify;

    opens org.wdf4j.host.cli to info.picocli;
    // A driver host's SLF4J provider, which SLF4J makes by reflection when -Dslf4j.provider names it.
    exports org.wdf4j.host.logging to org.slf4j;
}
