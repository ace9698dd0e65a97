package org.wdf4j.host;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import org.wdf4j.host.isolation.Message;
import org.wdf4j.framework.FxIoStatus;
import org.wdf4j.framework.FxIrpEndpoint;

/**
 * A request sent on a {@link RemoteFile}: completed when the other end says so, or when it ends. A read into the
 * caller's buffer ({@link #into}, e.g. a device file's reply) gets its output read there by the channel's reader (or
 * copied there), and its status carries none.
 */
final class RemoteIrp implements FxIrpEndpoint {

    final long io;
    final RemoteFile file;
    /** When it was made, just before it was sent ({@link System#nanoTime()}): its answer's delay teaches direct waits. */
    final long sentNanos = System.nanoTime();
    private final CompletableFuture<FxIoStatus> future = new CompletableFuture<>();
    /** Where the output goes (from its position), or null: into the status. */
    private final ByteBuffer into;

    RemoteIrp(long io, RemoteFile file, ByteBuffer into) {
        this.io = io;
        this.file = file;
        this.into = into;
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

    private static final byte[] NO_BYTES = new byte[0];

    /** Where its output goes, or null: the channel's reader reads it straight there ({@code Channel#outputSinks}). */
    ByteBuffer into() {
        return into;
    }

    /** The other end completed it: readiness, then the output (into the caller's buffer, if it gave one), then done. */
    void done(Message.IoDone d) {
        file.readiness(d.readiness(), false);
        if (into == null) {
            complete(new FxIoStatus(d.status(), d.information(), d.outputArray()));
            return;
        }
        ByteBuffer out = d.output();
        if (!d.deliveredTo(into) && out != null && out.hasRemaining()) {
            // Read into an array of its own (a channel without sinks, or more bytes than room): copied here.
            into.put(into.position(), out, out.position(), Math.min(out.remaining(), into.remaining()));
        }
        complete(new FxIoStatus(d.status(), d.information(), NO_BYTES));
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
