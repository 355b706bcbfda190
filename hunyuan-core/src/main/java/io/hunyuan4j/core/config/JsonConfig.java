package io.hunyuan4j.core.config;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A strict reader of a diffusers / transformers {@code config.json}: each key is read with the reference's
 * default beside it, wrong types and invalid values raise a {@link ConfigException} naming the file and key,
 * and keys nobody read are logged at debug by {@link #logUnread()}.
 */
public final class JsonConfig {

    private static final Logger LOG = LoggerFactory.getLogger(JsonConfig.class);

    private final String source;
    private final JsonObject json;
    private final Set<String> read = new LinkedHashSet<>();

    private JsonConfig(String source, JsonObject json) {
        this.source = source;
        this.json = json;
    }

    /**
     * Reads a file.
     *
     * @throws ConfigException if the file is missing, not a regular file, unreadable, not UTF-8 or not a JSON object
     */
    public static JsonConfig read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ConfigException(file + (Files.exists(file) ? ": not a regular file" : ": config file not found"));
        }
        try {
            return parse(file.toString(), Files.readString(file));
        } catch (CharacterCodingException e) {
            throw new ConfigException(file + ": not valid UTF-8 (" + e + ")", e);
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    /**
     * Parses JSON text; {@code source} names it in messages.
     *
     * @throws ConfigException if the text is not a JSON object
     */
    public static JsonConfig parse(String source, String text) {
        try {
            JsonElement e = JsonParser.parseString(text);
            if (!e.isJsonObject()) {
                throw new ConfigException(source + ": config is not a JSON object");
            }
            return new JsonConfig(source, e.getAsJsonObject());
        } catch (ConfigException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new ConfigException(source + ": malformed JSON: " + e.getMessage(), e);
        }
    }

    /** Wraps an object already parsed (e.g. one entry of a combined config). */
    public static JsonConfig of(String source, JsonObject json) {
        return new JsonConfig(source, json);
    }

    /** Where this config came from, for messages. */
    public String source() {
        return source;
    }

    /** The raw JSON (read-only use). */
    public JsonObject json() {
        return json;
    }

    /** Whether the key is present and not null. */
    public boolean has(String key) {
        return json.has(key) && !json.get(key).isJsonNull();
    }

    /** A nested object as its own config. */
    public JsonConfig object(String key) {
        JsonElement e = required(key);
        if (!e.isJsonObject()) {
            throw invalid(key, "an object", e);
        }
        return new JsonConfig(source + "#" + key, e.getAsJsonObject());
    }

    /** {@return the integer at {@code key}, or {@code def} when absent} */
    public int getInt(String key, int def) {
        return has(key) ? intValue(key, value(key)) : markDefault(key, def);
    }

    /** {@return the integer at {@code key}, which is required} */
    public int getInt(String key) {
        return intValue(key, required(key));
    }

    /** {@return the integer at {@code key}, or {@code def} when absent} */
    public long getLong(String key, long def) {
        if (!has(key)) {
            read.add(key);
            return def;
        }
        JsonElement e = value(key);
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
            throw invalid(key, "an integer", e);
        }
        try {
            return e.getAsBigDecimal().longValueExact();
        } catch (ArithmeticException | NumberFormatException ex) {
            throw invalid(key, "an integer", e);
        }
    }

    /** {@return the number at {@code key} as a float, or {@code def} when absent} */
    public float getFloat(String key, float def) {
        return has(key) ? floatValue(key, value(key)) : markDefault(key, def);
    }

    /** {@return the number at {@code key} as a float, which is required} */
    public float getFloat(String key) {
        return floatValue(key, required(key));
    }

    /** {@return the number at {@code key}, or {@code def} when absent} */
    public double getDouble(String key, double def) {
        if (!has(key)) {
            read.add(key);
            return def;
        }
        return floatOrDouble(key, value(key));
    }

    /** {@return the boolean at {@code key}, or {@code def} when absent} */
    public boolean getBoolean(String key, boolean def) {
        if (!has(key)) {
            read.add(key);
            return def;
        }
        JsonElement e = value(key);
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isBoolean()) {
            throw invalid(key, "true or false", e);
        }
        return e.getAsBoolean();
    }

    /** {@return the string at {@code key}, or {@code def} when absent} */
    public String getString(String key, String def) {
        if (!has(key)) {
            read.add(key);
            return def;
        }
        return stringValue(key, value(key));
    }

    /** {@return the string at {@code key}, or null when absent} */
    public @Nullable String getStringOrNull(String key) {
        read.add(key);
        return has(key) ? stringValue(key, json.get(key)) : null;
    }

    /** {@return the string at {@code key}, which is required} */
    public String getString(String key) {
        return stringValue(key, required(key));
    }

    /** {@return the integer array at {@code key}, or a copy of {@code def} when absent} */
    public int[] getIntArray(String key, int... def) {
        if (!has(key)) {
            read.add(key);
            return def.clone();
        }
        JsonArray a = array(key);
        int[] out = new int[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = intValue(key + "[" + i + "]", a.get(i));
        }
        return out;
    }

    /** A number array, e.g. {@code "scaling_factors": [0.5, 1.0]}; absent gives a copy of {@code def}. */
    public float[] getFloatArray(String key, float... def) {
        if (!has(key)) {
            read.add(key);
            return def.clone();
        }
        JsonArray a = array(key);
        float[] out = new float[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = floatValue(key + "[" + i + "]", a.get(i));
        }
        return out;
    }

    /** {@return the string array at {@code key}, or {@code def} when absent} */
    public List<String> getStringList(String key, List<String> def) {
        if (!has(key)) {
            read.add(key);
            return def;
        }
        JsonArray a = array(key);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < a.size(); i++) {
            out.add(stringValue(key + "[" + i + "]", a.get(i)));
        }
        return List.copyOf(out);
    }

    /**
     * Fails unless {@code ok}; the message names the file, key, value and rule.
     */
    public void require(boolean ok, String key, String rule) {
        if (!ok) {
            throw new ConfigException(source + ": invalid value for \"" + key + "\" = "
                    + (json.has(key) ? json.get(key) : "(default)") + ": " + rule);
        }
    }

    /** Keys present in the file that no reader asked for. */
    public Set<String> unreadKeys() {
        Set<String> out = new TreeSet<>(json.keySet());
        out.removeAll(read);
        out.removeIf(k -> k.startsWith("_"));
        return out;
    }

    /** Logs, at debug, keys present in the file that no reader asked for. */
    public void logUnread() {
        Set<String> unread = unreadKeys();
        if (!unread.isEmpty()) {
            LOG.debug("{}: ignoring keys {}", source, unread);
        }
    }

    private JsonElement value(String key) {
        read.add(key);
        return json.get(key);
    }

    private JsonElement required(String key) {
        read.add(key);
        if (!has(key)) {
            throw new ConfigException(source + ": missing required key \"" + key + "\"");
        }
        return json.get(key);
    }

    private JsonArray array(String key) {
        JsonElement e = value(key);
        if (!e.isJsonArray()) {
            throw invalid(key, "an array", e);
        }
        return e.getAsJsonArray();
    }

    private <T> T markDefault(String key, T def) {
        read.add(key);
        return def;
    }

    private int intValue(String key, JsonElement e) {
        try {
            if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
                throw invalid(key, "an integer", e);
            }
            double d = e.getAsDouble();
            if (d != Math.rint(d) || d > Integer.MAX_VALUE || d < Integer.MIN_VALUE) {
                throw invalid(key, "an integer", e);
            }
            return (int) d;
        } catch (ConfigException ce) {
            throw ce;
        } catch (RuntimeException ex) {
            throw invalid(key, "an integer", e);
        }
    }

    private float floatValue(String key, JsonElement e) {
        float f = (float) floatOrDouble(key, e);
        if (Float.isInfinite(f)) {
            throw invalid(key, "a finite number in float range", e);
        }
        return f;
    }

    private double floatOrDouble(String key, JsonElement e) {
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
            throw invalid(key, "a number", e);
        }
        double d;
        try {
            d = e.getAsDouble();
        } catch (NumberFormatException ex) {
            throw invalid(key, "a finite number", e);
        }
        if (!Double.isFinite(d)) {
            throw invalid(key, "a finite number", e);
        }
        return d;
    }

    private String stringValue(String key, JsonElement e) {
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
            throw invalid(key, "a string", e);
        }
        return e.getAsString();
    }

    private ConfigException invalid(String key, String expected, JsonElement got) {
        return new ConfigException(source + ": key \"" + key + "\" must be " + expected + " but is " + got);
    }
}
