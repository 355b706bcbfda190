"""The `pipeline` component of the image-to-video sets: diffusers' HunyuanVideoImageToVideoPipeline end to end with
precomputed prompt embeddings, fixed initial latents and a conditioning image given as a [1, 3, H, W] tensor in
[0, 1] already at the call's size (so the video processor only normalises it to [-1, 1]). Used by
make_i2v_fixtures.py (`--components transformer,pipeline`)."""
import json

import numpy as np
import torch

import make_golden as mg


def run_pipeline(S, tr, vae, sched_cfg, inp):
    from diffusers.pipelines.hunyuan_video.pipeline_hunyuan_video_image2video import \
        HunyuanVideoImageToVideoPipeline

    spec = S["pipeline"]
    pipe = HunyuanVideoImageToVideoPipeline(text_encoder=None, tokenizer=None, transformer=tr, vae=vae,
                                            scheduler=mg.build_scheduler(sched_cfg), text_encoder_2=None,
                                            tokenizer_2=None, image_processor=None)
    pipe.set_progress_bar_config(disable=True)
    mg.reset_vae_modes(vae)
    step_latents, step_t, noise_preds = [], [], []

    def cb(p, i, t, kw):
        step_latents.append(kw["latents"].detach().clone())
        step_t.append(float(t))
        return {}

    h = tr.register_forward_hook(lambda m, a, o: noise_preds.append(o[0].detach().clone()))
    common = dict(image=inp["image"], prompt_embeds=inp["prompt_embeds"],
                  pooled_prompt_embeds=inp["pooled_prompt_embeds"],
                  prompt_attention_mask=inp["prompt_attention_mask"], latents=inp["latents"].clone(),
                  height=spec["height"], width=spec["width"], num_frames=spec["num_frames"],
                  num_inference_steps=spec["num_inference_steps"], guidance_scale=spec["guidance_scale"],
                  return_dict=False)
    try:
        video = pipe(**common, output_type="pt", callback_on_step_end=cb,
                     callback_on_step_end_tensor_inputs=["latents"])[0]
    finally:
        h.remove()
    mg.reset_vae_modes(vae)
    lat = step_latents[-1]
    raw = vae.decode(lat / vae.config.scaling_factor).sample
    image = inp["image"] * 2.0 - 1.0
    image_latents = vae.encode(image.unsqueeze(2)).latent_dist.mode() * vae.config.scaling_factor
    return {
        "latents": lat.clone(),
        "step_latents": torch.stack(step_latents),
        "noise_preds": torch.stack(noise_preds),
        "timesteps": torch.tensor(step_t, dtype=torch.float32),
        "video": video.clone(),
        "video_decoded_raw": raw.clone(),
        "image_latents": image_latents.clone(),
    }


def make(S, outdir, meta):
    spec = S["pipeline"]
    tc = dict(S["transformer"]["config"], **spec.get("transformer_layers", {}))
    vc = S["vae"]["config"]
    seed = S["seed"]
    tr = mg.build_transformer(tc)
    mg.reinit_(tr, seed + 3)
    vae = mg.build_vae(vc)
    mg.reinit_(vae, seed + 2)
    g = mg.gen(seed + 5)
    B, L = 1, spec["text_len"]
    lt = (spec["num_frames"] - 1) // vc["temporal_compression_ratio"] + 1
    lh = spec["height"] // vc["spatial_compression_ratio"]
    lw = spec["width"] // vc["spatial_compression_ratio"]
    c = vc["latent_channels"]
    mask = torch.zeros(B, L, dtype=torch.int64)
    mask[0, :spec["valid_tokens"]] = 1
    # a smooth image (gradients plus a disc), not noise: closer to what the VAE sees
    yy, xx = torch.meshgrid(torch.linspace(0, 1, spec["height"]), torch.linspace(0, 1, spec["width"]), indexing="ij")
    disc = (((yy - 0.4) ** 2 + (xx - 0.6) ** 2) < 0.08).float()
    image = torch.stack([xx, yy, 0.5 * disc + 0.25 * (1 - xx)]).unsqueeze(0).clamp(0, 1).float()
    inp = {
        "image": image.contiguous(),
        "latents": mg.randn((B, c, lt, lh, lw), g),
        "prompt_embeds": mg.randn((B, L, tc["text_embed_dim"]), g),
        "prompt_attention_mask": mask,
        "pooled_prompt_embeds": mg.randn((B, tc["pooled_projection_dim"]), g),
    }
    outs = run_pipeline(S, tr, vae, S["scheduler"]["config"], inp)
    config = {
        "transformer": mg.diffusers_config_json(tr),
        "vae": mg.diffusers_config_json(vae),
        "scheduler": json.loads(mg.build_scheduler(S["scheduler"]["config"]).to_json_string()),
        "call": {"height": spec["height"], "width": spec["width"], "num_frames": spec["num_frames"],
                 "num_inference_steps": spec["num_inference_steps"], "guidance_scale": spec["guidance_scale"],
                 "true_cfg_scale": 1.0, "num_videos_per_prompt": 1, "output_type": "pt"},
    }
    weights = {f"transformer.{k}": v for k, v in mg.state_dict_f32(tr).items()}
    weights.update({f"vae.{k}": v for k, v in mg.state_dict_f32(vae).items()})
    ict = tc["image_condition_type"]
    n = spec["num_inference_steps"]
    body = f"""
# pipeline: `HunyuanVideoImageToVideoPipeline` end to end, `image_condition_type="{ict}"` ({S['name']} set)

Oracle: `diffusers.pipelines.hunyuan_video.pipeline_hunyuan_video_image2video.HunyuanVideoImageToVideoPipeline`
(oracle commit) with `transformer` and `vae` built from `config.json` and `weights.safetensors` (prefixes
`transformer.`, `vae.`), `scheduler = FlowMatchEulerDiscreteScheduler(**config["scheduler"])`, the text encoders,
tokenizers and image processor `None` (precomputed embeddings are passed, so the LLaVA encoder never runs).
Made by hunyuan4j's `tools/golden/make_i2v_fixtures.py`.

Call: `pipe(image=image, prompt_embeds=..., pooled_prompt_embeds=..., prompt_attention_mask=..., latents=latents,
height={spec['height']}, width={spec['width']}, num_frames={spec['num_frames']}, num_inference_steps={n},
guidance_scale={spec['guidance_scale']}, output_type="pt", return_dict=False)`.

* `image` [1, 3, H, W] in [0, 1] at exactly height x width: `video_processor.preprocess` leaves the size and maps
  it to `2 * image - 1`; the VAE encodes it as one frame, `image_latents = mode * scaling_factor` (also an output,
  `image_latents` [1, C, 1, H', W']).
* `latents` [1, C, T', H', W'] initial noise; the pipeline mixes `latents * 0.999 + image_latents * (1 - 0.999)`.
* latent_concat: the transformer input is `cat([latents, image_latents (frame 0 only, others 0), mask], dim=1)`,
  the decoded video drops its first 4 frames. token_replace: the input is `cat([image_latents, latents[:, :, 1:]],
  dim=2)`, the scheduler steps frames 1: only, and the latents keep the image latent as frame 0.
* Outputs as the text-to-video pipeline fixture: `latents`, `step_latents` (callback), `noise_preds` (forward
  hook on the transformer: the full model output), `timesteps`, `video_decoded_raw` = `vae.decode(latents /
  scaling_factor)` (all frames), `video` [1, F, 3, H, W] in [0, 1].
"""
    mg.save_component(outdir, "pipeline", config, weights, inp, outs, body, meta)
