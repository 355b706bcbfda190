#!/usr/bin/python3
"""Step-cache parity fixtures for hunyuan4j: diffusers' cache hooks (First-Block Cache, TaylorSeer in its lite
and its default (full) mode, MagCache) on a tiny HunyuanVideo DiT, run through a true-CFG flow-match Euler loop
with the pipeline's `cache_context("cond")` / `("uncond")`, recording each context's compute/skip decision per
step and the final latents. Built with the shared generator's helpers (../shared/golden/tools/make_golden.py).

    /usr/bin/python3 tools/golden/make_cache_fixtures.py \
        --out hunyuan-golden/src/test/resources/golden-sets/cache --diffusers-src /tmp/diffusers/src

Files: config.json (the DiT's diffusers config), weights.safetensors, inputs.safetensors (latents, cond/uncond
prompt embeds, masks, pooled, guidance, sigmas), outputs.safetensors (<strategy>.latents, <strategy>.decisions
[steps, 2] with 1 = block stack computed, 0 = skipped, column 0 cond and 1 uncond; for TaylorSeer's full
mode, whose blocks always run, 1 = the hooked attention modules computed, 0 = forecast, and
<strategy>.attn_computed [steps, 2] the number of the DiT's attention modules that ran;
magcache_calibration.ratios [2, steps]), cache.json (each strategy's settings, the measured difference from
the uncached latents). The thresholds (FBC 0.8, MagCache 0.4; env FBC_THRESHOLD, MAG_THRESHOLD) are far above
the defaults because random tiny weights change much more per step than a trained model: they give a mix of
computed and skipped steps, with no relative distance within 1 % of a threshold.
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
import make_golden as mg  # noqa: E402
import stio  # noqa: E402

SEED = 2468
STEPS = 12
SHIFT = 7.0
TRUE_CFG = 3.0
CONFIG = dict(in_channels=4, out_channels=4, num_attention_heads=2, attention_head_dim=8, num_layers=2,
              num_single_layers=2, num_refiner_layers=1, mlp_ratio=2.0, patch_size=2, patch_size_t=1,
              qk_norm="rms_norm", guidance_embeds=True, text_embed_dim=16, pooled_projection_dim=8,
              rope_theta=256.0, rope_axes_dim=(2, 2, 4), image_condition_type=None)
BATCH, FRAMES, HEIGHT, WIDTH, TEXT_LEN = 2, 2, 4, 6, 7
VALID = [[4, 7], [2, 5]]  # cond, uncond valid tokens per batch item


def inputs():
    g = mg.gen(SEED + 100)
    out = {"latents": mg.randn((BATCH, CONFIG["in_channels"], FRAMES, HEIGHT, WIDTH), g)}
    for i, name in enumerate(("cond", "uncond")):
        mask = torch.zeros(BATCH, TEXT_LEN, dtype=torch.int64)
        for b, n in enumerate(VALID[i]):
            mask[b, :n] = 1
        out[name + ".prompt_embeds"] = mg.randn((BATCH, TEXT_LEN, CONFIG["text_embed_dim"]), g)
        out[name + ".attention_mask"] = mask
        out[name + ".pooled"] = mg.randn((BATCH, CONFIG["pooled_projection_dim"]), g)
    out["guidance"] = torch.full((BATCH,), 6000.0)
    # flow-match Euler: linspace(1, 1/N) shifted as diffusers' FlowMatchEulerDiscreteScheduler, then 0
    s = torch.linspace(1.0, 1.0 / STEPS, STEPS, dtype=torch.float64)
    s = SHIFT * s / (1 + (SHIFT - 1) * s)
    out["sigmas"] = torch.cat([s, torch.zeros(1, dtype=torch.float64)]).float()
    return out


def denoise(model, inp, computed, attn=None):
    """The true-CFG loop; `computed` counts runs of the last block (or of whatever `attn[0]` counts), read
    before/after each call; `attn[1]` counts the attention modules that ran."""
    latents = inp["latents"].clone()
    sig = inp["sigmas"]
    decisions = torch.zeros(STEPS, 2)
    attn_computed = torch.zeros(STEPS, 2)
    for i in range(STEPS):
        t = (sig[i] * 1000.0).expand(BATCH)
        preds = []
        for c, name in enumerate(("cond", "uncond")):
            before = computed[0]
            attn_before = attn[1] if attn else 0
            with model.cache_context(name):
                preds.append(model(hidden_states=latents, timestep=t,
                                   encoder_hidden_states=inp[name + ".prompt_embeds"],
                                   encoder_attention_mask=inp[name + ".attention_mask"],
                                   pooled_projections=inp[name + ".pooled"], guidance=inp["guidance"],
                                   return_dict=False)[0])
            decisions[i, c] = 1.0 if computed[0] > before else 0.0
            if attn:
                attn_computed[i, c] = attn[1] - attn_before
        pos, neg = preds
        pred = neg + TRUE_CFG * (pos - neg)
        latents = latents + (sig[i + 1] - sig[i]) * pred
    return latents, decisions, attn_computed


def attn_counter(model):
    """[runs of transformer_blocks.0.attn, runs of any block attention]: counted on `to_q`, which runs only when
    the attention module itself does (a TaylorSeer hook replaces the module's forward on predicted steps)."""
    counts = [0, 0]
    for i, block in enumerate(list(model.transformer_blocks) + list(model.single_transformer_blocks)):
        def hook(mod, a, o, first=(i == 0)):
            counts[1] += 1
            if first:
                counts[0] += 1
        block.attn.to_q.register_forward_hook(hook)
    return counts


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--diffusers-src", required=True)
    args = ap.parse_args()
    mg.D = compat.setup_diffusers(os.path.abspath(args.diffusers_src), stub_transformers=True)
    from diffusers.hooks import FirstBlockCacheConfig, MagCacheConfig, TaylorSeerCacheConfig
    from diffusers.hooks import mag_cache

    def fresh():
        m = mg.build_transformer(CONFIG)
        mg.reinit_(m, SEED)
        computed = [0]
        m.single_transformer_blocks[-1].norm.register_forward_hook(
            lambda mod, a, o: computed.__setitem__(0, computed[0] + 1))
        return m, computed

    inp = inputs()
    model, computed = fresh()
    weights = mg.state_dict_f32(model)
    config = mg.diffusers_config_json(model)
    outs = {}
    lat, dec, _ = denoise(model, inp, computed)
    outs["none.latents"], outs["none.decisions"] = lat, dec

    # MagCache calibration: the ratios per context, captured before the end-of-run reset
    ratios = {}
    orig = mag_cache.MagCacheBlockHook._perform_calibration_step

    def capture(self, state, residual):
        orig(self, state, residual)
        ratios[self.state_manager._current_context] = list(state.calibration_ratios)

    mag_cache.MagCacheBlockHook._perform_calibration_step = capture
    model, computed = fresh()
    model.enable_cache(MagCacheConfig(calibrate=True, num_inference_steps=STEPS))
    denoise(model, inp, computed)
    mag_cache.MagCacheBlockHook._perform_calibration_step = orig
    outs["magcache_calibration.ratios"] = torch.tensor([ratios["cond"], ratios["uncond"]])

    settings = {
        "fbc": {"threshold": float(os.environ.get("FBC_THRESHOLD", "0.8"))},
        "taylorseer": {"cache_interval": 3, "disable_cache_before_step": 2, "disable_cache_after_step": 10,
                       "max_order": 2},
        "magcache": {"threshold": float(os.environ.get("MAG_THRESHOLD", "0.4")), "max_skip_steps": 2,
                     "retention_ratio": 0.2, "num_inference_steps": STEPS,
                     "mag_ratios": [float(x) for x in ratios["cond"]]},
    }
    configs = {
        "fbc": FirstBlockCacheConfig(**settings["fbc"]),
        "taylorseer": TaylorSeerCacheConfig(taylor_factors_dtype=torch.float32, use_lite_mode=True,
                                            **settings["taylorseer"]),
        "magcache": MagCacheConfig(**settings["magcache"]),
    }
    # TaylorSeer's default mode (use_lite_mode=False): the attention modules the default identifiers hook
    # (transformer_blocks.*.attn, single_transformer_blocks.*.attn) are forecast on predicted steps while the rest
    # of every block runs; as diffusers' default config, and with bf16 factors (diffusers' default dtype), and
    # with explicit identifiers: the dual blocks' attention forecast, the last single block's attention zero on
    # predicted steps (skip_predict), the first single block's attention not hooked
    full = ["taylorseer_full", "taylorseer_full_bf16", "taylorseer_custom"]
    for name in full:
        settings[name] = dict(settings["taylorseer"], use_lite_mode=False, taylor_factors_dtype="float32")
    settings["taylorseer_full_bf16"]["taylor_factors_dtype"] = "bfloat16"
    settings["taylorseer_custom"]["cache_identifiers"] = [r"^transformer_blocks\.\d+\.attn"]
    settings["taylorseer_custom"]["skip_predict_identifiers"] = [r"^single_transformer_blocks\.1\.attn"]
    for name in full:
        ts = {k: v for k, v in settings[name].items() if k != "taylor_factors_dtype"}
        dtype = getattr(torch, settings[name]["taylor_factors_dtype"])
        configs[name] = TaylorSeerCacheConfig(taylor_factors_dtype=dtype, **ts)
    for name, cfg in configs.items():
        model, computed = fresh()
        attn = None
        if name in full:
            attn = attn_counter(model)
            computed = attn
        model.enable_cache(cfg)
        lat, dec, attn_computed = denoise(model, inp, computed, attn)
        outs[name + ".latents"], outs[name + ".decisions"] = lat, dec
        if name in full:
            outs[name + ".attn_computed"] = attn_computed
            settings[name]["attn_computed"] = int(attn_computed.sum().item())
        rel = ((lat - outs["none.latents"]).abs().max() / outs["none.latents"].abs().max()).item()
        print(name, "decisions cond", dec[:, 0].int().tolist(), "uncond", dec[:, 1].int().tolist(),
              "rel diff vs uncached %.4g" % rel)
        settings[name]["quality_rel_max_diff_vs_uncached"] = rel
        settings[name]["computed"] = int(dec.sum().item())

    os.makedirs(args.out, exist_ok=True)
    mg.write_json(os.path.join(args.out, "config.json"), config)
    stio.save(os.path.join(args.out, "weights.safetensors"), weights, metadata={"format": "pt"})
    stio.save(os.path.join(args.out, "inputs.safetensors"), inp, metadata={"format": "pt"})
    stio.save(os.path.join(args.out, "outputs.safetensors"), outs, metadata={"format": "pt"})
    settings["loop"] = {"steps": STEPS, "shift": SHIFT, "true_cfg_scale": TRUE_CFG, "batch": BATCH,
                        "valid_tokens": VALID, "diffusers_commit": "58eb52c0803ea9af3abec60841c2a093bdf1f951"}
    mg.write_json(os.path.join(args.out, "cache.json"), settings)


if __name__ == "__main__":
    main()
