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

    /**
     * Parses a device as commands and benchmarks take it: {@code cpu}, {@code gpu} (the first GPU) or
     * {@code gpu:N}, case-insensitive.
     *
     * @throws IllegalArgumentException naming the accepted forms
     */
    public static Device parseDevice(String name) {
        String n = name.trim().toLowerCase(java.util.Locale.ROOT);
        if (n.equals("cpu")) {
            return Device.cpu();
        }
        if (n.equals("gpu")) {
            return Device.gpu();
        }
        if (n.matches("gpu:\\d{1,3}")) {
            return Device.gpu(Integer.parseInt(n.substring(4)));
        }
        throw new IllegalArgumentException("unknown device '" + name + "'; expected cpu, gpu or gpu:N");
    }
}
