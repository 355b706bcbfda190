package io.hunyuan4j.core.api;

import ai.djl.Device;
import io.hunyuan4j.core.ops.ComputeDtype;
import io.hunyuan4j.core.weights.LoadMode;

/**
 * How a component is loaded from its folder.
 *
 * @param device where it computes
 * @param computeDtype its precision
 * @param loadMode when weights are read
 */
public record ComponentOptions(Device device, ComputeDtype computeDtype, LoadMode loadMode) {

    /** CPU, float32, eager. */
    public static ComponentOptions defaults() {
        return new ComponentOptions(Device.cpu(), ComputeDtype.FLOAT32, LoadMode.EAGER);
    }
}
