package io.hunyuan4j.core.weights;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * A sharded checkpoint: {@code *.safetensors.index.json} with a {@code weight_map} from tensor name to shard
 * file. Every shard is opened and validated up front; tensors are read lazily.
 */
public final class ShardedSafetensors implements TensorSource {

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
     * @throws SafetensorsException if the index is malformed, a shard is missing, a name maps to a shard that
     *     lacks it, or two shards hold the same name
     */
    public static ShardedSafetensors open(Path indexFile) {
        JsonObject weightMap;
        try {
            JsonElement root = JsonParser.parseString(Files.readString(indexFile));
            if (!root.isJsonObject() || !root.getAsJsonObject().has("weight_map")
                    || !root.getAsJsonObject().get("weight_map").isJsonObject()) {
                throw new SafetensorsException(indexFile, null, "index has no \"weight_map\" object");
            }
            weightMap = root.getAsJsonObject().getAsJsonObject("weight_map");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + indexFile, e);
        } catch (SafetensorsException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new SafetensorsException(indexFile, null, "malformed index JSON: " + e.getMessage(), e);
        }
        Path dir = indexFile.toAbsolutePath().getParent();
        Map<String, SafetensorsFile> files = new LinkedHashMap<>();
        Map<String, SafetensorsFile> byName = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, JsonElement> e : weightMap.entrySet()) {
                String shardName = e.getValue().getAsString();
                SafetensorsFile shard = files.get(shardName);
                if (shard == null) {
                    Path p = dir.resolve(shardName);
                    if (!Files.isRegularFile(p)) {
                        throw new SafetensorsException(indexFile, e.getKey(), "shard file '" + shardName
                                + "' named in the index is missing (expected at " + p + ")");
                    }
                    shard = SafetensorsFile.open(p);
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
                }
            }
        } catch (RuntimeException e) {
            files.values().forEach(SafetensorsFile::close);
            throw e;
        }
        return new ShardedSafetensors(indexFile, Collections.unmodifiableMap(byName),
                List.copyOf(new ArrayList<>(files.values())));
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
