/**
 * The wdf4j API: what a driver compiles against, and all of wdf4j a driver can reach (rule H9 of the hosting rules).
 *
 * <p>Each driver is a named module of its own, which the host makes read this module, so drivers see
 * exactly its unqualified exports. The function table that binds the API to the framework ({@code org.wdf4j.spi}) is
 * exported to the framework only, which implements it: a driver cannot link against it, call it by reflection or
 * look it up. No package is open: a driver cannot {@code setAccessible} its way into the API's private state either.
 *
 * <p>The qualified export names a module compiled after this one, which javac cannot find here (lint {@code module}).
 */
@SuppressWarnings("module")
module org.wdf4j.api {
    exports org.wdf4j;
    exports org.wdf4j.device;
    exports org.wdf4j.disk;
    exports org.wdf4j.driver;
    exports org.wdf4j.io;
    exports org.wdf4j.memory;
    exports org.wdf4j.net;
    exports org.wdf4j.object;
    exports org.wdf4j.registry;
    exports org.wdf4j.serial;
    exports org.wdf4j.sync;
    exports org.wdf4j.timer;
    exports org.wdf4j.workitem;

    exports org.wdf4j.spi to org.wdf4j.framework;

    // WdfFunctions.get() finds the framework with ServiceLoader.
    uses org.wdf4j.spi.WdfFunctions;
}
