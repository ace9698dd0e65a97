package org.wdf4j.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code wdf4j bus plug-in|unplug|eject} (busenum's enum tool) against a real {@code wdf4j host} process, with toastmon
 * watching (ST1, ST9): a plugged-in toaster appears under its bus in {@code wdf4j devices}, toastmon opens it and its
 * I/O flows, an unplug closes toastmon's target; bad serial numbers, a device that is not a bus and no host running are
 * refused with what was wrong. The bus and the toaster run where a host puts a driver that states no preference, the
 * pool's driver host (H2), and toastmon in a driver host of its own: its interface notifications, its target's
 * removal notification and its target's I/O cross from one driver host to the other through the host (ST5, ST9; the
 * in-process model is {@link TargetRemovalTest}'s, which runs every model).
 */
class BusCliTest {

    static final String CHILD = "{b85b7c50-6a01-11d2-b841-00c04fad5171}\\MsToaster\\07";
    static final String CHILD_PATH = "\\\\?\\{b85b7c50-6a01-11d2-b841-00c04fad5171}#MsToaster#07#{781ef630-72b2-11d2-b852-00c04fad5171}";

    @TempDir
    Path tmp;

    private Path state() {
        return tmp.resolve("s");
    }

    private CliRun wdf4j(String... args) {
        String[] all = new String[args.length + 2];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--state-dir";
        all[args.length + 1] = state().toString();
        return CliRun.of(all);
    }

    @Test
    void st1_st9_busCommandsPlugAToasterThatToastmonWatchesAndUnplugIt() throws Exception {
        try (HostProcess host = HostProcess.start(state())) {
            for (Path jar : new Path[] {TestDrivers.TOASTER_BUS, TestDrivers.TOASTER}) {
                CliRun install = wdf4j("install", jar.toString()); // the host's default: pooled
                assertThat(install.exit()).as(install.err()).isZero();
            }
            CliRun install = wdf4j("install", "--hosting", "isolated", TestDrivers.TOASTMON.toString());
            assertThat(install.exit()).as(install.err()).isZero();
            assertThat(wdf4j("device", "add", "ROOT\\BUSENUM").exit()).isZero();
            assertThat(wdf4j("device", "add", "ROOT\\TOASTMON").exit()).isZero();

            CliRun plug = wdf4j("bus", "plug-in", "7");
            assertThat(plug.exit()).as(plug.err()).isZero();
            assertThat(plug.out()).contains("toaster 7 plugged into ROOT\\BUSENUM\\0000");
            await().atMost(Duration.ofSeconds(15)).until(() -> wdf4j("devices").out().contains("\n  " + CHILD));
            assertThat(wdf4j("devices").out()).containsPattern("\n  \\Q" + CHILD + "\\E +.* toaster +STARTED");

            CliRun again = wdf4j("bus", "plug-in", "7");
            assertThat(again.exit()).isEqualTo(1);
            assertThat(again.err()).contains("refused serial number 7: a toaster with it is plugged in already");
            CliRun missing = wdf4j("bus", "eject", "9");
            assertThat(missing.exit()).isEqualTo(1);
            assertThat(missing.err()).contains("has no toaster with serial number 9");
            CliRun notANumber = wdf4j("bus", "unplug", "seven");
            assertThat(notANumber.exit()).isEqualTo(1);
            assertThat(notANumber.err()).contains("the serial number must be a whole number from 0 (0: every toaster), not 'seven'");
            CliRun notABus = wdf4j("bus", "plug-in", "1", "--bus", "ROOT\\TOASTMON\\0000");
            assertThat(notABus.exit()).isEqualTo(1);
            assertThat(notABus.err()).contains("device ROOT\\TOASTMON\\0000 is not a started toaster bus");

            CliRun unplug = wdf4j("bus", "unplug", "7");
            assertThat(unplug.exit()).as(unplug.err()).isZero();
            assertThat(unplug.out()).contains("toaster 7 unplugged from ROOT\\BUSENUM\\0000");
            await().atMost(Duration.ofSeconds(15)).until(() -> !wdf4j("devices").out().contains(CHILD));
            // what toastmon saw is in its unload report's callbacks (its DbgPrint lines)
            CliRun stop = wdf4j("driver", "stop", "toastmon");
            assertThat(stop.exit()).as(stop.err()).isZero();
            assertThat(stop.out()).containsSubsequence("toastmon: arrival " + CHILD_PATH, "toastmon: opened " + CHILD_PATH,
                    "toastmon: first I/O " + CHILD_PATH + " STATUS_SUCCESS",
                    "toastmon: remove-complete " + CHILD_PATH + " (closed after").doesNotContain("toastmon: query-remove");
            assertThat(host.shutdown(state())).isZero();
        }
        CliRun noHost = wdf4j("bus", "plug-in", "1");
        assertThat(noHost.exit()).isEqualTo(4);
    }
}
