#!/usr/bin/python3
"""transformers' CLIPImageProcessor (resize shortest edge, bicubic; center crop; rescale; normalize) re-done with
PIL and numpy as transformers computes it (image_processing_clip.py, image_transforms.py: PIL resize of the uint8
image, `top = (h - crop) // 2`, rescale in float64 then float32, `(x - mean) / std` in float32), since
transformers cannot be imported here. A 30x40 and a 40x30 image to shortest edge 28, crop 28.

    /usr/bin/python3 tools/golden/make_clip_image_fixture.py hunyuan-text/src/test/resources/clip_image.safetensors
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "shared", "golden",
                                "tools"))
import numpy as np  # noqa: E402
import torch  # noqa: E402
from PIL import Image  # noqa: E402

import stio  # noqa: E402

MEAN = np.array([0.48145466, 0.4578275, 0.40821073], dtype=np.float32)
STD = np.array([0.26862954, 0.26130258, 0.27577711], dtype=np.float32)


def process(img, edge=28, crop=28):
    h, w = img.shape[:2]
    short, long = (w, h) if w <= h else (h, w)
    new_long = int(edge * long / short)
    nh, nw = (new_long, edge) if w <= h else (edge, new_long)
    r = np.asarray(Image.fromarray(img, "RGB").resize((nw, nh), resample=Image.BICUBIC))
    top, left = (nh - crop) // 2, (nw - crop) // 2
    r = r[top:top + crop, left:left + crop]
    x = (r.astype(np.float64) * (1 / 255)).astype(np.float32)
    x = (x - MEAN) / STD
    return torch.from_numpy(np.ascontiguousarray(x.transpose(2, 0, 1))[None])


out = {}
for (h, w) in ((30, 40), (40, 30)):
    y, x = np.mgrid[0:h, 0:w]
    img = np.stack([(x * 255 // (w - 1)), (y * 255 // (h - 1)), ((x + 2 * y) % 5) * 60], -1).astype(np.uint8)
    img[4:12, 6:15] = [240, 30, 90]
    out[f"image_{h}x{w}"] = torch.from_numpy(img.astype(np.float32))
    out[f"pixel_values_{h}x{w}"] = process(img)
stio.save(sys.argv[1], out, metadata={"format": "pt"})
