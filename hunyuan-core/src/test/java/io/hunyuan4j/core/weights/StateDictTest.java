package io.hunyuan4j.core.weights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Strict binding by reference names: every error reported together; lazy and shape-only modes. */
class StateDictTest extends ManagerTest {

    private static InMemoryTensors checkpoint() {
        return InMemoryTensors.builder().seed(3)
                .normal("blocks.0.attn.to_q.weight", 0.02f, DType.F32, 4, 4)
                .constant("blocks.0.attn.to_q.bias", 0.5f, DType.F32, 4)
                .normal("blocks.0.ff.weight", 1f, DType.BF16, 8, 4)   // the module expects [4, 8]
                .normal("blocks.1.attn.to_q.weight", 0.02f, DType.F32, 4, 4)
                .constant("norm.weight", 1f, DType.F32, 4)
                .build();
    }

    @Test
    void missingUnexpectedAndMisShapedAreReportedTogether() {
        StateDict w = StateDict.load(checkpoint(), manager, LoadMode.EAGER, TensorLoader.float32(), "transformer/");
        StateDict block = w.child("blocks", 0);
        Parameter q = block.child("attn").child("to_q").take("weight", 4, 4);
        assertEquals("blocks.0.attn.to_q.weight", q.name());
        assertTrue(q.isLoaded(), "EAGER loads while binding");
        block.child("attn").child("to_q").take("bias", 4);
        Parameter ff = block.child("ff").take("weight", 4, 8);
        block.child("ff").take("bias", 4);                       // missing
        w.child("norm").take("weight", 4);
        CheckpointMismatchException e = assertThrows(CheckpointMismatchException.class, w::requireAllConsumed);
        assertEquals(List.of("blocks.0.ff.bias"), e.missing());
        assertEquals(List.of("blocks.1.attn.to_q.weight"), e.unexpected());
        assertEquals(List.of("blocks.0.ff.weight expected [4, 8] found [8, 4]"), e.shapeMismatches());
        assertTrue(e.getMessage().startsWith("transformer/: checkpoint does not match the model"), e.getMessage());
        assertTrue(e.getMessage().contains("missing 1 [blocks.0.ff.bias]")
                && e.getMessage().contains("unexpected 1 [blocks.1.attn.to_q.weight]")
                && e.getMessage().contains("shape mismatches 1 [blocks.0.ff.weight expected [4, 8] found [8, 4]]"),
                e.getMessage());
        // a parameter that did not bind never loads, and says why
        assertFalse(ff.isLoaded());
        IllegalStateException notBound = assertThrows(IllegalStateException.class, ff::array);
        assertTrue(notBound.getMessage().contains("'blocks.0.ff.weight' did not bind"), notBound.getMessage());
    }

    @Test
    void aMatchingModulePasses() {
        InMemoryTensors c = checkpoint();
        StateDict w = StateDict.load(c, manager, LoadMode.EAGER, TensorLoader.float32(), "t/");
        for (int i = 0; i < 2; i++) {
            StateDict toQ = w.child("blocks", i).child("attn").child("to_q");
            toQ.take("weight", 4, 4);
            Parameter bias = toQ.takeOptional("bias", 4);
            assertEquals(i == 0, bias != null, "only block 0 has a bias");
        }
        Parameter ff = w.child("blocks", 0).child("ff").takeAnyShape("weight");
        assertEquals(new Shape(8, 4), ff.shape());
        w.child("norm").take("weight", 4);
        w.requireAllConsumed();
        assertEquals(5, w.boundParameters().size());
        assertArrayEquals(c.toFloatArray("blocks.0.ff.weight"), ff.array().toFloatArray());
        assertEquals(8 * 4 * 2, ff.storedBytes(), "bf16 bytes as stored");
    }

    @Test
    void takeOptionalBindsWhenPresentAndIsSilentWhenAbsent() {
        StateDict w = StateDict.load(checkpoint(), manager, LoadMode.LAZY, TensorLoader.float32(), "t/");
        StateDict toQ = w.child("blocks", 0).child("attn").child("to_q");
        Parameter bias = toQ.takeOptional("bias", 4);
        assertNotNull(bias);
        assertEquals(0.5f, bias.array().getFloat(3));
        assertNull(toQ.takeOptional("absent_bias", 4));
        assertTrue(toQ.has("weight") && !toQ.has("absent_bias"));
        assertTrue(w.child("blocks").hasChild("1") && !w.child("blocks").hasChild("2"));
        assertEquals(new Shape(8, 4), w.child("blocks", 0).child("ff").storedShape("weight"));
        CheckpointMismatchException e = assertThrows(CheckpointMismatchException.class, w::requireAllConsumed);
        assertTrue(e.missing().isEmpty(), "an absent optional tensor is not missing");
        assertEquals(4, e.unexpected().size());
        // an optional tensor with the wrong shape is still a mismatch
        StateDict v = StateDict.load(checkpoint(), manager, LoadMode.LAZY, TensorLoader.float32(), "t/");
        v.child("blocks", 0).child("attn").child("to_q").takeOptional("bias", 5);
        assertEquals(List.of("blocks.0.attn.to_q.bias expected [5] found [4]"),
                assertThrows(CheckpointMismatchException.class, v::requireAllConsumed).shapeMismatches());
    }

    @Test
    void lazyLoadsOnFirstUseFromAFile() {
        Path f = new SafetensorsWriter().addAll(checkpoint()).write(dir.resolve("c.safetensors"));
        try (SafetensorsFile s = SafetensorsFile.open(f); NDManager weights = manager.newSubManager()) {
            StateDict w = StateDict.load(s, weights, LoadMode.LAZY, TensorLoader.float32(), "t/");
            Parameter q = w.child("blocks", 0).child("attn").child("to_q").take("weight", 4, 4);
            assertFalse(q.isLoaded());
            assertEquals(0, weights.getManagedArrays().size(), "nothing read while binding");
            var first = q.array();
            assertTrue(q.isLoaded());
            assertSame(first, q.array(), "loaded once");
            assertEquals(1, weights.getManagedArrays().size());
            assertArrayEquals(checkpoint().toFloatArray("blocks.0.attn.to_q.weight"), first.toFloatArray());
            q.release();
            assertFalse(q.isLoaded());
            assertTrue(first.isReleased());
            assertArrayEquals(checkpoint().toFloatArray("blocks.0.attn.to_q.weight"), q.array().toFloatArray(),
                    "reloaded after release");
        }
    }

    @Test
    void shapeOnlyNeverAllocates() {
        try (NDManager capped = manager.newSubManager()) {
            capped.cap();   // any allocation in this manager would now throw
            StateDict w = StateDict.load(checkpoint(), capped, LoadMode.SHAPE_ONLY, TensorLoader.float32(), "real/");
            Parameter q = w.child("blocks", 0).child("attn").child("to_q").take("weight", 4, 4);
            assertEquals(new Shape(4, 4), q.shape());
            assertFalse(q.isLoaded());
            IllegalStateException e = assertThrows(IllegalStateException.class, q::array);
            assertTrue(e.getMessage().contains("'blocks.0.attn.to_q.weight' is bound shape-only"), e.getMessage());
            assertEquals(0, capped.getManagedArrays().size());
        }
        // from a manifest alone (e.g. ../shared/golden/manifests): names and shapes, no source, no manager
        Map<String, Shape> manifest = new LinkedHashMap<>();
        manifest.put("proj.weight", new Shape(3072, 3072));
        manifest.put("proj.bias", new Shape(3072));
        StateDict m = StateDict.shapeOnly(manifest, "manifest/");
        Parameter p = m.child("proj").take("weight", 3072, 3072);
        assertThrows(IllegalStateException.class, p::array);
        m.child("proj").take("bias", 3072);
        m.requireAllConsumed();
    }

    @Test
    void longListsAreAbbreviated() {
        InMemoryTensors.Builder b = InMemoryTensors.builder();
        for (int i = 0; i < 45; i++) {
            b.constant("extra." + i, 0f, DType.F32, 1);
        }
        StateDict w = StateDict.load(b.build(), manager, LoadMode.LAZY, TensorLoader.float32(), "t/");
        CheckpointMismatchException e = assertThrows(CheckpointMismatchException.class, w::requireAllConsumed);
        assertEquals(45, e.unexpected().size());
        assertTrue(e.getMessage().contains("unexpected 45 ") && e.getMessage().contains("(+5 more)"), e.getMessage());
    }

    @Test
    void loaderChoosesTheDtype() {
        StateDict w = StateDict.load(checkpoint(), manager, LoadMode.EAGER,
                (src, name, m) -> src.load(name, m, DataType.FLOAT16), "t/");
        Parameter bias = w.child("blocks", 0).child("attn").child("to_q").take("bias", 4);
        assertEquals(DataType.FLOAT16, bias.array().getDataType());
    }
}
