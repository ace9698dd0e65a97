package org.wdf4j.bench;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import org.wdf4j.NtStatus;
import org.wdf4j.host.isolation.Channel;
import org.wdf4j.host.isolation.Message;
import org.wdf4j.io.WdfIoReadiness;

/**
 * The transport floor of an isolated request ({@link PipeFloorBenchmark}): a child JVM that speaks the driver-host
 * protocol ({@link Channel}, {@link Message}) over its standard input and output, with no framework and no driver
 * behind it. It says {@link Message.Ready}, then answers on its reader thread, as the driver host's reader thread
 * submits and the null driver completes inline: a {@link Message.Read} with {@link Message.IoDone} carrying that many
 * zero bytes (a new array, as the framework's output buffer is), a {@link Message.Write} with its length, a
 * {@link Message.Ioctl} with STATUS_INVALID_DEVICE_REQUEST. {@link Message.Exit} or the end of the input ends it.
 */
public final class PipeEchoMain {

    private PipeEchoMain() {
    }

    public static void main(String[] args) throws IOException {
        Channel channel = new Channel(new FileInputStream(FileDescriptor.in), new FileOutputStream(FileDescriptor.out));
        channel.send(new Message.Ready(ProcessHandle.current().pid()));
        while (true) {
            Message m = channel.receive();
            switch (m) {
                case null -> Runtime.getRuntime().halt(0);
                case Message.Exit e -> Runtime.getRuntime().halt(0);
                case Message.Read r -> channel.send(new Message.IoDone(r.io(), NtStatus.STATUS_SUCCESS, r.length(),
                        new byte[r.length()], WdfIoReadiness.READ_WRITE));
                case Message.Write w -> channel.send(new Message.IoDone(w.io(), NtStatus.STATUS_SUCCESS,
                        w.data().remaining(), (byte[]) null, WdfIoReadiness.READ_WRITE));
                case Message.Ioctl c -> channel.send(new Message.IoDone(c.io(),
                        NtStatus.STATUS_INVALID_DEVICE_REQUEST, 0, (byte[]) null, WdfIoReadiness.READ_WRITE));
                default -> throw new IOException("PipeEchoMain: unexpected message " + m);
            }
        }
    }
}
