package org.wdf4j.fxtest;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.wdf4j.Irql;
import org.wdf4j.framework.FxObject;
import org.wdf4j.framework.FxObjectState;
import org.wdf4j.object.WdfObject;
import org.wdf4j.object.WdfObjectAttributes;

/** Records the cleanup and destroy callbacks of named objects: in which order, at which IRQL, on which thread. */
final class CallLog {

    /** One callback: {@code kind} is "cleanup" or "destroy". */
    record Call(String kind, String name, Irql irql, String thread, FxObjectState state) {
        @Override
        public String toString() {
            return kind + " " + name;
        }
    }

    private final List<Call> calls = new CopyOnWriteArrayList<>();

    /** Attributes whose cleanup and destroy callbacks record {@code name}. */
    WdfObjectAttributes attributes(String name) {
        return attributes(WdfObjectAttributes.NONE, name);
    }

    WdfObjectAttributes attributes(WdfObjectAttributes base, String name) {
        return base.withCleanup(o -> record("cleanup", name, o)).withDestroy(o -> record("destroy", name, o));
    }

    void record(String kind, String name, WdfObject object) {
        calls.add(new Call(kind, name, Irql.current(), Thread.currentThread().getName(), ((FxObject) object).state()));
    }

    List<Call> calls() {
        return List.copyOf(calls);
    }

    /** The calls as "cleanup A", "destroy A", ... in the order they happened. */
    List<String> names() {
        return calls.stream().map(Call::toString).toList();
    }

    List<String> names(String kind) {
        return calls.stream().filter(c -> c.kind().equals(kind)).map(Call::name).toList();
    }

    int size() {
        return calls.size();
    }
}
