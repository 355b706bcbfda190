package io.hunyuan4j.vae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.hunyuan4j.core.weights.TensorSource;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Writes float32 safetensors files (and sharded indexes) for tests. */
final class TestSafetensors {

    private TestSafetensors() {}

    /** Copies {@code names} of {@code source} as float32 into one safetensors file. */
    static void write(Path file, TensorSource source, List<String> names, NDManager manager) throws IOException {
        writeWithExtra(file, source, names, null, 0, manager);
    }

    /** As {@link #write}, plus one tensor of zeros {@code [n]} named {@code extraName} (when not null). */
    static void writeWithExtra(Path file, TensorSource source, List<String> names, String extraName, int n,
            NDManager manager) throws IOException {
        JsonObject header = new JsonObject();
        List<byte[]> blobs = new ArrayList<>();
        long offset = 0;
        for (String name : names) {
            NDArray a = source.load(name, manager, DataType.FLOAT32);
            byte[] bytes = toBytes(a.toFloatArray());
            header.add(name, entry(a.getShape().getShape(), offset, bytes.length));
            blobs.add(bytes);
            offset += bytes.length;
            a.close();
        }
        if (extraName != null) {
            byte[] extra = new byte[n * 4];
            header.add(extraName, entry(new long[] {n}, offset, extra.length));
            blobs.add(extra);
        }
        writeFile(file, header, blobs);
    }

    /** A diffusers-style sharded index over shards of the given names. */
    static void writeIndex(Path indexFile, Map<String, String> weightMap) throws IOException {
        JsonObject index = new JsonObject();
        index.add("metadata", new JsonObject());
        JsonObject map = new JsonObject();
        weightMap.forEach(map::addProperty);
        index.add("weight_map", map);
        Files.writeString(indexFile, index.toString());
    }

    private static JsonObject entry(long[] shape, long offset, long length) {
        JsonObject t = new JsonObject();
        t.addProperty("dtype", "F32");
        JsonArray s = new JsonArray();
        for (long d : shape) {
            s.add(d);
        }
        t.add("shape", s);
        JsonArray off = new JsonArray();
        off.add(offset);
        off.add(offset + length);
        t.add("data_offsets", off);
        return t;
    }

    private static void writeFile(Path file, JsonObject header, List<byte[]> blobs) throws IOException {
        byte[] json = header.toString().getBytes(StandardCharsets.UTF_8);
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(json.length).array());
            out.write(json);
            for (byte[] b : blobs) {
                out.write(b);
            }
        }
    }

    private static byte[] toBytes(float[] v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(v);
        return b.array();
    }
}
