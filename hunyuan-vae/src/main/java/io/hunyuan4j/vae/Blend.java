package io.hunyuan4j.vae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

/**
 * The reference's seam blending of overlapping tiles ({@code blend_v}, {@code blend_h}, {@code blend_t}): the
 * first {@code e} rows (columns, frames) of tile {@code b} become {@code a[-e + y] * (1 - y/e) + b[y] * (y/e)},
 * a linear ramp from the previous tile {@code a} into {@code b}, with {@code e = min(a, b, extent)} along the
 * axis. The reference writes into {@code b} in place and later reads the blended {@code b} again as the next
 * tile's {@code a}; these functions return the blended tile instead, and callers keep it in place of {@code b}.
 *
 * @see <a href="https://github.com/huggingface/diffusers/blob/58eb52c0803ea9af3abec60841c2a093bdf1f951/src/diffusers/models/autoencoders/autoencoder_kl_hunyuan_video.py#L857">diffusers AutoencoderKLHunyuanVideo.blend_v</a>
 */
final class Blend {

    /** Frames of [B, C, T, H, W]. */
    static final int T = 2;
    /** Rows of [B, C, T, H, W]. */
    static final int V = 3;
    /** Columns of [B, C, T, H, W]. */
    static final int H = 4;

    private Blend() {}

    /**
     * Blends the end of {@code a} into the start of {@code b} along {@code axis}.
     *
     * @param a the previous tile [B, C, T, H, W]
     * @param b the current tile [B, C, T, H, W]
     * @return the blended {@code b}, in {@code b}'s manager ({@code b} itself when nothing overlaps)
     */
    static NDArray blend(NDArray a, NDArray b, int axis, long blendExtent) {
        long e = Math.min(Math.min(a.getShape().get(axis), b.getShape().get(axis)), blendExtent);
        if (e <= 0) {
            return b;
        }
        long aLen = a.getShape().get(axis);
        long bLen = b.getShape().get(axis);
        // the reference multiplies float32 tensors by Python floats: (1 - y / e) and (y / e) in double, then f32
        float[] keep = new float[(int) e];
        float[] take = new float[(int) e];
        for (int y = 0; y < e; y++) {
            keep[y] = (float) (1.0 - (double) y / e);
            take[y] = (float) ((double) y / e);
        }
        long[] ramp = {1, 1, 1, 1, 1};
        ramp[axis] = e;
        NDArray bHead = b.get(slice(axis, 0, e));
        NDArray aTail = a.get(slice(axis, aLen - e, aLen));
        NDArray wKeep = b.getManager().create(keep, new Shape(ramp));
        NDArray wTake = b.getManager().create(take, new Shape(ramp));
        // b[y] = a[-e + y] * (1 - y / e) + b[y] * (y / e)
        NDArray head = bHead.mul(wTake).add(wKeep.mul(aTail));
        if (e == bLen) {
            return head;
        }
        return NDArrays.concat(new NDList(head, b.get(slice(axis, e, bLen))), axis);
    }

    /** {@code [:, :, ..., from:to, ...]} on {@code axis} of a 5-d array. */
    static NDIndex slice(int axis, long from, long to) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 5; i++) {
            sb.append(i == 0 ? "" : ",").append(i == axis ? from + ":" + to : ":");
        }
        return new NDIndex(sb.toString());
    }
}
