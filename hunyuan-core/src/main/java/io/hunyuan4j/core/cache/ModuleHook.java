package io.hunyuan4j.core.cache;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.util.function.Supplier;

/**
 * A step cache's hook around one named submodule of a denoiser block (diffusers registers its cache hooks on
 * submodules by name): the block asks the hook for the module's outputs, and the hook either computes them
 * through the block's code or returns cached ones (TaylorSeer's default mode forecasts each attention output
 * from earlier steps). A denoiser gets the hook of a module from {@link CacheContext#moduleHook(String)} once
 * per forward pass.
 */
@FunctionalInterface
public interface ModuleHook {

    /** Always computes: the hook of a module no strategy caches. */
    ModuleHook NONE = (module, manager) -> module.get();

    /**
     * The module's outputs for this forward pass.
     *
     * @param module computes the outputs, in the module's order (a block may pass outputs that the reference
     *     returns split, such as the two token streams of one attention, joined, when every later use is
     *     elementwise: a forecast is elementwise too)
     * @param manager where outputs the hook makes (instead of computing them) must live: the block's scope
     * @return the computed or the cached outputs, in the module's dtype
     */
    NDList call(Supplier<NDList> module, NDManager manager);
}
