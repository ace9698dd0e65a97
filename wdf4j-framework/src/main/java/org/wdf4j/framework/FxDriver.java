package org.wdf4j.framework;

import java.nio.charset.StandardCharsets;
import org.wdf4j.Irql;
import org.wdf4j.NtResult;
import org.wdf4j.WdfBugCheckCode;
import org.wdf4j.driver.DriverObject;
import org.wdf4j.driver.WdfDriver;
import org.wdf4j.driver.WdfDriverConfig;
import org.wdf4j.object.WdfObjectAttributes;
import org.wdf4j.registry.WdfKey;
import org.wdf4j.registry.WdfKeyAccess;

/** {@code WDFDRIVER}: the root of a driver's object tree. */
final class FxDriver extends FxObject implements WdfDriver {

    private final String registryPath;
    private final String driverName;
    private final WdfDriverConfig config;
    private final int poolTag;

    FxDriver(FxDriverGlobals globals, String registryPath, String driverName, WdfObjectAttributes attributes,
             WdfDriverConfig config) {
        super(globals, null, attributes);
        this.registryPath = registryPath;
        this.driverName = driverName;
        this.config = config;
        this.poolTag = config.driverPoolTag() != 0 ? config.driverPoolTag() : derivePoolTag(driverName);
    }

    /**
     * The pool tag WDF derives from a driver's name: its first four characters, as a little-endian
     * 32-bit value (so it reads as the name in a pool dump), padded with spaces.
     */
    static int derivePoolTag(String name) {
        byte[] ascii = name.getBytes(StandardCharsets.US_ASCII);
        int tag = 0;
        for (int i = 0; i < 4; i++) {
            int b = i < ascii.length ? ascii[i] & 0x7F : ' ';
            tag |= b << (8 * i);
        }
        return tag;
    }

    /** The last component of a registry path, or an empty string when it has none. */
    static String nameFromRegistryPath(String registryPath) {
        String trimmed = registryPath.strip();
        int end = trimmed.length();
        while (end > 0 && (trimmed.charAt(end - 1) == '\\' || trimmed.charAt(end - 1) == '/')) {
            end--;
        }
        int start = Math.max(trimmed.lastIndexOf('\\', end - 1), trimmed.lastIndexOf('/', end - 1)) + 1;
        return trimmed.substring(start, end);
    }

    @Override
    public String objectType() {
        return "WDFDRIVER";
    }

    @Override
    boolean canBeDeletedByDriver() {
        return false;
    }

    @Override
    public String registryPath() {
        checkHandle("WdfDriverGetRegistryPath", Irql.PASSIVE_LEVEL);
        return registryPath;
    }

    @Override
    public String driverName() {
        checkHandle("WdfDriverGetDriverName", Irql.DISPATCH_LEVEL);
        return driverName;
    }

    @Override
    public int poolTag() {
        checkHandle("WdfDriverGetPoolTag", Irql.DISPATCH_LEVEL);
        return poolTag;
    }

    @Override
    public WdfDriverConfig config() {
        checkHandle("WdfDriverGetConfig", Irql.DISPATCH_LEVEL);
        return config;
    }

    /** The configuration without a handle check, for the framework's own use at unload. */
    WdfDriverConfig configInternal() {
        return config;
    }

    @Override
    public DriverObject wdmDriverObject() {
        checkHandle("WdfDriverWdmGetDriverObject", Irql.DISPATCH_LEVEL);
        return globals.wdmDriverObject();
    }

    @Override
    public NtResult<WdfKey> openParametersRegistryKey(WdfKeyAccess access, WdfObjectAttributes attributes) {
        checkHandle("WdfDriverOpenParametersRegistryKey", Irql.PASSIVE_LEVEL);
        if (access == null) {
            throw globals.bugCheck(WdfBugCheckCode.WDF_REQUIRED_PARAMETER_IS_NULL,
                    "WdfDriverOpenParametersRegistryKey: DesiredAccess is null");
        }
        WdfObjectAttributes attrs = attributes == null ? WdfObjectAttributes.NONE : attributes;
        FxObject parent = this;
        if (attrs.parent() != null) {
            if (!(attrs.parent() instanceof FxObject p) || p.globals != globals) {
                throw globals.bugCheck(WdfBugCheckCode.WDF_INVALID_HANDLE, "WdfDriverOpenParametersRegistryKey: the parent "
                        + attrs.parent() + " is not a framework object of this driver");
            }
            p.checkHandle("WdfDriverOpenParametersRegistryKey (parent)", Irql.PASSIVE_LEVEL);
            parent = p;
        }
        FxObject keyParent = parent;
        NtResult<FxRegistryKey> created = globals.createObject("WdfDriverOpenParametersRegistryKey", keyParent, attrs,
                () -> new FxRegistryKey(globals, keyParent, attrs, globals.parameters(), access));
        @SuppressWarnings("unchecked") // NtResult is immutable: a result of a subtype is a result of the type
        NtResult<WdfKey> result = (NtResult<WdfKey>) (NtResult<? extends WdfKey>) created;
        return result;
    }

    @Override
    public String toString() {
        return "WDFDRIVER " + driverName;
    }
}
