package org.wdf4j.fxtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.wdf4j.fxtest.DeviceTestDrivers.REPORTING;
import static org.wdf4j.fxtest.DeviceTestDrivers.STRICT;
import static org.wdf4j.fxtest.DeviceTestDrivers.WAIT;
import static org.wdf4j.fxtest.DeviceTestDrivers.await;
import static org.wdf4j.fxtest.DeviceTestDrivers.result;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.wdf4j.Irql;
import org.wdf4j.NtResult;
import org.wdf4j.NtStatus;
import org.wdf4j.device.EvtDeviceFileCreate;
import org.wdf4j.device.WdfDeviceInit;
import org.wdf4j.device.WdfFileObject;
import org.wdf4j.device.WdfFileObjectConfig;
import org.wdf4j.framework.Finding;
import org.wdf4j.framework.FxDevice;
import org.wdf4j.framework.FxFileHandle;
import org.wdf4j.framework.FxIrp;
import org.wdf4j.framework.FxPnpMachine;
import org.wdf4j.framework.VerifierSettings;
import org.wdf4j.io.CtlCode;
import org.wdf4j.io.WdfIoQueueConfig;
import org.wdf4j.io.WdfIoQueueDispatchType;
import org.wdf4j.io.WdfQueue;
import org.wdf4j.io.WdfRequest;
import org.wdf4j.io.WdfRequestType;
import org.wdf4j.io.WdfRequestor;
import org.wdf4j.object.WdfExecutionLevel;
import org.wdf4j.object.WdfObjectAttributes;
import org.wdf4j.timer.WdfTimer;
import org.wdf4j.timer.WdfTimerConfig;

/**
 * WDFFILEOBJECT: EvtDeviceFileCreate and what it sees, failed and late creates, the close sequence (EvtFileCleanup,
 * then EvtFileClose once the handle's last request is done), cancellation at close limited to the closing handle,
 * I/O after close, exclusive devices, and O5 for file objects.
 */
class FileObjectTest {

    private final DeviceTestDrivers drivers = new DeviceTestDrivers();

    @AfterEach
    void stopDrivers() {
        drivers.stopAll();
    }

    /** File callbacks that record "create", "cleanup", "close" (with the IRQL of close) in order. */
    private static final class Files {
        final List<String> calls = new CopyOnWriteArrayList<>();
        final AtomicReference<Irql> closeLevel = new AtomicReference<>();
        final AtomicReference<String> closeThread = new AtomicReference<>();
        volatile EvtDeviceFileCreate create = (device, request, fileObject) -> {
            calls.add("create");
            request.complete(NtStatus.STATUS_SUCCESS);
        };

        Consumer<WdfDeviceInit> init(boolean exclusive, WdfObjectAttributes fileAttributes) {
            return init -> {
                init.setExclusive(exclusive);
                init.setFileObjectConfig(WdfFileObjectConfig.init(
                        (device, request, fileObject) -> create.fileCreate(device, request, fileObject),
                        fileObject -> {
                            calls.add("close");
                            closeLevel.set(Irql.current());
                            closeThread.set(Thread.currentThread().getName());
                        },
                        fileObject -> calls.add("cleanup")), fileAttributes);
            };
        }

        Consumer<WdfDeviceInit> init() {
            return init(false, WdfObjectAttributes.NONE);
        }
    }

    /** A started device with the file callbacks and a PARALLEL default queue that hands its requests to the test. */
    private DeviceTestDrivers.Rig device(String name, VerifierSettings verifier, Consumer<WdfDeviceInit> init,
                                        BlockingQueue<WdfRequest> presented) {
        return drivers.startDevice(name, verifier, init, WdfObjectAttributes.NONE, device -> {
            DeviceTestDrivers.queue(device, WdfIoQueueConfig.initDefaultQueue(WdfIoQueueDispatchType.PARALLEL)
                    .withIoRead((q, r, n) -> presented.add(r))
                    .withIoWrite((q, r, n) -> presented.add(r))
                    .withIoDeviceControl((q, r, out, in, code) -> presented.add(r)), WdfObjectAttributes.NONE);
            return NtStatus.STATUS_SUCCESS;
        });
    }

    private static WdfRequest take(BlockingQueue<WdfRequest> presented) throws InterruptedException {
        WdfRequest r = presented.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(r).as("a request presented within %s", WAIT).isNotNull();
        return r;
    }

    // EvtDeviceFileCreate gets the device, a CREATE request and the new file object, which carries the requestor
    // (process, user, group) and the file name the client gave (empty for none); the requests of that open name the
    // same file object and requestor.
    @Test
    void evtDeviceFileCreateSeesTheRequestorAndTheFileName() throws Exception {
        Files files = new Files();
        List<String> seen = new CopyOnWriteArrayList<>();
        AtomicReference<WdfFileObject> created = new AtomicReference<>();
        BlockingQueue<WdfRequest> presented = new LinkedBlockingQueue<>();
        DeviceTestDrivers.Rig rig = device("file-create", STRICT, files.init(), presented);
        files.create = (device, request, fileObject) -> {
            seen.add("device " + (device == rig.device()) + ", type " + request.parameters().type()
                    + ", request's file object " + (request.fileObject() == fileObject)
                    + ", file object's device " + (fileObject.device() == device)
                    + ", requestor " + fileObject.requestor() + ", request's requestor " + request.requestor()
                    + ", file name '" + fileObject.fileName() + "', at " + Irql.current());
            created.set(fileObject);
            request.complete(NtStatus.STATUS_SUCCESS);
        };
        WdfRequestor requestor = new WdfRequestor(7777, 1001, 1002);
        NtResult<FxFileHandle> opened = DeviceTestDrivers.tryOpen(rig.device(), requestor, "ref\\sub");
        assertThat(opened.status()).isEqualTo(NtStatus.STATUS_SUCCESS);
        assertThat(seen).containsExactly("device true, type " + WdfRequestType.CREATE + ", request's file object true"
                + ", file object's device true, requestor " + requestor + ", request's requestor " + requestor
                + ", file name 'ref\\sub', at PASSIVE_LEVEL");

        FxIrp read = opened.value().read(2);
        WdfRequest r = take(presented);
        assertThat(r.fileObject()).isSameAs(created.get());
        assertThat(r.requestor()).isEqualTo(requestor);
        r.complete(NtStatus.STATUS_SUCCESS);
        result(read);

        seen.clear();
        NtResult<FxFileHandle> unnamed = DeviceTestDrivers.tryOpen(rig.device(), DeviceTestDrivers.CLIENT, null);
        assertThat(unnamed.status()).isEqualTo(NtStatus.STATUS_SUCCESS);
        assertThat(seen).singleElement().asString().contains("file name ''");
        assertThat(created.get()).as("a new file object per open").isNotNull();
        assertThat(rig.globals().findings()).isEmpty();
    }

    // The driver may complete the create later: the open completes then, with the driver's status.
    @Test
    void aCreateCompletedLaterOpensTheHandleThen() throws Exception {
        Files files = new Files();
        BlockingQueue<WdfRequest> creates = new LinkedBlockingQueue<>();
        files.create = (device, request, fileObject) -> creates.add(request);
        DeviceTestDrivers.Rig rig = device("file-late", STRICT, files.init(), new LinkedBlockingQueue<>());
        CompletableFuture<NtResult<FxFileHandle>> open = rig.device().open(DeviceTestDrivers.CLIENT, "");
        WdfRequest create = take(creates);
        assertThat(open).as("the open waits for the driver").isNotDone();
        create.complete(NtStatus.STATUS_SUCCESS);
        NtResult<FxFileHandle> opened = DeviceTestDrivers.get(open, "the open");
        assertThat(opened.status()).isEqualTo(NtStatus.STATUS_SUCCESS);
        assertThat(opened.value().isOpen()).isTrue();
        assertThat(rig.device().openHandles()).isEqualTo(1);
    }

    // A create the driver fails fails the open with that status; the driver never sees EvtFileCleanup or EvtFileClose
    // for it, not even when the driver unloads, and the failed open does not count (an exclusive device opens again).
    @Test
    void aFailedCreateFailsTheOpenWithItsStatusAndNeverCallsCleanupOrClose() throws Exception {
        Files files = new Files();
        files.create = (device, request, fileObject) -> {
            files.calls.add("create " + fileObject.requestor().processId());
            request.complete(fileObject.requestor().processId() == 1 ? NtStatus.STATUS_ACCESS_DENIED : NtStatus.STATUS_SUCCESS);
        };
        DeviceTestDrivers.Rig rig = device("file-denied", STRICT, files.init(true, WdfObjectAttributes.NONE),
                new LinkedBlockingQueue<>());
        NtResult<FxFileHandle> denied = DeviceTestDrivers.tryOpen(rig.device(), new WdfRequestor(1, 0, 0), "");
        assertThat(denied.status()).isEqualTo(NtStatus.STATUS_ACCESS_DENIED);
        assertThat(denied.value()).isNull();
        assertThat(rig.device().openHandles()).isZero();

        NtResult<FxFileHandle> next = DeviceTestDrivers.tryOpen(rig.device(), new WdfRequestor(2, 0, 0), "");
        assertThat(next.status()).as("the failed open does not hold the exclusive device").isEqualTo(NtStatus.STATUS_SUCCESS);
        next.value().close();
        rig.globals().stop();
        assertThat(files.calls).containsExactly("create 1", "create 2", "cleanup", "close");
    }

    // Close: the handle's in-flight request (held by the driver, not cancelable) is asked to cancel, EvtFileCleanup
    // runs at once, EvtFileClose only after that last request is completed, at PASSIVE_LEVEL.
    @Test
    void closeCallsCleanupThenCloseAfterTheLastInFlightRequestCompletes() throws Exception {
        Files files = new Files();
        BlockingQueue<WdfRequest> presented = new LinkedBlockingQueue<>();
        DeviceTestDrivers.Rig rig = device("file-close", STRICT, files.init(), presented);
        FxFileHandle handle = rig.open();
        FxIrp read = handle.read(4);
        WdfRequest held = take(presented);
        files.calls.clear();

        handle.close();
        assertThat(files.calls).as("cleanup at close; close waits for the request").containsExactly("cleanup");
        assertThat(held.isCanceled()).as("the in-flight request was asked to cancel").isTrue();
        assertThat(read.future()).as("not cancelable: the driver still owns it").isNotDone();
        assertThat(handle.isOpen()).isFalse();

        held.complete(NtStatus.STATUS_SUCCESS);
        assertThat(result(read).status()).isEqualTo(NtStatus.STATUS_SUCCESS);
        Awaitility.await().atMost(WAIT).until(() -> files.calls.contains("close"));
        assertThat(files.calls).containsExactly("cleanup", "close");
        assertThat(files.closeLevel.get()).isEqualTo(Irql.PASSIVE_LEVEL);
        assertThat(rig.device().openHandles()).isZero();
        assertThat(rig.globals().findings()).isEmpty();
    }

    // EvtFileClose runs at PASSIVE_LEVEL outside the driver's callbacks even when the handle's last request is
    // completed by a DISPATCH-level timer.
    @Test
    void evtFileCloseRunsAtPassiveLevelWhenTheLastRequestIsCompletedAtDispatchLevel() throws Exception {
        Files files = new Files();
        BlockingQueue<WdfRequest> presented = new LinkedBlockingQueue<>();
        DeviceTestDrivers.Rig rig = device("file-close-timer", STRICT, files.init(), presented);
        FxFileHandle handle = rig.open();
        FxIrp read = handle.read(4);
        WdfRequest held = take(presented);
        handle.close();
        AtomicReference<Irql> timerLevel = new AtomicReference<>();
        NtResult<WdfTimer> timer = rig.globals().runAsDriver(() -> WdfTimer.create(WdfTimerConfig.init(t -> {
            timerLevel.set(Irql.current());
            held.complete(NtStatus.STATUS_SUCCESS);
        }).withAutomaticSerialization(false), WdfObjectAttributes.NONE.withParent(TestDrivers.driver(rig.globals()))
                .withExecutionLevel(WdfExecutionLevel.DISPATCH)));
        timer.value().start(Duration.ZERO);
        assertThat(result(read).status()).isEqualTo(NtStatus.STATUS_SUCCESS);
        Awaitility.await().atMost(WAIT).until(() -> files.calls.contains("close"));
        assertThat(timerLevel.get()).isEqualTo(Irql.DISPATCH_LEVEL);
        assertThat(files.closeLevel.get()).isEqualTo(Irql.PASSIVE_LEVEL);
        assertThat(rig.globals().dispatchThreads().stream().map(Thread::getName)).doesNotContain(files.closeThread.get());
        assertThat(rig.globals().findings()).isEmpty();
    }

    // Close cancels the requests of that handle only: its queued request and its request marked cancelable are
    // cancelled (STATUS_CANCELLED); another handle's request, queued behind them and then presented, is left alone.
    @Test
    void closeCancelsTheQueuedAndCancelableRequestsOfThatHandleOnly() throws Exception {
        Files files = new Files();
        Map<Long, WdfRequest> byLength = new ConcurrentHashMap<>();
        Map<Long, CountDownLatch> presentedLatch = Map.of(1L, new CountDownLatch(1),
                2L, new CountDownLatch(1), 3L, new CountDownLatch(1));
        List<String> cancelled = new CopyOnWriteArrayList<>();
        DeviceTestDrivers.Rig rig = drivers.startDevice("file-close-cancel", STRICT, files.init(), WdfObjectAttributes.NONE,
                device -> {
                    DeviceTestDrivers.queue(device, WdfIoQueueConfig.initDefaultQueue(WdfIoQueueDispatchType.SEQUENTIAL)
                            .withIoRead((q, r, n) -> {
                                byLength.put(n, r);
                                r.markCancelable(c -> {
                                    cancelled.add("cancel routine " + n);
                                    c.complete(NtStatus.STATUS_CANCELLED);
                                });
                                presentedLatch.get(n).countDown();
                            }), WdfObjectAttributes.NONE);
                    return NtStatus.STATUS_SUCCESS;
                });
        FxFileHandle a = rig.open();
        FxFileHandle b = rig.open();
        FxIrp aCancelable = a.read(1);
        await(presentedLatch.get(1L), "a's first request presented");
        FxIrp aQueued = a.read(2);
        FxIrp bQueued = b.read(3);
        assertThat(rig.defaultQueue().queueState().queuedRequests()).isEqualTo(2);

        a.close();
        assertThat(result(aCancelable).status()).isEqualTo(NtStatus.STATUS_CANCELLED);
        assertThat(result(aQueued).status()).isEqualTo(NtStatus.STATUS_CANCELLED);
        await(presentedLatch.get(3L), "b's request presented once a's are gone");
        WdfRequest bRequest = byLength.get(3L);
        assertThat(bRequest.isCanceled()).as("b's request is not cancelled by a's close").isFalse();
        assertThat(bQueued.future()).isNotDone();
        assertThat(cancelled).contains("cancel routine 1").doesNotContain("cancel routine 3");
        Awaitility.await().atMost(WAIT).until(() -> files.calls.contains("close"));
        // the order of cleanup and close is checked by closeWithOnlyAQueuedRequestCallsCleanupBeforeClose
        assertThat(files.calls).containsExactlyInAnyOrder("create", "create", "cleanup", "close");

        assertThat(bRequest.unmarkCancelable()).isEqualTo(NtStatus.STATUS_SUCCESS);
        bRequest.complete(NtStatus.STATUS_SUCCESS);
        assertThat(result(bQueued).status()).isEqualTo(NtStatus.STATUS_SUCCESS);
        assertThat(b.isOpen()).isTrue();
        assertThat(rig.globals().findings()).isEmpty();
    }

    // Close: EvtFileCleanup comes before EvtFileClose even when the close itself ends the handle's last request (here
    // one waiting in a manual queue, which the close cancels): the driver's cleanup always sees the open still there.
    @Test
    void closeWithOnlyAQueuedRequestCallsCleanupBeforeClose() throws Exception {
        Files files = new Files();
        AtomicReference<WdfQueue> manual = new AtomicReference<>();
        DeviceTestDrivers.Rig rig = drivers.startDevice("file-close-queued", STRICT, files.init(), WdfObjectAttributes.NONE,
                device -> {
                    manual.set(DeviceTestDrivers.queue(device, WdfIoQueueConfig.init(WdfIoQueueDispatchType.MANUAL),
                            WdfObjectAttributes.NONE));
                    return device.configureRequestDispatching(manual.get(), WdfRequestType.READ);
                });
        FxFileHandle handle = rig.open();
        FxIrp queued = handle.read(4);
        assertThat(manual.get().queueState().queuedRequests()).isEqualTo(1);

        handle.close();
        assertThat(result(queued).status()).isEqualTo(NtStatus.STATUS_CANCELLED);
        Awaitility.await().atMost(WAIT).until(() -> files.calls.contains("close"));
        assertThat(files.calls).as("EvtFileCleanup, then EvtFileClose").containsExactly("create", "cleanup", "close");
    }

    // I/O on a closed handle fails with STATUS_FILE_CLOSED and never reaches the driver.
    @Test
    void ioAfterCloseIsFileClosed() throws Exception {
        Files files = new Files();
        BlockingQueue<WdfRequest> presented = new LinkedBlockingQueue<>();
        DeviceTestDrivers.Rig rig = device("file-closed-io", STRICT, files.init(), presented);
        FxFileHandle handle = rig.open();
        handle.close();
        handle.close(); // idempotent
        assertThat(result(handle.read(4)).status()).isEqualTo(NtStatus.STATUS_FILE_CLOSED);
        assertThat(result(handle.write(new byte[4])).status()).isEqualTo(NtStatus.STATUS_FILE_CLOSED);
        assertThat(result(handle.deviceIoControl(CtlCode.of(CtlCode.FILE_DEVICE_UNKNOWN, 0x800, CtlCode.METHOD_BUFFERED,
                CtlCode.FILE_ANY_ACCESS), new byte[1], 1)).status()).isEqualTo(NtStatus.STATUS_FILE_CLOSED);
        assertThat(presented).isEmpty();
        assertThat(files.calls).containsExactly("create", "cleanup", "close");
    }

    // An exclusive device refuses a second open with STATUS_SHARING_VIOLATION (without calling EvtDeviceFileCreate);
    // once the first handle is closed it opens again.
    @Test
    void anExclusiveDeviceRefusesASecondOpen() throws Exception {
        Files files = new Files();
        DeviceTestDrivers.Rig rig = device("file-exclusive", STRICT, files.init(true, WdfObjectAttributes.NONE),
                new LinkedBlockingQueue<>());
        assertThat(rig.device().isExclusive()).isTrue();
        FxFileHandle first = rig.open();
        assertThat(DeviceTestDrivers.tryOpen(rig.device(), DeviceTestDrivers.CLIENT, "").status())
                .isEqualTo(NtStatus.STATUS_SHARING_VIOLATION);
        assertThat(files.calls).containsExactly("create");
        first.close();
        Awaitility.await().atMost(WAIT).until(() -> files.calls.contains("close"));
        FxFileHandle again = rig.open();
        assertThat(again.isOpen()).isTrue();
        assertThat(files.calls).containsExactly("create", "cleanup", "close", "create");
    }

    // O5: the driver cannot delete a file object (STATUS_CANNOT_DELETE, reported); the open goes on working and the
    // file object goes with EvtFileClose (its cleanup callback then).
    @Test
    void o5_aFileObjectCannotBeDeletedByTheDriver() throws Exception {
        Files files = new Files();
        AtomicReference<WdfFileObject> fileObject = new AtomicReference<>();
        List<String> objectCallbacks = new CopyOnWriteArrayList<>();
        files.create = (device, request, f) -> {
            fileObject.set(f);
            request.complete(NtStatus.STATUS_SUCCESS);
        };
        BlockingQueue<WdfRequest> presented = new LinkedBlockingQueue<>();
        DeviceTestDrivers.Rig rig = device("file-o5", REPORTING, files.init(false, WdfObjectAttributes.NONE
                .withCleanup(o -> objectCallbacks.add("file object cleanup"))), presented);
        FxFileHandle handle = rig.open();
        assertThat(fileObject.get().delete()).isEqualTo(NtStatus.STATUS_CANNOT_DELETE);
        assertThat(rig.globals().findings()).anySatisfy(f -> {
            assertThat(f.kind()).isEqualTo(Finding.Kind.VIOLATION);
            assertThat(f.rule()).isEqualTo("STATUS_CANNOT_DELETE");
        });
        assertThat(objectCallbacks).as("not deleted").isEmpty();
        assertThat(fileObject.get().requestor()).isEqualTo(DeviceTestDrivers.CLIENT);
        FxIrp read = handle.read(1);
        take(presented).complete(NtStatus.STATUS_SUCCESS);
        assertThat(result(read).status()).isEqualTo(NtStatus.STATUS_SUCCESS);

        handle.close();
        Awaitility.await().atMost(WAIT).until(() -> objectCallbacks.contains("file object cleanup"));
        assertThat(files.calls).containsExactly("cleanup", "close");
        assertThat(rig.globals().failure()).isNull();
    }

    // A device removed with a handle open closes it as its client would: EvtFileCleanup and EvtFileClose run, and I/O
    // on the handle afterwards fails.
    @Test
    void removingTheDeviceClosesItsOpenHandles() throws Exception {
        Files files = new Files();
        DeviceTestDrivers.Rig rig = device("file-removed", STRICT, files.init(), new LinkedBlockingQueue<>());
        FxFileHandle handle = rig.open();
        FxDevice.PnpOutcome removed = rig.device().pnp(FxPnpMachine.Event.REMOVE);
        assertThat(removed.state()).isEqualTo(FxPnpMachine.State.REMOVED);
        assertThat(files.calls).containsExactly("create", "cleanup", "close");
        assertThat(handle.isOpen()).isFalse();
        assertThat(result(handle.read(1)).status().isSuccess()).isFalse();
    }
}
