package io.hunyuan4j.core.transformer;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.hunyuan4j.core.api.ComponentOptions;
import io.hunyuan4j.core.api.Denoiser;
import io.hunyuan4j.core.api.GroupOnloader;
import io.hunyuan4j.core.api.Offloadable;
import io.hunyuan4j.core.ops.ComputeDtype;
import io.hunyuan4j.core.ops.F;
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
 * What the denoisers ({@link HunyuanVideoTransformer3D}, CogVideoX's and HunyuanDiT's) take from diffusers'
 * {@code ModelMixin} and would otherwise each write again: the bound weights and their onload units, the
 * resources the model owns (weight manager, lazily read checkpoint) and their release, block offload, the compute
 * dtype and the weight manager's device.
 *
 * <p>A subclass constructor builds its module tree from a {@link StateDict} and ends with
 * {@link #bound(StateDict, boolean, Pattern, List)}; its {@code load} and {@code fromWeights} factories go through
 * {@link #bind} and {@link #owningSource}.
 *
 * @see <a href="https://github.com/huggingface/diffusers/blob/58eb52c0803ea9af3abec60841c2a093bdf1f951/src/diffusers/models/modeling_utils.py">diffusers ModelMixin</a>
 */
public abstract class TransformerModel implements Denoiser, Offloadable {

    private final ComputeDtype computeDtype;
    private final LoadMode loadMode;
    private final List<AutoCloseable> owned = new ArrayList<>();
    // set once by bound(), at the end of the subclass constructor
    private List<Parameter> parameters = List.of();
    private Map<String, List<Parameter>> groups = Map.of();
    private volatile @Nullable GroupOnloader blockOffloader;
    // the weight manager's device when bind() created it; null for a model built from a caller's StateDict
    private @Nullable Device device;

    /**
     * Starts a model whose weights {@code w} binds.
     *
     * @param w the checkpoint view the subclass binds (its load mode decides {@link #reloadable()})
     * @param computeDtype the precision of the forward pass
     */
    protected TransformerModel(StateDict w, ComputeDtype computeDtype) {
        this.computeDtype = computeDtype;
        this.loadMode = w.loadMode();
    }

    /**
     * Ends a subclass constructor: with {@code strict}, checks that every tensor of {@code w} was bound, then takes
     * the bound weights and groups them into onload units.
     *
     * @param unit matches a parameter name's onload unit as group 1 (e.g. {@code ^(blocks\.\d+)\.}); names it does
     *     not match go to {@link #SHARED}
     * @param order the first units, in forward order (so that empty ones still appear)
     * @throws io.hunyuan4j.core.weights.CheckpointMismatchException listing every missing, unexpected and
     *     mis-shaped tensor
     */
    protected final void bound(StateDict w, boolean strict, Pattern unit, List<String> order) {
        if (strict) {
            w.requireAllConsumed();
        }
        this.parameters = w.boundParameters();
        this.groups = Offloadable.group(parameters, order, name -> {
            Matcher m = unit.matcher(name);
            return m.find() ? m.group(1) : SHARED;
        });
    }

    /**
     * The unit order of a model with one stack of {@code count} blocks: {@link #SHARED}, then
     * {@code prefix.0 .. prefix.(count - 1)}.
     */
    protected static List<String> blockOrder(String prefix, int count) {
        List<String> order = new ArrayList<>();
        order.add(SHARED);
        for (int i = 0; i < count; i++) {
            order.add(prefix + "." + i);
        }
        return order;
    }

    /**
     * The mixed-precision weight loader: under {@link ComputeDtype#BF16} the weights whose names {@code blocks}
     * finds load as bf16 and the others as float32; otherwise {@code computeDtype.loader()} for all.
     */
    protected static TensorLoader mixedLoader(ComputeDtype computeDtype, Pattern blocks) {
        TensorLoader inBlocks = computeDtype.loader();
        if (computeDtype != ComputeDtype.BF16) {
            return inBlocks;
        }
        TensorLoader rest = TensorLoader.float32();
        return new TensorLoader() {
            @Override
            public NDArray load(TensorSource source, String name, NDManager manager) {
                return blocks.matcher(name).find() ? inBlocks.load(source, name, manager)
                        : rest.load(source, name, manager);
            }

            @Override
            public int elementBytes() {
                return inBlocks.elementBytes();
            }
        };
    }

    /**
     * Binds {@code source} strictly into a new weight manager on the options' device that the built model owns
     * (capped under {@link LoadMode#EAGER}, so an activation attached to it by mistake throws).
     *
     * @param managerName the weight manager's name, for memory reports
     * @param build builds the model from the state dict
     */
    protected static <M extends TransformerModel> M bind(TensorSource source, ComponentOptions options,
            TensorLoader loader, String where, String managerName, Function<StateDict, M> build) {
        NDManager weights = NDManager.newBaseManager(options.device());
        weights.setName(managerName);
        try {
            StateDict w = StateDict.load(source, weights, options.loadMode(), loader, where);
            M model = build.apply(w);
            if (options.loadMode() == LoadMode.EAGER) {
                weights.cap(); // any activation attached here by mistake now throws
            }
            TransformerModel base = model;
            base.owned.add(weights);
            base.device = options.device();
            return model;
        } catch (RuntimeException e) {
            weights.close();
            throw e;
        }
    }

    /**
     * Builds a model from a checkpoint this call opened: under {@link LoadMode#EAGER} the source is closed once
     * loaded (the loaded arrays stay valid), under {@link LoadMode#LAZY} the model owns it (weights are read from
     * it on use); closed on failure either way.
     */
    protected static <M extends TransformerModel> M owningSource(TensorSource source, ComponentOptions options,
            Function<TensorSource, M> bind) {
        try {
            M model = bind.apply(source);
            if (options.loadMode() == LoadMode.EAGER) {
                source.close();
            } else {
                TransformerModel base = model;
                base.owned.add(source);
            }
            return model;
        } catch (RuntimeException e) {
            source.close();
            throw e;
        }
    }

    /** The names and shapes of the bound weights, in binding order. */
    protected final Map<String, Shape> parameterShapes() {
        Map<String, Shape> out = new LinkedHashMap<>();
        for (Parameter p : parameters) {
            out.put(p.name(), p.shape());
        }
        return out;
    }

    /**
     * The listener a forward pass reports to: under {@link ComputeDtype#BF16} {@code listener} sees every
     * intermediate as float32.
     */
    protected final IntermediateListener float32Intermediates(IntermediateListener listener) {
        if (computeDtype != ComputeDtype.BF16 || listener == IntermediateListener.NONE) {
            return listener;
        }
        return (name, value) -> listener.onIntermediate(name, F.toFloat32(value));
    }

    /** The onloader installed by {@link #blockOffload}, read once per forward pass; null without block offload. */
    protected final @Nullable GroupOnloader blockOffloader() {
        return blockOffloader;
    }

    /** Every bound weight, in binding order. */
    public final List<Parameter> parameters() {
        return parameters;
    }

    /** {@inheritDoc} */
    @Override
    public String component() {
        return "transformer";
    }

    /** {@inheritDoc} */
    @Override
    public final Map<String, List<Parameter>> parameterGroups() {
        return groups;
    }

    /** Whether the weights were bound {@link LoadMode#LAZY}, so offload can release and re-read them. */
    @Override
    public final boolean reloadable() {
        return loadMode == LoadMode.LAZY;
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalStateException if the weights are not bound {@link LoadMode#LAZY}
     */
    @Override
    public final void blockOffload(@Nullable GroupOnloader offloader) {
        requireReloadable(offloader);
        this.blockOffloader = offloader;
    }

    /** The precision the forward pass computes in; inputs and the result are float32 either way. */
    @Override
    public final ComputeDtype computeDtype() {
        return computeDtype;
    }

    /**
     * The device of the weight manager when the model was loaded ({@code load}, {@code fromWeights}); null when it
     * was built from a caller's {@link StateDict}.
     */
    @Override
    public final @Nullable Device device() {
        return device;
    }

    /** Releases every resident weight, and the weight manager and files this model owns. */
    @Override
    public void close() {
        for (Parameter param : parameters) {
            if (param.isLoaded()) {
                param.release();
            }
        }
        for (int i = owned.size() - 1; i >= 0; i--) {
            try {
                owned.get(i).close();
            } catch (Exception e) {
                throw new IllegalStateException("closing transformer resources failed", e);
            }
        }
        owned.clear();
    }
}
