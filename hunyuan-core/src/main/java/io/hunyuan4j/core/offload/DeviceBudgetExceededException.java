package io.hunyuan4j.core.offload;

import io.hunyuan4j.core.HunyuanException;
import java.util.Locale;

/** A placement that would take the device past its memory budget. */
public final class DeviceBudgetExceededException extends HunyuanException {
    private static final long serialVersionUID = 1L;

    DeviceBudgetExceededException(String component, String stage, long bytes, long current, long budget) {
        super(String.format(Locale.ROOT, "placing %s of %s during %s would exceed the device budget: %s placed of %s",
                Bytes.format(bytes), component, stage, Bytes.format(current), Bytes.format(budget)));
    }
}
