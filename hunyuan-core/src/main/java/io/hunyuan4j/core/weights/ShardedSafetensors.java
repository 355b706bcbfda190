package io.hunyuan4j.core.weights;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;

/**
 * A sharded checkpoint: {@code <name>.safetensors.index.json} whose {@code weight_map} maps each tensor name to
 * its shard file in the same folder (the diffusers / transformers layout, e.g.
 * {@code diffusion_pytorch_model-00001-of-00003.safetensors}). Every shard is opened and validated up front;
 * tensors are read lazily.
 *
 * <p>The index and the shards must agree exactly: a shard named in the index but missing, a tensor the index
 * maps to a shard that lacks it, a tensor a shard holds but the index does not list, and a name held by two
 * shards (or listed twice in the index) are all errors.
 */
public final class ShardedSafetensors implements TensorSource, RawSource {

    private final Path index;
    private final Map<String, SafetensorsFile> byName;
    private final List<SafetensorsFile> shards;

    private ShardedSafetensors(Path index, Map<String, SafetensorsFile> byName, List<SafetensorsFile> shards) {
        this.index = index;
        this.byName = byName;
        this.shards = shards;
    }

    /**
     * Opens an index file and all the shards it names.
     *
     * @throws SafetensorsException naming the file and tensor if the index is malformed (or not UTF-8, or not a
     *     regular file), a shard is missing or invalid, or the index and the shards disagree
     * @throws java.io.UncheckedIOException if a file cannot be read
     */
    public static ShardedSafetensors open(Path indexFile) {
        return open(indexFile, TensorReader.DEFAULT_CHUNK_BYTES);
    }

    static ShardedSafetensors open(Path indexFile, long chunkBytes) {
        Map<String, String> weightMap = readWeightMap(indexFile);
        Path dir = Objects.requireNonNull(indexFile.toAbsolutePath().getParent(), () -> indexFile + " names no file");
        Map<String, SafetensorsFile> files = new LinkedHashMap<>();
        Map<String, SafetensorsFile> byName = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, String> e : weightMap.entrySet()) {
                String shardName = e.getValue();
                SafetensorsFile shard = files.get(shardName);
                if (shard == null) {
                    Path p = dir.resolve(shardName).normalize();
                    if (!dir.equals(p.getParent())) {
                        throw new SafetensorsException(indexFile, e.getKey(), "shard '" + shardName
                                + "' is not a file name in the index's folder");
                    }
                    if (!Files.isRegularFile(p)) {
                        throw new SafetensorsException(indexFile, e.getKey(), "shard file '" + shardName
                                + "' named in the index is missing (expected at " + p + ")");
                    }
                    shard = SafetensorsFile.open(p, chunkBytes);
                    files.put(shardName, shard);
                }
                if (!shard.names().contains(e.getKey())) {
                    throw new SafetensorsException(shard.path(), e.getKey(), "the index maps this tensor to '"
                            + shardName + "' but the shard does not contain it");
                }
                byName.put(e.getKey(), shard);
            }
            Map<String, Path> seen = new LinkedHashMap<>();
            for (SafetensorsFile f : files.values()) {
                for (String n : f.names()) {
                    Path prev = seen.putIfAbsent(n, f.path());
                    if (prev != null) {
                        throw new SafetensorsException(f.path(), n, "duplicate tensor name: also in " + prev);
                    }
                    if (byName.get(n) != f) {
                        throw new SafetensorsException(f.path(), n, "the shard holds this tensor but the index "
                                + indexFile.getFileName() + " does not list it");
                    }
                }
            }
        } catch (RuntimeException e) {
            files.values().forEach(SafetensorsFile::close);
            throw e;
        }
        return new ShardedSafetensors(indexFile, Collections.unmodifiableMap(byName),
                List.copyOf(new ArrayList<>(files.values())));
    }

    /** Reads {@code weight_map} strictly: string values, no name twice. Other top-level keys are ignored. */
    private static Map<String, String> readWeightMap(Path indexFile) {
        SafetensorsFile.requireRegularFile(indexFile);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(indexFile);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + indexFile, e);
        }
        return parseWeightMap(indexFile, bytes);
    }

    /**
     * Parses the bytes of an index file; {@code indexFile} only names them.
     *
     * @throws SafetensorsException for invalid UTF-8, malformed JSON, a missing, repeated or malformed
     *     {@code weight_map}
     */
    static Map<String, String> parseWeightMap(Path indexFile, byte[] bytes) {
        String text = Utf8.decode(ByteBuffer.wrap(bytes), msg -> new SafetensorsException(indexFile, null,
                "index is not valid UTF-8: " + msg));
        Map<String, String> out = null;
        String current = null;
        try (JsonReader r = new JsonReader(new StringReader(text))) {
            r.setStrictness(Strictness.STRICT);
            r.beginObject();
            while (r.hasNext()) {
                String key = r.nextName();
                if (!key.equals("weight_map")) {
                    r.skipValue();
                    continue;
                }
                if (out != null) {
                    throw new SafetensorsException(indexFile, null, "\"weight_map\" appears twice");
                }
                out = new LinkedHashMap<>();
                r.beginObject();
                while (r.hasNext()) {
                    current = r.nextName();
                    if (r.peek() != JsonToken.STRING) {
                        throw new SafetensorsException(indexFile, current,
                                "weight_map value must be a shard file name, found " + r.peek());
                    }
                    if (out.put(current, r.nextString()) != null) {
                        throw new SafetensorsException(indexFile, current, "duplicate tensor name in weight_map");
                    }
                }
                r.endObject();
                current = null;
            }
            r.endObject();
            if (r.peek() != JsonToken.END_DOCUMENT) {
                throw new SafetensorsException(indexFile, null, "unexpected content after the index object");
            }
        } catch (SafetensorsException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new SafetensorsException(indexFile, current, "malformed index JSON: " + e.getMessage(), e);
        }
        if (out == null) {
            throw new SafetensorsException(indexFile, null, "index has no \"weight_map\" object");
        }
        return out;
    }

    /** The index file. */
    public Path index() {
        return index;
    }

    /** The opened shards. */
    public List<SafetensorsFile> shards() {
        return shards;
    }

    /** {@inheritDoc} */
    @Override
    public Set<String> names() {
        return byName.keySet();
    }

    /** {@inheritDoc} */
    @Override
    public TensorInfo info(String name) {
        return shardOf(name).info(name);
    }

    /** {@inheritDoc} */
    @Override
    public NDArray load(String name, NDManager manager, DataType dtype) {
        return shardOf(name).load(name, manager, dtype);
    }

    /** {@inheritDoc} */
    @Override
    public void readRaw(String name, ByteBuffer dst, long offset) throws IOException {
        shardOf(name).readRaw(name, dst, offset);
    }

    private SafetensorsFile shardOf(String name) {
        SafetensorsFile f = byName.get(name);
        if (f == null) {
            throw new NoSuchElementException(index + ": no tensor named '" + name + "'");
        }
        return f;
    }

    /** {@inheritDoc} */
    @Override
    public void close() {
        shards.forEach(SafetensorsFile::close);
    }
}
