package org.wdf4j.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.wdf4j.NtStatus;
import org.wdf4j.framework.FxDevice;
import org.wdf4j.framework.FxFileHandle;
import org.wdf4j.framework.FxIrp;

/**
 * Regression test for a framework bug the host's client API found: {@code FxIrp.cancel()} and
 * {@code FxFileHandle.cancelAll()} answered whether a request was still in flight <em>after</em> the cancel, so a queued
 * request that the cancel completed at once was answered false and not counted. They must answer whether the request
 * was in flight when asked (their javadoc).
 */
class FxIrpCancelAnswerTest {

    private final DriverHost host = DriverHost.create();

    @AfterEach
    void closeHost() {
        host.close();
    }

    @Test
    void fxIrpCancelAndCancelAllCountAnInFlightRequestThatTheyCancelAtOnce() throws Exception {
        HostedDriver echo = host.start(TestDrivers.sample(TestDrivers.ECHO));
        host.pnp().addDevice("ROOT\\ECHO");
        host.pnp().sleep(); // the echo queue is stopped in D3: reads wait in it
        FxDevice device = ((LocalDriverRuntime) echo.runtime()).globals().devices().getFirst();
        FxFileHandle file = device.open(HostIoClient.currentProcess(), "").get(30, TimeUnit.SECONDS).value();
        try {
            FxIrp first = file.read(16);
            assertThat(first.future()).as("queued while the device sleeps").isNotDone();
            boolean answered = first.cancel();
            assertThat(first.future().get(30, TimeUnit.SECONDS).status()).isEqualTo(NtStatus.STATUS_CANCELLED);

            FxIrp second = file.read(16);
            assertThat(second.future()).isNotDone();
            int counted = file.cancelAll();
            assertThat(second.future().get(30, TimeUnit.SECONDS).status()).isEqualTo(NtStatus.STATUS_CANCELLED);

            List<String> bugs = new ArrayList<>();
            if (!answered) {
                bugs.add("FxIrp.cancel() answered false for a request that was in flight (queued) and "
                        + "that its cancel completed with STATUS_CANCELLED; its javadoc: false only when the request had "
                        + "already completed");
            }
            if (counted != 1) {
                bugs.add("FxFileHandle.cancelAll() answered " + counted + " for the one in-flight "
                        + "(queued) request it cancelled; its javadoc: how many in-flight requests were asked to cancel");
            }
            assertThat(bugs).as(String.join("\n", bugs)).isEmpty();
        } finally {
            file.close();
            host.pnp().wake();
        }
    }
}
