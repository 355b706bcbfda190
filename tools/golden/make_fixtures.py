#!/usr/bin/python3
"""Held-out fixture sets for hunyuan4j, made by the shared generator (../shared/golden/tools/make_golden.py)
with one addition: when a spec's "vae" entry has "big_video_shape", the VAE component also gets a
`big_video` input and three encodes of it (`big.encode_full`: no tiling of any kind, `big.encode_default`:
diffusers' defaults, frame-wise when the video has more than 16 frames, `big.encode_tiled`: after
`enable_tiling(**tiling)`), so that tiled encoding is checked like tiled decoding.

    /usr/bin/python3 tools/golden/make_fixtures.py --spec tools/golden/spec_batch2.py \
        --out hunyuan-golden/src/test/resources/golden-sets/batch2 --diffusers-src /tmp/diffusers/src
"""
import os
import sys

TOOLS = os.environ.get("GOLDEN_TOOLS",
                       os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "shared",
                                    "golden", "tools"))
sys.path.insert(0, os.path.abspath(TOOLS))

import torch  # noqa: E402

import make_golden as mg  # noqa: E402

_inputs, _run = mg.vae_inputs, mg.run_vae


def vae_inputs(spec, seed):
    inp = _inputs(spec, seed)
    if "big_video_shape" in spec:
        g = mg.gen(seed + 1)
        inp["big_video"] = (torch.rand(*spec["big_video_shape"], generator=g) * 2.0 - 1.0).float()
    return inp


def run_vae(vae, inp, tiling):
    outs = _run(vae, inp, tiling)
    if "big_video" in inp:
        video = inp["big_video"]
        mg.reset_vae_modes(vae)
        vae.use_framewise_encoding = False
        outs["big.encode_full"] = vae.encode(video).latent_dist.parameters.clone()
        mg.reset_vae_modes(vae)
        outs["big.encode_default"] = vae.encode(video).latent_dist.parameters.clone()
        mg.reset_vae_modes(vae)
        vae.enable_tiling(**tiling)
        outs["big.encode_tiled"] = vae.encode(video).latent_dist.parameters.clone()
        mg.reset_vae_modes(vae)
    return outs


mg.vae_inputs = vae_inputs
mg.run_vae = run_vae

if __name__ == "__main__":
    mg.main()
    out = sys.argv[sys.argv.index("--out") + 1]
    readme = os.path.join(out, "vae", "README.md")
    if os.path.exists(readme):
        with open(readme, "a") as f:
            f.write("""
## Tiled encoding (added by hunyuan4j's tools/golden/make_fixtures.py)

* `big_video` input [B, 3, T, H, W] uniform in [-1, 1].
* `big.encode_full`: `encode(big_video).latent_dist.parameters` with `use_framewise_encoding=False`,
  `use_tiling=False`.
* `big.encode_default`: the same with diffusers' defaults (frame-wise encoding when T > 16).
* `big.encode_tiled`: the same after `enable_tiling(**tiling)` with the `tiling` above.
""")
