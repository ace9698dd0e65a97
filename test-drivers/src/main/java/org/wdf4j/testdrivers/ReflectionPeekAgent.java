package org.wdf4j.testdrivers;

import java.lang.instrument.Instrumentation;

/**
 * H9: the agent {@link ReflectionPeekDriver} tries to load into the host's JVM. Loaded, it would hold
 * {@link Instrumentation}, whose {@code redefineModule} opens any module to anyone; it only says that it was loaded.
 */
public final class ReflectionPeekAgent {

    /** The system property the agent sets when it is loaded. */
    public static final String LOADED = "wdf4j.testdrivers.agentLoaded";

    private ReflectionPeekAgent() {
    }

    /** Called by the JVM when the agent is loaded into it. */
    public static void agentmain(String options, Instrumentation instrumentation) {
        System.setProperty(LOADED, "modifiable framework module: "
                + instrumentation.isModifiableModule(ModuleLayer.boot().findModule("org.wdf4j.framework")
                        .orElse(Object.class.getModule())));
    }
}
