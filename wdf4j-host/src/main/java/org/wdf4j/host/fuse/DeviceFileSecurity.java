package org.wdf4j.host.fuse;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The owner, group and permission mode of a device's file, mapped from the device's Windows security descriptor.
 *
 * <p>A driver gives a device a security descriptor in SDDL, with
 * {@code WdfDeviceInit.controlDeviceInitAllocate(driver, sddl)} or {@code WdfDeviceInit.assignSddl(sddl)}. The host
 * shows each device as a file on a FUSE mount made with {@code default_permissions}, so the kernel checks the
 * file's owner, group and mode on every open, as Windows checks the descriptor's DACL when a program opens the
 * device. {@link #fromSddl} turns the descriptor into that owner, group and mode. A file mode is much coarser than
 * a DACL: it has three classes (the owner, the file's group, everyone else) and, on a device file, two bits each
 * (read {@code r} = 4, write {@code w} = 2; a device file is never executable). An SDDL that a mode cannot express
 * is refused with an {@link IllegalArgumentException} that names the offending part, says why, and says how to
 * write it instead; the host never silently grants more than the descriptor does. Root bypasses file modes, as the
 * kernel does on Windows.
 *
 * <table>
 *   <caption>The security descriptor</caption>
 *   <tr><th>SDDL</th><th>File</th></tr>
 *   <tr><td>{@code null} (a PnP device without an SDDL)</td>
 *       <td>owner the host's uid, group the host's gid, mode 0600: only the host's user ({@link #hostOnly})</td></tr>
 *   <tr><td>{@code O:S-1-22-1-N} (Unix user N, in Samba's convention)</td><td>owner uid N</td></tr>
 *   <tr><td>{@code O:SY}, {@code O:BA}, {@code O:OW}, {@code O:CO} (or {@code S-1-5-18}, {@code S-1-5-32-544},
 *       {@code S-1-3-4}, {@code S-1-3-0}), or no {@code O:}</td><td>owner the host's uid</td></tr>
 *   <tr><td>{@code G:S-1-22-2-N} (Unix group N)</td><td>group gid N</td></tr>
 *   <tr><td>{@code G:SY}, {@code G:BA} (or their numeric SIDs), or no {@code G:}</td><td>group the host's gid</td></tr>
 *   <tr><td>no {@code D:}, or {@code D:NO_ACCESS_CONTROL} (a null DACL: Windows lets everyone in)</td>
 *       <td>mode 0666</td></tr>
 *   <tr><td>{@code D:} or {@code D:P} without ACEs (an empty DACL: Windows lets nobody in)</td>
 *       <td>mode 0000: only root</td></tr>
 *   <tr><td>DACL flags {@code P}, {@code AI}, {@code AR}</td><td>accepted, no effect</td></tr>
 *   <tr><td>{@code S:...} (the SACL: auditing and integrity labels)</td><td>accepted, ignored</td></tr>
 *   <tr><td>any other owner or group, an empty SDDL, text outside the components</td><td>refused</td></tr>
 * </table>
 *
 * <p>Components may come in any order and at most once each; the SDDL is trimmed, and letters may be lower case.
 * An empty SDDL is refused rather than read as "no DACL" (which would let everyone in): pass {@code null} for the
 * host-only default.
 *
 * <table>
 *   <caption>An ACE: {@code (type;flags;rights;object_guid;inherit_object_guid;sid)}</caption>
 *   <tr><th>Field</th><th>Accepted</th><th>Meaning for the file</th></tr>
 *   <tr><td>type</td><td>{@code A} (allow), {@code D} (deny)</td>
 *       <td>anything else ({@code AU}, {@code OA}, {@code XA}, ...) is refused</td></tr>
 *   <tr><td>flags</td><td>{@code CI OI NP IO ID SA FA TP CR}</td>
 *       <td>inheritance means nothing for a device file, so flags have no effect, except that an ACE with
 *       {@code IO} (inherit only) does not apply to the device itself and is skipped, as on Windows</td></tr>
 *   <tr><td>rights: grant read</td>
 *       <td>{@code GA GR FA FR KA KR KX CC}, or a number with GENERIC_ALL {@code 0x10000000}, GENERIC_READ
 *       {@code 0x80000000} or FILE_READ_DATA {@code 0x1}</td><td>{@code r}</td></tr>
 *   <tr><td>rights: grant write</td>
 *       <td>{@code GA GW FA FW KA KW DC LC}, or a number with GENERIC_ALL {@code 0x10000000}, GENERIC_WRITE
 *       {@code 0x40000000}, FILE_WRITE_DATA {@code 0x2} or FILE_APPEND_DATA {@code 0x4}</td><td>{@code w}</td></tr>
 *   <tr><td>rights: nothing</td><td>{@code GX FX RC SD WD WO RP WP SW LO DT CR}, and any other bit</td>
 *       <td>no bit (execute is never granted on a device file)</td></tr>
 *   <tr><td>object GUIDs</td><td>empty only</td><td>object ACEs are for directory objects: refused</td></tr>
 *   <tr><td>sid: {@code SY} (LocalSystem, the host), {@code BA} (Administrators)</td><td>also numeric</td>
 *       <td>the owner class when the host's user owns the file; no class when {@code O:} gives the file to
 *       another user (the host serves the file; it does not open it)</td></tr>
 *   <tr><td>sid: {@code OW} (owner rights), {@code CO} (creator owner)</td><td>also numeric</td>
 *       <td>the owner class</td></tr>
 *   <tr><td>sid: {@code S-1-22-1-N} (Unix user N)</td><td>N is the file's owner</td>
 *       <td>the owner class; any other user is refused (make it the owner with {@code O:S-1-22-1-N})</td></tr>
 *   <tr><td>sid: {@code S-1-22-2-N} (Unix group N)</td><td>N is the file's group</td>
 *       <td>the group class; any other group is refused (make it the group with {@code G:S-1-22-2-N})</td></tr>
 *   <tr><td>sid: {@code WD} (Everyone), {@code AU} (Authenticated Users), {@code BU} (Users), {@code IU}
 *       (Interactive), {@code AN} (Anonymous), {@code BG} (Guests)</td><td>also numeric</td>
 *       <td>every class: owner, group and others</td></tr>
 *   <tr><td>sid: {@code RC} (restricted code)</td><td>also numeric</td><td>no class</td></tr>
 *   <tr><td>any other sid</td><td></td><td>refused</td></tr>
 * </table>
 *
 * <p>Rights are two-letter codes run together ({@code GRGW}) or one number ({@code 0x120089}, or decimal). A code
 * counts as the access mask Windows gives it, so {@code CC} is {@code 0x1}, which on a file is FILE_READ_DATA, and
 * {@code (A;;CC;;;WD)} means exactly what {@code (A;;0x1;;;WD)} means. Numeric SIDs are {@code S-1-5-18} (SY),
 * {@code S-1-5-32-544} (BA), {@code S-1-3-4} (OW), {@code S-1-3-0} (CO), {@code S-1-1-0} (WD), {@code S-1-5-11}
 * (AU), {@code S-1-5-32-545} (BU), {@code S-1-5-4} (IU), {@code S-1-5-7} (AN), {@code S-1-5-32-546} (BG) and
 * {@code S-1-5-12} (RC).
 *
 * <p>Evaluation: every allow ACE adds its bits to its classes, then every deny ACE takes its bits away from its
 * classes (a deny for everyone from all three), whatever the ACEs' order: Windows puts denies first in canonical
 * order. The mode is {@code owner << 6 | group << 3 | other}.
 *
 * <table>
 *   <caption>The WDM SDDL_DEVOBJ constants</caption>
 *   <tr><th>Constant</th><th>SDDL</th><th>Mode</th></tr>
 *   <tr><td>SDDL_DEVOBJ_KERNEL_ONLY</td><td>{@code D:P}</td><td>0000</td></tr>
 *   <tr><td>SDDL_DEVOBJ_SYS_ALL</td><td>{@code D:P(A;;GA;;;SY)}</td><td>0600</td></tr>
 *   <tr><td>SDDL_DEVOBJ_SYS_ALL_ADM_ALL</td><td>{@code D:P(A;;GA;;;SY)(A;;GA;;;BA)}</td><td>0600</td></tr>
 *   <tr><td>SDDL_DEVOBJ_SYS_ALL_ADM_RX</td><td>{@code D:P(A;;GA;;;SY)(A;;GRGX;;;BA)}</td><td>0600</td></tr>
 *   <tr><td>SDDL_DEVOBJ_SYS_ALL_ADM_RWX_WORLD_R</td><td>{@code D:P(A;;GA;;;SY)(A;;GRGWGX;;;BA)(A;;GR;;;WD)}</td>
 *       <td>0644</td></tr>
 *   <tr><td>SDDL_DEVOBJ_SYS_ALL_ADM_RWX_WORLD_R_RES_R</td>
 *       <td>{@code D:P(A;;GA;;;SY)(A;;GRGWGX;;;BA)(A;;GR;;;WD)(A;;GR;;;RC)}</td><td>0644</td></tr>
 *   <tr><td>SDDL_DEVOBJ_SYS_ALL_ADM_RWX_WORLD_RW_RES_R</td>
 *       <td>{@code D:P(A;;GA;;;SY)(A;;GRGWGX;;;BA)(A;;GRGW;;;WD)(A;;GR;;;RC)}</td><td>0666</td></tr>
 *   <tr><td>SDDL_DEVOBJ_SYS_ALL_ADM_RWX_WORLD_RWX_RES_RWX</td>
 *       <td>{@code D:P(A;;GA;;;SY)(A;;GRGWGX;;;BA)(A;;GRGWGX;;;WD)(A;;GRGWGX;;;RC)}</td><td>0666</td></tr>
 * </table>
 *
 * @param uid the file's owner
 * @param gid the file's group
 * @param mode the file's permission bits, within {@code 0777} (only read and write bits when mapped from an SDDL)
 */
public record DeviceFileSecurity(int uid, int gid, int mode) {

    /** The mode of a device without a DACL: everyone may read and write. */
    private static final int NULL_DACL_MODE = 0666;

    private static final int READ = 4;
    private static final int WRITE = 2;

    private static final int GENERIC_ALL = 0x1000_0000;
    private static final int GENERIC_READ = 0x8000_0000;
    private static final int GENERIC_WRITE = 0x4000_0000;
    private static final int FILE_READ_DATA = 0x1;
    private static final int FILE_WRITE_DATA = 0x2;
    private static final int FILE_APPEND_DATA = 0x4;
    private static final int READ_RIGHTS = GENERIC_ALL | GENERIC_READ | FILE_READ_DATA;
    private static final int WRITE_RIGHTS = GENERIC_ALL | GENERIC_WRITE | FILE_WRITE_DATA | FILE_APPEND_DATA;

    /** The SDDL right codes and the access masks Windows gives them (sddl.h, winnt.h). */
    private static final Map<String, Integer> RIGHTS = Map.ofEntries(
            Map.entry("GA", GENERIC_ALL),
            Map.entry("GR", GENERIC_READ),
            Map.entry("GW", GENERIC_WRITE),
            Map.entry("GX", 0x2000_0000),
            Map.entry("FA", 0x1F01FF),
            Map.entry("FR", 0x120089),
            Map.entry("FW", 0x120116),
            Map.entry("FX", 0x1200A0),
            Map.entry("RC", 0x20000),
            Map.entry("SD", 0x10000),
            Map.entry("WD", 0x40000),
            Map.entry("WO", 0x80000),
            Map.entry("RP", 0x10),
            Map.entry("WP", 0x20),
            Map.entry("CC", 0x1),
            Map.entry("DC", 0x2),
            Map.entry("LC", 0x4),
            Map.entry("SW", 0x8),
            Map.entry("LO", 0x80),
            Map.entry("DT", 0x40),
            Map.entry("CR", 0x100),
            Map.entry("KA", 0xF003F),
            Map.entry("KR", 0x20019),
            Map.entry("KW", 0x20006),
            Map.entry("KX", 0x20019));

    private static final List<String> ACE_FLAGS = List.of("CI", "OI", "NP", "IO", "ID", "SA", "FA", "TP", "CR");

    private static final List<String> DACL_FLAGS = List.of("NO_ACCESS_CONTROL", "AI", "AR", "P");

    /** Who a SID stands for, before it is placed in the classes of the file's mode. */
    private enum Who { HOST, OWNER, EVERYONE, NOBODY, UNIX_USER, UNIX_GROUP }

    /** The well-known SIDs wdf4j maps, by alias and by numeric form. */
    private static final Map<String, Who> WELL_KNOWN = Map.ofEntries(
            Map.entry("SY", Who.HOST), Map.entry("S-1-5-18", Who.HOST),
            Map.entry("BA", Who.HOST), Map.entry("S-1-5-32-544", Who.HOST),
            Map.entry("OW", Who.OWNER), Map.entry("S-1-3-4", Who.OWNER),
            Map.entry("CO", Who.OWNER), Map.entry("S-1-3-0", Who.OWNER),
            Map.entry("WD", Who.EVERYONE), Map.entry("S-1-1-0", Who.EVERYONE),
            Map.entry("AU", Who.EVERYONE), Map.entry("S-1-5-11", Who.EVERYONE),
            Map.entry("BU", Who.EVERYONE), Map.entry("S-1-5-32-545", Who.EVERYONE),
            Map.entry("IU", Who.EVERYONE), Map.entry("S-1-5-4", Who.EVERYONE),
            Map.entry("AN", Who.EVERYONE), Map.entry("S-1-5-7", Who.EVERYONE),
            Map.entry("BG", Who.EVERYONE), Map.entry("S-1-5-32-546", Who.EVERYONE),
            Map.entry("RC", Who.NOBODY), Map.entry("S-1-5-12", Who.NOBODY));

    private static final Pattern NUMERIC_SID = Pattern.compile("S(-\\d+)+");
    private static final Pattern UNIX_SID = Pattern.compile("S-1-22-([12])-(\\d+)");

    /** The classes of a file mode, as bits of a set; index {@code i} is shifted by {@code SHIFT[i]}. */
    private static final int OWNER_CLASS = 1;
    private static final int GROUP_CLASS = 2;
    private static final int ALL_CLASSES = 7;
    private static final int[] SHIFT = {6, 3, 0};

    /**
     * Checks the fields.
     *
     * @throws IllegalArgumentException if the uid or gid is negative, or the mode has bits outside {@code 0777}
     */
    public DeviceFileSecurity {
        if (uid < 0 || gid < 0) {
            throw new IllegalArgumentException("uid and gid must not be negative, got uid " + uid + ", gid " + gid);
        }
        if ((mode & ~0777) != 0) {
            throw new IllegalArgumentException("mode 0" + Integer.toOctalString(mode) + " has bits outside 0777");
        }
    }

    /**
     * The default for a device without an SDDL: only the host's user may open it (mode 0600).
     *
     * @param hostUid the uid the host runs as
     * @param hostGid the gid the host runs as
     * @return owner {@code hostUid}, group {@code hostGid}, mode 0600
     */
    public static DeviceFileSecurity hostOnly(int hostUid, int hostGid) {
        return new DeviceFileSecurity(hostUid, hostGid, 0600);
    }

    /**
     * Maps a device's SDDL to its file's owner, group and mode, by the tables above.
     *
     * @param sddl the device's security descriptor, or {@code null} for a device without one
     * @param hostUid the uid the host runs as: the owner for {@code SY}, {@code BA} or no {@code O:}
     * @param hostGid the gid the host runs as: the group for {@code SY}, {@code BA} or no {@code G:}
     * @return the file's security; {@link #hostOnly} for a {@code null} SDDL
     * @throws IllegalArgumentException if the SDDL is malformed or a file mode cannot express it; the message names
     *     the offending part of the SDDL, says why, and says how to fix it
     */
    public static DeviceFileSecurity fromSddl(String sddl, int hostUid, int hostGid) {
        if (sddl == null) {
            return hostOnly(hostUid, hostGid);
        }
        return new Parser(sddl.strip(), hostUid, hostGid).parse();
    }

    /**
     * The owner, group and mode for messages and listings.
     *
     * @return for example {@code "uid 0, gid 0, mode 0644 (rw-r--r--)"}
     */
    public String describe() {
        var symbolic = new StringBuilder(9);
        for (int shift = 6; shift >= 0; shift -= 3) {
            int bits = mode >> shift;
            symbolic.append((bits & 4) != 0 ? 'r' : '-').append((bits & 2) != 0 ? 'w' : '-')
                    .append((bits & 1) != 0 ? 'x' : '-');
        }
        return "uid %d, gid %d, mode %04o (%s)".formatted(uid, gid, mode, symbolic);
    }

    /** The read and write bits an access mask grants (or, in a deny ACE, takes away). */
    private static int modeBits(int mask) {
        return ((mask & READ_RIGHTS) != 0 ? READ : 0) | ((mask & WRITE_RIGHTS) != 0 ? WRITE : 0);
    }

    /** Who a SID stands for; {@code id} is the Unix id of a Samba Unix SID, else -1. */
    private record Sid(Who who, long id) {}

    /** One pass over one SDDL string; every error names the whole SDDL and the part at fault. */
    private static final class Parser {
        private final String sddl;
        private final int hostUid;
        private final int hostGid;

        Parser(String sddl, int hostUid, int hostGid) {
            this.sddl = sddl;
            this.hostUid = hostUid;
            this.hostGid = hostGid;
        }

        DeviceFileSecurity parse() {
            if (sddl.isEmpty()) {
                throw error("the SDDL is empty, which would read as no DACL and let everyone in; pass null for the "
                        + "host-only default (0600), or give a DACL, for example D:P(A;;GA;;;SY)");
            }
            Map<Component, String> parts = components();
            String owner = parts.get(Component.O);
            String group = parts.get(Component.G);
            String dacl = parts.get(Component.D);
            int uid = owner == null ? hostUid : owner(owner);
            int gid = group == null ? hostGid : group(group);
            int mode = dacl == null ? NULL_DACL_MODE : dacl(dacl, uid, gid);
            return new DeviceFileSecurity(uid, gid, mode);
        }

        private enum Component { O, G, D, S }

        /** Splits the SDDL at each {@code O:}, {@code G:}, {@code D:} and {@code S:} outside parentheses. */
        private Map<Component, String> components() {
            Map<Component, String> parts = new EnumMap<>(Component.class);
            Component current = null;
            int start = 0;
            int depth = 0;
            for (int i = 0; i < sddl.length(); i++) {
                char c = sddl.charAt(i);
                if (c == '(') {
                    depth++;
                } else if (c == ')') {
                    depth = Math.max(0, depth - 1);
                } else if (depth == 0 && i + 1 < sddl.length() && sddl.charAt(i + 1) == ':'
                        && "OGDS".indexOf(Character.toUpperCase(c)) >= 0) {
                    if (current == null && i > 0) {
                        throw notAComponent(sddl.substring(0, i));
                    }
                    if (current != null) {
                        put(parts, current, sddl.substring(start, i));
                    }
                    current = Component.valueOf(String.valueOf(Character.toUpperCase(c)));
                    start = i + 2;
                    i++;
                }
            }
            if (current == null) {
                throw notAComponent(sddl);
            }
            put(parts, current, sddl.substring(start));
            return parts;
        }

        private void put(Map<Component, String> parts, Component component, String value) {
            if (parts.putIfAbsent(component, value.strip()) != null) {
                throw error(component + ": appears twice; give each of O:, G:, D: and S: at most once");
            }
        }

        private IllegalArgumentException notAComponent(String text) {
            return error("\"" + text + "\" is not a component of a security descriptor: an SDDL is made of "
                    + "O:<owner>, G:<group>, D:<dacl> and S:<sacl>; start it with one of them, for example "
                    + "D:P(A;;GA;;;SY)");
        }

        private int owner(String value) {
            if (value.isEmpty()) {
                throw error("O: names no owner; give a SID, for example O:S-1-22-1-1000 for Unix user 1000, or leave "
                        + "O: out to make the host's user the owner");
            }
            Sid sid = sid(value);
            if (sid != null && (sid.who() == Who.HOST || sid.who() == Who.OWNER)) {
                return hostUid;
            }
            if (sid != null && sid.who() == Who.UNIX_USER) {
                return (int) sid.id();
            }
            if (sid != null && sid.who() == Who.UNIX_GROUP) {
                throw error("owner O:" + value + " is a Unix group, and a file's owner is a user; give the owner as "
                        + "O:S-1-22-1-<uid>, and the group as G:" + value);
            }
            throw error("owner O:" + value + " cannot own a device file: only a Unix user (O:S-1-22-1-<uid>) or the "
                    + "host (O:SY, O:BA, O:OW, O:CO) can; use one of those, or leave O: out to make the host's user "
                    + "the owner");
        }

        private int group(String value) {
            if (value.isEmpty()) {
                throw error("G: names no group; give a SID, for example G:S-1-22-2-100 for Unix group 100, or leave "
                        + "G: out to make the host's group the file's group");
            }
            Sid sid = sid(value);
            if (sid != null && sid.who() == Who.HOST) {
                return hostGid;
            }
            if (sid != null && sid.who() == Who.UNIX_GROUP) {
                return (int) sid.id();
            }
            if (sid != null && sid.who() == Who.UNIX_USER) {
                throw error("group G:" + value + " is a Unix user, and a file's group is a group; give the group as "
                        + "G:S-1-22-2-<gid>, and make the user the owner with O:" + value);
            }
            throw error("group G:" + value + " cannot be a device file's group: only a Unix group (G:S-1-22-2-<gid>) "
                    + "or the host (G:SY, G:BA) can; use one of those, or leave G: out to make the host's group the "
                    + "file's group");
        }

        /** The mode a DACL (the text after {@code D:}) gives a file owned by {@code uid} and {@code gid}. */
        private int dacl(String value, int uid, int gid) {
            int open = value.indexOf('(');
            boolean nullDacl = daclFlags((open < 0 ? value : value.substring(0, open)).strip(), value);
            List<String> aces = open < 0 ? List.of() : aces(value.substring(open), value);
            if (nullDacl) {
                if (!aces.isEmpty()) {
                    throw error("D:" + value + " has ACEs after NO_ACCESS_CONTROL, which means no DACL at all; "
                            + "remove NO_ACCESS_CONTROL to keep the ACEs, or remove the ACEs to let everyone in");
                }
                return NULL_DACL_MODE;
            }
            int[] allowed = new int[SHIFT.length];
            int[] denied = new int[SHIFT.length];
            for (String ace : aces) {
                ace(ace, uid, gid, allowed, denied);
            }
            int mode = 0;
            for (int i = 0; i < SHIFT.length; i++) {
                mode |= (allowed[i] & ~denied[i]) << SHIFT[i];
            }
            return mode;
        }

        /** Checks the DACL flags; true for NO_ACCESS_CONTROL. */
        private boolean daclFlags(String flags, String dacl) {
            boolean nullDacl = false;
            String rest = flags.toUpperCase(Locale.ROOT);
            while (!rest.isEmpty()) {
                String unread = rest;
                String flag = DACL_FLAGS.stream().filter(unread::startsWith).findFirst().orElseThrow(() -> error(
                        "\"" + flags.substring(flags.length() - unread.length()) + "\" in D:" + dacl + " is not a "
                        + "DACL flag: the flags are P, AI, AR and NO_ACCESS_CONTROL, and every ACE is in "
                        + "parentheses; write the DACL as, for example, D:P(A;;GA;;;SY)"));
                nullDacl |= flag.equals("NO_ACCESS_CONTROL");
                rest = rest.substring(flag.length()).stripLeading();
            }
            return nullDacl;
        }

        /** Splits {@code (ace)(ace)...} into ACEs, each with its parentheses. */
        private List<String> aces(String text, String dacl) {
            List<String> aces = new ArrayList<>();
            int i = 0;
            while (i < text.length()) {
                if (Character.isWhitespace(text.charAt(i))) {
                    i++;
                    continue;
                }
                if (text.charAt(i) != '(') {
                    throw error("\"" + text.substring(i) + "\" in D:" + dacl + " is not an ACE: every ACE is "
                            + "(type;flags;rights;object_guid;inherit_object_guid;sid), in parentheses, with nothing "
                            + "between ACEs; remove the stray text or put it in parentheses");
                }
                int depth = 0;
                int end = i;
                for (; end < text.length(); end++) {
                    char c = text.charAt(end);
                    if (c == '(') {
                        depth++;
                    } else if (c == ')' && --depth == 0) {
                        break;
                    }
                }
                if (end == text.length()) {
                    throw error("ACE " + text.substring(i) + " has no closing parenthesis; end it with ')'");
                }
                aces.add(text.substring(i, end + 1));
                i = end + 1;
            }
            return aces;
        }

        /** Adds an ACE's bits to the classes it allows or denies. */
        private void ace(String ace, int uid, int gid, int[] allowed, int[] denied) {
            String[] fields = ace.substring(1, ace.length() - 1).split(";", -1);
            for (int i = 0; i < fields.length; i++) {
                fields[i] = fields[i].strip();
            }
            if (fields.length < 6) {
                throw fieldCount(ace, fields.length);
            }
            String type = fields[0].toUpperCase(Locale.ROOT);
            if (!type.equals("A") && !type.equals("D")) {
                throw error("ACE " + ace + " has type " + fields[0] + ", which a file mode cannot express: only A "
                        + "(allow) and D (deny) ACEs are mapped; write it as an A or D ACE, put audit ACEs in the "
                        + "SACL (S:), which is ignored, or remove it");
            }
            if (fields.length > 6) {
                throw fieldCount(ace, fields.length);
            }
            boolean inheritOnly = aceFlags(fields[1], ace);
            int bits = modeBits(rights(fields[2], ace));
            for (int i = 3; i <= 4; i++) {
                if (!fields[i].isEmpty()) {
                    throw error("ACE " + ace + " has object GUID " + fields[i] + ": object ACEs are for directory "
                            + "objects, not devices; leave both GUID fields empty, as in (A;;GA;;;SY)");
                }
            }
            int classes = classes(fields[5], ace, type.equals("A"), uid, gid);
            if (inheritOnly) {
                return; // an inherit-only ACE is for children, not for the object: Windows skips it too
            }
            int[] target = type.equals("A") ? allowed : denied;
            for (int i = 0; i < SHIFT.length; i++) {
                if ((classes & (1 << i)) != 0) {
                    target[i] |= bits;
                }
            }
        }

        private IllegalArgumentException fieldCount(String ace, int count) {
            return error("ACE " + ace + " has " + count + " fields: an ACE has exactly six, "
                    + "(type;flags;rights;object_guid;inherit_object_guid;sid)"
                    + (count > 6 ? ", and resource attributes and conditions cannot be expressed as a file mode" : "")
                    + "; write it as, for example, (A;;GA;;;SY)");
        }

        /** Checks the ACE flags; true for IO (inherit only). */
        private boolean aceFlags(String flags, String ace) {
            boolean inheritOnly = false;
            String upper = flags.toUpperCase(Locale.ROOT);
            for (int i = 0; i < upper.length(); i += 2) {
                String flag = upper.substring(i, Math.min(i + 2, upper.length()));
                if (!ACE_FLAGS.contains(flag)) {
                    throw error("ACE flag " + flags.substring(i, Math.min(i + 2, flags.length())) + " in ACE " + ace
                            + " is not an SDDL ACE flag: the flags are two-letter codes run together, "
                            + String.join(" ", ACE_FLAGS) + "; fix it or leave the flags field empty");
                }
                inheritOnly |= flag.equals("IO");
            }
            return inheritOnly;
        }

        /** The access mask of a rights field: two-letter codes run together, or a number. */
        private int rights(String text, String ace) {
            String upper = text.toUpperCase(Locale.ROOT);
            if (upper.isEmpty()) {
                return 0;
            }
            if (upper.startsWith("0X") || Character.isDigit(upper.charAt(0))) {
                boolean hex = upper.startsWith("0X");
                String digits = hex ? upper.substring(2) : upper;
                if (digits.matches(hex ? "[0-9A-F]{1,8}" : "\\d{1,10}")) {
                    long value = Long.parseLong(digits, hex ? 16 : 10);
                    if (value <= 0xFFFF_FFFFL) {
                        return (int) value;
                    }
                }
                throw error("access mask " + text + " in ACE " + ace + " is not a 32-bit number; write it in hex, "
                        + "for example 0x80000000 (GENERIC_READ), or as right codes such as GR");
            }
            int mask = 0;
            for (int i = 0; i < upper.length(); i += 2) {
                if (i + 1 == upper.length()) {
                    throw error("access rights " + text + " in ACE " + ace + " end in the lone letter "
                            + text.charAt(i) + ": rights are two-letter codes run together, such as GRGW, or a "
                            + "number such as 0x80000000");
                }
                Integer right = RIGHTS.get(upper.substring(i, i + 2));
                if (right == null) {
                    throw error("access right " + text.substring(i, i + 2) + " in ACE " + ace + " is not an SDDL "
                            + "right code; use " + String.join(" ", RIGHTS.keySet().stream().sorted().toList())
                            + ", or a number such as 0x80000000");
                }
                mask |= right;
            }
            return mask;
        }

        /** The classes of the file's mode an ACE's trustee stands for. */
        private int classes(String text, String ace, boolean allow, int uid, int gid) {
            Sid sid = text.isEmpty() ? null : sid(text);
            String verb = allow ? "grants" : "denies";
            if (sid == null) {
                throw error("ACE " + ace + " " + verb + " " + (text.isEmpty() ? "no SID" : text) + ", which a file "
                        + "mode cannot express: a mode has only an owner, a group and others; use SY, BA, OW or CO "
                        + "for the owner, WD, AU, BU, IU, AN or BG for everyone, S-1-22-1-<uid> for the file's owner "
                        + "or S-1-22-2-<gid> for the file's group");
            }
            return switch (sid.who()) {
                case HOST -> uid == hostUid ? OWNER_CLASS : 0;
                case OWNER -> OWNER_CLASS;
                case EVERYONE -> ALL_CLASSES;
                case NOBODY -> 0;
                case UNIX_USER -> {
                    if (sid.id() != uid) {
                        throw error("ACE " + ace + " cannot be expressed as a file mode: the ACE " + verb
                                + " Unix user " + sid.id() + ", which is not the file's owner; make it the owner "
                                + "with O:S-1-22-1-" + sid.id());
                    }
                    yield OWNER_CLASS;
                }
                case UNIX_GROUP -> {
                    if (sid.id() != gid) {
                        throw error("ACE " + ace + " cannot be expressed as a file mode: the ACE " + verb
                                + " Unix group " + sid.id() + ", which is not the file's group; make it the group "
                                + "with G:S-1-22-2-" + sid.id());
                    }
                    yield GROUP_CLASS;
                }
            };
        }

        /** The SID an alias or numeric SID names, or null if wdf4j does not map it. */
        private Sid sid(String text) {
            String canonical = text.strip().toUpperCase(Locale.ROOT);
            if (NUMERIC_SID.matcher(canonical).matches()) {
                canonical = canonical.replaceAll("-0+(?=\\d)", "-"); // S-1-5-018 is S-1-5-18
            }
            Matcher unix = UNIX_SID.matcher(canonical);
            if (unix.matches()) {
                boolean user = unix.group(1).equals("1");
                String digits = unix.group(2);
                long id = digits.length() <= 10 ? Long.parseLong(digits) : Long.MAX_VALUE;
                if (id > Integer.MAX_VALUE) {
                    throw error(text + " names Unix " + (user ? "user " : "group ") + digits + ", which is not a "
                            + "valid " + (user ? "uid" : "gid") + "; use an id from 0 to " + Integer.MAX_VALUE);
                }
                return new Sid(user ? Who.UNIX_USER : Who.UNIX_GROUP, id);
            }
            Who who = WELL_KNOWN.get(canonical);
            return who == null ? null : new Sid(who, -1);
        }

        private IllegalArgumentException error(String problem) {
            return new IllegalArgumentException("SDDL \"" + sddl + "\": " + problem);
        }
    }
}
