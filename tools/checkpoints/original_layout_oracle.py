"""Oracle for the original-layout key mapping: inverts the public transformer fixture to Tencent's names, runs
diffusers' own convert_hunyuan_video_transformer_to_diffusers on the result and checks it gives back every fixture
tensor bit for bit. Writes the original key set (the Java test's inverse must produce exactly these keys).

    /usr/bin/python3 tools/checkpoints/original_layout_oracle.py /work/shared/golden /tmp/diffusers/src \
        hunyuan-core/src/test/resources/io/hunyuan4j/core/transformer/original-layout-keys.txt

diffusers hard-codes hidden_size = 3072 for the single blocks' linear1 split; the fixture's inner dim is put in its
place (the only change to the converter).
"""
import inspect
import os
import re
import sys

import torch

golden, diffusers_src, out = sys.argv[1:4]
sys.path.insert(0, os.path.join(golden, "tools"))
import compat  # noqa: E402
import stio  # noqa: E402

compat.setup_diffusers(os.path.abspath(diffusers_src), stub_transformers=True)
from diffusers.loaders import single_file_utils as sfu  # noqa: E402

W = stio.load(os.path.join(golden, "transformer", "weights.safetensors"))[0]
W = {k: torch.as_tensor(v) if not isinstance(v, torch.Tensor) else v for k, v in W.items()}
inner = W["x_embedder.proj.weight"].shape[0]

src = inspect.getsource(sfu.convert_hunyuan_video_transformer_to_diffusers).replace(
    "hidden_size = 3072", f"hidden_size = {inner}")
ns = dict(sfu.__dict__)
exec(src, ns)
convert = ns["convert_hunyuan_video_transformer_to_diffusers"]

DUAL = {"norm1.linear": "img_mod.linear", "norm1_context.linear": "txt_mod.linear",
        "attn.norm_q": "img_attn_q_norm", "attn.norm_k": "img_attn_k_norm",
        "attn.norm_added_q": "txt_attn_q_norm", "attn.norm_added_k": "txt_attn_k_norm",
        "attn.to_out.0": "img_attn_proj", "attn.to_add_out": "txt_attn_proj",
        "ff.net.0.proj": "img_mlp.fc1", "ff.net.2": "img_mlp.fc2",
        "ff_context.net.0.proj": "txt_mlp.fc1", "ff_context.net.2": "txt_mlp.fc2"}
SINGLE = {"proj_out": "linear2", "attn.norm_q": "q_norm", "attn.norm_k": "k_norm", "norm.linear": "modulation.linear"}
REFINER = {"attn.to_out.0": "self_attn_proj", "ff.net.0.proj": "mlp.fc1", "ff.net.2": "mlp.fc2",
           "norm_out.linear": "adaLN_modulation.1", "norm1": "norm1", "norm2": "norm2"}
TOP = {"x_embedder.proj": "img_in.proj", "context_embedder.proj_in": "txt_in.input_embedder",
       "context_embedder.time_text_embed.timestep_embedder.linear_1": "txt_in.t_embedder.mlp.0",
       "context_embedder.time_text_embed.timestep_embedder.linear_2": "txt_in.t_embedder.mlp.2",
       "context_embedder.time_text_embed.text_embedder.linear_1": "txt_in.c_embedder.linear_1",
       "context_embedder.time_text_embed.text_embedder.linear_2": "txt_in.c_embedder.linear_2",
       "time_text_embed.timestep_embedder.linear_1": "time_in.mlp.0",
       "time_text_embed.timestep_embedder.linear_2": "time_in.mlp.2",
       "time_text_embed.guidance_embedder.linear_1": "guidance_in.mlp.0",
       "time_text_embed.guidance_embedder.linear_2": "guidance_in.mlp.2",
       "time_text_embed.text_embedder.linear_1": "vector_in.in_layer",
       "time_text_embed.text_embedder.linear_2": "vector_in.out_layer",
       "proj_out": "final_layer.linear"}

orig = {}
for n, t in W.items():
    module, suffix = n.rsplit(".", 1)
    suffix = "." + suffix
    if m := re.match(r"^transformer_blocks\.(\d+)\.(.*)$", module):
        o, rest, p = f"double_blocks.{m[1]}.", m[2], f"transformer_blocks.{m[1]}."
        if rest in ("attn.to_q", "attn.to_k", "attn.to_v"):
            orig[o + "img_attn_qkv" + suffix] = torch.cat([W[p + f"attn.to_{x}" + suffix] for x in "qkv"])
        elif rest.startswith("attn.add_"):
            orig[o + "txt_attn_qkv" + suffix] = torch.cat([W[p + f"attn.add_{x}_proj" + suffix] for x in "qkv"])
        else:
            orig[o + DUAL[rest] + suffix] = t
    elif m := re.match(r"^single_transformer_blocks\.(\d+)\.(.*)$", module):
        o, rest, p = f"single_blocks.{m[1]}.", m[2], f"single_transformer_blocks.{m[1]}."
        if rest.startswith("attn.to_") or rest == "proj_mlp":
            orig[o + "linear1" + suffix] = torch.cat(
                [W[p + x + suffix] for x in ("attn.to_q", "attn.to_k", "attn.to_v", "proj_mlp")])
        else:
            orig[o + SINGLE[rest] + suffix] = t
    elif m := re.match(r"^context_embedder\.token_refiner\.refiner_blocks\.(\d+)\.(.*)$", module):
        o, rest, p = f"txt_in.individual_token_refiner.blocks.{m[1]}.", m[2], \
            f"context_embedder.token_refiner.refiner_blocks.{m[1]}."
        if rest in ("attn.to_q", "attn.to_k", "attn.to_v"):
            orig[o + "self_attn_qkv" + suffix] = torch.cat([W[p + f"attn.to_{x}" + suffix] for x in "qkv"])
        else:
            orig[o + REFINER[rest] + suffix] = t
    elif module == "norm_out.linear":
        scale, shift = t.chunk(2, dim=0)
        orig["final_layer.adaLN_modulation.1" + suffix] = torch.cat([shift, scale])
    else:
        orig[TOP[module] + suffix] = t

back = convert({k: v.clone() for k, v in orig.items()})
assert set(back) == set(W), (sorted(set(back) ^ set(W)))
for k in W:
    assert torch.equal(back[k], W[k]), k
with open(out, "w") as f:
    f.write("\n".join(sorted(orig)) + "\n")
print(f"{len(orig)} original keys -> {len(back)} diffusers keys, all tensors equal; wrote {out}")
