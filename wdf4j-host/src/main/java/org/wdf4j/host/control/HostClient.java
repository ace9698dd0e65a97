package org.wdf4j.host.control;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.net.SocketException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.Path;
import java.util.OptionalInt;

/** Talks to a running host over its control socket; see {@link HostServer} for the protocol. */
public final class HostClient {

    private HostClient() {
    }

    /**
     * Sends one request and relays the answer's lines.
     *
     * @return the exit status the host answered, or empty when no host answers (no socket file, or a
     *     stale one whose host is gone)
     * @throws ControlSocketAccessException when this user may not use the socket (or see it)
     * @throws IOException when the host answered but the exchange broke off
     */
    public static OptionalInt request(Path stateDir, Request request, Output output) throws IOException {
        Path socket = stateDir.toAbsolutePath().normalize().resolve("host.sock");
        try {
            Files.readAttributes(socket, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return OptionalInt.empty();
        } catch (AccessDeniedException e) {
            throw new ControlSocketAccessException(socket);
        }
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            channel.connect(UnixDomainSocketAddress.of(socket));
        } catch (SocketException e) {
            channel.close();
            if (!Files.isWritable(socket)) { // connecting needs write permission on the socket file
                throw new ControlSocketAccessException(socket);
            }
            return OptionalInt.empty(); // refused or gone: a stale socket, the host died
        }
        try (channel;
             Writer out = Channels.newWriter(channel, StandardCharsets.UTF_8);
             BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(channel),
                     StandardCharsets.UTF_8))) {
            out.write(request.line().replace('\n', ' ') + "\n");
            out.flush();
            String line;
            while ((line = in.readLine()) != null) {
                if (line.startsWith("out ")) {
                    output.out(line.substring(4));
                } else if (line.startsWith("err ")) {
                    output.err(line.substring(4));
                } else if (line.startsWith("event ")) {
                    output.event(line.substring(6));
                } else if (line.startsWith("exit ")) {
                    return OptionalInt.of(Integer.parseInt(line.substring(5).strip()));
                } else {
                    throw new IOException("the host at " + socket + " answered an unknown line: " + line);
                }
            }
            throw new IOException("the host at " + socket + " closed the connection before answering");
        }
    }
}
