package org.wdf4j.host;

import java.util.concurrent.CompletableFuture;
import org.wdf4j.framework.FxIoStatus;
import org.wdf4j.framework.FxIrpEndpoint;

/** A request sent on a {@link RemoteFile}: completed when the other end says so, or when it ends. */
final class RemoteIrp implements FxIrpEndpoint {

    final long io;
    final RemoteFile file;
    /** When it was made, just before it was sent ({@link System#nanoTime()}): its answer's delay teaches direct waits. */
    final long sentNanos = System.nanoTime();
    private final CompletableFuture<FxIoStatus> future = new CompletableFuture<>();

    RemoteIrp(long io, RemoteFile file) {
        this.io = io;
        this.file = file;
    }

    @Override
    public CompletableFuture<FxIoStatus> future() {
        return future;
    }

    @Override
    public boolean cancel() {
        if (future.isDone()) {
            return false;
        }
        file.process.cancel(this);
        return true;
    }

    @Override
    public void awaitBriefly() {
        file.process.awaitDirect(future);
    }

    /** Completes the client's side, once; false when it was complete already. */
    boolean complete(FxIoStatus status) {
        return future.complete(status);
    }

    @Override
    public String toString() {
        return "remote IRP #" + io + " on " + file;
    }
}
