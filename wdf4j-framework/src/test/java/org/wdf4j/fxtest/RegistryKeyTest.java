package org.wdf4j.fxtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.wdf4j.fxtest.TestDrivers.driver;
import static org.wdf4j.fxtest.TestDrivers.fx;

import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.wdf4j.Irql;
import org.wdf4j.NtResult;
import org.wdf4j.NtStatus;
import org.wdf4j.WdfBugCheck;
import org.wdf4j.WdfBugCheckCode;
import org.wdf4j.driver.WdfDriver;
import org.wdf4j.driver.WdfDriverConfig;
import org.wdf4j.framework.Finding;
import org.wdf4j.framework.FxDriverGlobals;
import org.wdf4j.framework.FxObjectState;
import org.wdf4j.framework.FxParameters;
import org.wdf4j.framework.VerifierSettings;
import org.wdf4j.object.WdfObject;
import org.wdf4j.object.WdfObjectAttributes;
import org.wdf4j.registry.WdfKey;
import org.wdf4j.registry.WdfKeyAccess;

/** The driver's Parameters key (WdfDriverOpenParametersRegistryKey and the WdfRegistry* methods). */
@SuppressWarnings("try") // try (var ignored = Irql.raise(...)) { ... }
class RegistryKeyTest {

    private final TestDrivers drivers = new TestDrivers();

    @AfterEach
    void stopAll() {
        drivers.stopAll();
    }

    private static WdfKey open(FxDriverGlobals globals, WdfKeyAccess access) {
        NtResult<WdfKey> opened = driver(globals).openParametersRegistryKey(access, WdfObjectAttributes.NONE);
        assertThat(opened.status()).isEqualTo(NtStatus.STATUS_SUCCESS);
        return opened.value();
    }

    @Test
    void aMissingValueIsObjectNameNotFoundAndAssignedValuesAreQueriedBack() {
        FxDriverGlobals globals = drivers.start("reg-basic", VerifierSettings.on());
        WdfKey key = open(globals, WdfKeyAccess.KEY_ALL_ACCESS);
        assertThat(key.queryString("Greeting").status()).isEqualTo(NtStatus.STATUS_OBJECT_NAME_NOT_FOUND);
        assertThat(NtStatus.STATUS_OBJECT_NAME_NOT_FOUND.code()).isEqualTo(0xC0000034);
        assertThat(key.queryULong("Count").status()).isEqualTo(NtStatus.STATUS_OBJECT_NAME_NOT_FOUND);

        assertThat(key.assignString("Greeting", "héllo\nworld = x")).isEqualTo(NtStatus.STATUS_SUCCESS);
        assertThat(key.assignULong("Count", 0xFFFF_FFFFL)).isEqualTo(NtStatus.STATUS_SUCCESS);
        assertThat(key.queryString("Greeting").value()).isEqualTo("héllo\nworld = x");
        assertThat(key.queryULong("Count").value()).isEqualTo(0xFFFF_FFFFL);
        // Value names compare without case, as in the registry.
        assertThat(key.queryULong("COUNT").value()).isEqualTo(0xFFFF_FFFFL);

        assertThat(key.removeValue("count")).isEqualTo(NtStatus.STATUS_SUCCESS);
        assertThat(key.removeValue("Count")).isEqualTo(NtStatus.STATUS_OBJECT_NAME_NOT_FOUND);
        assertThat(key.queryULong("Count").status()).isEqualTo(NtStatus.STATUS_OBJECT_NAME_NOT_FOUND);
        assertThat(globals.findings()).isEmpty();
    }

    @Test
    void aValueOfTheOtherTypeIsATypeMismatchAndAssignmentReplacesEitherType() {
        FxDriverGlobals globals = drivers.start("reg-types", VerifierSettings.on());
        WdfKey key = open(globals, WdfKeyAccess.KEY_ALL_ACCESS);
        key.assignString("Mode", "fast");
        assertThat(key.queryULong("Mode").status()).isEqualTo(NtStatus.STATUS_OBJECT_TYPE_MISMATCH);
        assertThat(NtStatus.STATUS_OBJECT_TYPE_MISMATCH.code()).isEqualTo(0xC0000024);
        key.assignULong("Mode", 7);
        assertThat(key.queryString("Mode").status()).isEqualTo(NtStatus.STATUS_OBJECT_TYPE_MISMATCH);
        assertThat(key.queryULong("Mode").value()).isEqualTo(7L);
    }

    @Test
    void ulongValuesAreThirtyTwoBitUnsignedAndNamesMustBeValid() {
        FxDriverGlobals globals = drivers.start("reg-range", VerifierSettings.on());
        WdfKey key = open(globals, WdfKeyAccess.KEY_ALL_ACCESS);
        assertThat(key.assignULong("N", -1)).isEqualTo(NtStatus.STATUS_INVALID_PARAMETER);
        assertThat(key.assignULong("N", 0x1_0000_0000L)).isEqualTo(NtStatus.STATUS_INVALID_PARAMETER);
        assertThat(key.queryULong("N").status()).isEqualTo(NtStatus.STATUS_OBJECT_NAME_NOT_FOUND);
        assertThat(key.assignString("", "x")).isEqualTo(NtStatus.STATUS_OBJECT_NAME_INVALID);
        assertThat(key.queryString("x".repeat(WdfKey.MAX_VALUE_NAME_LENGTH + 1)).status())
                .isEqualTo(NtStatus.STATUS_OBJECT_NAME_INVALID);
    }

    @Test
    void theAccessTheKeyWasOpenedWithIsEnforced() {
        FxDriverGlobals globals = drivers.start("reg-access", VerifierSettings.on());
        WdfKey writer = open(globals, WdfKeyAccess.KEY_WRITE);
        WdfKey reader = open(globals, WdfKeyAccess.KEY_READ);
        assertThat(writer.assignULong("A", 1)).isEqualTo(NtStatus.STATUS_SUCCESS);
        assertThat(writer.queryULong("A").status()).isEqualTo(NtStatus.STATUS_ACCESS_DENIED);
        assertThat(reader.queryULong("A").value()).isEqualTo(1L);
        assertThat(reader.assignULong("A", 2)).isEqualTo(NtStatus.STATUS_ACCESS_DENIED);
        assertThat(reader.removeValue("A")).isEqualTo(NtStatus.STATUS_ACCESS_DENIED);
        assertThat(reader.queryULong("A").value()).isEqualTo(1L);
    }

    // O1: the key is a WDFKEY whose parent is the driver object by default; closing it destroys it, and a closed
    // key is an invalid handle (O4).
    @Test
    void theKeyIsAChildOfTheDriverAndClosingItInvalidatesTheHandle() {
        FxDriverGlobals globals = drivers.start("reg-close", VerifierSettings.on().withBreakOnError(false));
        WdfKey key = open(globals, WdfKeyAccess.KEY_ALL_ACCESS);
        assertThat(fx(key).objectType()).isEqualTo("WDFKEY");
        assertThat(fx(key).parent()).isSameAs(driver(globals));
        key.close();
        assertThat(fx(key).state()).isEqualTo(FxObjectState.DESTROYED);
        assertThatThrownBy(() -> key.queryString("x")).isInstanceOfSatisfying(WdfBugCheck.class,
                b -> assertThat(b.subCode()).isEqualTo(WdfBugCheckCode.WDF_INVALID_HANDLE));
    }

    // A key parented to another object is closed with it; an unclosed key is closed with the driver at unload.
    @Test
    void aKeyIsClosedWithItsParent() {
        FxDriverGlobals globals = drivers.start("reg-parent", VerifierSettings.on());
        WdfObject holder = TestDrivers.create(driver(globals));
        WdfKey child = driver(globals).openParametersRegistryKey(WdfKeyAccess.KEY_READ,
                WdfObjectAttributes.NONE.withParent(holder)).value();
        WdfKey unclosed = open(globals, WdfKeyAccess.KEY_READ);
        assertThat(fx(child).parent()).isSameAs(holder);
        holder.delete();
        assertThat(fx(child).state()).isEqualTo(FxObjectState.DESTROYED);
        globals.stop();
        assertThat(fx(unclosed).state()).isEqualTo(FxObjectState.DESTROYED);
        assertThat(globals.findings()).noneMatch(f -> f.kind() == Finding.Kind.LEAK);
    }

    // O9: the registry methods are PASSIVE_LEVEL only; above it the verifier reports the call.
    @Test
    void callsAboveThePassiveLevelAreReportedByTheVerifier() {
        FxDriverGlobals globals = drivers.start("reg-irql", VerifierSettings.on().withBreakOnError(false));
        WdfKey key = open(globals, WdfKeyAccess.KEY_ALL_ACCESS);
        try (var ignored = Irql.raise(Irql.DISPATCH_LEVEL)) {
            key.assignULong("A", 1);
        }
        assertThat(globals.findings()).singleElement().satisfies(f -> {
            assertThat(f.rule()).isEqualTo("IRQL");
            assertThat(f.message()).contains("WdfRegistryAssignULong called at DISPATCH_LEVEL", "PASSIVE_LEVEL or below");
        });
    }

    @Test
    void aNullValueNameIsABugCheck() {
        FxDriverGlobals globals = drivers.start("reg-null", VerifierSettings.on());
        WdfKey key = open(globals, WdfKeyAccess.KEY_ALL_ACCESS);
        assertThatThrownBy(() -> key.queryULong(null)).isInstanceOfSatisfying(WdfBugCheck.class,
                b -> assertThat(b.subCode()).isEqualTo(WdfBugCheckCode.WDF_REQUIRED_PARAMETER_IS_NULL));
    }

    // The values live in the backend the host gave the driver: a second start of the driver with the same backend
    // reads what the first wrote, and a backend that fails answers STATUS_UNSUCCESSFUL and changes nothing.
    @Test
    void valuesLiveInTheHostsBackend() throws IOException {
        FxParameters backend = FxParameters.inMemory();
        FxDriverGlobals first = startWith("reg-backend-1", backend);
        open(first, WdfKeyAccess.KEY_ALL_ACCESS).assignString("Name", "kept");
        first.stop();
        FxDriverGlobals second = startWith("reg-backend-2", backend);
        assertThat(open(second, WdfKeyAccess.KEY_READ).queryString("NAME").value()).isEqualTo("kept");
        assertThat(backend.values()).containsExactly(Map.entry("Name", FxParameters.Value.ofString("kept")));

        FxParameters failing = new FxParameters() {
            @Override
            public Value get(String name) throws IOException {
                throw new IOException("disk gone");
            }

            @Override
            public void put(String name, Value value) throws IOException {
                throw new IOException("disk gone");
            }

            @Override
            public boolean remove(String name) throws IOException {
                throw new IOException("disk gone");
            }

            @Override
            public Map<String, Value> values() throws IOException {
                throw new IOException("disk gone");
            }
        };
        FxDriverGlobals broken = startWith("reg-backend-3", failing);
        WdfKey key = open(broken, WdfKeyAccess.KEY_ALL_ACCESS);
        assertThat(key.assignULong("A", 1)).isEqualTo(NtStatus.STATUS_UNSUCCESSFUL);
        assertThat(key.queryULong("A").status()).isEqualTo(NtStatus.STATUS_UNSUCCESSFUL);
        assertThat(broken.journal()).anySatisfy(e -> assertThat(e.detail()).contains("disk gone"));
        broken.stop();
        second.stop();
    }

    private static FxDriverGlobals startWith(String name, FxParameters backend) {
        FxDriverGlobals globals = FxDriverGlobals.create(name, TestDrivers.REGISTRY_ROOT + name,
                RegistryKeyTest.class.getClassLoader(), false, VerifierSettings.on(), (g, b) -> { }, backend);
        globals.callDriverEntry((driverObject, registryPath) -> WdfDriver.create(driverObject, registryPath,
                WdfObjectAttributes.NONE, WdfDriverConfig.init(null).withUnload(d -> { })).status());
        return globals;
    }
}
