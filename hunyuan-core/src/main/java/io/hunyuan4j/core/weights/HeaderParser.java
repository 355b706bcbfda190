package io.hunyuan4j.core.weights;

import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Strict streaming reader of a safetensors JSON header. A tree parser would silently keep the last of two
 * entries with the same name; this one sees every key, so duplicates are reported, and it rejects the lenient
 * syntax (unquoted names, single quotes, trailing garbage) that Gson's tree parser accepts.
 *
 * <p>Entry keys other than {@code dtype}, {@code shape} and {@code data_offsets} are ignored, as the reference
 * deserializer ignores them.
 */
final class HeaderParser {

    /** One tensor entry as written, before its offsets are checked against the file. */
    record Entry(String name, DType dtype, long[] shape, long begin, long end) { }

    /** The parsed header. */
    record Header(List<Entry> entries, Map<String, String> metadata) { }

    /** The reserved key of the free-form string map. */
    static final String METADATA = "__metadata__";

    private final Path file;
    private @Nullable String current;

    private HeaderParser(Path file) {
        this.file = file;
    }

    /**
     * Parses {@code json}.
     *
     * @throws SafetensorsException naming the file and, when known, the tensor whose entry is malformed
     */
    static Header parse(Path file, String json) {
        return new HeaderParser(file).run(json);
    }

    private Header run(String json) {
        List<Entry> entries = new ArrayList<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        Set<String> seen = new HashSet<>();
        try (JsonReader r = new JsonReader(new StringReader(json))) {
            r.setStrictness(Strictness.STRICT);
            if (r.peek() != JsonToken.BEGIN_OBJECT) {
                throw error("header is not a JSON object");
            }
            r.beginObject();
            while (r.hasNext()) {
                String name = r.nextName();
                current = name;
                if (!seen.add(name)) {
                    throw error(name.equals(METADATA) ? "\"__metadata__\" appears twice in the header"
                            : "duplicate tensor name in the header");
                }
                if (name.equals(METADATA)) {
                    readMetadata(r, metadata);
                } else {
                    entries.add(readEntry(r, name));
                }
                current = null;
            }
            r.endObject();
            if (r.peek() != JsonToken.END_DOCUMENT) {
                throw error("unexpected content after the header object");
            }
        } catch (SafetensorsException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new SafetensorsException(file, current, "malformed JSON header: " + e.getMessage(), e);
        }
        return new Header(entries, metadata);
    }

    private void readMetadata(JsonReader r, Map<String, String> metadata) throws IOException {
        if (r.peek() != JsonToken.BEGIN_OBJECT) {
            throw error("__metadata__ must be an object of strings, found " + r.peek());
        }
        r.beginObject();
        while (r.hasNext()) {
            String key = r.nextName();
            if (metadata.containsKey(key)) {
                throw error("duplicate __metadata__ key '" + key + "'");
            }
            if (r.peek() != JsonToken.STRING) {
                throw error("__metadata__ value of '" + key + "' must be a string, found " + r.peek());
            }
            metadata.put(key, r.nextString());
        }
        r.endObject();
    }

    private Entry readEntry(JsonReader r, String name) throws IOException {
        if (r.peek() != JsonToken.BEGIN_OBJECT) {
            throw error("entry must be an object with dtype, shape and data_offsets, found " + r.peek());
        }
        String dtype = null;
        long[] shape = null;
        long[] offsets = null;
        Set<String> keys = new HashSet<>();
        r.beginObject();
        while (r.hasNext()) {
            String key = r.nextName();
            if (!keys.add(key)) {
                throw error("duplicate key '" + key + "' in the entry");
            }
            switch (key) {
                case "dtype" -> {
                    if (r.peek() != JsonToken.STRING) {
                        throw error("dtype must be a string, found " + r.peek());
                    }
                    dtype = r.nextString();
                }
                case "shape" -> shape = readLongs(r, "shape");
                case "data_offsets" -> offsets = readLongs(r, "data_offsets");
                default -> r.skipValue();
            }
        }
        r.endObject();
        if (dtype == null || shape == null || offsets == null) {
            throw error("entry needs dtype, shape and data_offsets; has " + keys);
        }
        DType parsed;
        try {
            parsed = DType.parse(dtype);
        } catch (IllegalArgumentException e) {
            throw new SafetensorsException(file, name, Objects.requireNonNullElse(e.getMessage(), e.toString()), e);
        }
        for (long d : shape) {
            if (d < 0) {
                throw error("negative dimension in shape " + java.util.Arrays.toString(shape));
            }
        }
        if (offsets.length != 2) {
            throw error("data_offsets must have 2 entries, found " + java.util.Arrays.toString(offsets));
        }
        return new Entry(name, parsed, shape, offsets[0], offsets[1]);
    }

    private long[] readLongs(JsonReader r, String what) throws IOException {
        if (r.peek() != JsonToken.BEGIN_ARRAY) {
            throw error(what + " must be an array of integers, found " + r.peek());
        }
        List<Long> out = new ArrayList<>();
        r.beginArray();
        while (r.hasNext()) {
            if (r.peek() != JsonToken.NUMBER) {
                throw error(what + " must hold integers, found " + r.peek());
            }
            String s = r.nextString();
            try {
                out.add(Long.parseLong(s));
            } catch (NumberFormatException e) {
                throw error(what + " must hold integers, found " + s);
            }
        }
        r.endArray();
        long[] a = new long[out.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = out.get(i);
        }
        return a;
    }

    private SafetensorsException error(String message) {
        return new SafetensorsException(file, current, message);
    }
}
