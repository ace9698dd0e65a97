/**
 * WDF's {@code wdfworkitem.h}: work items ({@link org.wdf4j.workitem.WdfWorkItem}, {@code WDFWORKITEM}),
 * driver code queued to run later at PASSIVE_LEVEL on a framework thread.
 */
package org.wdf4j.workitem;
