package org.wdf4j.host;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import java.util.function.LongFunction;
import org.wdf4j.NtResult;
import org.wdf4j.NtStatus;
import org.wdf4j.framework.FxDevice;
import org.wdf4j.framework.FxDeviceEndpoint;
import org.wdf4j.framework.FxInterfaceListener;
import org.wdf4j.framework.FxIoStatus;
import org.wdf4j.framework.FxPnpMachine;
import org.wdf4j.framework.FxTargetDeviceListener;
import org.wdf4j.framework.FxTargetResolver;
import org.wdf4j.host.isolation.Message;
import org.wdf4j.io.WdfRequestor;

/**
 * The target resolver of the drivers of a driver host (ST5, ST9), over its channel to the host, as UMDF's remote
 * targets go through the reflector. A name or interface path of a device of this process opens it directly (requests
 * go to its stack in this process); any other is looked up in the host ({@link Message.ResolveTarget}) and opened there
 * as a client opens it ({@link Message.OpenTarget}): the target's requests then travel as a client's, with the
 * channel's read, write, flush, control and cancel messages ({@link RemoteFileCarrier}), and their {@code IoDone} comes
 * back. Registrations for a target's device ({@link Message.WatchTarget}) and for interfaces
 * ({@link Message.WatchInterfaces}) are the host's; its news come back as {@link Message.InterfaceNews} and
 * {@link Message.TargetQuery}.
 *
 * <p>Thread-safe: the maps are concurrent. News and completions are handled on the driver host's reader thread; a
 * target query, which waits for the driver's callbacks (and they for completions the reader carries), on a thread of
 * {@link #notifier}.
 */
final class HostTargets implements FxTargetResolver, RemoteFileCarrier {

    /** A call to the host that waits for its answer. */
    @FunctionalInterface
    interface HostCall {
        Message call(IntFunction<Message> message) throws IOException;
    }

    private final Iterable<FxDevice> localDevices;
    private final Consumer<Message> send;
    private final HostCall call;
    /** The registrations with the host, by watch number. */
    private final Map<Integer, FxTargetDeviceListener> targetWatches = new ConcurrentHashMap<>();
    private final Map<Integer, FxInterfaceListener> interfaceWatches = new ConcurrentHashMap<>();
    private final AtomicInteger nextWatch = new AtomicInteger(1);
    /** Requests sent on opens of the host's devices, by I/O number, until their {@code IoDone}. */
    private final Map<Long, RemoteIrp> requests = new ConcurrentHashMap<>();
    private final AtomicLong nextIo = new AtomicLong(1);
    /** Runs the host's target queries: they wait for a driver's passive thread. */
    private final ExecutorService notifier = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "wdf4j-driver-host-target-notify");
        t.setDaemon(true);
        return t;
    });

    HostTargets(Iterable<FxDevice> localDevices, Consumer<Message> send, HostCall call) {
        this.localDevices = localDevices;
        this.send = send;
        this.call = call;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // FxTargetResolver

    @Override
    public NtResult<FxDeviceEndpoint> resolve(String name) {
        NtResult<FxDeviceEndpoint> local = DeviceNamespace.resolveAmong(localDevices, name);
        if (local.isSuccess() || !NtStatus.STATUS_OBJECT_NAME_NOT_FOUND.equals(local.status())) {
            return local;
        }
        try {
            Message answer = call.call(id -> new Message.ResolveTarget(id, name));
            if (!(answer instanceof Message.TargetFound found)) {
                return NtResult.failure(NtStatus.STATUS_UNSUCCESSFUL);
            }
            return found.status().isSuccess()
                    ? NtResult.success(new Device(name, found.instanceId(), found.driverName()))
                    : NtResult.failure(found.status());
        } catch (IOException e) {
            return NtResult.failure(NtStatus.STATUS_DRIVER_PROCESS_TERMINATED);
        }
    }

    @Override
    public Registration watchTarget(FxDeviceEndpoint device, FxTargetDeviceListener listener) {
        if (device.instanceId() == null) {
            return Registration.NONE; // a control device is never removed by PnP
        }
        int watch = nextWatch.getAndIncrement();
        targetWatches.put(watch, listener);
        send.accept(new Message.WatchTarget(watch, device.instanceId(), listener.describe()));
        return () -> unwatch(targetWatches, watch);
    }

    @Override
    public Registration watchInterfaces(UUID guid, FxInterfaceListener listener) {
        int watch = nextWatch.getAndIncrement();
        interfaceWatches.put(watch, listener);
        send.accept(new Message.WatchInterfaces(watch, guid));
        return () -> unwatch(interfaceWatches, watch);
    }

    private void unwatch(Map<Integer, ?> watches, int watch) {
        if (watches.remove(watch) != null) {
            send.accept(new Message.Unwatch(watch));
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // The host's news

    /** An interface of a watched class arrived or went; queued to the driver, never blocks. */
    void interfaceNews(Message.InterfaceNews n) {
        FxInterfaceListener listener = interfaceWatches.get(n.watch());
        if (listener != null) {
            listener.interfaceChanged(n.arrival(), n.guid(), n.symbolicLinkName());
        }
    }

    /** The host's PnP manager tells a target about its device: answered once the driver's callback returned. */
    void targetQuery(Message.TargetQuery q) {
        notifier.execute(() -> {
            FxTargetDeviceListener listener = targetWatches.get(q.watch());
            boolean letGo = true; // a registration ended meanwhile holds nothing
            if (listener != null) {
                switch (q.change()) {
                    case QUERY_REMOVE -> letGo = listener.queryRemove();
                    case REMOVE_CANCELED -> listener.removeCanceled();
                    case REMOVE_COMPLETE -> listener.removeComplete();
                }
            }
            send.accept(new Message.TargetAnswer(q.call(), letGo));
        });
    }

    /** A request sent on an open of the host's device completed. */
    void ioDone(Message.IoDone d) {
        RemoteIrp irp = requests.remove(d.io());
        if (irp != null) {
            irp.done(d);
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // RemoteFileCarrier: the requests of a target on the host's device

    @Override
    public RemoteIrp submit(RemoteFile file, LongFunction<Message> message, java.nio.ByteBuffer into) {
        long io = nextIo.getAndIncrement();
        RemoteIrp irp = new RemoteIrp(io, file, into);
        requests.put(io, irp);
        send.accept(message.apply(io));
        return irp;
    }

    @Override
    public void cancel(RemoteIrp irp) {
        if (requests.containsKey(irp.io)) {
            send.accept(new Message.Cancel(irp.io));
        }
    }

    @Override
    public int cancelAll(RemoteFile file) {
        int n = (int) requests.values().stream().filter(r -> r.file == file).count();
        send.accept(new Message.CancelAll(file.id));
        return n;
    }

    @Override
    public void closeFile(RemoteFile file) {
        send.accept(new Message.CloseFile(file.id));
    }

    /**
     * A device of the host (or of another driver host) as a remote target here sees it: its name, its node, and its
     * open, made in the host.
     */
    private final class Device implements FxDeviceEndpoint {

        private final String name;
        private final String instanceId;
        private final String driverName;

        Device(String name, String instanceId, String driverName) {
            this.name = name;
            this.instanceId = instanceId;
            this.driverName = driverName;
        }

        @Override
        public String driverName() {
            return driverName;
        }

        @Override
        public String instanceId() {
            return instanceId;
        }

        @Override
        public String sddl() {
            return null;
        }

        @Override
        public boolean isControl() {
            return instanceId == null;
        }

        @Override
        public String assignedName() {
            return null;
        }

        @Override
        public boolean isControlReady() {
            return true;
        }

        @Override
        public FxPnpMachine.State pnpState() {
            return FxPnpMachine.State.STARTED; // as far as this process knows: the host's removal closes its opens
        }

        @Override
        public List<FxDevice.DeviceInterface> interfaces() {
            return List.of();
        }

        @Override
        public FxDevice.PnpOutcome pnp(FxPnpMachine.Event event) {
            return new FxDevice.PnpOutcome(pnpState(), NtStatus.STATUS_INVALID_DEVICE_REQUEST, false, false);
        }

        @Override
        public CompletableFuture<NtResult<RemoteFile>> open(WdfRequestor requestor, String fileName) {
            NtResult<RemoteFile> result;
            try {
                Message answer = call.call(id -> new Message.OpenTarget(id, name, requestor.processId(),
                        requestor.userId(), requestor.groupId()));
                Message.OpenDone done = (Message.OpenDone) answer;
                result = done.status().isSuccess()
                        ? NtResult.success(new RemoteFile(done.file(), this, HostTargets.this, done.readiness()))
                        : NtResult.failure(done.status());
            } catch (IOException | ClassCastException e) {
                result = NtResult.failure(NtStatus.STATUS_DRIVER_PROCESS_TERMINATED);
            }
            return CompletableFuture.completedFuture(result);
        }

        @Override
        public void addReadinessListener(Runnable listener) {
        }

        @Override
        public void removeReadinessListener(Runnable listener) {
        }

        @Override
        public String toString() {
            return name + " (" + (instanceId == null ? "a control device" : instanceId) + " of driver " + driverName
                    + ", in another process)";
        }
    }
}
