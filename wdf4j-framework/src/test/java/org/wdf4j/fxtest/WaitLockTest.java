package org.wdf4j.fxtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.wdf4j.Irql;
import org.wdf4j.NtResult;
import org.wdf4j.NtStatus;
import org.wdf4j.WdfBugCheck;
import org.wdf4j.WdfBugCheckCode;
import org.wdf4j.framework.FxDriverGlobals;
import org.wdf4j.framework.VerifierSettings;
import org.wdf4j.object.WdfObjectAttributes;
import org.wdf4j.sync.WdfWaitLock;

/** WDFWAITLOCK: PASSIVE_LEVEL waits with a timeout (O9), STATUS_TIMEOUT, no IRQL change, and the misuse bug checks. */
@SuppressWarnings("try")
class WaitLockTest {

    private final TestDrivers drivers = new TestDrivers();

    @AfterEach
    void stopDrivers() {
        drivers.stopAll();
    }

    private static WdfWaitLock newLock(FxDriverGlobals globals) {
        NtResult<WdfWaitLock> created = globals.runAsDriver(() -> WdfWaitLock.create(WdfObjectAttributes.NONE));
        assertThat(created.status()).isEqualTo(NtStatus.STATUS_SUCCESS);
        return created.value();
    }

    // Acquire answers STATUS_SUCCESS without changing the IRQL; while another thread holds it, a timed acquire
    // answers STATUS_TIMEOUT (0x00000102), which is a success code as in ntstatus.h.
    @Test
    void acquireSucceedsOrTimesOutAndLeavesTheLevelAlone() throws Exception {
        FxDriverGlobals globals = drivers.start("wait-lock", VerifierSettings.on());
        WdfWaitLock lock = newLock(globals);
        assertThat(lock.acquire(Duration.ofSeconds(5))).isEqualTo(NtStatus.STATUS_SUCCESS);
        assertThat(Irql.current()).isEqualTo(Irql.PASSIVE_LEVEL);
        NtStatus other = CompletableFuture.supplyAsync(() -> globals.runAsDriver(() -> lock.acquire(Duration.ofMillis(50))))
                .get(20, TimeUnit.SECONDS);
        assertThat(other).isEqualTo(NtStatus.STATUS_TIMEOUT);
        assertThat(other.code()).isEqualTo(0x00000102);
        NtStatus tried = CompletableFuture.supplyAsync(() -> globals.runAsDriver(() -> lock.acquire(Duration.ZERO)))
                .get(20, TimeUnit.SECONDS);
        assertThat(tried).isEqualTo(NtStatus.STATUS_TIMEOUT);
        lock.release();
        NtStatus afterRelease = CompletableFuture.supplyAsync(() -> globals.runAsDriver(() -> {
            NtStatus s = lock.acquire(Duration.ofSeconds(5));
            lock.release();
            return s;
        })).get(20, TimeUnit.SECONDS);
        assertThat(afterRelease).isEqualTo(NtStatus.STATUS_SUCCESS);
        assertThat(globals.findings()).isEmpty();
    }

    // O9: a waiting acquire above PASSIVE_LEVEL is a verifier violation; a zero timeout (try once) may be used at
    // DISPATCH_LEVEL, as in WDF.
    @Test
    void o9_waitingAcquireAbovePassiveIsReportedButTryAcquireIsAllowedAtDispatch() {
        FxDriverGlobals globals = drivers.start("wait-lock-irql", VerifierSettings.on().withBreakOnError(false));
        WdfWaitLock lock = newLock(globals);
        try (var ignored = Irql.raise(Irql.DISPATCH_LEVEL)) {
            assertThat(lock.acquire(Duration.ZERO)).isEqualTo(NtStatus.STATUS_SUCCESS);
            lock.release();
        }
        assertThat(globals.findings()).isEmpty();
        try (var ignored = Irql.raise(Irql.DISPATCH_LEVEL)) {
            assertThat(lock.acquire(Duration.ofSeconds(1))).isEqualTo(NtStatus.STATUS_SUCCESS);
            lock.release();
        }
        assertThat(globals.findings()).singleElement().satisfies(f -> {
            assertThat(f.rule()).isEqualTo("IRQL");
            assertThat(f.message()).contains("WdfWaitLockAcquire called at DISPATCH_LEVEL");
        });
    }

    // A recursive acquire is a bug check (WDF_RECURSIVE_LOCK), a release by a thread that does not hold the lock
    // is a bug check (WDF_INVALID_LOCK_OPERATION).
    @Test
    void recursiveAcquireAndForeignReleaseAreBugChecks() throws Exception {
        FxDriverGlobals globals = drivers.start("wait-lock-misuse", VerifierSettings.OFF);
        WdfWaitLock lock = newLock(globals);
        assertThatThrownBy(lock::release).isInstanceOfSatisfying(WdfBugCheck.class,
                b -> assertThat(b.subCode()).isEqualTo(WdfBugCheckCode.WDF_INVALID_LOCK_OPERATION));
        lock.acquire();
        assertThatThrownBy(lock::acquire).isInstanceOfSatisfying(WdfBugCheck.class,
                b -> assertThat(b.subCode()).isEqualTo(WdfBugCheckCode.WDF_RECURSIVE_LOCK));
        Throwable foreign = CompletableFuture.supplyAsync(() -> {
            try {
                globals.runAsDriver(() -> {
                    lock.release();
                    return null;
                });
                return null;
            } catch (Throwable t) {
                return t;
            }
        }).get(20, TimeUnit.SECONDS);
        assertThat(foreign).isInstanceOfSatisfying(WdfBugCheck.class,
                b -> assertThat(b.subCode()).isEqualTo(WdfBugCheckCode.WDF_INVALID_LOCK_OPERATION));
        lock.release();
    }
}
