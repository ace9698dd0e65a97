package org.wdf4j.host.isolation;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.wdf4j.Irql;
import org.wdf4j.NtStatus;
import org.wdf4j.framework.Finding;
import org.wdf4j.framework.FxDevice;
import org.wdf4j.framework.FxDriverGlobals;
import org.wdf4j.framework.FxDriverState;
import org.wdf4j.framework.FxObjectState;
import org.wdf4j.framework.FxParameters;
import org.wdf4j.framework.FxPnpMachine;
import org.wdf4j.framework.JournalEntry;
import org.wdf4j.framework.VerifierSettings;
import org.wdf4j.host.UnloadReport;
import org.wdf4j.io.WdfIoReadiness;

/**
 * The typed messages between the host and a driver host process ({@link Channel}). A message is its tag byte, then
 * its fields ({@link Wire}); both ends are the same build, so no version or length is sent. Calls carry a {@code call} number their answer repeats; I/O requests carry an
 * {@code io} number their completion repeats; events carry neither.
 *
 * <p>Host to driver host: {@link Load}, {@link Entry}, {@link Stop}, {@link Snapshot}, {@link Inspect}, {@link TraceStart}, {@link TraceStop}, {@link AddDevice}, {@link Pnp},
 * {@link QueryRelations}, {@link Open}, {@link Read}, {@link Write}, {@link Flush}, {@link Ioctl}, {@link Cancel}, {@link CancelAll},
 * {@link CloseFile}, {@link Exit} and
 * the answers {@link NameReply}, {@link ParamReply}. Driver host to host: {@link Ready}, the answers {@link LoadDone}, {@link EntryDone},
 * {@link StopDone}, {@link SnapshotDone}, {@link InspectDone}, {@link TraceStarted}, {@link AddDeviceDone}, {@link PnpDone}, {@link RelationsDone}, {@link OpenDone},
 * {@link IoDone}, {@link CloseDone},
 * the calls {@link ClaimName} and {@link ParamCall}, and the events {@link FileReadiness}, {@link DeviceWake}, {@link TraceEvent},
 * {@link ReleaseName}, {@link InterfaceChanged}, {@link ControlReady}, {@link DeviceDeleted}, {@link DriverStateChanged},
 * {@link RelationsChanged}.
 *
 * <p>Remote targets and the notifications of other devices' lives (ST5, ST9), for the drivers of a driver host: it
 * calls {@link ResolveTarget} (answered by {@link TargetFound}) and {@link OpenTarget} (answered by {@link OpenDone}),
 * then sends the requests of the target on that open as a client's, with the same messages the other way:
 * {@link Read}, {@link Write}, {@link Flush}, {@link Ioctl}, {@link Cancel}, {@link CloseFile} (the host answers
 * {@link IoDone} and {@link CloseDone}); it registers with {@link WatchTarget} and {@link WatchInterfaces}, ended by
 * {@link Unwatch}. The host tells {@link InterfaceNews} and calls {@link TargetQuery}, answered by
 * {@link TargetAnswer}.
 */
public sealed interface Message {

    /**
     * The arrays the data of requests crossing a driver-host channel is read into and sent from (a {@link Write}'s data
     * read back, a read's output in the driver host): reused once the request is done, so the channel allocates no
     * array per request ({@link BufferPool}).
     */
    BufferPool<byte[]> DATA = new BufferPool<>(byte[]::new, a -> a.length, 32);

    /**
     * The completion of request {@code io} as the framework ended it ({@code status}; null: it failed inside), its output
     * taken from {@code into} (the buffer a read was made into: its first {@code information} bytes) or from the
     * status.
     */
    static IoDone ioDone(long io, org.wdf4j.framework.FxIoStatus status, java.nio.ByteBuffer into,
                         WdfIoReadiness readiness) {
        if (status == null) {
            return new IoDone(io, NtStatus.STATUS_DRIVER_INTERNAL_ERROR, 0, (byte[]) null, readiness);
        }
        if (into == null) {
            return new IoDone(io, status.status(), status.information(), status.output(), readiness);
        }
        int n = status.status().isError() ? 0 : (int) Math.max(0, Math.min(status.information(), into.remaining()));
        return new IoDone(io, status.status(), status.information(), into.slice(into.position(), n), readiness);
    }


    /** The tag that starts this message's frame. */
    int tag();

    /** Writes the fields (not the tag). */
    void write(DataOutputStream out) throws IOException;

    /** Reads the message whose tag was just read. */
    static Message read(int tag, DataInputStream in) throws IOException {
        return read(tag, in, null);
    }

    /**
     * As {@link #read(int, DataInputStream)}; an {@link IoDone}'s output goes straight into the buffer {@code sinks}
     * answers for its request, when it answers one with room (then the message's output is that very buffer, its bytes
     * from its position; see {@link IoDone#deliveredTo}).
     */
    static Message read(int tag, DataInputStream in, java.util.function.LongFunction<java.nio.ByteBuffer> sinks)
            throws IOException {
        if (tag == IoDone.TAG && sinks != null) {
            long io = in.readLong();
            NtStatus status = Message.statusOf(in);
            long information = in.readLong();
            java.nio.ByteBuffer into = sinks.apply(io);
            java.nio.ByteBuffer output = Wire.bytesInto(in, into);
            return new IoDone(io, status, information, output, Wire.readiness(in));
        }
        return switch (tag) {
            case Load.TAG -> new Load(in.readInt(), in.readInt(), Wire.string(in), Wire.string(in), Wire.string(in),
                    Wire.string(in), Message.verifierOf(in));
            case Stop.TAG -> new Stop(in.readInt(), in.readInt());
            case Forget.TAG -> new Forget(in.readInt(), in.readInt(), in.readBoolean());
            case DriverEndsProcess.TAG -> new DriverEndsProcess(in.readInt(), Wire.string(in));
            case Forgotten.TAG -> new Forgotten(in.readInt(), in.readBoolean(), Wire.string(in), Wire.string(in),
                    Wire.list(in, i -> new UnloadReport.Leak(Wire.string(i), Wire.string(i), Wire.string(i))),
                    Wire.list(in, Message::findingOf));
            case Snapshot.TAG -> new Snapshot(in.readInt(), in.readInt());
            case Inspect.TAG -> new Inspect(in.readInt(), in.readInt());
            case InspectDone.TAG -> new InspectDone(in.readInt(), Message.inspectionOf(in));
            case TraceStart.TAG -> new TraceStart(in.readInt());
            case TraceStarted.TAG -> new TraceStarted(in.readInt());
            case TraceStop.TAG -> new TraceStop();
            case TraceEvent.TAG -> new TraceEvent(org.wdf4j.host.TraceEvent.read(in));
            case AddDevice.TAG -> new AddDevice(in.readInt(), in.readInt(), Wire.string(in), Wire.string(in),
                    in.readBoolean());
            case Pnp.TAG -> new Pnp(in.readInt(), in.readInt(), Wire.enumValue(in, FxPnpMachine.Event.class));
            case Open.TAG -> new Open(in.readInt(), in.readInt(), in.readLong(), in.readInt(), in.readInt(),
                    Wire.string(in));
            case Read.TAG -> new Read(in.readLong(), in.readInt(), in.readInt(), in.readLong());
            case Write.TAG -> new Write(in.readLong(), in.readInt(), Wire.pooledBytes(in, DATA), in.readLong());
            case Flush.TAG -> new Flush(in.readLong(), in.readInt());
            case Ioctl.TAG -> new Ioctl(in.readLong(), in.readInt(), in.readInt(), Wire.bytes(in), in.readInt());
            case Cancel.TAG -> new Cancel(in.readLong());
            case CancelAll.TAG -> new CancelAll(in.readInt());
            case CloseFile.TAG -> new CloseFile(in.readInt());
            case CloseDone.TAG -> new CloseDone(in.readInt());
            case Exit.TAG -> new Exit();
            case NameReply.TAG -> new NameReply(in.readInt(), in.readBoolean());
            case ParamReply.TAG -> new ParamReply(in.readInt(), Wire.string(in), in.readBoolean() ? Message.valueOf(in) : null,
                    in.readBoolean(), valuesOf(in));
            case Ready.TAG -> new Ready(in.readLong());
            case LoadDone.TAG -> new LoadDone(in.readInt(), Wire.string(in));
            case Entry.TAG -> new Entry(in.readInt(), in.readInt());
            case EntryDone.TAG -> new EntryDone(in.readInt(), new FxDriverGlobals.EntryOutcome(Message.statusOf(in),
                    Wire.string(in), in.readBoolean(), in.readBoolean()));
            case StopDone.TAG -> new StopDone(in.readInt(), new FxDriverGlobals.StopOutcome(in.readBoolean(),
                    Wire.string(in), in.readBoolean()));
            case SnapshotDone.TAG -> new SnapshotDone(in.readInt(), DriverView.read(in));
            case AddDeviceDone.TAG -> new AddDeviceDone(in.readInt(), Message.statusOf(in),
                    in.readBoolean() ? DeviceInfo.read(in) : null);
            case PnpDone.TAG -> new PnpDone(in.readInt(), new FxDevice.PnpOutcome(
                    Wire.enumValue(in, FxPnpMachine.State.class), Message.statusOf(in), in.readBoolean(), in.readBoolean()));
            case OpenDone.TAG -> new OpenDone(in.readInt(), Message.statusOf(in), in.readInt(),
                    Wire.readiness(in));
            case IoDone.TAG -> new IoDone(in.readLong(), Message.statusOf(in), in.readLong(),
                    java.nio.ByteBuffer.wrap(Wire.bytes(in)), Wire.readiness(in));
            case FileReadiness.TAG -> new FileReadiness(in.readInt(), Wire.readiness(in));
            case DeviceWake.TAG -> new DeviceWake(in.readInt());
            case ClaimName.TAG -> new ClaimName(in.readInt(), Wire.string(in), DeviceInfo.read(in));
            case ReleaseName.TAG -> new ReleaseName(Wire.string(in), in.readInt());
            case InterfaceChanged.TAG -> new InterfaceChanged(DeviceInfo.read(in), Wire.uuid(in), Wire.string(in),
                    in.readBoolean());
            case ControlReady.TAG -> new ControlReady(DeviceInfo.read(in));
            case DeviceDeleted.TAG -> new DeviceDeleted(in.readInt());
            case DriverStateChanged.TAG -> new DriverStateChanged(in.readInt(),
                    Wire.enumValue(in, FxDriverState.class), Wire.string(in));
            case ParamCall.TAG -> new ParamCall(in.readInt(), in.readInt(), Wire.enumValue(in, ParamOp.class),
                    Wire.string(in), in.readBoolean() ? Message.valueOf(in) : null);
            case QueryRelations.TAG -> new QueryRelations(in.readInt(), in.readInt());
            case RelationsDone.TAG -> new RelationsDone(in.readInt(), in.readBoolean(), Wire.list(in, Child::read));
            case RelationsChanged.TAG -> new RelationsChanged(in.readInt());
            case ResolveTarget.TAG -> new ResolveTarget(in.readInt(), Wire.string(in));
            case TargetFound.TAG -> new TargetFound(in.readInt(), Message.statusOf(in), Wire.string(in),
                    Wire.string(in));
            case OpenTarget.TAG -> new OpenTarget(in.readInt(), Wire.string(in), in.readLong(), in.readInt(),
                    in.readInt());
            case WatchTarget.TAG -> new WatchTarget(in.readInt(), Wire.string(in), Wire.string(in));
            case WatchInterfaces.TAG -> new WatchInterfaces(in.readInt(), Wire.uuid(in));
            case Unwatch.TAG -> new Unwatch(in.readInt());
            case InterfaceNews.TAG -> new InterfaceNews(in.readInt(), in.readBoolean(), Wire.uuid(in), Wire.string(in));
            case TargetQuery.TAG -> new TargetQuery(in.readInt(), in.readInt(), Wire.enumValue(in, TargetChange.class));
            case TargetAnswer.TAG -> new TargetAnswer(in.readInt(), in.readBoolean());
            default -> throw new IOException("driver-host protocol: unknown message tag " + tag);
        };
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Host to driver host

    /**
     * Load a driver into its own class loader and make its entry instance and framework state (DriverEntry is not
     * called yet); answered by {@link LoadDone}.
     */
    record Load(int call, int driver, String name, String jar, String entryClass, String registryPath,
                VerifierSettings verifier) implements Message {
        static final int TAG = 1;

        public int tag() {
            return TAG;
        }

        public void write(DataOutputStream out) throws IOException {
            out.writeInt(call);
            out.writeInt(driver);
            Wire.string(out, name);
            Wire.string(out, jar);
            Wire.string(out, entryClass);
            Wire.string(out, registryPath);
            Message.verifierOf(out, verifier);
        }
    }

    /** Call the loaded driver's DriverEntry; answered by {@link EntryDone}. */
    record Entry(int call, int driver) implements Message {
        static final int TAG = 16;

        public int tag() {
            return TAG;
        }

        public void write(DataOutputStream out) throws IOException {
            out.writeInt(call);
            out.writeInt(driver);
        }
    }

    /** Unload the driver (U6); answered by {@link StopDone}. */
    record Stop(int call, int driver) implements Message {
        static final int TAG = 2;

        public int tag() {
            return TAG;
        }

        public void write(DataOutputStream out) throws IOException {
            out.writeInt(call);
            out.writeInt(driver);
        }
    }

    /**
     * Let go of an unloaded driver and prove it by its class loader's collection (unless {@code checkCollection} is
     * false), as in-process; answered by {@link Forgotten}.
     */
    record Forget(int call, int driver, boolean checkCollection) implements Message {
        static final int TAG = 17;

        public int tag() {
            return TAG;
        }

        public void write(DataOutputStream out) throws IOException {
            out.writeInt(call);
            out.writeInt(driver);
            out.writeBoolean(checkCollection);
        }
    }

    /**
     * Whether the forgotten driver's class loader was collected, how that went, and when it was not, what holds it
     * (the shortest path from a GC root) and what the diagnosis found, as in-process; and the JVM-wide state the
     * driver changed in the driver host and did not restore, as findings.
     */
    record Forgotten(int call, boolean collected, String note, String gcRootPath, List<UnloadReport.Leak> leaks,
                     List<Finding> findings) implements Message {
        static final int TAG = 38;

        public int tag() {
            return TAG;
        }

        public void write(DataOutputStream out) throws IOException {
            out.writeInt(call);
            out.writeBoolean(collected);
            Wire.string(out, note);
            Wire.string(out, gcRootPath);
            Wire.list(out, leaks, (o, l) -> {
                Wire.string(o, l.kind());
                Wire.string(o, l.description());
                Wire.string(o, l.allocatedAt());
            });
            Wire.list(out, findings, Message::findingOf);
        }
    }

    /** What the framework knows of the driver now; answered by {@link SnapshotDone}. */
    record Snapshot(int call, int driver) implements Message {
        static final int TAG = 3;

        public int tag() {
            return TAG;
        }

        public void write(DataOutputStream out) throws IOException {
            out.writeInt(call);
            out.writeInt(driver);
        }
    }

    /**
     * What the driver looks like inside now, for {@code wdf4j inspect} and a stop's progress; answered by
     * {@link InspectDone}. Answered on the driver host's reader thread, as {@link Snapshot} is, so it is answered while
     * a {@link Stop} of the same driver waits.
     */
    record Inspect(int call, int driver) implements Message {
        static final int TAG = 44;

        public int tag() {
            return TAG;
        }

        public void write(DataOutputStream out) throws IOException {
            out.writeInt(call);
            out.writeInt(driver);
        }
    }

    /** The answer to {@link Inspect}: the driver's devices, queues, the requests it holds, what the framework waits for. */
    record InspectDone(int call, org.wdf4j.framework.FxInspection inspection) implements Message {
        static final int TAG = 45;

        public int tag() {
            return TAG;
        }

        public void write(DataOutputStream out) throws IOException {
            out.writeInt(call);
            Message.inspectionOf(out, inspection);
        }
    }

    /**
     * {@code wdf4j trace} watches: stream the framework's events of this driver host's drivers, each as a
     * {@link TraceEvent}, until {@link TraceStop}; answered by {@link TraceStarted} once the recording runs. A second one
     * while streaming changes nothing.
     */
    record TraceStart(int call) implements Message {
        static final int TAG = 55;

        public int tag() {
            return TAG;
        }

        public void write(DataOutputStream out) throws IOException {
            out.writeInt(call);
        }
    }

    /** The answer to {@link TraceStart}: the driver host records, every event from now on is sent. */
    record TraceStarted(int call) implements Message {
        static final int TAG = 58;

        public int tag() {
            return TAG;
        }

        public void write(DataOutputStream out) throws IOException {
            out.writeInt(call);
        }
    }

    /** Nobody watches any more: send what was recorded until now, then stop streaming (the recording ends). */
    record TraceStop() implements Message {
        static final int TAG = 56;

        public int tag() {
            return TAG;
        }

        public void write(DataOutputStream out) {
        }
    }

    /** One of the framework's events in the driver host, for {@code wdf4j trace}; an event, no answer. */
    record TraceEvent(org.wdf4j.host.TraceEvent event) implements Message {
        static final int TAG = 57;

        public int tag() {
            return TAG;
        }

        public void write(DataOutputStream out) throws IOException {
            event.write(out);
        }
    }

    /**
     * EvtDriverDeviceAdd for a device node; answered by {@link AddDeviceDone}. The device goes on top of the node's
     * stack in the driver host: a new stack when {@code newStack} (the stack's first driver), else the stack built so
     * far (all drivers of one stack run in one driver host).
     */
    record AddDevice(int call, int driver, String hardwareId, String instanceId, boolean newStack) implements Message {
        static final int TAG = 4;

        public int tag() {
            return TAG;
        }

        public void write(DataOutputStream out) throws IOException {
            out.writeInt(call);
            out.writeInt(driver);
            Wire.string(out, hardwareId);
            Wire.string(out, instanceId);
            out.writeBoolean(newStack);
        }
    }

    /** A PnP or power event for a device; answered by {@link PnpDone}. */
    record Pnp(int call, int device, FxPnpMachine.Event event) implements Message {
        static final int TAG = 5;

        public int tag() {
            return TAG;
        }

        public void write(DataOutputStream out) throws IOException {
            out.writeInt(call);
            out.writeInt(device);
            Wire.enumValue(out, event);
        }
    }

    /** {@code CreateFile} on behalf of a requestor; answered by {@link OpenDone}. */
    record Open(int call, int device, long pid, int uid, int gid, String fileName) implements Message {
        static final int TAG = 6;

        public int tag() {
            return TAG;
        }

        public void write(DataOutputStream out) throws IOException {
            out.writeInt(call);
            out.writeInt(device);
            out.writeLong(pid);
            out.writeInt(uid);
            out.writeInt(gid);
            Wire.string(out, fileName);
        }
    }

    /** {@code ReadFile} at a device offset (0 for stream devices); completed by {@link IoDone}. */
    record Read(long io, int file, int length, long offset) implements Message {
        static final int TAG = 7;

        /** A read at offset 0. */
        public Read(long io, int file, int length) {
            this(io, file, length, 0);
        }

        public int tag() {
            return TAG;
        }

        public void write(DataOutputStream out) throws IOException {
            out.writeLong(io);
            out.writeInt(file);
            out.writeInt(length);
            out.writeLong(offset);
        }
    }

    /**
     * {@code WriteFile} at a device offset (0 for stream devices); completed by {@link IoDone}. {@code data} is the
     * bytes from its position to its limit (left alone); read back, it lies in an array of {@link #DATA}, which the
     * receiver gives back ({@link #release}) once the request it made completed.
     */
    record Write(long io, int file, java.nio.ByteBuffer data, long offset) implements Message {
        static final int TAG = 8;

        /** A write at offset 0. */
        public Write(long io, int file, byte[] data) {
            this(io, file, java.nio.ByteBuffer.wrap(data), 0);
        }

        public int tag() {
            return TAG;
        }

        public void write(DataOutputStream out) throws IOException {
            out.writeLong(io);
            out.writeInt(file);
            Wire.bytes(out, data);
            out.writeLong(offset);
        }

        /** The receiver is done with the data of a write it read: its array goes back to {@link #DATA}. */
        public void release() {
            if (data != null && data.hasArray()) {
                DATA.give(data.array());
            }
        }
    }

    /** {@code FlushFileBuffers}; completed by {@link IoDone}. */
    record Flush(long io, int file) implements Message {
        static final int TAG = 43;

        public int tag() {
            return TAG;
        }

        public void write(DataOutputStream out) throws IOException {
            out.writeLong(io);
            out.writeInt(file);
        }
    }

    /** {@code DeviceIoControl}; completed by {@link IoDone}. */
    record Ioctl(long io, int file, int ioControlCode, byte[] input, int outputLength) implements Message {
        static final int TAG = 9;

        public int tag() {
            return TAG;
        }

        public void write(DataOutputStream out) throws IOException {
            out.writeLong(io);
            out.writeInt(file);
            out.writeInt(ioControlCode);
            Wire.bytes(out, input);
            out.writeInt(outputLength);
        }
    }

    /** {@code IoCancelIrp} of one request. */
    record Cancel(long io) implements Message {
        static final int TAG = 10;

        public int tag() {
            return TAG;
        }

        public void write(DataOutputStream out) throws IOException {
            out.writeLong(io);
        }
    }

    /** {@code CancelIoEx(handle, NULL)}. */
    record CancelAll(int file) implements Message {
        static final int TAG = 11;

        public int tag() {
            return TAG;
        }

        public void write(DataOutputStream out) throws IOException {
            out.writeInt(file);
        }
    }

    /** {@code CloseHandle}. */
    record CloseFile(int file) implements Message {
        static final int TAG = 12;

        public int tag() {
            return TAG;
        }

        public void write(DataOutputStream out) throws IOException {
            out.writeInt(file);
        }
    }

    /**
     * {@link CloseFile} has run (the driver's EvtFileCleanup and EvtFileClose returned, or the open was unknown): the
     * host times a close, as it times a cancel (H7).
     */
    record CloseDone(int file) implements Message {
        static final int TAG = 18;

        public int tag() {
            return TAG;
        }

        public void write(DataOutputStream out) throws IOException {
            out.writeInt(file);
        }
    }

    /** Every driver of the process has unloaded: exit. */
    record Exit() implements Message {
        static final int TAG = 13;

        public int tag() {
            return TAG;
        }

        public void write(DataOutputStream out) {
        }
    }

    /** The answer to {@link ClaimName}. */
    record NameReply(int call, boolean claimed) implements Message {
        static final int TAG = 14;

        public int tag() {
            return TAG;
        }

        public void write(DataOutputStream out) throws IOException {
            out.writeInt(call);
            out.writeBoolean(claimed);
        }
    }

    /** The answer to {@link ParamCall}: an error (the message of the host's IOException), or the result. */
    record ParamReply(int call, String error, FxParameters.Value value, boolean removed,
                      Map<String, FxParameters.Value> values) implements Message {
        static final int TAG = 15;

        public int tag() {
            return TAG;
        }

        public void write(DataOutputStream out) throws IOException {
            out.writeInt(call);
            Wire.string(out, error);
            out.writeBoolean(value != null);
            if (value != null) {
                Message.valueOf(out, value);
            }
            out.writeBoolean(removed);
            out.writeInt(values.size());
            for (Map.Entry<String, FxParameters.Value> e : values.entrySet()) {
                Wire.string(out, e.getKey());
                Message.valueOf(out, e.getValue());
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Driver host to host

    /** The driver host is up and reads messages. */
    record Ready(long pid) implements Message {
        static final int TAG = 20;

        public int tag() {
            return TAG;
        }

        public void write(DataOutputStream out) throws IOException {
            out.writeLong(pid);
        }
    }

    /** The driver is loaded, or why its package could not be ({@code loadError}, else null). */
    record LoadDone(int call, String loadError) implements Message {
        static final int TAG = 21;

        public int tag() {
            return TAG;
        }

        public void write(DataOutputStream out) throws IOException {
            out.writeInt(call);
            Wire.string(out, loadError);
        }
    }

    /** DriverEntry returned (or hung). */
    record EntryDone(int call, FxDriverGlobals.EntryOutcome outcome) implements Message {
        static final int TAG = 37;

        public int tag() {
            return TAG;
        }

        public void write(DataOutputStream out) throws IOException {
            out.writeInt(call);
            Message.statusOf(out, outcome.status());
            Wire.string(out, outcome.exception());
            out.writeBoolean(outcome.driverObjectCreated());
            out.writeBoolean(outcome.hung());
        }
    }

    record StopDone(int call, FxDriverGlobals.StopOutcome outcome) implements Message {
        static final int TAG = 22;

        public int tag() {
            return TAG;
        }

        public void write(DataOutputStream out) throws IOException {
            out.writeInt(call);
            out.writeBoolean(outcome.refused());
            Wire.string(out, outcome.refusal());
            out.writeBoolean(outcome.hung());
        }
    }

    record SnapshotDone(int call, DriverView view) implements Message {
        static final int TAG = 23;

        public int tag() {
            return TAG;
        }

        public void write(DataOutputStream out) throws IOException {
            out.writeInt(call);
            view.write(out);
        }
    }

    /** EvtDriverDeviceAdd's status, and the device it created when it succeeded. */
    record AddDeviceDone(int call, NtStatus status, DeviceInfo device) implements Message {
        static final int TAG = 24;

        public int tag() {
            return TAG;
        }

        public void write(DataOutputStream out) throws IOException {
            out.writeInt(call);
            Message.statusOf(out, status);
            out.writeBoolean(device != null);
            if (device != null) {
                device.write(out);
            }
        }
    }

    record PnpDone(int call, FxDevice.PnpOutcome outcome) implements Message {
        static final int TAG = 25;

        public int tag() {
            return TAG;
        }

        public void write(DataOutputStream out) throws IOException {
            out.writeInt(call);
            Wire.enumValue(out, outcome.state());
            Message.statusOf(out, outcome.status());
            out.writeBoolean(outcome.applied());
            out.writeBoolean(outcome.hung());
        }
    }

    /** The open's status; when it succeeded, the file's number and its readiness now. */
    record OpenDone(int call, NtStatus status, int file, WdfIoReadiness readiness) implements Message {
        static final int TAG = 26;

        public int tag() {
            return TAG;
        }

        public void write(DataOutputStream out) throws IOException {
            out.writeInt(call);
            Message.statusOf(out, status);
            out.writeInt(file);
            Wire.readiness(out, readiness);
        }
    }

    /** A request completed; with the file's readiness after it. */
    record IoDone(long io, NtStatus status, long information, java.nio.ByteBuffer output, WdfIoReadiness readiness)
            implements Message {
        static final int TAG = 27;

        /** A completion returning {@code output} (may be null: nothing). */
        public IoDone(long io, NtStatus status, long information, byte[] output, WdfIoReadiness readiness) {
            this(io, status, information, output == null ? null : java.nio.ByteBuffer.wrap(output), readiness);
        }

        public int tag() {
            return TAG;
        }

        public void write(DataOutputStream out) throws IOException {
            out.writeLong(io);
            Message.statusOf(out, status);
            out.writeLong(information);
            Wire.bytes(out, output);
            Wire.readiness(out, readiness);
        }

        /** Whether the output was read straight into {@code buffer} (the buffer itself is the output). */
        public boolean deliveredTo(java.nio.ByteBuffer buffer) {
            return buffer != null && output == buffer;
        }

        /** The output as an array (read back, the array it was read into; never null). */
        public byte[] outputArray() {
            if (output == null) {
                return new byte[0];
            }
            if (output.hasArray() && output.arrayOffset() == 0 && output.position() == 0
                    && output.remaining() == output.array().length) {
                return output.array();
            }
            byte[] copy = new byte[output.remaining()];
            output.get(output.position(), copy);
            return copy;
        }
    }

    /** The readiness of an open changed so that a read or write became possible. */
    record FileReadiness(int file, WdfIoReadiness readiness) implements Message {
        static final int TAG = 28;

        public int tag() {
            return TAG;
        }

        public void write(DataOutputStream out) throws IOException {
            out.writeInt(file);
            Wire.readiness(out, readiness);
        }
    }

    /** The device's own readiness made a read or write possible. */
    record DeviceWake(int device) implements Message {
        static final int TAG = 29;

        public int tag() {
            return TAG;
        }

        public void write(DataOutputStream out) throws IOException {
            out.writeInt(device);
        }
    }

    /** A device being created claims a name, unique across the host; answered by {@link NameReply}. */
    record ClaimName(int call, String name, DeviceInfo device) implements Message {
        static final int TAG = 30;

        public int tag() {
            return TAG;
        }

        public void write(DataOutputStream out) throws IOException {
            out.writeInt(call);
            Wire.string(out, name);
            device.write(out);
        }
    }

    record ReleaseName(String name, int device) implements Message {
        static final int TAG = 31;

        public int tag() {
            return TAG;
        }

        public void write(DataOutputStream out) throws IOException {
            Wire.string(out, name);
            out.writeInt(device);
        }
    }

    record InterfaceChanged(DeviceInfo device, UUID guid, String referenceString, boolean enabled) implements Message {
        static final int TAG = 32;

        public int tag() {
            return TAG;
        }

        public void write(DataOutputStream out) throws IOException {
            device.write(out);
            Wire.uuid(out, guid);
            Wire.string(out, referenceString);
            out.writeBoolean(enabled);
        }
    }

    record ControlReady(DeviceInfo device) implements Message {
        static final int TAG = 33;

        public int tag() {
            return TAG;
        }

        public void write(DataOutputStream out) throws IOException {
            device.write(out);
        }
    }

    record DeviceDeleted(int device) implements Message {
        static final int TAG = 34;

        public int tag() {
            return TAG;
        }

        public void write(DataOutputStream out) throws IOException {
            out.writeInt(device);
        }
    }

    /** The driver's lifecycle state, and the failure (bug check) that stopped it, if any. */
    record DriverStateChanged(int driver, FxDriverState state, String failure) implements Message {
        static final int TAG = 35;

        public int tag() {
            return TAG;
        }

        public void write(DataOutputStream out) throws IOException {
            out.writeInt(driver);
            Wire.enumValue(out, state);
            Wire.string(out, failure);
        }
    }

    /** A driver called {@code System.exit} (or {@code Runtime.exit}, {@code Runtime.halt}): the process ends now. */
    record DriverEndsProcess(int driver, String call) implements Message {
        static final int TAG = 39;

        public int tag() {
            return TAG;
        }

        public void write(DataOutputStream out) throws IOException {
            out.writeInt(driver);
            Wire.string(out, call);
        }
    }

    /** What a Parameters call does. */
    enum ParamOp { GET, PUT, REMOVE, VALUES }

    /** The driver reads or writes its Parameters key, which the host keeps; answered by {@link ParamReply}. */
    record ParamCall(int call, int driver, ParamOp op, String name, FxParameters.Value value) implements Message {
        static final int TAG = 36;

        public int tag() {
            return TAG;
        }

        public void write(DataOutputStream out) throws IOException {
            out.writeInt(call);
            out.writeInt(driver);
            Wire.enumValue(out, op);
            Wire.string(out, name);
            out.writeBoolean(value != null);
            if (value != null) {
                Message.valueOf(out, value);
            }
        }
    }

    /** A bus device's children: IRP_MN_QUERY_DEVICE_RELATIONS (ST1); answered by {@link RelationsDone}. */
    record QueryRelations(int call, int device) implements Message {
        static final int TAG = 40;

        public int tag() {
            return TAG;
        }

        public void write(DataOutputStream out) throws IOException {
            out.writeInt(call);
            out.writeInt(device);
        }
    }

    /**
     * The children a bus device reports present, their PDOs made where needed.
     *
     * @param answered false when the driver could not answer (hung): nothing changes
     */
    record RelationsDone(int call, boolean answered, List<Child> children) implements Message {
        static final int TAG = 41;

        public RelationsDone {
            children = List.copyOf(children);
        }

        public int tag() {
            return TAG;
        }

        public void write(DataOutputStream out) throws IOException {
            out.writeInt(call);
            out.writeBoolean(answered);
            Wire.list(out, children, (o, c) -> c.write(o));
        }
    }

    /** A bus device's children changed (IoInvalidateDeviceRelations): the host asks for them soon. */
    record RelationsChanged(int device) implements Message {
        static final int TAG = 42;

        public int tag() {
            return TAG;
        }

        public void write(DataOutputStream out) throws IOException {
            out.writeInt(device);
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Remote targets and notifications (ST5, ST9)

    /** A remote target of a driver in the driver host looks up a device of the host (ST5); answered by {@link TargetFound}. */
    record ResolveTarget(int call, String name) implements Message {
        static final int TAG = 46;

        public int tag() {
            return TAG;
        }

        public void write(DataOutputStream out) throws IOException {
            out.writeInt(call);
            Wire.string(out, name);
        }
    }

    /** The device found (its node's instance ID, null for a control device, and its driver), or why none was. */
    record TargetFound(int call, NtStatus status, String instanceId, String driverName) implements Message {
        static final int TAG = 47;

        public int tag() {
            return TAG;
        }

        public void write(DataOutputStream out) throws IOException {
            out.writeInt(call);
            Message.statusOf(out, status);
            Wire.string(out, instanceId);
            Wire.string(out, driverName);
        }
    }

    /**
     * A remote target opens the device of that name in the host as a client does ({@code CreateFile}, the driver host's
     * process as the requestor); answered by {@link OpenDone}, whose file number its requests then name.
     */
    record OpenTarget(int call, String name, long pid, int uid, int gid) implements Message {
        static final int TAG = 48;

        public int tag() {
            return TAG;
        }

        public void write(DataOutputStream out) throws IOException {
            out.writeInt(call);
            Wire.string(out, name);
            out.writeLong(pid);
            out.writeInt(uid);
            out.writeInt(gid);
        }
    }

    /** A remote target registers for the removal of device node {@code instanceId}; {@code holder} names it in a veto. */
    record WatchTarget(int watch, String instanceId, String holder) implements Message {
        static final int TAG = 49;

        public int tag() {
            return TAG;
        }

        public void write(DataOutputStream out) throws IOException {
            out.writeInt(watch);
            Wire.string(out, instanceId);
            Wire.string(out, holder);
        }
    }

    /** A driver registers for the arrival and removal of the interfaces of a class (those enabled now arrive first). */
    record WatchInterfaces(int watch, UUID guid) implements Message {
        static final int TAG = 50;

        public int tag() {
            return TAG;
        }

        public void write(DataOutputStream out) throws IOException {
            out.writeInt(watch);
            Wire.uuid(out, guid);
        }
    }

    /** Ends a {@link WatchTarget} or {@link WatchInterfaces} registration. */
    record Unwatch(int watch) implements Message {
        static final int TAG = 51;

        public int tag() {
            return TAG;
        }

        public void write(DataOutputStream out) throws IOException {
            out.writeInt(watch);
        }
    }

    /** An interface of a watched class arrived or went. */
    record InterfaceNews(int watch, boolean arrival, UUID guid, String symbolicLinkName) implements Message {
        static final int TAG = 52;

        public int tag() {
            return TAG;
        }

        public void write(DataOutputStream out) throws IOException {
            out.writeInt(watch);
            out.writeBoolean(arrival);
            Wire.uuid(out, guid);
            Wire.string(out, symbolicLinkName);
        }
    }

    /** What a watched target is told about its device. */
    enum TargetChange { QUERY_REMOVE, REMOVE_CANCELED, REMOVE_COMPLETE }

    /** The host's PnP manager tells a watched target a change of its device and waits; answered by {@link TargetAnswer}. */
    record TargetQuery(int call, int watch, TargetChange change) implements Message {
        static final int TAG = 53;

        public int tag() {
            return TAG;
        }

        public void write(DataOutputStream out) throws IOException {
            out.writeInt(call);
            out.writeInt(watch);
            Wire.enumValue(out, change);
        }
    }

    /** The target's answer: for a query-remove, whether it let go (false vetoes); otherwise true once it was told. */
    record TargetAnswer(int call, boolean letGo) implements Message {
        static final int TAG = 54;

        public int tag() {
            return TAG;
        }

        public void write(DataOutputStream out) throws IOException {
            out.writeInt(call);
            out.writeBoolean(letGo);
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Parts

    /** One child a bus reports: its PDO, its IDs and device text, whether its eject was asked for. */
    record Child(DeviceInfo pdo, String deviceId, String instanceId, List<String> hardwareIds,
                 List<String> compatibleIds, String description, String location, boolean eject) {

        public Child {
            hardwareIds = List.copyOf(hardwareIds);
            compatibleIds = List.copyOf(compatibleIds);
        }

        void write(DataOutputStream out) throws IOException {
            pdo.write(out);
            Wire.string(out, deviceId);
            Wire.string(out, instanceId);
            Wire.list(out, hardwareIds, Wire::string);
            Wire.list(out, compatibleIds, Wire::string);
            Wire.string(out, description);
            Wire.string(out, location);
            out.writeBoolean(eject);
        }

        static Child read(DataInputStream in) throws IOException {
            return new Child(DeviceInfo.read(in), Wire.string(in), Wire.string(in), Wire.list(in, Wire::string),
                    Wire.list(in, Wire::string), Wire.string(in), Wire.string(in), in.readBoolean());
        }
    }

    /** What the host knows of a device in a driver host: fixed at its creation. */
    record DeviceInfo(int id, String driverName, String instanceId, String sddl, boolean control, String assignedName) {

        void write(DataOutputStream out) throws IOException {
            out.writeInt(id);
            Wire.string(out, driverName);
            Wire.string(out, instanceId);
            Wire.string(out, sddl);
            out.writeBoolean(control);
            Wire.string(out, assignedName);
        }

        static DeviceInfo read(DataInputStream in) throws IOException {
            return new DeviceInfo(in.readInt(), Wire.string(in), Wire.string(in), Wire.string(in), in.readBoolean(),
                    Wire.string(in));
        }
    }

    /**
     * What the framework knows of a driver, as text: what the unload report and {@code wdf4j status} need.
     *
     * @param passiveThread the name of the driver's passive thread when the driver is hung, else null
     */
    record DriverView(FxDriverState state, String failure, NtStatus entryStatus, String entryException,
                      boolean evtDriverUnloadCalled, List<JournalEntry> journal, List<Finding> findings,
                      List<FxDriverGlobals.TreeLine> tree, List<String> controlDevices, String passiveThread) {

        void write(DataOutputStream out) throws IOException {
            Wire.enumValue(out, state);
            Wire.string(out, failure);
            out.writeBoolean(entryStatus != null);
            if (entryStatus != null) {
                Message.statusOf(out, entryStatus);
            }
            Wire.string(out, entryException);
            out.writeBoolean(evtDriverUnloadCalled);
            Wire.list(out, journal, (o, e) -> {
                Wire.enumValue(o, e.kind());
                Wire.string(o, e.subject());
                Wire.string(o, e.detail());
                Wire.enumValue(o, e.irql());
                Wire.string(o, e.thread());
            });
            Wire.list(out, findings, Message::findingOf);
            Wire.list(out, tree, (o, t) -> {
                o.writeInt(t.depth());
                Wire.string(o, t.name());
                Wire.enumValue(o, t.state());
                o.writeInt(t.references());
                Wire.list(o, t.contexts(), Wire::string);
            });
            Wire.list(out, controlDevices, Wire::string);
            Wire.string(out, passiveThread);
        }

        static DriverView read(DataInputStream in) throws IOException {
            return new DriverView(Wire.enumValue(in, FxDriverState.class), Wire.string(in),
                    in.readBoolean() ? Message.statusOf(in) : null, Wire.string(in), in.readBoolean(),
                    Wire.list(in, i -> new JournalEntry(Wire.enumValue(i, JournalEntry.Kind.class), Wire.string(i),
                            Wire.string(i), Wire.enumValue(i, Irql.class), Wire.string(i))),
                    Wire.list(in, Message::findingOf),
                    Wire.list(in, i -> new FxDriverGlobals.TreeLine(i.readInt(), Wire.string(i),
                            Wire.enumValue(i, FxObjectState.class), i.readInt(), Wire.list(i, Wire::string))),
                    Wire.list(in, Wire::string), Wire.string(in));
        }
    }

    private static void findingOf(DataOutputStream out, Finding f) throws IOException {
        Wire.enumValue(out, f.kind());
        Wire.string(out, f.rule());
        Wire.string(out, f.object());
        Wire.string(out, f.message());
        Wire.string(out, f.stack());
    }

    private static Finding findingOf(DataInputStream in) throws IOException {
        return new Finding(Wire.enumValue(in, Finding.Kind.class), Wire.string(in), Wire.string(in), Wire.string(in),
                Wire.string(in));
    }

    private static void inspectionOf(DataOutputStream out, org.wdf4j.framework.FxInspection x) throws IOException {
        Wire.string(out, x.driver());
        Wire.enumValue(out, x.state());
        Wire.list(out, List.copyOf(new TreeMap<>(x.objectCounts()).entrySet()), (o, e) -> {
            Wire.string(o, e.getKey());
            o.writeInt(e.getValue());
        });
        Wire.list(out, x.devices(), (o, d) -> {
            Wire.string(o, d.handle());
            Wire.string(o, d.instanceId());
            Wire.string(o, d.hardwareId());
            Wire.string(o, d.name());
            o.writeBoolean(d.control());
            Wire.enumValue(o, d.pnpState());
            Wire.enumValue(o, d.powerState());
            Wire.list(o, d.queues(), (oq, q) -> {
                Wire.string(oq, q.handle());
                Wire.string(oq, q.dispatch());
                oq.writeBoolean(q.defaultQueue());
                oq.writeBoolean(q.powerManaged());
                oq.writeBoolean(q.accepting());
                oq.writeBoolean(q.dispatching());
                oq.writeInt(q.queued());
                Wire.list(oq, q.held(), (orq, r) -> {
                    Wire.string(orq, r.handle());
                    Wire.string(orq, r.type());
                    orq.writeLong(r.length());
                    orq.writeInt(r.ioControlCode());
                    Wire.enumValue(orq, r.state());
                    orq.writeBoolean(r.cancelable());
                    orq.writeBoolean(r.cancelRequested());
                    orq.writeLong(r.heldNanos());
                    orq.writeLong(r.requestorPid());
                    Wire.string(orq, r.queue());
                    Wire.string(orq, r.device());
                });
            });
        });
        Wire.list(out, x.busy(), (o, b) -> {
            Wire.string(o, b.what());
            o.writeLong(b.nanos());
        });
        Wire.list(out, x.timers(), (o, t) -> {
            Wire.string(o, t.handle());
            o.writeLong(t.periodNanos());
            o.writeBoolean(t.queued());
            o.writeLong(t.dueNanos());
            o.writeBoolean(t.running());
            o.writeBoolean(t.passive());
        });
        Wire.list(out, x.workItems(), (o, w) -> {
            Wire.string(o, w.handle());
            o.writeBoolean(w.enqueued());
            o.writeBoolean(w.running());
        });
        Wire.list(out, x.locks(), (o, l) -> {
            Wire.string(o, l.handle());
            Wire.string(o, l.type());
            Wire.string(o, l.holder());
        });
    }

    private static org.wdf4j.framework.FxInspection inspectionOf(DataInputStream in) throws IOException {
        String driver = Wire.string(in);
        FxDriverState state = Wire.enumValue(in, FxDriverState.class);
        Map<String, Integer> counts = new TreeMap<>();
        for (Map.Entry<String, Integer> e : Wire.list(in, i -> Map.entry(Wire.string(i), i.readInt()))) {
            counts.put(e.getKey(), e.getValue());
        }
        List<org.wdf4j.framework.FxInspection.Device> devices = Wire.list(in, i -> new org.wdf4j.framework.FxInspection.Device(
                Wire.string(i), Wire.string(i), Wire.string(i), Wire.string(i), i.readBoolean(),
                Wire.enumValue(i, FxPnpMachine.State.class), Wire.enumValue(i, FxPnpMachine.Power.class),
                Wire.list(i, iq -> new org.wdf4j.framework.FxInspection.Queue(Wire.string(iq), Wire.string(iq),
                        iq.readBoolean(), iq.readBoolean(), iq.readBoolean(), iq.readBoolean(), iq.readInt(),
                        Wire.list(iq, ir -> new org.wdf4j.framework.FxInspection.Request(Wire.string(ir),
                                Wire.string(ir), ir.readLong(), ir.readInt(),
                                Wire.enumValue(ir, org.wdf4j.framework.FxRequestState.class), ir.readBoolean(),
                                ir.readBoolean(), ir.readLong(), ir.readLong(), Wire.string(ir), Wire.string(ir)))))));
        List<org.wdf4j.framework.FxInspection.Busy> busy = Wire.list(in,
                i -> new org.wdf4j.framework.FxInspection.Busy(Wire.string(i), i.readLong()));
        List<org.wdf4j.framework.FxInspection.Timer> timers = Wire.list(in,
                i -> new org.wdf4j.framework.FxInspection.Timer(Wire.string(i), i.readLong(), i.readBoolean(),
                        i.readLong(), i.readBoolean(), i.readBoolean()));
        List<org.wdf4j.framework.FxInspection.WorkItem> workItems = Wire.list(in,
                i -> new org.wdf4j.framework.FxInspection.WorkItem(Wire.string(i), i.readBoolean(), i.readBoolean()));
        List<org.wdf4j.framework.FxInspection.Lock> locks = Wire.list(in,
                i -> new org.wdf4j.framework.FxInspection.Lock(Wire.string(i), Wire.string(i), Wire.string(i)));
        return new org.wdf4j.framework.FxInspection(driver, state, counts, devices, busy, timers, workItems, locks);
    }

    private static void statusOf(DataOutputStream out, NtStatus status) throws IOException {
        out.writeInt(status.code());
    }

    private static NtStatus statusOf(DataInputStream in) throws IOException {
        return NtStatus.of(in.readInt());
    }

    private static void valueOf(DataOutputStream out, FxParameters.Value v) throws IOException {
        Wire.enumValue(out, v.type());
        Wire.string(out, v.string());
        out.writeLong(v.number());
    }

    private static FxParameters.Value valueOf(DataInputStream in) throws IOException {
        return new FxParameters.Value(Wire.enumValue(in, FxParameters.Type.class), Wire.string(in), in.readLong());
    }

    private static Map<String, FxParameters.Value> valuesOf(DataInputStream in) throws IOException {
        int n = in.readInt();
        Map<String, FxParameters.Value> values = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (int i = 0; i < n; i++) {
            values.put(Wire.string(in), Message.valueOf(in));
        }
        return values;
    }

    private static void verifierOf(DataOutputStream out, VerifierSettings v) throws IOException {
        out.writeBoolean(v.enabled());
        out.writeBoolean(v.breakOnError());
        Wire.list(out, List.copyOf(v.trackHandles()), Wire::string);
        out.writeInt(v.referenceHistory());
        out.writeInt(v.allocateFail().count());
        out.writeBoolean(v.allocateFail().onlyNth());
        out.writeInt(v.objectLeakLimit());
        out.writeLong(v.waitTimeout().toNanos());
        out.writeLong(v.interleavingDelays().seed());
        out.writeLong(v.interleavingDelays().maxDelay().toNanos());
        out.writeInt(v.interleavingDelays().percent());
    }

    private static VerifierSettings verifierOf(DataInputStream in) throws IOException {
        return new VerifierSettings(in.readBoolean(), in.readBoolean(), java.util.Set.copyOf(Wire.list(in, Wire::string)),
                in.readInt(), new VerifierSettings.AllocateFail(in.readInt(), in.readBoolean()), in.readInt(),
                java.time.Duration.ofNanos(in.readLong()), new VerifierSettings.InterleavingDelays(in.readLong(),
                java.time.Duration.ofNanos(in.readLong()), in.readInt()));
    }
}
