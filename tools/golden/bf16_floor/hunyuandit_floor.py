#!/usr/bin/python3
"""How far the float32 reference itself moves under bf16 rounding (golden-hunyuandit pipeline fixtures): docs/hunyuandit.md, "bf16 precision policy".

Usage (from the repository root; /usr/bin/python3 with torch 1.13, diffusers src at the oracle commit):
  GOLDEN_ROOT=../shared/golden-hunyuandit DIFFUSERS_SRC=/tmp/diffusers/src /usr/bin/python3 hunyuandit_floor.py MODE [CASES...]
MODE: none | round (every transformer weight rounded to bf16, float32 compute) | only:REGEX (weights matching
REGEX rounded) | emu:REGEX[|attn] (nn.Linear modules matching REGEX get bf16-rounded inputs, weights and outputs,
as a bf16 matmul; |attn also rounds q, k, v and the attention output). Env of emu.py: CFGDIFF=REGEX, ATTN=qkvspo.
SPEC=FILE: the spec of a custom set in GOLDEN_ROOT (tools/golden/spec_bf16_floor_heldout.py).
"""
import os, sys, re
sys.path.insert(0, os.path.join(os.environ.get("GOLDEN_ROOT", "../shared/golden-hunyuandit"), "tools"))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import torch
import make_golden_hunyuandit as mg
import compat
mg.D = compat.setup_diffusers(os.environ.get("DIFFUSERS_SRC", "/tmp/diffusers/src"), stub_transformers=True)
from make_golden_hunyuandit import *
torch.set_num_threads(1)
root = os.environ.get("GOLDEN_ROOT", "../shared/golden-hunyuandit")
def rel(a, b):
    a, b = a.float(), b.float()
    return ((a - b).abs().max() / b.abs().max()).item()
mode = sys.argv[1]
S = mg.load_spec(os.environ["SPEC"]) if os.environ.get("SPEC") else mg.SETS["public"] if hasattr(mg, "SETS") else mg.PUBLIC
cfg, w, i, o = load_dir(os.path.join(root, "hunyuandit_pipeline"))
tr = build_transformer(init_kwargs_from_config(cfg["transformer"]))
tw = {k[12:]: v for k, v in w.items() if k.startswith("transformer.")}
if mode == "round":
    tw = {k: (v.to(torch.bfloat16).float() if v.is_floating_point() else v) for k, v in tw.items()}
elif mode.startswith("only:"):
    pat = re.compile(mode[5:])
    tw = {k: (v.to(torch.bfloat16).float() if pat.search(k) else v) for k, v in tw.items()}
tr.load_state_dict(tw, strict=True)
if mode.startswith("emu:"):
    import emu
    parts = mode[4:].split("|attn")
    emu.state.lin_pat = re.compile(parts[0]) if parts[0] else None
    emu.state.attn = mode.endswith("|attn")
    emu.state.out_round = os.environ.get("OUTROUND", "1") == "1"
    emu.patch(tr)
v = build_vae(init_kwargs_from_config(cfg["vae"]))
v.load_state_dict({k[4:]: t for k, t in w.items() if k.startswith("vae.")}, strict=True)
S2 = dict(S)
S2["hunyuandit_pipeline"] = dict(S["hunyuandit_pipeline"], guidance_rescales=cfg["call"]["guidance_rescale"])
got, _, _ = run_pipeline(S2, tr, v, init_kwargs_from_config(cfg["scheduler"]), i, record_noise=False)
for r in sorted({k.split(".")[0] + "." for k in o if k.startswith("rescale")}):
    e = {k: "%.2e" % rel(got[r + k], o[r + k]) for k in ("noise_pred_raw", "noise_pred_guided", "latents", "image_decoded_raw", "image")}
    e.update({k + "0": "%.2e" % rel(got[r + k][0], o[r + k][0]) for k in ("noise_pred_raw", "noise_pred_guided")})  # step 0 alone
    print(mode, e)
