#!/usr/bin/python3
"""Manifests (names, shapes, parameter count) of the published HunyuanVideo image-to-video transformers, in the
format of ../shared/golden/manifests: diffusers' HunyuanVideoTransformer3DModel built at its real widths with
every tensor on the meta device (nothing allocated), its state_dict names and shapes written out.

The configs are diffusers' `scripts/convert_hunyuan_video_to_diffusers.py` TRANSFORMER_CONFIGS:
"HYVideo-T/2-I2V-16ch" (token_replace, guidance embeds: hunyuanvideo-community/HunyuanVideo-I2V, used with
guidance_scale=6.0 in the pipeline's docstring) and "HYVideo-T/2-I2V-33ch" (latent_concat, no guidance embeds:
hunyuanvideo-community/HunyuanVideo-I2V-33ch, used with guidance_scale=1.0, true_cfg_scale=1.0).

    /usr/bin/python3 tools/golden/make_i2v_manifests.py --out hunyuan-golden/src/test/resources/manifests \
        --diffusers-src /tmp/diffusers/src
"""
import argparse
import json
import os
import sys

TOOLS = os.environ.get("GOLDEN_TOOLS",
                       os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "shared",
                                    "golden", "tools"))
sys.path.insert(0, os.path.abspath(TOOLS))

import torch  # noqa: E402

import compat  # noqa: E402

BASE = dict(num_attention_heads=24, attention_head_dim=128, num_layers=20, num_single_layers=40,
            num_refiner_layers=2, mlp_ratio=4.0, patch_size=2, patch_size_t=1, qk_norm="rms_norm",
            text_embed_dim=4096, pooled_projection_dim=768, rope_theta=256.0, rope_axes_dim=[16, 56, 56])
MODELS = {
    "HunyuanVideo-I2V": dict(in_channels=16, out_channels=16, guidance_embeds=True,
                             image_condition_type="token_replace", **BASE),
    "HunyuanVideo-I2V-33ch": dict(in_channels=33, out_channels=16, guidance_embeds=False,
                                  image_condition_type="latent_concat", **BASE),
}
CONVERT = {"HunyuanVideo-I2V": "HYVideo-T/2-I2V-16ch", "HunyuanVideo-I2V-33ch": "HYVideo-T/2-I2V-33ch"}


def on_meta():
    """Factory functions called without a device create meta tensors, so a 13B model costs no memory."""
    for name in ("empty", "ones", "zeros"):
        orig = getattr(torch, name)

        def make(orig):
            def f(*a, **k):
                if k.get("device") is None:
                    k["device"] = "meta"
                return orig(*a, **k)
            return f
        setattr(torch, name, make(orig))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--diffusers-src", required=True)
    args = ap.parse_args()
    compat.setup_diffusers(os.path.abspath(args.diffusers_src), stub_transformers=True)
    on_meta()
    from diffusers.models.transformers.transformer_hunyuan_video import HunyuanVideoTransformer3DModel

    for name, cfg in MODELS.items():
        kwargs = dict(cfg, rope_axes_dim=tuple(cfg["rope_axes_dim"]))
        sd = HunyuanVideoTransformer3DModel(**kwargs).state_dict()
        assert all(v.device.type == "meta" for v in sd.values())
        out = {
            "config": cfg,
            "note": (f"diffusers HunyuanVideoTransformer3DModel, transformer/ of hunyuanvideo-community/{name}; "
                     f"config = TRANSFORMER_CONFIGS['{CONVERT[name]}'] of diffusers' "
                     "scripts/convert_hunyuan_video_to_diffusers.py; names and shapes from the module built "
                     "at that config (tools/golden/make_i2v_manifests.py)"),
            "num_parameters": sum(v.numel() for v in sd.values()),
            "tensors": {k: {"shape": list(sd[k].shape)} for k in sorted(sd)},
        }
        d = os.path.join(args.out, name)
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "transformer.json"), "w") as f:
            json.dump(out, f, indent=1)
            f.write("\n")
        print(name, len(sd), out["num_parameters"])


if __name__ == "__main__":
    main()
