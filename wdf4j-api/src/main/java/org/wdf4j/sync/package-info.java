/**
 * WDF's {@code wdfsync.h}: spin locks ({@link org.wdf4j.sync.WdfSpinLock}, {@code WDFSPINLOCK}) and
 * wait locks ({@link org.wdf4j.sync.WdfWaitLock}, {@code WDFWAITLOCK}).
 */
package org.wdf4j.sync;
