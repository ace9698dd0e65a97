package org.wdf4j.testdrivers;

import org.wdf4j.DbgPrint;
import org.wdf4j.NtResult;
import org.wdf4j.object.ContextType;
import org.wdf4j.object.WdfObject;
import org.wdf4j.object.WdfObjectAttributes;

/** Builds the same small tree in several test drivers, with callbacks that print their order. */
final class Tree {

    static final class Name {
        String value;
    }

    static final ContextType<Name> NAME = ContextType.declare(Name.class, Name::new);

    private Tree() {
    }

    /** Attributes whose callbacks print "cleanup NAME" and "destroy NAME". */
    static WdfObjectAttributes named(String name) {
        return WdfObjectAttributes.of(NAME)
                .withCleanup(o -> DbgPrint.print("cleanup %s", NAME.get(o).value))
                .withDestroy(o -> DbgPrint.print("destroy %s", NAME.get(o).value));
    }

    static WdfObject create(String name, WdfObject parent) {
        WdfObjectAttributes attributes = named(name);
        NtResult<WdfObject> created = WdfObject.create(parent == null ? attributes : attributes.withParent(parent));
        if (!created.isSuccess()) {
            throw new IllegalStateException("creating " + name + ": " + created.status());
        }
        NAME.get(created.value()).value = name;
        return created.value();
    }

    /**
     * driver
     *  +- a
     *  |   +- a1
     *  |   +- a2
     *  |        +- a2x
     *  +- b
     */
    static void build() {
        WdfObject a = create("a", null);
        create("a1", a);
        WdfObject a2 = create("a2", a);
        create("a2x", a2);
        create("b", null);
    }
}
