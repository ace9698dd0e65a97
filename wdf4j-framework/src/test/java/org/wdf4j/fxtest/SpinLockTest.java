package org.wdf4j.fxtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
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
import org.wdf4j.sync.WdfSpinLock;

/** WDFSPINLOCK: the level it raises to (O9's DISPATCH_LEVEL rules), mutual exclusion, and the lock misuse bug checks. */
@SuppressWarnings("try")
class SpinLockTest {

    private final TestDrivers drivers = new TestDrivers();

    @AfterEach
    void stopDrivers() {
        drivers.stopAll();
    }

    private static WdfSpinLock newLock(FxDriverGlobals globals) {
        NtResult<WdfSpinLock> created = globals.runAsDriver(() -> WdfSpinLock.create(WdfObjectAttributes.NONE));
        assertThat(created.status()).isEqualTo(NtStatus.STATUS_SUCCESS);
        return created.value();
    }

    // O9: acquire raises the thread to DISPATCH_LEVEL, release restores the level acquire found (PASSIVE or DISPATCH).
    @Test
    void o9_acquireRaisesToDispatchAndReleaseRestoresThePreviousLevel() {
        FxDriverGlobals globals = drivers.start("spin-level", VerifierSettings.on());
        WdfSpinLock lock = newLock(globals);
        assertThat(lock.handleName()).startsWith("WDFSPINLOCK#");
        lock.acquire();
        assertThat(Irql.current()).isEqualTo(Irql.DISPATCH_LEVEL);
        lock.release();
        assertThat(Irql.current()).isEqualTo(Irql.PASSIVE_LEVEL);
        try (var ignored = Irql.raise(Irql.DISPATCH_LEVEL)) {
            lock.acquire();
            lock.release();
            assertThat(Irql.current()).isEqualTo(Irql.DISPATCH_LEVEL);
        }
        assertThat(globals.findings()).isEmpty();
    }

    // A spin lock excludes other threads: a second thread's acquire waits for the release.
    @Test
    void spinLockExcludesOtherThreads() throws Exception {
        FxDriverGlobals globals = drivers.start("spin-exclusion", VerifierSettings.on());
        WdfSpinLock lock = newLock(globals);
        lock.acquire();
        CountDownLatch trying = new CountDownLatch(1);
        AtomicReference<Irql> levelInside = new AtomicReference<>();
        CompletableFuture<Void> other = CompletableFuture.runAsync(() -> globals.runAsDriver(() -> {
            trying.countDown();
            lock.acquire();
            levelInside.set(Irql.current());
            lock.release();
            return null;
        }));
        assertThat(trying.await(20, TimeUnit.SECONDS)).isTrue();
        assertThat(other).as("the other thread waits while this one holds the lock").isNotDone();
        lock.release();
        other.get(20, TimeUnit.SECONDS);
        assertThat(levelInside.get()).isEqualTo(Irql.DISPATCH_LEVEL);
    }

    // Acquiring a spin lock the thread already holds is a bug check (WDF_RECURSIVE_LOCK), never a deadlock.
    @Test
    void recursiveAcquireIsAWdfRecursiveLockBugCheck() {
        FxDriverGlobals globals = drivers.start("spin-recursive", VerifierSettings.on());
        WdfSpinLock lock = newLock(globals);
        lock.acquire();
        try {
            assertThatThrownBy(lock::acquire).isInstanceOfSatisfying(WdfBugCheck.class,
                    b -> assertThat(b.subCode()).isEqualTo(WdfBugCheckCode.WDF_RECURSIVE_LOCK));
            assertThat(Irql.current()).as("still held once, at DISPATCH_LEVEL").isEqualTo(Irql.DISPATCH_LEVEL);
        } finally {
            lock.release();
        }
        assertThat(globals.failure().subCode()).isEqualTo(WdfBugCheckCode.WDF_RECURSIVE_LOCK);
    }

    // Releasing a spin lock that is not held, or that another thread holds, is a bug check (WDF_INVALID_LOCK_OPERATION).
    @Test
    void releaseOfALockNotHeldByTheThreadIsAnInvalidLockOperation() throws Exception {
        FxDriverGlobals globals = drivers.start("spin-release", VerifierSettings.OFF);
        WdfSpinLock lock = newLock(globals);
        assertThatThrownBy(lock::release).isInstanceOfSatisfying(WdfBugCheck.class,
                b -> assertThat(b.subCode()).isEqualTo(WdfBugCheckCode.WDF_INVALID_LOCK_OPERATION));
        assertThat(Irql.current()).isEqualTo(Irql.PASSIVE_LEVEL);
        CompletableFuture.runAsync(() -> globals.runAsDriver(() -> {
            lock.acquire(); // held by another thread, never released
            return null;
        })).get(20, TimeUnit.SECONDS);
        assertThatThrownBy(lock::release).isInstanceOfSatisfying(WdfBugCheck.class, b -> {
            assertThat(b.subCode()).isEqualTo(WdfBugCheckCode.WDF_INVALID_LOCK_OPERATION);
            assertThat(b.getMessage()).contains("held by another thread");
        });
    }
}
