package org.wdf4j.framework;

import org.wdf4j.object.WdfObjectAttributes;

/** {@code WDFOBJECT}: a general framework object made with {@code WdfObjectCreate}. */
final class FxGenericObject extends FxObject {

    FxGenericObject(FxDriverGlobals globals, FxObject parent, WdfObjectAttributes attributes) {
        super(globals, parent, attributes);
    }

    @Override
    public String objectType() {
        return "WDFOBJECT";
    }
}
