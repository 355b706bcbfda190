"""Held-out CogVideoX fixture set (hunyuan-golden/src/test/resources/golden-sets/cogvideox-heldout).

Beyond the public set: batch 2 with different timesteps per item, odd latent frame counts (5), non-square
latents, one head of 16 (inner dim 16) or 32 (RoPE head_dim 32) RoPE with another crop region, the learned-position model at a
different frame count (diffusers then recomputes the sin-cos table), timesteps 0 and 1, CogVideoX 1.5 on a 2x4
grid of a 6x6 max size; DDIM with 6 and 1 steps, DPM with 3 steps (the last step has prev_timestep < 0: one draw)
and 9 steps; a batch-2 image-to-video pipeline with DPM and dynamic CFG (6 steps: the last prev_timestep is 0).

Run from shared/golden-cogvideox/tools:
  /usr/bin/python3 make_golden_cogvideox.py --spec <this file> --out <dir> --diffusers-src /tmp/diffusers/src \
      --components cogvideox_transformer,cogvideox_scheduler,cogvideox_pipeline
"""
from specs_cogvideox import PUBLIC, SCHED_2B, SCHED_5B, TR_2B, TR_5B, TR_5B_I2V, TR_15_I2V, VAE_BASE

_TINY_VAE = dict(VAE_BASE, block_out_channels=(4, 4, 4, 4), norm_num_groups=2)
# small widths keep the committed set small: one block, inner dim 16 (32 for the head_dim-32 case)
_SMALL = dict(num_attention_heads=1, num_layers=1, time_embed_dim=8, text_embed_dim=8)

SPEC = dict(PUBLIC, name="cogvideox-heldout", seed=777)
SPEC["transformer"] = {
    "cases": {
        "2b_b2": dict(config=dict(TR_2B, **_SMALL, sample_height=8, sample_width=8, sample_frames=13,
                                  max_text_seq_length=5),
                      batch=2, frames=5, height=6, width=4, text_len=5, timestep=[999, 3]),
        "5b_b2": dict(config=dict(TR_5B, **dict(_SMALL, attention_head_dim=32), sample_height=10, sample_width=6,
                                  sample_frames=9, max_text_seq_length=7),
                      batch=2, frames=3, height=6, width=8, text_len=4, timestep=[1, 998]),
        "5b_i2v_b2": dict(config=dict(TR_5B_I2V, **_SMALL, sample_height=6, sample_width=4, sample_frames=13,
                                      max_text_seq_length=5),
                          batch=2, frames=4, height=6, width=4, text_len=5, timestep=[500, 17]),
        "5b_i2v_frames": dict(config=dict(TR_5B_I2V, **_SMALL, sample_height=4, sample_width=4, sample_frames=9,
                                          max_text_seq_length=4),
                              batch=1, frames=5, height=4, width=4, text_len=4, timestep=[0]),
        "v1_5_b2": dict(config=dict(TR_15_I2V, **dict(_SMALL, ofs_embed_dim=8), sample_height=12, sample_width=12, sample_frames=21,
                                    max_text_seq_length=7),
                        batch=2, frames=6, height=4, width=8, text_len=3, timestep=[0, 999], ofs=2.0),
    },
}
SPEC["scheduler"] = {
    "cases": {
        "ddim_n6": dict(cls="CogVideoXDDIMScheduler", config=SCHED_5B, num_inference_steps=6,
                        sample_shape=(2, 5, 4, 2, 2)),
        "ddim_n1": dict(cls="CogVideoXDDIMScheduler", config=SCHED_2B, num_inference_steps=1,
                        sample_shape=(1, 3, 4, 2, 2)),
        "dpm_n3": dict(cls="CogVideoXDPMScheduler", config=SCHED_2B, num_inference_steps=3,
                       sample_shape=(2, 3, 4, 2, 2), generator_seed=7),
        "dpm_n9": dict(cls="CogVideoXDPMScheduler", config=SCHED_5B, num_inference_steps=9,
                       sample_shape=(1, 3, 4, 2, 2), generator_seed=9),
    },
}
SPEC["pipeline"] = {
    "cases": {
        "i2v_5b_dpm_b2": dict(
            kind="i2v", transformer=dict(TR_5B_I2V, **_SMALL, sample_height=2, sample_width=2, sample_frames=5,
                                         max_text_seq_length=6),
            vae=dict(_TINY_VAE, scaling_factor=0.7), scheduler="CogVideoXDPMScheduler",
            scheduler_config=SCHED_5B, batch=2, text_len=6, height=16, width=16, num_frames=5,
            num_inference_steps=6, guidance_scale=5.0, use_dynamic_cfg=True, generator_seed=21),
    },
}
