package org.wdf4j.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.wdf4j.framework.VerifierSettings;

/** H6's counting, on a clock the test moves: UMDF's five restarts, the count reset after thirty quiet minutes. */
class RestartPolicyTest {

    private static final long MINUTE = Duration.ofMinutes(1).toNanos();

    private static HostedDriver driver(HostingModel model) throws Exception {
        return new HostedDriver(TestDrivers.sample(TestDrivers.HELLO), model, VerifierSettings.OFF, null);
    }

    @Test
    void h6_fiveRestartsThenNoneAndTheCountGoesBackToOneAfterThirtyQuietMinutes() throws Exception {
        HostedDriver d = driver(HostingModel.ISOLATED);
        RestartPolicy policy = RestartPolicy.DEFAULT;
        long now = 1_000 * MINUTE;
        for (int failure = 1; failure <= 5; failure++) {
            assertThat(d.failed("crash " + failure, policy, now)).as("failure %d is restarted", failure).isTrue();
            assertThat(d.restartsLeft(policy)).isEqualTo(5 - failure);
            now += 29 * MINUTE; // each within thirty minutes of the one before
        }
        assertThat(d.failed("crash 6", policy, now)).as("the sixth within the window is not").isFalse();
        assertThat(d.lastFailure()).isEqualTo("crash 6");

        HostedDriver quiet = driver(HostingModel.ISOLATED);
        long t = 0;
        for (int failure = 1; failure <= 5; failure++) {
            quiet.failed("crash", policy, t);
            t += MINUTE;
        }
        t += 30 * MINUTE; // thirty minutes since the last failure: the next counts as the first
        assertThat(quiet.failed("crash after a quiet half hour", policy, t)).isTrue();
        assertThat(quiet.restartsLeft(policy)).isEqualTo(4);
    }

    @Test
    void h6_aPooledDriverLeavesItsPoolAtItsSecondFailureOnly() throws Exception {
        HostedDriver d = driver(HostingModel.POOLED);
        d.failed("first", RestartPolicy.DEFAULT, 0);
        assertThat(d.leavesPool()).isFalse();
        assertThat(d.hosting()).isEqualTo(HostingModel.POOLED);
        d.poolMateFailed("another driver's crash");
        assertThat(d.leavesPool()).as("a pool-mate's failure does not count").isFalse();
        d.failed("second", RestartPolicy.DEFAULT, MINUTE);
        assertThat(d.leavesPool()).isTrue();
        assertThat(d.hosting()).isEqualTo(HostingModel.ISOLATED);
    }

    @Test
    void h6_theNumbersAreSettingsAndBadOnesAreRefused() {
        assertThat(RestartPolicy.DEFAULT).isEqualTo(new RestartPolicy(5, Duration.ofMinutes(30)));
        try (DriverHost host = DriverHost.create()) {
            assertThat(host.restartPolicy(new RestartPolicy(0, Duration.ZERO)).restartPolicy().maxRestarts()).isZero();
            assertThatThrownBy(() -> host.hostProcessTimeout(Duration.ZERO))
                    .hasMessageContaining("host process timeout must be positive");
        }
        assertThatThrownBy(() -> new RestartPolicy(-1, Duration.ZERO)).hasMessageContaining("maxRestarts");
    }
}
