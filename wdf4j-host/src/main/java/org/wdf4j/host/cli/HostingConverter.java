package org.wdf4j.host.cli;

import org.wdf4j.host.HostingModel;
import picocli.CommandLine;

/** {@code --hosting in-process|isolated}; anything else is refused with the models named. */
final class HostingConverter implements CommandLine.ITypeConverter<HostingModel> {

    @Override
    public HostingModel convert(String value) {
        try {
            return HostingModel.parse(value);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }
}
