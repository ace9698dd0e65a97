package org.wdf4j.host.control;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The one line a command prints when the user may not use a host's control socket or state directory: which file,
 * its owner and mode (or those of the nearest directory above it that the user can see), who the user is, and what
 * to do, instead of a bare {@link java.nio.file.AccessDeniedException}.
 */
public final class AccessDeniedMessage {

    private AccessDeniedMessage() {
    }

    /**
     * For example {@code permission denied on the control socket /srv/s/host.sock (owner alice, mode rw-------; you
     * are bob): run the command as alice, or use a state directory of your own (--state-dir)}.
     *
     * @param what what {@code path} is, e.g. {@code the control socket}
     */
    public static String of(String what, Path path) {
        String user = System.getProperty("user.name");
        for (Path p = path; p != null; p = p.getParent()) {
            try {
                PosixFileAttributes a = Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                String owner = a.owner().getName();
                return "permission denied on " + what + " " + path + " ("
                        + (p.equals(path) ? "" : "in " + p + ", ") + "owner " + owner + ", mode "
                        + PosixFilePermissions.toString(a.permissions()) + "; you are " + user + "): run the command as "
                        + owner + ", or use a state directory of your own (--state-dir)";
            } catch (IOException | UnsupportedOperationException e) {
                // not visible to this user either: look one level up
            }
        }
        return "permission denied on " + what + " " + path + " (you are " + user + ")";
    }
}
