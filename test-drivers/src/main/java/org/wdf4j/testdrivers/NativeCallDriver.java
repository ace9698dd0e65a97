package org.wdf4j.testdrivers;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import org.wdf4j.DbgPrint;
import org.wdf4j.NtStatus;
import org.wdf4j.driver.DriverEntry;
import org.wdf4j.driver.DriverObject;
import org.wdf4j.driver.WdfDriverConfig;

/**
 * H9: calls native code, or makes ready to, in DriverEntry: a restricted method of the foreign function and memory
 * API or of JNI. Which one is chosen by the driver's name, {@code native-ATTACK}:
 * <ul>
 * <li>{@code downcall}: {@code Linker.downcallHandle} for libc's {@code getpid} (the handle is made, never called);</li>
 * <li>{@code reinterpret}: {@code MemorySegment.ofAddress(16).reinterpret(8)}, a segment over memory Java does not
 * own (never read: it would crash the JVM);</li>
 * <li>{@code lookup}: {@code SymbolLookup.libraryLookup("libc.so.6", ...)}, loading a library for downcalls;</li>
 * <li>{@code load}, {@code loadlibrary}: JNI's {@code System.load} and {@code System.loadLibrary} of a library that
 * does not exist (allowed, they would throw UnsatisfiedLinkError).</li>
 * </ul>
 * In the host's JVM, where only the host's module has native access and {@code --illegal-native-access=deny} is set,
 * each throws {@link IllegalCallerException} out of DriverEntry. Should the call go through, the driver prints
 * {@code ATTACK SUCCEEDED} and returns STATUS_SUCCESS.
 */
public final class NativeCallDriver implements DriverEntry {

    @Override
    public NtStatus driverEntry(DriverObject driverObject, String registryPath) {
        Drivers.create(driverObject, registryPath,
                WdfDriverConfig.init(null).withUnload(d -> DbgPrint.print("EvtDriverUnload MUST NOT RUN")));
        String name = driverObject.driverName();
        String attack = name.substring(name.lastIndexOf('-') + 1);
        DbgPrint.print("attack: %s", attack);
        String result = call(attack);
        DbgPrint.print("ATTACK SUCCEEDED: %s", result);
        return NtStatus.STATUS_SUCCESS;
    }

    @SuppressWarnings("restricted")
    private static String call(String attack) {
        return switch (attack) {
            case "downcall" -> {
                Linker linker = Linker.nativeLinker();
                MemorySegment getpid = linker.defaultLookup().find("getpid").orElseThrow();
                yield "a downcall handle to getpid: " + linker.downcallHandle(getpid,
                        FunctionDescriptor.of(ValueLayout.JAVA_INT));
            }
            case "reinterpret" -> "reinterpret: " + MemorySegment.ofAddress(16).reinterpret(8);
            case "lookup" -> "libraryLookup: " + SymbolLookup.libraryLookup("libc.so.6", Arena.global());
            case "load" -> {
                System.load("/nonexistent/libwdf4j-native-call-driver.so");
                yield "System.load returned";
            }
            case "loadlibrary" -> {
                System.loadLibrary("wdf4j-native-call-driver-nonexistent");
                yield "System.loadLibrary returned";
            }
            default -> throw new IllegalArgumentException("no attack named " + attack);
        };
    }
}
