package io.hunyuan4j.core;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.assertEquals;

class SmokeTest {
    @Test
    void engineLoadsOffline() {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            NDArray a = m.arange(6f).reshape(2, 3);
            assertEquals(15f, a.sum().getFloat(), 1e-6);
        }
    }
}
