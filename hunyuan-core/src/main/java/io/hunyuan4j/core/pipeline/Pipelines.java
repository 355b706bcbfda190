package io.hunyuan4j.core.pipeline;

import io.hunyuan4j.core.api.ComponentOptions;
import io.hunyuan4j.core.config.ConfigException;
import io.hunyuan4j.core.offload.Offload;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * The one entry point that loads a diffusers-layout folder of any family on the class path: HunyuanVideo
 * (hunyuan-core, with hunyuan-text and hunyuan-vae), CogVideoX (hunyuan-cogvideox), HunyuanDiT (hunyuan-dit).
 * The family is chosen from {@code _class_name} in {@code model_index.json}, as diffusers'
 * {@code DiffusionPipeline.from_pretrained} chooses the pipeline class.
 */
public final class Pipelines {

    private Pipelines() {}

    /**
     * Loads {@code modelDir} on the CPU in float32 without offload.
     *
     * @see #fromPretrained(Path, ComponentOptions, Offload)
     */
    public static Generator fromPretrained(Path modelDir) {
        return fromPretrained(modelDir, ComponentOptions.defaults(), Offload.NONE);
    }

    /**
     * Loads {@code modelDir} with the family its {@code model_index.json} names. A folder without
     * {@code _class_name} is read as HunyuanVideo (the SDK's first family, whose tools wrote such folders).
     *
     * @throws IllegalArgumentException if the folder or its {@code model_index.json} is missing
     * @throws ConfigException if {@code _class_name} names a pipeline no family on the class path loads (the
     *     message lists the ones that are loadable and the module to add)
     * @throws io.hunyuan4j.core.HunyuanException for a bad model, from the family's loader
     */
    public static Generator fromPretrained(Path modelDir, ComponentOptions options, Offload offload) {
        return familyOf(modelDir).load(modelDir, options, offload);
    }

    /**
     * {@return the family that loads {@code modelDir}}, from {@code _class_name} in its {@code model_index.json}
     * (HunyuanVideo when the file omits it); reads nothing else.
     *
     * @throws IllegalArgumentException if the folder or its {@code model_index.json} is missing
     * @throws ConfigException if no family on the class path loads that pipeline class
     */
    public static PipelineFamily familyOf(Path modelDir) {
        String cls = PipelineLayout.pipelineClassOf(modelDir);
        String wanted = cls == null ? ModelIndex.PIPELINE_CLASS : cls;
        PipelineFamily family = familyFor(wanted);
        if (family == null) {
            throw new ConfigException(modelDir.resolve("model_index.json") + ": \"_class_name\" is " + wanted
                    + "; the families on the class path load " + loadable() + " (HunyuanVideo needs hunyuan-text"
                    + " and hunyuan-vae, CogVideoX hunyuan-cogvideox, HunyuanDiT hunyuan-dit)");
        }
        return family;
    }

    /** {@return the families on the class path}, in {@link ServiceLoader} order. */
    public static List<PipelineFamily> families() {
        List<PipelineFamily> all = new ArrayList<>();
        ServiceLoader.load(PipelineFamily.class).forEach(all::add);
        return List.copyOf(all);
    }

    /**
     * {@return the family called {@code name}} (e.g. {@code cogvideox})
     *
     * @throws IllegalArgumentException naming the families on the class path when none is called so
     */
    public static PipelineFamily family(String name) {
        for (PipelineFamily f : families()) {
            if (f.name().equals(name)) {
                return f;
            }
        }
        throw new IllegalArgumentException("no model family '" + name + "' on the class path; families: "
                + families().stream().map(PipelineFamily::name).sorted().toList());
    }

    private static @Nullable PipelineFamily familyFor(String pipelineClass) {
        for (PipelineFamily f : families()) {
            if (f.pipelineClasses().contains(pipelineClass)) {
                return f;
            }
        }
        return null;
    }

    private static List<String> loadable() {
        TreeSet<String> names = new TreeSet<>();
        families().forEach(f -> names.addAll(f.pipelineClasses()));
        return List.copyOf(names);
    }
}
