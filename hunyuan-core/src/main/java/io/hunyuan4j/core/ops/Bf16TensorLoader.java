package io.hunyuan4j.core.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.hunyuan4j.core.weights.DType;
import io.hunyuan4j.core.weights.TensorLoader;
import io.hunyuan4j.core.weights.TensorSource;

/**
 * Loads floating tensors as native bf16 ({@link ComputeDtype#BF16}). A BF16 tensor is read as its raw bits in a
 * FLOAT16 array and bit-cast by the kernel library ({@code torch.view_copy(x, dtype=torch.bfloat16)}): exact, and
 * half the memory of float32. Other floating tensors are read as float32 and rounded ({@code x.to(torch.bfloat16)}).
 * Non-floating tensors load as float32, like {@link TensorLoader#float32()}.
 */
final class Bf16TensorLoader implements TensorLoader {

    /** {@inheritDoc} */
    @Override
    public int elementBytes() {
        return 2;
    }

    @Override
    public NDArray load(TensorSource source, String name, NDManager manager) {
        DType stored = source.info(name).dtype();
        if (!stored.isFloating()) {
            return source.load(name, manager, DataType.FLOAT32);
        }
        NDArray staged = source.load(name, manager, stored == DType.BF16 ? DataType.FLOAT16 : DataType.FLOAT32);
        try {
            return stored == DType.BF16 ? Kernels.bf16FromBits(staged) : Kernels.toBf16(staged);
        } finally {
            staged.close();
        }
    }

    @Override
    public String toString() {
        return "bf16";
    }
}
