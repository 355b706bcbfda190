#!/usr/bin/python3
"""Fixture set `i2v/skyreels` (issue #16): diffusers' `HunyuanSkyreelsImageToVideoPipeline` (SkyReels-V1 I2V) end
to end, tiny: a transformer with in_channels = 2 x the VAE's latent channels and no image_condition_type, the image
VAE-encoded as a posterior SAMPLE (diffusers' `retrieve_latents(..., sample_mode="sample")`) and zero-padded over
the latent frames, `cat([latents, image_latents], dim=1)` as the model input, true CFG with a negative prompt
(`true_cfg_scale` 6.0, the pipeline's default) and embedded guidance 1.0 (its default). Prompt embeddings are
precomputed (the text encoders are HunyuanVideo's T2V Llama + CLIP, checked by the public set); the posterior
sample's standard-normal draw is fixed and recorded as the input `image_noise` (torch's generator stream cannot be
reproduced outside torch, as for the initial `latents`).

    /usr/bin/python3 tools/golden/make_skyreels_pipeline.py \
        --out hunyuan-golden/src/test/resources/golden-sets/i2v/skyreels --diffusers-src /tmp/diffusers/src
"""
import argparse
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TOOLS = os.environ.get("GOLDEN_TOOLS", os.path.join(HERE, "..", "..", "..", "shared", "golden", "tools"))
sys.path.insert(0, os.path.abspath(TOOLS))

import torch  # noqa: E402

import compat  # noqa: E402
import make_golden as mg  # noqa: E402

SEED = 1619
H, W, FRAMES, STEPS, TRUE_CFG, GUIDANCE = 16, 32, 9, 3, 6.0, 1.0
TC = dict(in_channels=8, out_channels=4, num_attention_heads=2, attention_head_dim=12, num_layers=1,
          num_single_layers=1, num_refiner_layers=1, mlp_ratio=2.0, patch_size=2, patch_size_t=1, qk_norm="rms_norm",
          guidance_embeds=True, text_embed_dim=16, pooled_projection_dim=8, rope_theta=256.0, rope_axes_dim=(4, 4, 4),
          image_condition_type=None)
VC = dict(in_channels=3, out_channels=3, latent_channels=4, block_out_channels=(4, 4, 4, 4), layers_per_block=1,
          act_fn="silu", norm_num_groups=2, scaling_factor=0.476986, spatial_compression_ratio=8,
          temporal_compression_ratio=4, mid_block_add_attention=True)
SCHED = dict(num_train_timesteps=1000, shift=7.0)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--diffusers-src", required=True)
    args = ap.parse_args()
    mg.D = compat.setup_diffusers(os.path.abspath(args.diffusers_src), stub_transformers=True)
    from diffusers.models.autoencoders import vae as vae_mod
    from diffusers.pipelines.hunyuan_video.pipeline_hunyuan_skyreels_image2video import \
        HunyuanSkyreelsImageToVideoPipeline

    tr = mg.build_transformer(TC)
    mg.reinit_(tr, SEED + 3)
    vae = mg.build_vae(VC)
    mg.reinit_(vae, SEED + 2)
    g = mg.gen(SEED + 5)
    lt, lh, lw, c = (FRAMES - 1) // 4 + 1, H // 8, W // 8, VC["latent_channels"]
    yy, xx = torch.meshgrid(torch.linspace(0, 1, H), torch.linspace(0, 1, W), indexing="ij")
    disc = (((yy - 0.4) ** 2 + (xx - 0.6) ** 2) < 0.08).float()
    image = torch.stack([xx, yy, 0.5 * disc + 0.25 * (1 - xx)]).unsqueeze(0).clamp(0, 1).float().contiguous()
    L, NL = 7, 5
    mask = torch.zeros(1, L, dtype=torch.int64)
    mask[0, :5] = 1
    nmask = torch.zeros(1, NL, dtype=torch.int64)
    nmask[0, :3] = 1
    inp = {
        "image": image,
        "latents": mg.randn((1, c, lt, lh, lw), g),
        "prompt_embeds": mg.randn((1, L, TC["text_embed_dim"]), g),
        "prompt_attention_mask": mask,
        "pooled_prompt_embeds": mg.randn((1, TC["pooled_projection_dim"]), g),
        "negative_prompt_embeds": mg.randn((1, NL, TC["text_embed_dim"]), g),
        "negative_prompt_attention_mask": nmask,
        "negative_pooled_prompt_embeds": mg.randn((1, TC["pooled_projection_dim"]), g),
        "image_noise": mg.randn((1, c, 1, lh, lw), g),
    }
    sampled = []

    def sample(self, generator=None):
        assert self.mean.shape == inp["image_noise"].shape, (self.mean.shape, inp["image_noise"].shape)
        x = self.mean + self.std * inp["image_noise"]
        sampled.append(x.clone())
        return x
    vae_mod.DiagonalGaussianDistribution.sample = sample

    pipe = HunyuanSkyreelsImageToVideoPipeline(text_encoder=None, tokenizer=None, transformer=tr, vae=vae,
                                               scheduler=mg.build_scheduler(SCHED), text_encoder_2=None,
                                               tokenizer_2=None)
    pipe.set_progress_bar_config(disable=True)
    mg.reset_vae_modes(vae)
    step_latents, step_t, noise_preds = [], [], []

    def cb(p, i, t, kw):
        step_latents.append(kw["latents"].detach().clone())
        step_t.append(float(t))
        return {}
    h = tr.register_forward_hook(lambda m, a, o: noise_preds.append(o[0].detach().clone()))
    try:
        video = pipe(image=image, prompt_embeds=inp["prompt_embeds"], pooled_prompt_embeds=inp["pooled_prompt_embeds"],
                     prompt_attention_mask=inp["prompt_attention_mask"],
                     negative_prompt_embeds=inp["negative_prompt_embeds"],
                     negative_pooled_prompt_embeds=inp["negative_pooled_prompt_embeds"],
                     negative_prompt_attention_mask=inp["negative_prompt_attention_mask"],
                     latents=inp["latents"].clone(), height=H, width=W, num_frames=FRAMES,
                     num_inference_steps=STEPS, true_cfg_scale=TRUE_CFG, guidance_scale=GUIDANCE, output_type="pt",
                     callback_on_step_end=cb, callback_on_step_end_tensor_inputs=["latents"], return_dict=False)[0]
    finally:
        h.remove()
    assert len(sampled) == 1 and len(noise_preds) == 2 * STEPS
    mg.reset_vae_modes(vae)
    lat = step_latents[-1]
    raw = vae.decode(lat / vae.config.scaling_factor).sample
    outs = {"latents": lat.clone(), "step_latents": torch.stack(step_latents), "noise_preds": torch.stack(noise_preds),
            "timesteps": torch.tensor(step_t, dtype=torch.float32), "video": video.clone(),
            "video_decoded_raw": raw.clone(), "image_latents": (sampled[0] * vae.config.scaling_factor).clone()}
    config = {
        "transformer": mg.diffusers_config_json(tr), "vae": mg.diffusers_config_json(vae),
        "scheduler": json.loads(mg.build_scheduler(SCHED).to_json_string()),
        "call": {"height": H, "width": W, "num_frames": FRAMES, "num_inference_steps": STEPS,
                 "guidance_scale": GUIDANCE, "true_cfg_scale": TRUE_CFG, "num_videos_per_prompt": 1,
                 "output_type": "pt"},
    }
    weights = {f"transformer.{k}": v for k, v in mg.state_dict_f32(tr).items()}
    weights.update({f"vae.{k}": v for k, v in mg.state_dict_f32(vae).items()})
    body = f"""
# pipeline: `HunyuanSkyreelsImageToVideoPipeline` (SkyReels-V1 I2V) end to end (i2v-skyreels set)

Oracle: `diffusers.pipelines.hunyuan_video.pipeline_hunyuan_skyreels_image2video.HunyuanSkyreelsImageToVideoPipeline`
(oracle commit), `transformer` (in_channels {TC['in_channels']} = 2 x latent channels, `image_condition_type` null)
and `vae` from `config.json` / `weights.safetensors` (prefixes `transformer.`, `vae.`), text encoders `None`
(precomputed embeddings). Made by hunyuan4j's `tools/golden/make_skyreels_pipeline.py`.

Call: `pipe(image, prompt_embeds, pooled_prompt_embeds, prompt_attention_mask, negative_prompt_embeds,
negative_pooled_prompt_embeds, negative_prompt_attention_mask, latents, height={H}, width={W}, num_frames={FRAMES},
num_inference_steps={STEPS}, true_cfg_scale={TRUE_CFG}, guidance_scale={GUIDANCE}, output_type="pt")`.

* `image` [1, 3, H, W] in [0, 1] at the call's size; VAE-encoded as a posterior SAMPLE `mean + std * image_noise`
  (`DiagonalGaussianDistribution.sample` patched to use the input `image_noise` instead of the generator's draw),
  times `scaling_factor` (`image_latents`), then zero-padded to the latent frame count.
* The model input at each step is `cat([latents, image_latents], dim=1)`; the latents start as `latents` (pure
  noise, no image mixing); true CFG: `neg + {TRUE_CFG} * (pos - neg)`, the positive call first (`noise_preds`
  holds both calls per step, in order); embedded guidance `{GUIDANCE} * 1000`.
* Outputs as the other pipeline fixtures; nothing is dropped after decoding.
"""
    meta = {}
    mg.save_component(args.out, "pipeline", config, weights, inp, outs, body, meta)
    mg.write_json(os.path.join(args.out, "provenance.json"), {
        "set": "i2v-skyreels", "diffusers_commit": mg.git_commit(args.diffusers_src),
        "diffusers_version": mg.D.__version__, "torch_version": torch.__version__,
        "generator": "tools/golden/make_skyreels_pipeline.py", "components": meta})


if __name__ == "__main__":
    main()
