package org.wdf4j.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.wdf4j.framework.FxDriverState;

/** U7: which drivers can be unloaded. */
class NonPnpUnloadTest {

    private final DriverHost host = DriverHost.create();

    @AfterEach
    void closeHost() {
        host.close();
    }

    // U7: a non-PnP driver without EvtDriverUnload cannot be stopped: the stop is refused with a clear message and
    // the driver keeps running, its object tree intact.
    @Test
    void u7_nonPnpDriverWithoutUnloadRefusesToStopAndKeepsRunning() throws Exception {
        HostedDriver hosted = host.start(TestDrivers.pkg("NonPnpNoUnloadDriver", "stuck"));
        int objects = hosted.objectTree().size();
        assertThatThrownBy(() -> host.stop(hosted))
                .isInstanceOf(DriverStopRefusedException.class)
                .hasMessageContaining("non-PnP driver (NON_PNP_DRIVER) without EvtDriverUnload")
                .hasMessageContaining("keeps running")
                .hasMessageContaining("WdfDriverConfig.withUnload");
        assertThat(hosted.isRunning()).isTrue();
        assertThat(hosted.state()).isEqualTo(FxDriverState.STARTED);
        assertThat(hosted.objectTree()).hasSize(objects).hasSize(6);
        assertThat(hosted.report()).isNull();
        assertThat(host.drivers()).contains(hosted);
        assertThat(TestDrivers.printed(hosted.journal())).as("no cleanup ran").isEmpty();
    }

    // U7: a non-PnP driver with EvtDriverUnload is unloaded normally.
    @Test
    void u7_nonPnpDriverWithUnloadStops() throws Exception {
        UnloadReport report = host.stop(host.start(TestDrivers.pkg("NonPnpDriver", "nonpnp")));
        assertThat(report.evtDriverUnloadCalled()).isTrue();
        assertThat(TestDrivers.printed(report)).startsWith("non-PnP unload")
                .containsSubsequence(TestDrivers.TREE_CLEANUP_THEN_DESTROY);
        assertThat(report.clean()).isTrue();
    }

    // U7: a PnP driver can always be unloaded, whether or not it set EvtDriverUnload.
    @Test
    void u7_pnpDriverWithoutUnloadStops() throws Exception {
        UnloadReport report = host.stop(host.start(TestDrivers.pkg("PnpNoUnloadDriver", "pnp")));
        assertThat(report.evtDriverUnloadCalled()).isFalse();
        assertThat(TestDrivers.printed(report)).containsExactlyElementsOf(TestDrivers.TREE_CLEANUP_THEN_DESTROY);
        assertThat(report.clean()).isTrue();
    }
}
