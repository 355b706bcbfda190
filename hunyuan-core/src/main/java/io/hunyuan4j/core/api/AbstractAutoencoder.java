package io.hunyuan4j.core.api;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.hunyuan4j.core.ops.ComputeDtype;
import io.hunyuan4j.core.weights.LoadMode;
import io.hunyuan4j.core.weights.Parameter;
import io.hunyuan4j.core.weights.StateDict;
import io.hunyuan4j.core.weights.TensorLoader;
import io.hunyuan4j.core.weights.TensorSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * What every diffusers-layout VAE ({@code AutoencoderKL}, {@code AutoencoderKLHunyuanVideo},
 * {@code AutoencoderKLCogVideoX}) does alike around its network, as diffusers' {@code ModelMixin} does for them:
 * float32 weights bound from a {@code vae/} checkpoint into a manager of its own, the declared device and compute
 * dtype, and offload by decoder stage.
 *
 * <p><b>Offload.</b> As an {@link Offloadable} (component {@code vae}) the weights form the groups {@link #SHARED}
 * (everything of the decoder side outside its stages: {@code post_quant_conv}, {@code decoder.conv_in}, the
 * output norm and {@code decoder.conv_out}), {@code decoder.mid_block}, each {@code decoder.up_blocks.<i>}, and
 * {@link #ENCODER_GROUP} ({@code encoder.*}, {@code quant_conv.*}), which decoding never enters. With
 * {@link #blockOffload} installed (weights bound LAZY) a decode onloads the shared group once and every decoder
 * stage around its use.
 */
public abstract class AbstractAutoencoder implements LatentDecoder, Offloadable {

    /** The group of encoder-side weights ({@code encoder.*}, {@code quant_conv.*}); decoding never places it. */
    public static final String ENCODER_GROUP = "encoder";

    private static final Pattern DECODER_STAGE =
            Pattern.compile("^(decoder\\.mid_block|decoder\\.up_blocks\\.\\d+)\\.");

    private final ComputeDtype computeDtype;
    private final LoadMode loadMode;
    private final @Nullable NDManager weightManager;
    private final @Nullable TensorSource ownedSource;
    private Map<String, List<Parameter>> groups = Map.of();
    private volatile @Nullable GroupOnloader blockOffloader;

    /**
     * The subclass binds its modules after this and then calls {@link #bindingDone}.
     *
     * @param computeDtype the pipeline compute dtype it is loaded for (its arithmetic is float32 regardless)
     * @param loadMode how the weights were bound
     * @param weightManager the manager holding the weights, closed with this VAE; null when the caller owns them
     * @param ownedSource the checkpoint it opened itself, closed with this VAE; null when the caller owns it
     */
    protected AbstractAutoencoder(ComputeDtype computeDtype, LoadMode loadMode, @Nullable NDManager weightManager,
            @Nullable TensorSource ownedSource) {
        this.computeDtype = computeDtype;
        this.loadMode = loadMode;
        this.weightManager = weightManager;
        this.ownedSource = ownedSource;
    }

    /**
     * Ends the subclass constructor: checks that every tensor of the checkpoint was bound and groups them for
     * offload.
     *
     * @param numUpBlocks the decoder's {@code up_blocks}, one onload group each
     * @throws io.hunyuan4j.core.weights.CheckpointMismatchException listing missing, unexpected and mis-shaped
     *     tensors
     */
    protected final void bindingDone(StateDict w, int numUpBlocks) {
        w.requireAllConsumed();
        this.groups = groupParameters(w.boundParameters(), numUpBlocks);
    }

    /**
     * Onload units in decode order: {@link #SHARED}, {@code decoder.mid_block}, {@code decoder.up_blocks.<i>},
     * then {@link #ENCODER_GROUP}.
     */
    private static Map<String, List<Parameter>> groupParameters(List<Parameter> parameters, int numUpBlocks) {
        List<String> order = new ArrayList<>(List.of(SHARED, "decoder.mid_block"));
        for (int i = 0; i < numUpBlocks; i++) {
            order.add("decoder.up_blocks." + i);
        }
        order.add(ENCODER_GROUP);
        return Offloadable.group(parameters, order, name -> {
            Matcher m = DECODER_STAGE.matcher(name);
            boolean encoderSide = name.startsWith("encoder.") || name.startsWith("quant_conv.");
            return encoderSide ? ENCODER_GROUP : m.find() ? m.group(1) : SHARED;
        });
    }

    // ------------------------------------------------------------------------------------------------ loading

    /** Builds a VAE from its bound weights and the manager that holds them. */
    @FunctionalInterface
    protected interface Binder<V> {
        /** The VAE on {@code w}, whose arrays live in {@code weights}. */
        V bind(StateDict w, NDManager weights);
    }

    /**
     * Binds {@code source}'s {@code vae/} tensors as float32 into a new manager on the options' device and builds
     * the VAE on them; the manager is closed if that fails, and capped after an EAGER load.
     *
     * <p>Float32 under every compute dtype: diffusers' pipelines upcast their VAEs, and bf16 decoder weights miss
     * the 3e-2 bf16 bound on held-out fixtures (docs/vae.md, "bf16").
     */
    protected static <V> V bind(TensorSource source, ComponentOptions options, String managerName, Binder<V> vae) {
        NDManager weights = NDManager.newBaseManager(options.device());
        weights.setName(managerName);
        try {
            StateDict w = StateDict.load(source, weights, options.loadMode(), TensorLoader.float32(), "vae/");
            V built = vae.bind(w, weights);
            if (options.loadMode() == LoadMode.EAGER) {
                weights.cap(); // every weight is resident: any stray attachment now fails loudly (STYLE P6)
            }
            return built;
        } catch (RuntimeException e) {
            weights.close();
            throw e;
        }
    }

    /** {@code load(source)} for a source this VAE will own: closed here if loading fails. */
    protected static <V> V owning(TensorSource source, Function<TensorSource, V> load) {
        try {
            return load.apply(source);
        } catch (RuntimeException e) {
            source.close();
            throw e;
        }
    }

    /** The names and shapes bound on a shape-only probe, in binding order (for {@code parameterShapes}). */
    protected static Map<String, Shape> boundShapes(StateDict probe) {
        Map<String, Shape> shapes = new LinkedHashMap<>();
        for (Parameter p : probe.boundParameters()) {
            shapes.put(p.name(), p.shape());
        }
        return shapes;
    }

    // ------------------------------------------------------------------------------------------------ component

    /**
     * The pipeline compute dtype this VAE was loaded for (checked against the pipeline's). Its weights and
     * arithmetic are float32 under every compute dtype.
     */
    @Override
    public ComputeDtype computeDtype() {
        return computeDtype;
    }

    /** The device of the weight manager this VAE created ({@code load}, {@code fromWeights}), else null. */
    @Override
    public @Nullable Device device() {
        NDManager m = weightManager;
        return m == null ? null : m.getDevice();
    }

    // ------------------------------------------------------------------------------------------------ offload

    /** {@inheritDoc} */
    @Override
    public String component() {
        return "vae";
    }

    /** {@inheritDoc} The groups of the class comment, in decode order, {@link #ENCODER_GROUP} last. */
    @Override
    public Map<String, List<Parameter>> parameterGroups() {
        return groups;
    }

    /** Every group but {@link #ENCODER_GROUP}: what decoding uses. */
    @Override
    public List<String> stageGroups() {
        return groups.keySet().stream().filter(g -> !g.equals(ENCODER_GROUP)).toList();
    }

    /** Whether the weights were bound {@link LoadMode#LAZY}. */
    @Override
    public boolean reloadable() {
        return loadMode == LoadMode.LAZY;
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalStateException if the weights are not bound {@link LoadMode#LAZY}
     */
    @Override
    public void blockOffload(@Nullable GroupOnloader offloader) {
        requireReloadable(offloader);
        this.blockOffloader = offloader;
    }

    /** The onloader {@link #blockOffload} installed, or null: read once per call, so a call sees one value. */
    protected final @Nullable GroupOnloader blockOffloader() {
        return blockOffloader;
    }

    // ------------------------------------------------------------------------------------------------ lifetime

    /** Number of arrays in the weight manager (resident weights), for leak checks. */
    public int residentWeightArrays() {
        NDManager m = weightManager;
        return m == null ? 0 : m.getManagedArrays().size();
    }

    /** Frees the weights and, when loaded from a folder, the checkpoint mapping. */
    @Override
    public void close() {
        NDManager m = weightManager;
        if (m != null) {
            m.close();
        }
        TensorSource s = ownedSource;
        if (s != null) {
            s.close();
        }
    }
}
