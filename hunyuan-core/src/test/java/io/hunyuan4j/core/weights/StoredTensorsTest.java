package io.hunyuan4j.core.weights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link StoredTensors}: the file's bytes held in memory, decoded exactly as from the file. */
class StoredTensorsTest {

    @Test
    void holdsTheStoredBytesAndLoadsWhatTheFileLoads(@TempDir Path tmp) {
        Random r = new Random(5);
        float[] v = new float[3 * 1000];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) r.nextGaussian();
        }
        Path file = new SafetensorsWriter().add("fp8", v, DType.F8_E4M3, 3, 1000).add("e5m2", v, DType.F8_E5M2, 3000)
                .add("bf16", v, DType.BF16, 1000, 3).add("f32", v, DType.F32, 3000)
                .add("ids", new long[] {1, 2, 3}, DType.I64, 3).add("empty", new float[0], DType.F8_E4M3, 0)
                .write(tmp.resolve("w.safetensors"));
        StoredTensors held;
        try (NDManager m = NDManager.newBaseManager(); SafetensorsFile f = SafetensorsFile.open(file)) {
            held = StoredTensors.copyOf(f);
            assertEquals(3000 + 3000 + 6000 + 12000 + 24, held.heldBytes());
            for (String n : f.names()) {
                assertEquals(f.info(n), held.info(n), n);
                DataType t = n.equals("ids") ? DataType.INT64 : DataType.FLOAT32;
                assertEquals(f.load(n, m, t).toByteBuffer(), held.load(n, m, t).toByteBuffer(), n);
            }
            // raw bf16 bits for the ops layer's bf16 path
            assertEquals(f.load("bf16", m, DataType.FLOAT16).toByteBuffer(),
                    held.load("bf16", m, DataType.FLOAT16).toByteBuffer());
        }
        // the file is closed: the copy still loads, and through a remapped view (rows 1..2 of the FP8 tensor)
        try (NDManager m = NDManager.newBaseManager();
                RemappedTensors rows = RemappedTensors.of(held, java.util.Map.of("part",
                        new RemappedTensors.Derived("fp8", java.util.List.of(new RemappedTensors.Rows(1, 3)))))) {
            float[] all = held.load("fp8", m, DataType.FLOAT32).toFloatArray();
            float[] part = rows.load("part", m, DataType.FLOAT32).toFloatArray();
            assertArrayEquals(java.util.Arrays.copyOfRange(all, 1000, 3000), part);
        }
        try (NDManager m = NDManager.newBaseManager()) {
            assertThrows(IllegalStateException.class, () -> held.load("fp8", m, DataType.FLOAT32));
        }
    }

    @Test
    void aDecodingViewCannotBeCopied() {
        var e = assertThrows(IllegalArgumentException.class, () -> StoredTensors.copyOf(
                ScaledFloat8Tensors.wrapIfScaled(ShapeOnlyTensors.of(java.util.Map.of("scaled_fp8",
                        new ai.djl.ndarray.types.Shape(0)), n -> DType.F8_E4M3))));
        assertEquals(true, e.getMessage().contains("Checkpoints.open"), e.getMessage());
    }
}
