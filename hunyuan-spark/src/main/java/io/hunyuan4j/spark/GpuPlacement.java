package io.hunyuan4j.spark;

import ai.djl.Device;
import java.util.Map;
import org.apache.spark.resource.ResourceInformation;

/**
 * The device a task generates on: the first GPU Spark assigned to the task
 * ({@code TaskContext.resources().get("gpu")}, present when the job asks for {@code spark.task.resource.gpu.amount}),
 * else the CPU. Spark's addresses are the ordinals its discovery script reported ({@code "0"}, {@code "1"}, ...),
 * which are CUDA device ordinals as the executor sees them.
 */
final class GpuPlacement {

    /** Spark's resource name for GPUs. */
    static final String GPU = "gpu";

    private GpuPlacement() {}

    /**
     * The device for a task with these resources.
     *
     * @param resources the task's resources, by name
     * @return {@code gpu(N)} for the first assigned GPU address N, or the CPU when no GPU is assigned
     * @throws IllegalArgumentException if the first GPU address is not a device ordinal
     */
    static Device device(Map<String, ResourceInformation> resources) {
        ResourceInformation gpus = resources.get(GPU);
        if (gpus == null || gpus.addresses().length == 0) {
            return Device.cpu();
        }
        String address = gpus.addresses()[0];
        try {
            int ordinal = Integer.parseInt(address.trim());
            if (ordinal < 0) {
                throw new NumberFormatException("negative");
            }
            return Device.gpu(ordinal);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("the task's GPU address '" + address + "' is not a CUDA device"
                    + " ordinal (0, 1, ...); make the discovery script report ordinals", e);
        }
    }
}
