package org.wdf4j.host.control;

import java.io.IOException;
import java.nio.file.Path;

/** The user may not connect to the host's control socket (or see it): the message says whose it is and its mode. */
public final class ControlSocketAccessException extends IOException {
    private static final long serialVersionUID = 1L;

    ControlSocketAccessException(Path socket) {
        super(AccessDeniedMessage.of("the control socket", socket));
    }
}
