package io.hunyuan4j.core.offload;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.hunyuan4j.core.api.GroupOnloader;
import io.hunyuan4j.core.api.Offloadable;
import io.hunyuan4j.core.ops.ComputeDtype;
import io.hunyuan4j.core.weights.Parameter;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one class that moves weights onto and off the compute device. Model code never moves tensors: the
 * pipeline (MODEL) or the model's block loop (BLOCK) asks for a group to be onloaded and closes the returned
 * {@link Onloaded} when the group has run. Every byte placed is reported to the {@link DeviceMemoryAccountant}.
 *
 * <p>Weights are read from the memory-mapped checkpoint straight into a device-side manager, so the host keeps
 * no second copy. DJL 0.35 exposes no CUDA streams, so the next group is onloaded synchronously; on CPU the
 * "device" is host memory and the accounting shows what a GPU would hold.
 */
public final class Offloader implements GroupOnloader {

    private static final Logger LOG = LoggerFactory.getLogger(Offloader.class);

    private final Device device;
    private final Offload mode;
    private final DeviceMemoryAccountant accountant;

    /**
     * @param device where onloaded weights go
     * @param mode the offload mode (for reports; callers decide what to onload)
     * @param computeDtype the pipeline's compute dtype; each weight's size comes from its own loader
     *     ({@link Parameter#loadedBytes()}), since a component may keep float32 weights under bf16
     * @param accountant where placements are counted
     */
    public Offloader(Device device, Offload mode, ComputeDtype computeDtype, DeviceMemoryAccountant accountant) {
        this.device = device;
        this.mode = mode;
        this.accountant = accountant;
        java.util.Objects.requireNonNull(computeDtype, "computeDtype");
    }

    /**
     * Device bytes of {@code params}, each in the dtype its component loads it in (a component may keep float32
     * weights under a bf16 pipeline, as the VAE does).
     */
    public long bytesOf(List<Parameter> params) {
        long n = 0;
        for (Parameter p : params) {
            n += p.loadedBytes();
        }
        return n;
    }

    /** The mode. */
    public Offload mode() {
        return mode;
    }

    /** The accountant every placement is reported to. */
    public DeviceMemoryAccountant accountant() {
        return accountant;
    }

    /**
     * Loads a group of parameters onto the device.
     *
     * @param component accounting label, e.g. {@code transformer}
     * @param group the group's name, e.g. {@code transformer_blocks.3}
     * @param params the group's parameters (bound LAZY or already released)
     * @param parent the manager the group's device manager is created under
     */
    public Onloaded onload(String component, String group, List<Parameter> params, NDManager parent) {
        long bytes = bytesOf(params);
        accountant.place(component, bytes); // throws before any read if the budget would be exceeded
        NDManager m = parent.newSubManager(device);
        try {
            for (Parameter p : params) {
                p.loadInto(m);
            }
        } catch (RuntimeException e) {
            params.forEach(Parameter::release);
            m.close();
            accountant.release(component, bytes);
            throw e;
        }
        LOG.debug("onloaded {} {} ({} bytes)", component, group, bytes);
        return new Onloaded(component, group, params, m, bytes);
    }

    /** {@inheritDoc} */
    @Override
    public Onloaded onload(Offloadable owner, String group, NDManager parent) {
        List<Parameter> params = owner.parameterGroups().get(group);
        if (params == null) {
            throw new IllegalArgumentException(owner.component() + " has no parameter group '" + group + "'");
        }
        return onload(owner.component(), group, params, parent);
    }

    /** A group resident on the device until closed. */
    public final class Onloaded implements GroupOnloader.Scope {
        private final String component;
        private final String group;
        private final List<Parameter> params;
        private final NDManager manager;
        private final long bytes;
        private boolean closed;

        private Onloaded(String component, String group, List<Parameter> params, NDManager manager, long bytes) {
            this.component = component;
            this.group = group;
            this.params = List.copyOf(params);
            this.manager = manager;
            this.bytes = bytes;
        }

        /** Bytes placed. */
        public long bytes() {
            return bytes;
        }

        /** The group's name. */
        public String group() {
            return group;
        }

        /** Frees the group's device memory and returns its bytes to the accountant. */
        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            params.forEach(Parameter::release);
            manager.close();
            accountant.release(component, bytes);
        }
    }
}
