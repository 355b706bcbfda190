"""I2V set 'i2v-latent_concat': HunyuanVideo-I2V-33ch's layout in small (in_channels 2*4+1 = 9, out_channels 4,
no guidance embeds), batch 2 with uneven padding, 3 latent frames, non-square latent."""
import inspect
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(inspect.currentframe().f_code.co_filename)))
from heldout_parts import i2v_spec  # noqa: E402

SPEC = i2v_spec("i2v-latent_concat", 1616, "latent_concat", in_channels=9, guidance_embeds=False,
                valid_tokens=[7, 4], timestep=[900.0, 333.0], guidance=[1000.0, 1000.0])
