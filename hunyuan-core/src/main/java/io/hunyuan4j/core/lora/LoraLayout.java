package io.hunyuan4j.core.lora;

/** The key layouts a HunyuanVideo LoRA file comes in. */
public enum LoraLayout {
    /**
     * diffusers/PEFT: {@code transformer.<module>.lora_A.weight}, {@code lora_B.weight}, module paths of diffusers'
     * {@code HunyuanVideoTransformer3DModel} (also with {@code base_model.model.} or no prefix).
     */
    DIFFUSERS,
    /**
     * Tencent's original module names ({@code double_blocks.0.img_attn_qkv.lora_A.weight}, also
     * {@code lora_down}/{@code lora_up}, with or without a {@code diffusion_model.}/{@code transformer.} prefix).
     */
    ORIGINAL,
    /** kohya / musubi-tuner: {@code lora_unet_double_blocks_0_img_attn_qkv.lora_down.weight}, {@code .alpha}. */
    KOHYA
}
