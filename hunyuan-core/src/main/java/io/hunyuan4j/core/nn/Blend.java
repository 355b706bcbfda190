package io.hunyuan4j.core.nn;

import io.hunyuan4j.core.ops.HostArrays;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

/**
 * The reference's seam blending of overlapping tiles ({@code blend_v}, {@code blend_h}, {@code blend_t}): the
 * first {@code e} rows (columns, frames) of tile {@code b} become {@code a[-e + y] * (1 - y/e) + b[y] * (y/e)},
 * a linear ramp from the previous tile {@code a} into {@code b}, with {@code e = min(a, b, extent)} along the
 * axis (edge tiles are smaller, so {@code e} can be less than the extent). Like the reference it writes into
 * {@code b} in place, so a tile blended here is what later tiles blend against.
 *
 * @see <a href="https://github.com/huggingface/diffusers/blob/58eb52c0803ea9af3abec60841c2a093bdf1f951/src/diffusers/models/autoencoders/autoencoder_kl_hunyuan_video.py#L857">diffusers AutoencoderKLHunyuanVideo.blend_v</a>
 */
public final class Blend {

    /** Frames of [B, C, T, H, W]. */
    public static final int T = 2;
    /** Rows of [B, C, T, H, W]. */
    public static final int V = 3;
    /** Columns of [B, C, T, H, W]. */
    public static final int H = 4;

    private Blend() {}

    /**
     * Blends the end of {@code a} into the start of {@code b} along {@code axis}, in place.
     *
     * @param a the previous tile [B, C, T, H, W]
     * @param b the current tile [B, C, T, H, W], overwritten in its first {@code e} elements along the axis
     * @param blendExtent the reference's {@code blend_extent} before clamping to both tiles' lengths
     */
    public static void blend(NDArray a, NDArray b, int axis, long blendExtent) {
        long aLen = a.getShape().get(axis);
        long e = Math.min(Math.min(aLen, b.getShape().get(axis)), blendExtent);
        if (e <= 0) {
            return;
        }
        // the reference multiplies float32 tensors by Python floats: (1 - y / e) and (y / e) in double, then f32
        float[] keep = new float[(int) e];
        float[] take = new float[(int) e];
        for (int y = 0; y < e; y++) {
            keep[y] = (float) (1.0 - (double) y / e);
            take[y] = (float) ((double) y / e);
        }
        long[] ramp = {1, 1, 1, 1, 1};
        ramp[axis] = e;
        try (NDManager scope = NDManager.subManagerOf(b)) {
            scope.tempAttachAll(a, b);
            NDArray wKeep = HostArrays.floats(scope, keep, new Shape(ramp));
            NDArray wTake = HostArrays.floats(scope, take, new Shape(ramp));
            // b[y] = a[-e + y] * (1 - y / e) + b[y] * (y / e)
            NDArray head = a.get(slice(axis, aLen - e, aLen)).mul(wKeep).add(b.get(slice(axis, 0, e)).mul(wTake));
            b.set(slice(axis, 0, e), head);
        }
    }

    /** {@code [:, :, ..., from:to, ...]} on {@code axis} of a 5-d array. */
    public static NDIndex slice(int axis, long from, long to) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 5; i++) {
            sb.append(i == 0 ? "" : ",").append(i == axis ? from + ":" + to : ":");
        }
        return new NDIndex(sb.toString());
    }
}
