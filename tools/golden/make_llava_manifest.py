#!/usr/bin/python3
"""Manifest (names, shapes, parameter count) of HunyuanVideo-I2V's `text_encoder/`: transformers'
`LlavaForConditionalGeneration` of LLaVA-Llama-3-8B-v1.1 (CLIP ViT-L/14-336 vision tower, two-layer GELU
projector 1024 -> 4096 -> 4096, Llama-3-8B with the 128320-token vocabulary of ../shared/golden/manifests/
text_encoder.json), in the format of ../shared/golden/manifests. transformers cannot be imported and the checkpoint
cannot be downloaded here, so the names are those of transformers' modeling_clip.py / modeling_llava.py (the
plain-torch reference in make_llava_fixture.py uses the same) and the widths the published values of CLIP
ViT-L/14-336 and LLaVA-Llama-3-8B; the language model's tensors are the shared Llama manifest's, under
`language_model.model.`, plus the causal-LM head. Written into both I2V manifest folders (the encoder is shared).

    /usr/bin/python3 tools/golden/make_llava_manifest.py --out hunyuan-golden/src/test/resources/manifests \
        --llama ../shared/golden/manifests/text_encoder.json
"""
import argparse
import json
import os

VISION = dict(model_type="clip_vision_model", hidden_size=1024, intermediate_size=4096, num_hidden_layers=24,
              num_attention_heads=16, image_size=336, patch_size=14, num_channels=3, hidden_act="quick_gelu",
              layer_norm_eps=1e-5, projection_dim=768)


def vision_tensors(c):
    d, i = c["hidden_size"], c["intermediate_size"]
    p = "vision_tower.vision_model."
    t = {p + "embeddings.class_embedding": [d],
         p + "embeddings.patch_embedding.weight": [d, c["num_channels"], c["patch_size"], c["patch_size"]],
         p + "embeddings.position_embedding.weight": [(c["image_size"] // c["patch_size"]) ** 2 + 1, d],
         p + "pre_layrnorm.weight": [d], p + "pre_layrnorm.bias": [d],
         p + "post_layernorm.weight": [d], p + "post_layernorm.bias": [d]}
    for n in range(c["num_hidden_layers"]):
        q = f"{p}encoder.layers.{n}."
        for proj in ("q_proj", "k_proj", "v_proj", "out_proj"):
            t[q + f"self_attn.{proj}.weight"] = [d, d]
            t[q + f"self_attn.{proj}.bias"] = [d]
        for ln in ("layer_norm1", "layer_norm2"):
            t[q + ln + ".weight"] = [d]
            t[q + ln + ".bias"] = [d]
        t[q + "mlp.fc1.weight"] = [i, d]
        t[q + "mlp.fc1.bias"] = [i]
        t[q + "mlp.fc2.weight"] = [d, i]
        t[q + "mlp.fc2.bias"] = [d]
    return t


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--llama", required=True)
    args = ap.parse_args()
    llama = json.load(open(args.llama))
    text = llama["config"]
    h = text["hidden_size"]
    tensors = vision_tensors(VISION)
    tensors.update({"multi_modal_projector.linear_1.weight": [h, VISION["hidden_size"]],
                    "multi_modal_projector.linear_1.bias": [h],
                    "multi_modal_projector.linear_2.weight": [h, h], "multi_modal_projector.linear_2.bias": [h]})
    for k, v in llama["tensors"].items():
        tensors["language_model.model." + k] = v["shape"]
    tensors["language_model.lm_head.weight"] = [text["vocab_size"], h]
    n = 0
    for s in tensors.values():
        k = 1
        for x in s:
            k *= x
        n += k
    config = {"architectures": ["LlavaForConditionalGeneration"], "model_type": "llava",
              "image_token_index": 128257, "pad_token_id": 128258, "vision_feature_layer": -2,
              "vision_feature_select_strategy": "default", "projector_hidden_act": "gelu",
              "vision_config": VISION, "text_config": dict(text, architectures=["LlamaForCausalLM"])}
    m = {"config": config, "num_parameters": n,
         "note": "transformers LlavaForConditionalGeneration, text_encoder/ of hunyuanvideo-community/HunyuanVideo-I2V"
                 " (LLaVA-Llama-3-8B-v1.1); names from transformers' modeling files, widths from the published CLIP"
                 " ViT-L/14-336 and Llama-3-8B configs (tools/golden/make_llava_manifest.py); not read from the"
                 " checkpoint, which could not be downloaded here",
         "tensors": {k: {"shape": v} for k, v in sorted(tensors.items())}}
    for folder in ("HunyuanVideo-I2V", "HunyuanVideo-I2V-33ch"):
        with open(os.path.join(args.out, folder, "text_encoder.json"), "w") as f:
            json.dump(m, f, indent=1)
            f.write("\n")
    print(n)


if __name__ == "__main__":
    main()
