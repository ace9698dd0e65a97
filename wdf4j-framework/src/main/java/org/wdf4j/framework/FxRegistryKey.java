package org.wdf4j.framework;

import java.io.IOException;
import org.wdf4j.Irql;
import org.wdf4j.NtResult;
import org.wdf4j.NtStatus;
import org.wdf4j.WdfBugCheckCode;
import org.wdf4j.object.WdfObjectAttributes;
import org.wdf4j.registry.WdfKey;
import org.wdf4j.registry.WdfKeyAccess;

/** {@code WDFKEY}: an open key on a driver's Parameters values, backed by the driver's {@link FxParameters}. */
final class FxRegistryKey extends FxObject implements WdfKey {

    private final FxParameters backend;
    private final WdfKeyAccess access;

    FxRegistryKey(FxDriverGlobals globals, FxObject parent, WdfObjectAttributes attributes, FxParameters backend,
                  WdfKeyAccess access) {
        super(globals, parent, attributes);
        this.backend = backend;
        this.access = access;
    }

    @Override
    public String objectType() {
        return "WDFKEY";
    }

    @Override
    public NtResult<String> queryString(String valueName) {
        FxParameters.Value v;
        NtStatus checked = check("WdfRegistryQueryString", valueName, access.canRead());
        if (!checked.isSuccess()) {
            return NtResult.failure(checked);
        }
        try {
            v = backend.get(valueName);
        } catch (IOException e) {
            return NtResult.failure(backendFailed("WdfRegistryQueryString", valueName, e));
        }
        if (v == null) {
            return NtResult.failure(NtStatus.STATUS_OBJECT_NAME_NOT_FOUND);
        }
        if (v.type() != FxParameters.Type.REG_SZ) {
            return NtResult.failure(NtStatus.STATUS_OBJECT_TYPE_MISMATCH);
        }
        return NtResult.success(v.string());
    }

    @Override
    public NtResult<Long> queryULong(String valueName) {
        FxParameters.Value v;
        NtStatus checked = check("WdfRegistryQueryULong", valueName, access.canRead());
        if (!checked.isSuccess()) {
            return NtResult.failure(checked);
        }
        try {
            v = backend.get(valueName);
        } catch (IOException e) {
            return NtResult.failure(backendFailed("WdfRegistryQueryULong", valueName, e));
        }
        if (v == null) {
            return NtResult.failure(NtStatus.STATUS_OBJECT_NAME_NOT_FOUND);
        }
        if (v.type() != FxParameters.Type.REG_DWORD) {
            return NtResult.failure(NtStatus.STATUS_OBJECT_TYPE_MISMATCH);
        }
        return NtResult.success(v.number());
    }

    @Override
    public NtStatus assignString(String valueName, String value) {
        NtStatus checked = check("WdfRegistryAssignString", valueName, access.canWrite());
        if (value == null) {
            throw globals.bugCheck(WdfBugCheckCode.WDF_REQUIRED_PARAMETER_IS_NULL, "WdfRegistryAssignString: Value is null");
        }
        return checked.isSuccess() ? put("WdfRegistryAssignString", valueName, FxParameters.Value.ofString(value)) : checked;
    }

    @Override
    public NtStatus assignULong(String valueName, long value) {
        NtStatus checked = check("WdfRegistryAssignULong", valueName, access.canWrite());
        if (!checked.isSuccess()) {
            return checked;
        }
        if (value < 0 || value > MAX_ULONG) {
            return NtStatus.STATUS_INVALID_PARAMETER;
        }
        return put("WdfRegistryAssignULong", valueName, FxParameters.Value.ofULong(value));
    }

    @Override
    public NtStatus removeValue(String valueName) {
        NtStatus checked = check("WdfRegistryRemoveValue", valueName, access.canWrite());
        if (!checked.isSuccess()) {
            return checked;
        }
        try {
            return backend.remove(valueName) ? NtStatus.STATUS_SUCCESS : NtStatus.STATUS_OBJECT_NAME_NOT_FOUND;
        } catch (IOException e) {
            return backendFailed("WdfRegistryRemoveValue", valueName, e);
        }
    }

    @Override
    public void close() {
        checkHandle("WdfRegistryClose", Irql.PASSIVE_LEVEL);
        deleteInternal();
    }

    private NtStatus put(String function, String valueName, FxParameters.Value value) {
        try {
            backend.put(valueName, value);
            return NtStatus.STATUS_SUCCESS;
        } catch (IOException e) {
            return backendFailed(function, valueName, e);
        }
    }

    /** The handle, the level and the name; then the access the call needs. */
    private NtStatus check(String function, String valueName, boolean allowed) {
        checkHandle(function, Irql.PASSIVE_LEVEL);
        if (valueName == null) {
            throw globals.bugCheck(WdfBugCheckCode.WDF_REQUIRED_PARAMETER_IS_NULL, function + ": ValueName is null");
        }
        if (valueName.isEmpty() || valueName.length() > MAX_VALUE_NAME_LENGTH) {
            return NtStatus.STATUS_OBJECT_NAME_INVALID;
        }
        return allowed ? NtStatus.STATUS_SUCCESS : NtStatus.STATUS_ACCESS_DENIED;
    }

    private NtStatus backendFailed(String function, String valueName, IOException e) {
        globals.journal(JournalEntry.Kind.EXCEPTION, toString(), function + "(" + valueName
                + "): the host could not access the driver's parameters: " + e);
        return NtStatus.STATUS_UNSUCCESSFUL;
    }

    @Override
    public String toString() {
        return super.toString() + " Parameters";
    }
}
