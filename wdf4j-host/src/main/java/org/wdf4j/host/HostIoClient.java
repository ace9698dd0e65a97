package org.wdf4j.host;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.wdf4j.NtResult;
import org.wdf4j.NtStatus;
import org.wdf4j.framework.FxFileEndpoint;
import org.wdf4j.host.client.DeviceHandle;
import org.wdf4j.host.client.IoClient;
import org.wdf4j.io.WdfRequestor;

/**
 * The host's {@link IoClient}: paths resolved in the host's {@link DeviceNamespace}, opens made with
 * {@code FxDevice.open} and waited for (bounded by {@link #OPEN_TIMEOUT}), handles wrapped as {@link HostDeviceHandle}.
 */
final class HostIoClient implements IoClient {

    /** How long an open waits for the driver to complete the create request; then it fails with STATUS_TIMEOUT. */
    static final Duration OPEN_TIMEOUT = Duration.ofSeconds(60);

    private final DeviceNamespace namespace;
    private final WdfRequestor self = currentProcess();
    private final List<java.util.function.Consumer<DeviceHostProblem>> problemListeners =
            new java.util.concurrent.CopyOnWriteArrayList<>();

    HostIoClient(DeviceNamespace namespace) {
        this.namespace = namespace;
    }

    /** This process, as a requestor: its pid, and the uid and gid of {@code /proc/self} (-1 where unknown). */
    static WdfRequestor currentProcess() {
        return new WdfRequestor(ProcessHandle.current().pid(), procSelf("unix:uid"), procSelf("unix:gid"));
    }

    private static int procSelf(String attribute) {
        try {
            return ((Number) Files.getAttribute(Path.of("/proc/self"), attribute)).intValue();
        } catch (Exception | LinkageError e) {
            return -1;
        }
    }

    @Override
    public List<DeviceInterface> interfaces(UUID interfaceClassGuid) {
        Objects.requireNonNull(interfaceClassGuid, "interfaceClassGuid");
        return namespace.interfaces(interfaceClassGuid);
    }

    @Override
    public NtResult<DeviceHandle> open(String path) {
        return open(path, self);
    }

    @Override
    public NtResult<DeviceHandle> open(String path, WdfRequestor requestor) {
        CompletableFuture<NtResult<DeviceHandle>> open = openAsync(path, requestor);
        try {
            return open.get(OPEN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            closeWhenDone(open);
            return NtResult.failure(NtStatus.STATUS_TIMEOUT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closeWhenDone(open);
            return NtResult.failure(NtStatus.STATUS_CANCELLED);
        } catch (ExecutionException e) {
            throw new IllegalStateException("the framework failed the open of " + path, e.getCause());
        }
    }

    @Override
    public CompletableFuture<NtResult<DeviceHandle>> openAsync(String path, WdfRequestor requestor) {
        Objects.requireNonNull(requestor, "requestor");
        DeviceNamespace.Resolved resolved = namespace.resolve(path);
        if (resolved.failure() != null) {
            return CompletableFuture.completedFuture(NtResult.failure(resolved.failure()));
        }
        return resolved.device().open(requestor, resolved.fileName()).thenApply(opened -> {
            if (!opened.isSuccess()) {
                return NtResult.failure(opened.status());
            }
            FxFileEndpoint file = opened.value();
            HostDeviceHandle handle = new HostDeviceHandle(file, path, requestor, namespace);
            if (!namespace.track(file.device(), handle)) {
                handle.close(); // the device was deleted while it opened
                return NtResult.failure(NtStatus.STATUS_DELETE_PENDING);
            }
            return NtResult.success(handle);
        });
    }

    @Override
    public AutoCloseable registerDeviceHostProblem(java.util.function.Consumer<DeviceHostProblem> listener) {
        Objects.requireNonNull(listener, "listener");
        problemListeners.add(listener);
        return () -> problemListeners.remove(listener);
    }

    /** Tells the clients that asked (H5); a listener that throws is logged and does not stop the others. */
    void deviceHostProblem(DeviceHostProblem problem) {
        for (java.util.function.Consumer<DeviceHostProblem> l : problemListeners) {
            try {
                l.accept(problem);
            } catch (RuntimeException e) {
                org.slf4j.LoggerFactory.getLogger(HostIoClient.class).warn("a device host problem listener failed", e);
            }
        }
    }

    /** An open the caller gave up on: if the driver completes it later with success, the handle is closed. */
    private static void closeWhenDone(CompletableFuture<NtResult<DeviceHandle>> create) {
        create.thenAccept(late -> {
            if (late.isSuccess()) {
                late.value().close();
            }
        });
    }
}
