package io.hunyuan4j.core.transformer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.hunyuan4j.core.api.ComponentOptions;
import io.hunyuan4j.core.api.DenoiserInput;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Repeated forwards hold no native memory: the weight and caller managers return to their baselines. */
class HunyuanVideoTransformer3DLeakTest {

    private static int arrays(NDManager m) {
        return ((BaseNDManager) m).getManagedArrays().size();
    }

    @Test
    void twentyForwardsLeaveResourceCountsAtBaseline(@TempDir Path tmp) throws IOException {
        TransformerConfig c = TransformerConfig.tiny();
        Path dir = TestCheckpoints.write(tmp.resolve("transformer"), c, 11);
        try (NDManager caller = NDManager.newBaseManager();
                HunyuanVideoTransformer3D model = HunyuanVideoTransformer3D.load(dir, ComponentOptions.defaults())) {
            NDManager weights = model.parameters().get(0).array().getManager();
            int weightBaseline = arrays(weights);
            assertEquals(model.parameters().size(), weightBaseline, "one array per bound weight");
            DenoiserInput in = TinyInputs.of(caller, c, 2, 8, 12, 7);
            int callerBaseline = arrays(caller);
            float first = Float.NaN;
            for (int i = 0; i < 20; i++) {
                try (NDArray out = model.forward(in)) {
                    assertEquals(callerBaseline + 1, arrays(caller), "only the result is added to the caller");
                    float v;
                    try (NDArray sum = out.sum()) {
                        v = sum.getFloat();
                    }
                    if (i == 0) {
                        first = v;
                    }
                    assertEquals(first, v, 0f, "deterministic");
                }
                assertEquals(weightBaseline, arrays(weights), "weight manager after forward " + i);
                assertEquals(callerBaseline, arrays(caller), "caller manager after forward " + i);
            }
            // the listener path must not leak either
            try (NDArray out = model.forward(in, (name, value) -> assertTrue(value.size() > 0, name))) {
                assertEquals(callerBaseline + 1, arrays(caller));
            }
            assertEquals(callerBaseline, arrays(caller));
            assertEquals(weightBaseline, arrays(weights));
        }
    }

    @Test
    void closeReleasesTheWeights(@TempDir Path tmp) throws IOException {
        Path dir = TestCheckpoints.write(tmp.resolve("transformer"), TransformerConfig.tiny(), 3);
        HunyuanVideoTransformer3D model = HunyuanVideoTransformer3D.load(dir, ComponentOptions.defaults());
        NDManager weights = model.parameters().get(0).array().getManager();
        assertTrue(weights.isOpen());
        model.close();
        assertTrue(!weights.isOpen(), "the owned weight manager is closed");
        assertTrue(model.parameters().stream().noneMatch(p -> p.isLoaded()));
    }
}
