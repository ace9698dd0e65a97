package org.wdf4j.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wdf4j.framework.VerifierSettings;
import org.wdf4j.host.PnpManager.DevNode;
import org.wdf4j.host.PnpManager.Status;

/**
 * ST2: the function driver of a node is chosen by Windows' ranking, whatever order the drivers were started or
 * installed in, and the choice is shown per node ({@code wdf4j devices --verbose}, JSON). Matching is the host's alone:
 * it is the same whatever the hosting model, so the drivers here run in-process.
 */
class DriverMatchingTest {

    static final String TOASTER_ENTRY = "org.wdf4j.samples.toaster.ToasterDriver";

    @TempDir
    Path dir;

    private DriverHost host = DriverHost.create();

    @AfterEach
    void closeHost() {
        host.close();
    }

    private static DriverPackage toaster(String name, String version, String... hardwareIds) throws Exception {
        return DriverPackage.of(TestDrivers.TOASTER, TOASTER_ENTRY, name, DriverPackage.FRAMEWORK_VERSION,
                List.of(hardwareIds)).withSetup(DeviceSetup.NONE.withDriverVersion(version));
    }

    private void start(DriverPackage pkg) throws Exception {
        assertThat(host.start(pkg, VerifierSettings.on(), HostingModel.IN_PROCESS).isRunning()).isTrue();
    }

    @Test
    void st2_aHardwareIdMatchRanksAboveACompatibleIdMatchWhateverTheVersions() throws Exception {
        start(toaster("generic", "9.0", "GENERIC\\TOASTER"));
        start(toaster("exact", "1.0", "ROOT\\TOASTER"));

        DevNode node = host.pnp().addDevice(List.of("ROOT\\TOASTER"), List.of("GENERIC\\TOASTER"));

        assertThat(node.status()).isEqualTo(Status.STARTED);
        assertThat(node.driver()).isEqualTo("exact");
        assertThat(node.matched()).isEqualTo("exact (hardware ID ROOT\\TOASTER, rank 0x0000, version 1.0)");
        assertThat(node.lost()).containsExactly("generic (compatible ID GENERIC\\TOASTER, rank 0x1000, version 9.0)");
    }

    @Test
    void st2_aCompatibleIdMatchServesANodeThatNoDriverListsByHardwareId() throws Exception {
        start(toaster("generic", "1.0", "GENERIC\\TOASTER"));

        DevNode node = host.pnp().addDevice(List.of("ROOT\\ODDTOASTER"), List.of("GENERIC\\SLICER", "GENERIC\\TOASTER"));

        assertThat(node.driver()).isEqualTo("generic");
        assertThat(node.matched()).isEqualTo("generic (compatible ID GENERIC\\TOASTER, rank 0x1001, version 1.0)");
    }

    @Test
    void st2_anEarlierIdOfTheNodesListRanksAboveALaterOne() throws Exception {
        start(toaster("second", "5.0", "ROOT\\TOASTER_REV2"));
        start(toaster("first", "1.0", "ROOT\\TOASTER_REV2_A"));

        DevNode node = host.pnp().addDevice(List.of("ROOT\\TOASTER_REV2_A", "ROOT\\TOASTER_REV2"), List.of());

        assertThat(node.driver()).isEqualTo("first");
        assertThat(node.lost()).containsExactly("second (hardware ID ROOT\\TOASTER_REV2, rank 0x0001, version 5.0)");
    }

    @Test
    void st2_betweenEqualRanksTheNewerVersionWinsComparedNumberByNumber() throws Exception {
        start(toaster("newer", "1.10", "ROOT\\TOASTER"));
        start(toaster("older", "1.9", "ROOT\\TOASTER"));

        DevNode node = host.pnp().addDevice("ROOT\\TOASTER");

        assertThat(node.driver()).isEqualTo("newer");
        assertThat(node.lost()).containsExactly("older (hardware ID ROOT\\TOASTER, rank 0x0000, version 1.9)");
    }

    @Test
    void st2_aBetterInstalledDriverIsStartedForTheNodeRatherThanARunningWorseOne() throws Exception {
        host.close();
        host = DriverHost.create(dir.resolve("state"));
        host.install(toaster("old", "1.0", "ROOT\\TOASTER").withHosting(HostingModel.IN_PROCESS), false);
        host.install(toaster("new", "2.0", "ROOT\\TOASTER").withHosting(HostingModel.IN_PROCESS), false);
        host.start("old", VerifierSettings.on());

        DevNode node = host.pnp().addDevice("ROOT\\TOASTER");

        assertThat(node.driver()).isEqualTo("new");
        assertThat(host.driver("new").isRunning()).isTrue();
        assertThat(node.lost()).containsExactly("old (hardware ID ROOT\\TOASTER, rank 0x0000, version 1.0)");
    }

    @Test
    void st2_st3_theVerboseTreeShowsEachNodesIdsMatchLosersAndStack() throws Exception {
        start(toaster("generic", "1.0", "GENERIC\\TOASTER"));
        start(toaster("exact", "1.0", "ROOT\\TOASTER"));
        host.pnp().addDevice(List.of("ROOT\\TOASTER"), List.of("GENERIC\\TOASTER"));

        String verbose = PnpManager.render(host.pnp().devices(), java.util.Map.of(), java.util.Map.of(), true);

        assertThat(verbose).contains(
                "    hardware IDs: ROOT\\TOASTER; compatible IDs: GENERIC\\TOASTER\n",
                "    matched: exact (hardware ID ROOT\\TOASTER, rank 0x0000, version 1.0)\n",
                "    lost: generic (compatible ID GENERIC\\TOASTER, rank 0x1000, version 1.0)\n",
                "    stack (bottom first): exact (function driver)\n");
        assertThat(PnpManager.render(host.pnp().devices())).doesNotContain("matched:");
        assertThat(PnpManager.toJson(host.pnp().devices())).contains(
                "\"matched\":\"exact (hardware ID ROOT\\\\TOASTER, rank 0x0000, version 1.0)\"",
                "\"lost\":[\"generic (compatible ID GENERIC\\\\TOASTER, rank 0x1000, version 1.0)\"]");
    }

    @Test
    void st1_theTreeDrawsChildrenIndentedUnderTheirParent() {
        DevNode bus = node("ROOT\\BUS\\0000", null);
        DevNode child = node("BUS\\TOASTER\\01", "ROOT\\BUS\\0000");
        DevNode other = node("ROOT\\ECHO\\0000", null);
        DevNode grandchild = node("BUS\\TOASTER\\01\\1", "BUS\\TOASTER\\01");

        String text = PnpManager.render(List.of(bus, other, child, grandchild));

        assertThat(text.lines().skip(1).map(l -> l.substring(0, l.indexOf('\\') + 1)).toList())
                .containsExactly("ROOT\\", "  BUS\\", "    BUS\\", "ROOT\\");
    }

    private static DevNode node(String id, String parent) {
        return new DevNode(id, "X\\Y", "d", Status.STARTED, null, List.of(), List.of(), null, null, List.of("X\\Y"),
                List.of(), parent, List.of(), null, List.of(), null);
    }
}
