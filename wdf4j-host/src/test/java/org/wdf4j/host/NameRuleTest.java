package org.wdf4j.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wdf4j.framework.NameRule;

/**
 * The naming rules (issue #11: {@code device add} kept any hardware ID, {@code ROOT\..\..\tmp\x} and 8,000 characters
 * included): each refusal names the rule broken, and the host's every way in (the PnP manager, a package's manifest,
 * the CLI) uses the same rules. The framework's side (device names, reference strings) is in ControlDeviceTest.
 */
class NameRuleTest {

    @Test
    void hardwareIdsFollowWindowsRulesAndEachRefusalNamesTheRuleBroken() {
        assertThat(NameRule.HARDWARE_ID.violation("ROOT\\ECHO")).isEmpty();
        assertThat(NameRule.HARDWARE_ID.violation("USB\\VID_045E&PID_00DB")).isEmpty();
        assertThat(NameRule.HARDWARE_ID.violation("x".repeat(200))).isEmpty();

        assertThat(NameRule.HARDWARE_ID.violation("ROOT\\..\\..\\tmp\\x"))
                .hasValue("it has a '..' component; no component may be '.' or '..'");
        assertThat(NameRule.HARDWARE_ID.violation("ROOT\\.\\X"))
                .hasValue("it has a '.' component; no component may be '.' or '..'");
        assertThat(NameRule.HARDWARE_ID.violation("x".repeat(8000)))
                .hasValue("it is 8000 characters long; a hardware ID has at most 200 (Windows' MAX_DEVICE_ID_LEN)");
        assertThat(NameRule.HARDWARE_ID.violation("x".repeat(201))).get().asString().startsWith("it is 201 characters");
        assertThat(NameRule.HARDWARE_ID.violation("")).hasValue("it is empty; a hardware ID has 1 to 200 characters");
        assertThat(NameRule.HARDWARE_ID.violation("ROOT\\A,B")).hasValue("it has ',' (U+002C) at position 7; a hardware "
                + "ID has printable ASCII characters other than space, ',' and '/'");
        assertThat(NameRule.HARDWARE_ID.violation("ROOT/ECHO")).get().asString().startsWith("it has '/' (U+002F)");
        assertThat(NameRule.HARDWARE_ID.violation("ROOT\\\u00e9")).get().asString().startsWith("it has U+00E9");
        assertThat(NameRule.HARDWARE_ID.violation("ROOT\\\tX")).get().asString().startsWith("it has U+0009");
        for (String empty : new String[] {"\\ROOT", "ROOT\\", "ROOT\\\\ECHO"}) {
            assertThat(NameRule.HARDWARE_ID.violation(empty)).as(empty).get().asString()
                    .startsWith("it has an empty component");
        }
        assertThatThrownBy(() -> NameRule.HARDWARE_ID.check("y".repeat(8000))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("'" + "y".repeat(60) + "...' is not a valid hardware ID: it is 8000 characters long; a "
                        + "hardware ID has at most 200 (Windows' MAX_DEVICE_ID_LEN)");
    }

    @Test
    void driverNamesReferenceStringsAndDeviceNames() {
        assertThat(NameRule.DRIVER_NAME.violation("echo-2.v_1")).isEmpty();
        assertThat(NameRule.DRIVER_NAME.violation("..")).hasValue("it is '..'; a driver name may not be '.' or '..'");
        assertThat(NameRule.DRIVER_NAME.violation("a/b")).get().asString().startsWith("it has '/' (U+002F) at position 2");
        assertThat(NameRule.DRIVER_NAME.violation("d".repeat(65))).get().asString()
                .isEqualTo("it is 65 characters long; a driver name has at most 64");

        assertThat(NameRule.REFERENCE_STRING.violation("")).as("no reference string").isEmpty();
        assertThat(NameRule.REFERENCE_STRING.violation("Stream 1")).isEmpty();
        assertThat(NameRule.REFERENCE_STRING.violation("a/b")).get().asString().startsWith("it has '/'");
        assertThat(NameRule.REFERENCE_STRING.violation("a\u0000")).get().asString().startsWith("it has U+0000");

        assertThat(NameRule.DEVICE_NAME.violation("NULL0")).isEmpty();
        assertThat(NameRule.DEVICE_NAME.violation("")).get().asString().startsWith("it is empty");
        assertThat(NameRule.DEVICE_NAME.violation("..")).get().asString().startsWith("it is '..'");
    }

    // The host's ways in: the PnP manager (device add) and a package's manifest keep nothing that breaks the rules.
    @Test
    void thePnpManagerAndPackagesRefuseBadHardwareIdsAndKeepNothing(@TempDir Path tmp) throws Exception {
        try (DriverHost host = DriverHost.create()) {
            assertThatThrownBy(() -> host.pnp().addDevice("ROOT\\..\\..\\tmp\\x"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("'ROOT\\..\\..\\tmp\\x' is not a valid hardware ID: it has a '..' component; no "
                            + "component may be '.' or '..'");
            assertThatThrownBy(() -> host.pnp().addDevice("R".repeat(8000))).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("it is 8000 characters long");
            assertThat(host.pnp().devices()).as("no node was kept").isEmpty();
        }
        assertThatThrownBy(() -> DriverPackage.parseHardwareIds(tmp.resolve("p.jar"), "root\\echo, ROOT\\..\\x"))
                .isInstanceOf(DriverPackageException.class)
                .hasMessageContaining("Wdf4j-Hardware-Ids: 'ROOT\\..\\x' is not a valid hardware ID: it has a '..' "
                        + "component");
    }
}
