package io.hunyuan4j.core.transformer;

import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Random;

/** Writes diffusers-layout {@code transformer/} folders with seeded random float32 weights, for tests. */
final class TestCheckpoints {

    private TestCheckpoints() {}

    /**
     * Writes {@code config.json} and {@code diffusion_pytorch_model.safetensors} for {@code c}, weights drawn like
     * the golden fixtures: norm weights 1 + 0.1 N, vectors 0.05 N, matrices N * clamp(1/sqrt(fan_in), .02, .2).
     */
    static Path write(Path dir, TransformerConfig c, long seed) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("config.json"), configJson(c));
        writeSafetensors(dir.resolve("diffusion_pytorch_model.safetensors"),
                HunyuanVideoTransformer3D.expectedShapes(c), new Random(seed));
        return dir;
    }

    static String configJson(TransformerConfig c) {
        JsonObject j = new JsonObject();
        j.addProperty("_class_name", "HunyuanVideoTransformer3DModel");
        j.addProperty("in_channels", c.inChannels());
        j.addProperty("out_channels", c.outChannels());
        j.addProperty("num_attention_heads", c.numAttentionHeads());
        j.addProperty("attention_head_dim", c.attentionHeadDim());
        j.addProperty("num_layers", c.numLayers());
        j.addProperty("num_single_layers", c.numSingleLayers());
        j.addProperty("num_refiner_layers", c.numRefinerLayers());
        j.addProperty("mlp_ratio", c.mlpRatio());
        j.addProperty("patch_size", c.patchSize());
        j.addProperty("patch_size_t", c.patchSizeT());
        j.addProperty("qk_norm", c.qkNorm());
        j.addProperty("guidance_embeds", c.guidanceEmbeds());
        j.addProperty("text_embed_dim", c.textEmbedDim());
        j.addProperty("pooled_projection_dim", c.pooledProjectionDim());
        j.addProperty("rope_theta", c.ropeTheta());
        JsonArray rope = new JsonArray();
        rope.add(c.ropeAxesDim().t());
        rope.add(c.ropeAxesDim().h());
        rope.add(c.ropeAxesDim().w());
        j.add("rope_axes_dim", rope);
        j.add("image_condition_type", com.google.gson.JsonNull.INSTANCE);
        return j.toString();
    }

    static void writeSafetensors(Path file, Map<String, Shape> shapes, Random rnd) throws IOException {
        JsonObject header = new JsonObject();
        long offset = 0;
        for (Map.Entry<String, Shape> e : shapes.entrySet()) {
            JsonObject t = new JsonObject();
            t.addProperty("dtype", "F32");
            JsonArray shape = new JsonArray();
            for (long d : e.getValue().getShape()) {
                shape.add(d);
            }
            t.add("shape", shape);
            long bytes = e.getValue().size() * 4;
            JsonArray offsets = new JsonArray();
            offsets.add(offset);
            offsets.add(offset + bytes);
            t.add("data_offsets", offsets);
            header.add(e.getKey(), t);
            offset += bytes;
        }
        byte[] h = header.toString().getBytes(StandardCharsets.UTF_8);
        int pad = (8 - h.length % 8) % 8;
        ByteBuffer buf = ByteBuffer.allocate((int) (8 + h.length + pad + offset)).order(ByteOrder.LITTLE_ENDIAN);
        buf.putLong(h.length + pad).put(h);
        for (int i = 0; i < pad; i++) {
            buf.put((byte) ' ');
        }
        for (Map.Entry<String, Shape> e : shapes.entrySet()) {
            String name = e.getKey();
            Shape s = e.getValue();
            boolean norm = name.contains("norm") && name.endsWith(".weight") && s.dimension() == 1;
            double scale = s.dimension() == 1 ? 0.05
                    : Math.min(0.2, Math.max(0.02, 1.0 / Math.sqrt(s.size() / s.get(0))));
            for (long i = 0; i < s.size(); i++) {
                double v = norm ? 1 + 0.1 * rnd.nextGaussian() : scale * rnd.nextGaussian();
                buf.putFloat((float) v);
            }
        }
        buf.flip();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
        }
    }
}
