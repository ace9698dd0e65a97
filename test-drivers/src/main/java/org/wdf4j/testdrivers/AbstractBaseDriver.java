package org.wdf4j.testdrivers;

import org.wdf4j.driver.DriverEntry;

/** A bad package's entry class: abstract (the host can never create it); {@link InheritingDriver} extends it. */
public abstract class AbstractBaseDriver implements DriverEntry {
}
