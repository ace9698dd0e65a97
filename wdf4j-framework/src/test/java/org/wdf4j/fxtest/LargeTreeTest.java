package org.wdf4j.fxtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.wdf4j.fxtest.TestDrivers.driver;
import static org.wdf4j.fxtest.TestDrivers.fx;

import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.wdf4j.NtResult;
import org.wdf4j.NtStatus;
import org.wdf4j.framework.FxDriverGlobals;
import org.wdf4j.framework.FxObjectState;
import org.wdf4j.framework.VerifierSettings;
import org.wdf4j.object.ContextType;
import org.wdf4j.object.WdfObject;
import org.wdf4j.object.WdfObjectAttributes;

/**
 * O2 at scale: deleting trees of a million objects, as a chain a million deep and as a million siblings, works
 * without a StackOverflowError (surefire runs with -Xss1m), in the documented order, and leaves nothing behind.
 */
class LargeTreeTest {

    private static final int COUNT = 1_000_000;

    /** Each object's position: its depth in the chain, or its creation index among its siblings. */
    static final class Position {
        int value;
    }

    private static final ContextType<Position> POSITION = ContextType.declare(Position.class, Position::new);

    private final TestDrivers drivers = new TestDrivers();

    @AfterEach
    void stopDrivers() {
        drivers.stopAll();
    }

    /**
     * Checks, from the callbacks, that cleanups and destroys come in the order {@code COUNT-1, ..., 0} (each
     * callback reads its object's context, as a destroy callback may) and counts the rest as errors.
     */
    private static final class OrderCheck {
        int nextCleanup = COUNT - 1;
        int nextDestroy = COUNT - 1;
        int errors;
        String firstError;

        WdfObjectAttributes attributes() {
            return WdfObjectAttributes.of(POSITION)
                    .withCleanup(o -> nextCleanup = check("cleanup", o, nextCleanup))
                    .withDestroy(o -> nextDestroy = check("destroy", o, nextDestroy));
        }

        private int check(String kind, WdfObject o, int expected) {
            int actual = POSITION.get(o).value;
            if (actual != expected && errors++ == 0) {
                firstError = kind + " of position " + actual + " where " + expected + " was expected";
            }
            return expected - 1;
        }

        void assertComplete() {
            assertThat(firstError).isNull();
            assertThat(errors).isZero();
            assertThat(nextCleanup).isEqualTo(-1);
            assertThat(nextDestroy).isEqualTo(-1);
        }
    }

    private static WdfObject createOrFail(WdfObjectAttributes attributes, int position) {
        NtResult<WdfObject> created = WdfObject.create(attributes);
        if (!created.isSuccess()) {
            fail("creation %d failed: %s", position, created.status());
        }
        POSITION.get(created.value()).value = position;
        return created.value();
    }

    // O2: a chain a million deep (each object the child of the previous) is deleted deepest first, iteratively.
    @Test
    @Timeout(60)
    void o2_deletingAMillionDeepChainDoesNotOverflowTheStack() {
        FxDriverGlobals globals = drivers.start("deep", VerifierSettings.OFF);
        OrderCheck order = new OrderCheck();
        WdfObjectAttributes attributes = order.attributes();
        WdfObject[] chain = new WdfObject[COUNT];
        WdfObject parent = driver(globals);
        for (int depth = 0; depth < COUNT; depth++) {
            chain[depth] = createOrFail(attributes.withParent(parent), depth);
            parent = chain[depth];
        }
        assertThat(globals.liveObjects()).isEqualTo(COUNT + 1);
        assertThat(fx(chain[COUNT - 1]).parent()).isSameAs(chain[COUNT - 2]);

        assertThat(chain[0].delete()).isEqualTo(NtStatus.STATUS_SUCCESS);

        order.assertComplete();
        for (WdfObject o : chain) {
            if (fx(o).state() != FxObjectState.DESTROYED) {
                fail("%s is %s", o, fx(o).state());
            }
        }
        assertThat(globals.liveObjects()).isEqualTo(1);
        assertThat(fx(driver(globals)).children()).isEmpty();
    }

    // O2: a million siblings are deleted the last-created first, then their parent.
    @Test
    @Timeout(60)
    void o2_deletingAMillionSiblingsDoesNotOverflowTheStack() {
        FxDriverGlobals globals = drivers.start("wide", VerifierSettings.OFF);
        OrderCheck order = new OrderCheck();
        WdfObjectAttributes attributes = order.attributes();
        WdfObject root = TestDrivers.create(driver(globals));
        WdfObject[] children = new WdfObject[COUNT];
        WdfObjectAttributes underRoot = attributes.withParent(root);
        for (int i = 0; i < COUNT; i++) {
            children[i] = createOrFail(underRoot, i);
        }
        assertThat(globals.liveObjects()).isEqualTo(COUNT + 2);

        assertThat(root.delete()).isEqualTo(NtStatus.STATUS_SUCCESS);

        order.assertComplete();
        for (WdfObject o : children) {
            if (fx(o).state() != FxObjectState.DESTROYED) {
                fail("%s is %s", o, fx(o).state());
            }
        }
        assertThat(fx(root).state()).isEqualTo(FxObjectState.DESTROYED);
        assertThat(globals.liveObjects()).isEqualTo(1);
    }

    // O2, U6: the unload deletes a million-deep chain on the driver's passive thread without overflowing its stack.
    @Test
    @Timeout(60)
    void o2_unloadOfAMillionDeepChainDoesNotOverflowThePassiveThreadsStack() {
        OrderCheck order = new OrderCheck();
        AtomicReference<WdfObject> top = new AtomicReference<>();
        FxDriverGlobals globals = drivers.start("deep-unload", VerifierSettings.OFF, d -> {
            WdfObjectAttributes attributes = order.attributes();
            WdfObject parent = d;
            for (int depth = 0; depth < COUNT; depth++) {
                parent = createOrFail(attributes.withParent(parent), depth);
                if (depth == 0) {
                    top.set(parent);
                }
            }
        });
        assertThat(globals.liveObjects()).isEqualTo(COUNT + 1);
        globals.stop();
        order.assertComplete();
        assertThat(fx(top.get()).state()).isEqualTo(FxObjectState.DESTROYED);
        assertThat(globals.liveObjects()).isZero();
        assertThat(globals.findings()).isEmpty();
    }
}
