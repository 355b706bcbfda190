package io.hunyuan4j.core.ops;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SDK's TorchScript kernel library: the ops DJL 0.35 lacks (fused SDPA, RMSNorm, GroupNorm, tanh-GELU,
 * replicate padding, bf16 conversions, bf16 softmax), written as TorchScript source (the resource
 * {@code kernels.py} beside this class), turned into an archive by {@link TorchScriptArchive} in Java and loaded
 * by DJL's PyTorch engine. Nothing is downloaded and no Python runs.
 *
 * <p><b>Loaded once per device.</b> The library is held in a lazily filled map keyed by {@link Device}. This is
 * not mutable state in the sense of the house style (no behaviour changes through it): it is a cache of an
 * immutable native resource, like a JDBC driver or a loaded native library. Each entry is written once, by the
 * first op that runs on that device, and never replaced; it lives until the JVM exits. The only per-entry state
 * that changes is the set of methods that failed at run time while the composed path succeeded on the same
 * inputs, so later calls go straight to the composed path (logged once per method).
 *
 * <p><b>Fallback.</b> If the library cannot be loaded on a device (or {@code -Dhunyuan.ops.kernels=false}), or
 * a method is missing or fails, {@link F} uses composed DJL ops with the same contract, and this is logged once
 * (SLF4J, logger {@code io.hunyuan4j.core.ops.Kernels}). bf16 has no composed equivalent: without the library no
 * bf16 tensor can exist, and asking for one throws {@link UnsupportedOperationException}.
 *
 * <p><b>Outputs are ordinary tensors.</b> Methods run through {@code IValueUtils.forward(block, inputs, true)}
 * with a {@code module_method:NAME} selector, outside {@code c10::InferenceMode}, so callers may modify results in
 * place ({@code IValueUtils.runMethod} would return inference tensors that reject in-place ops). Autograd records
 * nothing because no input requires a gradient. Non-tensor arguments (eps, group counts, pads) travel as 0-d or
 * 1-d tensors and are unpacked inside the method. Results belong to the first argument's manager.
 */
public final class Kernels {

    /** Set this system property to {@code false} to force the composed DJL ops everywhere. */
    public static final String ENABLED_PROPERTY = "hunyuan.ops.kernels";

    static final String SOURCE = "kernels.py";
    private static final String CLASS_NAME = "Kernels";
    private static final Logger LOG = LoggerFactory.getLogger(Kernels.class);
    private static final Pattern DEF = Pattern.compile("^\\s*def (\\w+)\\(", Pattern.MULTILINE);

    /** Immutable native resource cache, see the class comment. */
    private static final ConcurrentMap<Device, Loaded> LOADED = new ConcurrentHashMap<>();

    private record Loaded(@Nullable Kernels kernels, String status) {}

    private final Device device;
    /** Held so it stays reachable: DJL's model finalizer would otherwise release the module under us. */
    private final Model model;
    private final PtSymbolBlock block;
    private final Set<String> methods;
    private final Map<String, NDArray> selectors;
    private final Set<String> failed = ConcurrentHashMap.newKeySet();

    private Kernels(Device device, Model model, Set<String> methods) {
        this.device = device;
        this.model = model;
        this.block = (PtSymbolBlock) model.getBlock();
        this.methods = Set.copyOf(methods);
        Map<String, NDArray> sel = new ConcurrentHashMap<>();
        for (String m : methods) {
            NDArray s = model.getNDManager().create(0f);
            s.setName("module_method:" + m);
            sel.put(m, s);
        }
        this.selectors = Map.copyOf(sel);
    }

    /** Whether the kernel library is loaded on {@code device} (loading it on first use). */
    public static boolean available(Device device) {
        return forDevice(device) != null;
    }

    /** The methods the library offers on {@code device}, empty if it is unavailable. */
    public static Set<String> methods(Device device) {
        Kernels k = forDevice(device);
        return k == null ? Set.of() : new TreeSet<>(k.methods);
    }

    /** One line saying which path F uses on {@code device} and why; for logs and provenance. */
    public static String status(Device device) {
        return LOADED.computeIfAbsent(device, Kernels::load).status();
    }

    /** The method names defined in the TorchScript source. */
    static Set<String> declaredMethods() {
        Set<String> names = new LinkedHashSet<>();
        Matcher m = DEF.matcher(source());
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    static @Nullable Kernels forDevice(Device device) {
        return LOADED.computeIfAbsent(device, Kernels::load).kernels();
    }

    /** The library for {@code x}'s device, or null if x is not a PyTorch tensor or the library is unavailable. */
    static @Nullable Kernels on(NDArray x) {
        return x instanceof PtNDArray ? forDevice(x.getDevice()) : null;
    }

    /** Methods that failed at run time and were replaced by the composed path (tests assert this stays empty). */
    Set<String> failedMethods() {
        return Set.copyOf(failed);
    }

    /** Whether {@code method} can be called. */
    boolean has(String method) {
        return methods.contains(method) && !failed.contains(method);
    }

    /**
     * Runs {@code method} of the library for x's device if it can, else {@code composed}. A kernel failure
     * (EngineException) falls back to {@code composed} for this call; if the composed path succeeds on the same
     * inputs the kernel is blamed, logged once and not tried again. If it fails too, its exception propagates.
     */
    static NDArray dispatch(NDArray x, String method, Function<Kernels, NDArray> kernel, Supplier<NDArray> composed) {
        Kernels k = on(x);
        if (k == null || !k.has(method)) {
            return composed.get();
        }
        try {
            return kernel.apply(k);
        } catch (EngineException e) {
            NDArray r = composed.get();
            if (k.failed.add(method)) {
                LOG.warn("ops: TorchScript kernel '{}' failed on {} ({}); the composed DJL op gave a result, so"
                        + " '{}' uses the composed op from now on", method, k.device, e.getMessage(), method);
            }
            return r;
        }
    }

    /**
     * The library for x's device, required by an op that has no composed equivalent (bf16).
     *
     * @throws UnsupportedOperationException naming the op and why the library is unavailable
     */
    static Kernels require(NDArray x, String method) {
        Kernels k = on(x);
        if (k == null || !k.methods.contains(method)) {
            String why = x instanceof PtNDArray ? status(x.getDevice()) : "not a PyTorch-engine array";
            throw new UnsupportedOperationException("bf16 needs the TorchScript kernel method '" + method
                    + "', which is unavailable: " + why + "; use ComputeDtype.FLOAT32");
        }
        return k;
    }

    /**
     * Calls a method. Arguments: NDArray (passed as is), Float/Double (a 0-d float32 tensor), Integer/Long (a
     * 0-d int64 tensor), long[] (a 1-d int64 tensor). The result belongs to the first argument's manager.
     */
    NDArray call(String method, NDArray first, Object... rest) {
        NDArray selector = selectors.get(method);
        if (selector == null) {
            throw new IllegalArgumentException("kernel library has no method '" + method + "'");
        }
        NDManager m = first.getManager();
        List<NDArray> temps = new ArrayList<>();
        try {
            NDList in = new NDList(rest.length + 2);
            in.add(unnamed(first, temps));
            for (Object o : rest) {
                in.add(argument(o, m, temps));
            }
            in.add(selector);
            return IValueUtils.forward(block, in, true).singletonOrThrow();
        } finally {
            for (NDArray t : temps) {
                t.close();
            }
        }
    }

    private static NDArray argument(Object o, NDManager m, List<NDArray> temps) {
        NDArray a;
        if (o instanceof NDArray n) {
            return unnamed(n, temps);
        } else if (o instanceof Float || o instanceof Double) {
            a = HostArrays.scalar(m, ((Number) o).floatValue());
        } else if (o instanceof Integer || o instanceof Long) {
            a = HostArrays.scalar(m, ((Number) o).longValue());
        } else if (o instanceof long[] l) {
            a = HostArrays.longs(m, l);
        } else {
            throw new IllegalArgumentException("unsupported kernel argument type " + o.getClass().getName());
        }
        temps.add(a);
        return a;
    }

    /** DJL reads meaning into input names (dots, brackets, module_method:); pass named arrays as unnamed views. */
    private static NDArray unnamed(NDArray x, List<NDArray> temps) {
        if (x.getName() == null) {
            return x;
        }
        NDArray alias = x.reshape(x.getShape());
        alias.setName(null);
        temps.add(alias);
        return alias;
    }

    // ---- bf16 ----

    /** Whether x holds bf16: DJL reports a native bf16 tensor as UNKNOWN, and the SDK creates no other kind. */
    static boolean isBf16(NDArray x) {
        return x.getDataType() == DataType.UNKNOWN;
    }

    /** x converted to bf16 ({@code x.to(torch.bfloat16)}); x itself if already bf16. */
    static NDArray toBf16(NDArray x) {
        if (isBf16(x)) {
            return x;
        }
        return require(x, "to_bf16").call("to_bf16", x);
    }

    /** Raw bf16 bit patterns carried in a FLOAT16 array, reinterpreted as bf16 (a native memcpy). */
    static NDArray bf16FromBits(NDArray raw) {
        if (raw.getDataType() != DataType.FLOAT16) {
            throw new IllegalArgumentException("raw bf16 bits must be carried in a FLOAT16 array but the array is "
                    + raw.getDataType());
        }
        return require(raw, "bf16_bits_to_bf16").call("bf16_bits_to_bf16", raw);
    }

    // ---- loading ----

    private static Loaded load(Device device) {
        if ("false".equalsIgnoreCase(System.getProperty(ENABLED_PROPERTY))) {
            String s = "TorchScript kernels disabled by -D" + ENABLED_PROPERTY + "=false on " + device
                    + "; F uses composed DJL ops and bf16 is unavailable";
            LOG.info("ops: {}", s);
            return new Loaded(null, s);
        }
        Path dir = null;
        try {
            dir = Files.createTempDirectory("hunyuan4j-kernels");
            Path pt = dir.resolve("kernels.pt");
            TorchScriptArchive.write(pt, "kernels", CLASS_NAME, source());
            Model model = Model.newInstance("hunyuan4j-kernels", device, "PyTorch");
            try {
                model.load(pt);
            } catch (IOException | RuntimeException | ai.djl.MalformedModelException e) {
                model.close();
                throw e;
            }
            Set<String> loaded = Set.of(JniUtils.getMethodNames((PtSymbolBlock) model.getBlock()));
            Set<String> missing = new TreeSet<>(declaredMethods());
            missing.removeAll(loaded);
            Kernels k = new Kernels(device, model, loaded);
            String s = "TorchScript kernels loaded on " + device + " (" + loaded.size() + " methods)"
                    + (missing.isEmpty() ? "" : "; missing " + missing + ": composed DJL ops replace them");
            if (missing.isEmpty()) {
                LOG.info("ops: {}", s);
            } else {
                LOG.warn("ops: {}", s);
            }
            return new Loaded(k, s);
        } catch (Exception | LinkageError e) {
            String s = "TorchScript kernels unavailable on " + device + " (" + e + "); F uses composed DJL ops"
                    + " and bf16 is unavailable";
            LOG.warn("ops: {}", s);
            return new Loaded(null, s);
        } finally {
            deleteQuietly(dir);
        }
    }

    private static void deleteQuietly(@Nullable Path dir) {
        if (dir == null) {
            return;
        }
        try {
            Files.deleteIfExists(dir.resolve("kernels.pt"));
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            LOG.debug("could not delete {}: {}", dir, e.toString());
        }
    }

    static String source() {
        try (InputStream in = Kernels.class.getResourceAsStream(SOURCE)) {
            if (in == null) {
                throw new IllegalStateException("resource " + SOURCE + " missing beside " + Kernels.class.getName());
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
