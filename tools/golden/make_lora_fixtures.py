#!/usr/bin/python3
"""LoRA fixtures for hunyuan4j: three adapters for the public transformer fixture (../shared/golden/transformer)
and the transformer's output with each merged into the weights, computed by diffusers.

    /usr/bin/python3 tools/golden/make_lora_fixtures.py --diffusers-src /tmp/diffusers/src \
        --out hunyuan-golden/src/test/resources/golden-sets/lora

Adapters (random factors, rank 4):
* `lora_original.safetensors`: Tencent's original layout (`double_blocks.N.img_attn_qkv.lora_A.weight`, fused
  qkv and linear1, the refiner's self_attn_qkv, `final_layer.adaLN_modulation.1` in (shift, scale) order), no
  alpha (scale 1).
* `lora_kohya.safetensors`: the same kind of modules in kohya/musubi-tuner's flattened names
  (`lora_unet_double_blocks_0_img_attn_qkv.lora_down.weight`, `.lora_up.weight`, `.alpha` = rank/2: scale 0.5).
* `lora_peft/adapter_model.safetensors` + `adapter_config.json`: diffusers/PEFT names
  (`transformer.<module>.lora_A.weight`), `lora_alpha` = 2 x rank (scale 2).

The oracle for the numbers is the issue's: the model run with `W + weight * (alpha / r) * B A` merged into its
weights. For the original-layout adapters the delta `weight * scale * B A` is built in the ORIGINAL layout (fused
shapes) and mapped to diffusers' names by diffusers' own full-weight converter
(`single_file_utils.convert_hunyuan_video_transformer_to_diffusers`), which splits rows and swaps the
(shift, scale) halves of a weight exactly; diffusers' LoRA converter (`_convert_hunyuan_video_lora_to_diffusers`)
is not used for the numbers because it also chunks `lora_A` of the refiner's `self_attn_qkv` and swaps the
halves of `lora_A` of `final_layer.adaLN_modulation.1`, which splits the rank rather than the output (its keys and
`lora_B` shapes are recorded in `diffusers_lora_keys.json` for the key mapping). Both converters hard-code
`hidden_size = 3072` for single blocks; it is replaced by the fixture's inner dim before use (the only change).
"""
import argparse
import inspect
import json
import os
import sys

TOOLS = os.environ.get("GOLDEN_TOOLS",
                       os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "shared",
                                    "golden", "tools"))
sys.path.insert(0, os.path.abspath(TOOLS))

import torch  # noqa: E402

import compat  # noqa: E402
import stio  # noqa: E402

RANK = 4
WEIGHTS = {"original": 0.8, "kohya": 0.6, "peft": 0.7}
COMBINED = {"original": 0.5, "kohya": -0.4, "peft": 0.3}


def patched(fn, hidden):
    """fn with `hidden_size = 3072` replaced by the fixture's inner dim, defined in fn's module."""
    src = inspect.getsource(fn).replace("hidden_size = 3072", f"hidden_size = {hidden}")
    ns = dict(sys.modules[fn.__module__].__dict__)
    exec(compile(src, inspect.getsourcefile(fn), "exec"), ns)
    return ns[fn.__name__]


def original_modules(w, cfg):
    """Original-layout linear modules -> weight shape [out, in], derived from the diffusers weights' shapes."""
    h = cfg["num_attention_heads"] * cfg["attention_head_dim"]
    s = lambda k: list(w[k + ".weight"].shape)  # noqa: E731
    m = {}
    for i in range(cfg["num_layers"]):
        d, t = f"double_blocks.{i}", f"transformer_blocks.{i}"
        m[f"{d}.img_attn_qkv"] = [3 * h, h]
        m[f"{d}.txt_attn_qkv"] = [3 * h, h]
        m[f"{d}.img_attn_proj"] = s(f"{t}.attn.to_out.0")
        m[f"{d}.txt_attn_proj"] = s(f"{t}.attn.to_add_out")
        m[f"{d}.img_mlp.fc1"] = s(f"{t}.ff.net.0.proj")
        m[f"{d}.img_mlp.fc2"] = s(f"{t}.ff.net.2")
        m[f"{d}.txt_mlp.fc1"] = s(f"{t}.ff_context.net.0.proj")
        m[f"{d}.img_mod.linear"] = s(f"{t}.norm1.linear")
        m[f"{d}.txt_mod.linear"] = s(f"{t}.norm1_context.linear")
    for i in range(cfg["num_single_layers"]):
        d, t = f"single_blocks.{i}", f"single_transformer_blocks.{i}"
        mlp = w[f"{t}.proj_mlp.weight"].shape[0]
        m[f"{d}.linear1"] = [3 * h + mlp, h]
        m[f"{d}.linear2"] = s(f"{t}.proj_out")
        m[f"{d}.modulation.linear"] = s(f"{t}.norm.linear")
    r = "txt_in.individual_token_refiner.blocks.0"
    c = "context_embedder.token_refiner.refiner_blocks.0"
    m[f"{r}.self_attn_qkv"] = [3 * h, h]
    m[f"{r}.self_attn_proj"] = s(f"{c}.attn.to_out.0")
    m[f"{r}.mlp.fc1"] = s(f"{c}.ff.net.0.proj")
    m[f"{r}.adaLN_modulation.1"] = s(f"{c}.norm_out.linear")
    m["txt_in.input_embedder"] = s("context_embedder.proj_in")
    m["txt_in.t_embedder.mlp.0"] = s("context_embedder.time_text_embed.timestep_embedder.linear_1")
    m["final_layer.adaLN_modulation.1"] = [2 * h, h]
    m["final_layer.linear"] = s("proj_out")
    m["time_in.mlp.0"] = s("time_text_embed.timestep_embedder.linear_1")
    m["vector_in.in_layer"] = s("time_text_embed.text_embedder.linear_1")
    m["guidance_in.mlp.0"] = s("time_text_embed.guidance_embedder.linear_1")
    return m


def factors(shapes, seed):
    g = torch.Generator().manual_seed(seed)
    out = {}
    for name, (o, i) in shapes.items():
        out[name] = (torch.randn(RANK, i, generator=g) * 0.3, torch.randn(o, RANK, generator=g) * 0.3)
    return out


def run(model, w, inp):
    model.load_state_dict(w, strict=True)
    with torch.no_grad():
        return model(hidden_states=inp["hidden_states"], timestep=inp["timestep"],
                     encoder_hidden_states=inp["encoder_hidden_states"],
                     encoder_attention_mask=inp["encoder_attention_mask"],
                     pooled_projections=inp["pooled_projections"], guidance=inp["guidance"],
                     return_dict=False)[0]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--diffusers-src", required=True)
    ap.add_argument("--fixture", default=os.path.join(TOOLS, "..", "transformer"))
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    compat.setup_diffusers(os.path.abspath(a.diffusers_src), stub_transformers=True)
    torch.manual_seed(0)
    torch.use_deterministic_algorithms(True)
    torch.set_num_threads(1)
    from diffusers.loaders import lora_conversion_utils as lcu
    from diffusers.loaders import single_file_utils as sfu
    from diffusers.models.transformers.transformer_hunyuan_video import HunyuanVideoTransformer3DModel

    cfg = json.load(open(os.path.join(a.fixture, "config.json")))
    w = stio.load(os.path.join(a.fixture, "weights.safetensors"))[0]
    inp = stio.load(os.path.join(a.fixture, "inputs.safetensors"))[0]
    hidden = cfg["num_attention_heads"] * cfg["attention_head_dim"]
    convert_weights = patched(sfu.convert_hunyuan_video_transformer_to_diffusers, hidden)
    convert_lora = patched(lcu._convert_hunyuan_video_lora_to_diffusers, hidden)
    model = HunyuanVideoTransformer3DModel(**{k: (tuple(v) if isinstance(v, list) else v)
                                              for k, v in cfg.items() if not k.startswith("_")}).eval()

    shapes = original_modules(w, cfg)
    orig = factors(shapes, 1)
    kohya = factors(shapes, 2)
    peft_modules = {k[:-len(".weight")]: list(v.shape) for k, v in w.items()
                    if k.endswith(".weight") and v.dim() == 2 and k != "x_embedder.proj.weight"}
    peft = factors(peft_modules, 3)
    scales = {"original": 1.0, "kohya": 0.5, "peft": 2.0}

    def delta(kind, weight):
        """diffusers-named weight deltas of one adapter at `weight`."""
        s = weight * scales[kind]
        if kind == "peft":
            return {m + ".weight": s * (b @ a) for m, (a, b) in peft.items()}
        f = orig if kind == "original" else kohya
        return convert_weights({m + ".weight": s * (b @ a) for m, (a, b) in f.items()})

    def merged(mix):
        out = {k: v.clone() for k, v in w.items()}
        for kind, weight in mix.items():
            for k, d in delta(kind, weight).items():
                assert k in out and out[k].shape == d.shape, (kind, k, d.shape)
                out[k] = out[k] + d
        return out

    os.makedirs(os.path.join(a.out, "lora_peft"), exist_ok=True)
    stio.save(os.path.join(a.out, "lora_original.safetensors"),
              {f"{m}.lora_{x}.weight": t for m, (A, B) in orig.items() for x, t in (("A", A), ("B", B))})
    kt = {}
    for m, (A, B) in kohya.items():
        flat = "lora_unet_" + m.replace(".", "_")
        kt[f"{flat}.lora_down.weight"] = A
        kt[f"{flat}.lora_up.weight"] = B
        kt[f"{flat}.alpha"] = torch.tensor(RANK * scales["kohya"])
    stio.save(os.path.join(a.out, "lora_kohya.safetensors"), kt)
    stio.save(os.path.join(a.out, "lora_peft", "adapter_model.safetensors"),
              {f"transformer.{m}.lora_{x}.weight": t for m, (A, B) in peft.items() for x, t in (("A", A), ("B", B))})
    json.dump({"r": RANK, "lora_alpha": RANK * scales["peft"], "peft_type": "LORA",
               "target_modules": sorted(peft)}, open(os.path.join(a.out, "lora_peft", "adapter_config.json"), "w"),
              indent=1)

    expected = {"sample.base": run(model, w, inp)}
    for kind, weight in WEIGHTS.items():
        expected[f"sample.{kind}"] = run(model, merged({kind: weight}), inp)
    expected["sample.combined"] = run(model, merged(COMBINED), inp)
    for k, v in expected.items():
        if k != "sample.base":
            d = (v - expected["sample.base"]).abs().max().item() / expected["sample.base"].abs().max().item()
            assert d > 1e-2, f"{k} barely differs from the base ({d})"
    stio.save(os.path.join(a.out, "expected.safetensors"), expected)

    # diffusers' LoRA converter chunks lora_A of the refiner's self_attn_qkv into 3 along the rank, which fails
    # for a rank that is not a multiple of 3: those modules are left out of the key record
    keys = convert_lora({f"{m}.lora_{x}.weight": t for m, (A, B) in orig.items() for x, t in (("A", A), ("B", B))
                         if "self_attn_qkv" not in m})
    json.dump({k: list(v.shape) for k, v in sorted(keys.items())},
              open(os.path.join(a.out, "diffusers_lora_keys.json"), "w"), indent=0)
    with open(os.path.join(a.out, "README.md"), "w") as f:
        f.write(f"""# LoRA fixtures (made by tools/golden/make_lora_fixtures.py)

Base model: the public transformer fixture (`../shared/golden/transformer`: config, weights, inputs). Oracle:
diffusers at the pinned commit, float32, `W + weight * (alpha / r) * B A` merged into the weights (see the script's
docstring for how original-layout deltas are mapped: diffusers' full-weight converter, hidden_size patched to
{hidden}). Rank {RANK}.

* `expected.safetensors`: `sample.base` (no adapter), `sample.original` (weight {WEIGHTS['original']}),
  `sample.kohya` ({WEIGHTS['kohya']}), `sample.peft` ({WEIGHTS['peft']}), `sample.combined` (all three at
  {COMBINED}).
* scales alpha / r: original 1 (no alpha), kohya 0.5 (`.alpha` = {RANK * scales['kohya']}), PEFT 2
  (`lora_alpha` = {RANK * scales['peft']} in adapter_config.json).
* `diffusers_lora_keys.json`: `_convert_hunyuan_video_lora_to_diffusers(lora_original)` keys and shapes, without
  the refiner's `self_attn_qkv` (diffusers chunks its rank-{RANK} `lora_A` into 3 and fails).
""")


if __name__ == "__main__":
    main()
