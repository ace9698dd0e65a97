package org.wdf4j.io;

/**
 * Who sent a request ({@code WdfRequestGetRequestorProcessId}, and the caller's identity that a security descriptor
 * is checked against): the operating system's process, user and group IDs. A client inside the host process is the
 * host's own process and user.
 *
 * @param processId the requesting process's ID
 * @param userId the user ID (POSIX uid), or -1 when unknown
 * @param groupId the group ID (POSIX gid), or -1 when unknown
 */
public record WdfRequestor(long processId, int userId, int groupId) {
}
