package io.hunyuan4j.core.api;

import ai.djl.ndarray.NDManager;
import org.jspecify.annotations.Nullable;

/**
 * Places one parameter group of an {@link Offloadable} on the compute device until the returned scope closes:
 * what a component's forward pass calls around each of its blocks under block offload. The offloader implements
 * it; model code sees only this interface, so models do not depend on the offload package.
 */
public interface GroupOnloader {

    /**
     * Onloads {@code group} of {@code owner}.
     *
     * @param owner the component whose {@link Offloadable#parameterGroups()} hold the group
     * @param group the group's name, e.g. {@code transformer_blocks.3}
     * @param parent the manager the group's device manager is created under
     * @throws IllegalArgumentException if {@code owner} has no such group
     */
    Scope onload(Offloadable owner, String group, NDManager parent);

    /**
     * Onloads {@code group} of {@code owner} when {@code onloader} is set; otherwise a no-op scope, so a forward
     * pass brackets its blocks the same way with and without offload.
     */
    static Scope scope(@Nullable GroupOnloader onloader, Offloadable owner, String group, NDManager parent) {
        if (onloader == null) {
            return () -> { };
        }
        return onloader.onload(owner, group, parent);
    }

    /** A resource scope whose close does not throw checked exceptions. */
    @FunctionalInterface
    interface Scope extends AutoCloseable {
        @Override
        void close();
    }
}
