#!/usr/bin/python3
"""Image-to-video fixture sets for hunyuan4j (issue #16), made with diffusers at the oracle commit through the
helpers of the shared generator (../shared/golden/tools/make_golden.py: seeded re-initialisation, safetensors
writer, README tables). The shared generator's own `make_transformer` assumes a text-to-video model (it hooks
`guidance_embedder` and numbers the `time_proj` calls timestep, guidance), so the transformer of an
`image_condition_type` model is run here, with the same output names plus `time_text_embed.token_replace_emb`.

    /usr/bin/python3 tools/golden/make_i2v_fixtures.py --spec tools/golden/spec_i2v_token_replace.py \
        --out hunyuan-golden/src/test/resources/golden-sets/i2v/token_replace --diffusers-src /tmp/diffusers/src
"""
import argparse
import os
import sys

TOOLS = os.environ.get("GOLDEN_TOOLS",
                       os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "shared",
                                    "golden", "tools"))
sys.path.insert(0, os.path.abspath(TOOLS))

import torch  # noqa: E402

import compat  # noqa: E402
import make_golden as mg  # noqa: E402
from specs import load_spec  # noqa: E402


def run_transformer(model, inp):
    caps = {}
    hooks = []

    def hook(name, fn):
        def _h(mod, args, out):
            for k, v in fn(out).items():
                if v is not None:
                    caps[f"{name}{k}"] = v.detach().clone()
        return _h

    one = lambda out: {"": out}  # noqa: E731
    m = model
    hooks.append(m.rope.register_forward_hook(hook("rope", lambda o: {"_cos": o[0], "_sin": o[1]})))
    hooks.append(m.time_text_embed.register_forward_hook(
        hook("time_text_embed", lambda o: {"": o[0], ".token_replace_emb": o[1]})))
    hooks.append(m.x_embedder.register_forward_hook(hook("x_embedder", one)))
    hooks.append(m.context_embedder.register_forward_hook(hook("context_embedder", one)))
    for i, blk in enumerate(m.transformer_blocks):
        hooks.append(blk.register_forward_hook(
            hook(f"transformer_blocks.{i}", lambda o: {".hidden_states": o[0], ".encoder_hidden_states": o[1]})))
    for i, blk in enumerate(m.single_transformer_blocks):
        hooks.append(blk.register_forward_hook(
            hook(f"single_transformer_blocks.{i}", lambda o: {".hidden_states": o[0], ".encoder_hidden_states": o[1]})))
    hooks.append(m.norm_out.register_forward_hook(hook("norm_out", one)))
    hooks.append(m.proj_out.register_forward_hook(hook("proj_out", one)))
    try:
        out = model(hidden_states=inp["hidden_states"], timestep=inp["timestep"],
                    encoder_hidden_states=inp["encoder_hidden_states"],
                    encoder_attention_mask=inp["encoder_attention_mask"],
                    pooled_projections=inp["pooled_projections"], guidance=inp.get("guidance"),
                    return_dict=True).sample
    finally:
        for h in hooks:
            h.remove()
    caps["sample"] = out.detach().clone()
    return caps


def make_transformer(S, outdir, meta):
    spec = S["transformer"]
    seed = S["seed"] + 1
    model = mg.build_transformer(spec["config"])
    mg.reinit_(model, seed)
    weights = mg.state_dict_f32(model)
    inp = mg.transformer_inputs(spec, seed + 100)
    if not spec["config"]["guidance_embeds"]:
        del inp["guidance"]
    outs = run_transformer(model, inp)
    again = run_transformer(model, inp)
    for k in outs:
        assert torch.equal(outs[k], again[k]), f"{k} not reproducible"
    c = spec["config"]
    ict = c["image_condition_type"]
    if ict == "token_replace":
        # the first frame's tokens really are modulated differently: token_replace_emb != temb
        assert (outs["time_text_embed.token_replace_emb"] - outs["time_text_embed"]).abs().max() > 1e-3
    B, T, H, W, L = spec["batch"], spec["frames"], spec["height"], spec["width"], spec["text_len"]
    p = c["patch_size"]
    body = f"""
# transformer: `HunyuanVideoTransformer3DModel` with `image_condition_type="{ict}"` ({S['name']} set)

Oracle: `diffusers.models.transformers.transformer_hunyuan_video.HunyuanVideoTransformer3DModel(**config)` at the
oracle commit, all parameters re-initialised from a seeded normal (make_golden.py `reinit_`), float32, CPU,
made by hunyuan4j's `tools/golden/make_i2v_fixtures.py` with `{S['name']}`'s spec.

Call: `model(hidden_states, timestep, encoder_hidden_states, encoder_attention_mask, pooled_projections,
guidance={'guidance' if c['guidance_embeds'] else 'None'}, return_dict=True).sample`.

* `hidden_states` [B={B}, C={c['in_channels']}, T={T}, H={H}, W={W}]{' (latent_concat: what the pipeline builds as cat([latents, image_latents, mask], dim=1); here random)' if ict == 'latent_concat' else ''}.
* `timestep` = {spec['timestep']}; valid text tokens per item = {spec['valid_tokens']}.
* first_frame_num_tokens = (H/{p})*(W/{p}) = {(H // p) * (W // p)}.

Outputs: `sample`, `rope_cos`/`rope_sin`, `time_text_embed` (the conditioning `temb`){', `time_text_embed.token_replace_emb` (the second value HunyuanVideoConditionEmbedding returns: timestep 0 embedded plus the pooled text)' if ict == 'token_replace' else ''},
`x_embedder`, `context_embedder`, `transformer_blocks.<i>.(hidden|encoder_hidden)_states`,
`single_transformer_blocks.<i>.(hidden|encoder_hidden)_states`, `norm_out`, `proj_out` (forward hooks).
"""
    config = mg.diffusers_config_json(model)
    mg.save_component(outdir, "transformer", config, weights, inp, outs, body, meta)
    return model, weights, config


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--spec", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--diffusers-src", default=os.environ.get("DIFFUSERS_SRC"))
    ap.add_argument("--components", default="transformer")
    args = ap.parse_args()
    S = load_spec(args.spec)
    mg.D = compat.setup_diffusers(os.path.abspath(args.diffusers_src), stub_transformers=True)
    os.makedirs(args.out, exist_ok=True)
    meta = {}
    which = args.components.split(",")
    if "transformer" in which:
        make_transformer(S, args.out, meta)
    if "pipeline" in which:
        import make_i2v_pipeline
        make_i2v_pipeline.make(S, args.out, meta)
    mg.write_json(os.path.join(args.out, "provenance.json"), {
        "set": S["name"], "diffusers_commit": mg.git_commit(args.diffusers_src),
        "diffusers_version": mg.D.__version__, "torch_version": torch.__version__,
        "generator": "tools/golden/make_i2v_fixtures.py", "components": meta})


if __name__ == "__main__":
    main()
