package io.hunyuan4j.core.pipeline;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import io.hunyuan4j.core.api.Denoiser;
import io.hunyuan4j.core.api.ImageConditionType;
import io.hunyuan4j.core.api.LatentDecoder;
import io.hunyuan4j.core.api.LatentEncoder;
import io.hunyuan4j.core.scheduler.Schedule;
import io.hunyuan4j.core.scheduler.Scheduler;
import io.hunyuan4j.core.scheduler.Velocity;

/**
 * The stages of diffusers' {@code HunyuanVideoImageToVideoPipeline.__call__} that differ from text-to-video, for
 * one call: the image latents of {@code prepare_latents}, the model input built per {@code image_condition_type}
 * in the denoising loop, the token-replace step that keeps the first latent frame, and the frames dropped after
 * decoding. {@link VideoPipeline} runs them when the request carries an image; {@link #NONE} is text-to-video.
 *
 * @see <a href="https://github.com/huggingface/diffusers/blob/58eb52c0803ea9af3abec60841c2a093bdf1f951/src/diffusers/pipelines/hunyuan_video/pipeline_hunyuan_video_image2video.py">diffusers HunyuanVideoImageToVideoPipeline</a>
 */
class ImageToVideo {

    /** diffusers {@code prepare_latents}: {@code t = torch.tensor([0.999])}, the noise share of the initial latents. */
    static final float IMAGE_NOISE_T = 0.999f;
    /** diffusers: {@code video = video[:, :, 4:, :, :]} after decoding, for latent_concat. */
    static final int LATENT_CONCAT_DROPPED_FRAMES = 4;

    /** Text-to-video: the latents are the model input, a step is the scheduler's, the video is kept whole. */
    static final ImageToVideo NONE = new ImageToVideo();

    private ImageToVideo() {}

    /** Latent channels C of the noise for a denoiser: latent_concat's input also holds the image latent and mask. */
    static int latentChannels(Denoiser transformer, LatentDecoder vae) {
        if (transformer.imageConditionType() == ImageConditionType.LATENT_CONCAT) {
            return (transformer.inChannels() - 1) / 2;
        }
        return isSkyreels(transformer, vae) ? transformer.inChannels() / 2 : transformer.inChannels();
    }

    /**
     * SkyReels-V1 I2V ({@code HunyuanSkyreelsImageToVideoPipeline}): no {@code image_condition_type}, but the DiT
     * takes twice the VAE's latent channels (the noisy latents, then the image latent zero-padded over the frames).
     */
    static boolean isSkyreels(Denoiser transformer, LatentDecoder vae) {
        return transformer.imageConditionType() == ImageConditionType.NONE
                && transformer.inChannels() == 2 * vae.latentChannels();
    }

    /**
     * Checks that a request fits the denoiser's image condition, before any model work.
     *
     * @throws IllegalArgumentException naming what is missing or extra
     */
    static void checkInputs(GenerationRequest r, Denoiser transformer, LatentDecoder vae) {
        ImageConditionType type = transformer.imageConditionType();
        boolean skyreels = isSkyreels(transformer, vae);
        if (type == ImageConditionType.NONE && !skyreels) {
            if (r.image() != null) {
                throw new IllegalArgumentException("the request has an image but the transformer is text-to-video"
                        + " (image_condition_type null); remove the image or load an image-to-video model");
            }
            return;
        }
        if (r.image() == null) {
            throw new IllegalArgumentException(skyreels
                    ? "the transformer is SkyReels-V1 image-to-video (in_channels " + transformer.inChannels()
                            + " = 2 x the VAE's latent channels) and needs an image: GenerationRequest.withImage(...)"
                    : "the transformer is image-to-video (image_condition_type \"" + type.configValue()
                            + "\") and needs an image: GenerationRequest.withImage(...)");
        }
        if (!(vae instanceof LatentEncoder)) {
            throw new IllegalArgumentException("image-to-video needs a VAE that encodes (a LatentEncoder) but "
                    + vae.getClass().getName() + " only decodes");
        }
        if (type == ImageConditionType.LATENT_CONCAT && r.frames() <= LATENT_CONCAT_DROPPED_FRAMES) {
            throw new IllegalArgumentException("frames must be at least " + (LATENT_CONCAT_DROPPED_FRAMES + 1)
                    + " for a latent_concat model (its first " + LATENT_CONCAT_DROPPED_FRAMES
                    + " decoded frames are dropped) but is " + r.frames());
        }
    }

    /**
     * The image part of {@code prepare_latents}: the image preprocessed to the request's size, VAE-encoded (mode,
     * times the scaling factor; SkyReels: a posterior sample with noise from {@code ~seed}) and repeated over the
     * batch and the latent frames.
     *
     * @param latentShape [B, C, T', H', W'] of the noise
     */
    static ImageToVideo prepare(GenerationRequest r, Denoiser transformer, LatentDecoder vae, long[] latentShape,
            long seed, NDManager call) {
        ConditionImage image = java.util.Objects.requireNonNull(r.image(), "image");
        // [1, 3, H, W] -> [1, 3, 1, H, W]
        NDArray pixels = image.toTensor(call, r.height(), r.width()).expandDims(2);
        if (isSkyreels(transformer, vae)) {
            // retrieve_latents(vae.encode(image), generator): sample_mode "sample", not the mode
            long[] one = {1, latentShape[1], 1, latentShape[3], latentShape[4]};
            NDArray eps = GaussianNoise.sample(~seed, one).toArray(call);
            NDArray sampled = ((LatentEncoder) vae).encodeSample(pixels, eps).mul(vae.scalingFactor());
            // cat([image_latents, zeros(T' - 1 frames)], dim=2), one image for every item
            NDArray padded = latentShape[2] == 1 ? sampled : NDArrays.concat(new NDList(sampled,
                    call.zeros(new ai.djl.ndarray.types.Shape(1, latentShape[1], latentShape[2] - 1, latentShape[3],
                            latentShape[4]), sampled.getDataType())), 2);
            return new Skyreels(padded.repeat(0, latentShape[0]));
        }
        NDArray encoded = ((LatentEncoder) vae).encodeMode(pixels);
        NDArray imageLatents = encoded.mul(vae.scalingFactor());
        // image_latents.repeat(1, 1, num_latent_frames, 1, 1), one image for every item of the batch
        NDArray repeated = imageLatents.repeat(0, latentShape[0]).repeat(2, latentShape[2]);
        return transformer.imageConditionType() == ImageConditionType.LATENT_CONCAT
                ? new LatentConcat(repeated) : new TokenReplace(repeated);
    }

    /** {@code latents * t + image_latents * (1 - t)}; text-to-video keeps the noise. */
    NDArray prepareLatents(NDArray noise) {
        return noise;
    }

    /** One scheduler step; image-to-video builds the model input from the latents inside {@code velocity}. */
    NDArray step(Scheduler sch, Schedule schedule, int index, Velocity velocity, NDArray latents) {
        return sch.step(schedule, index, velocity, latents);
    }

    /** The decoded video as the pipeline returns it. */
    NDArray postDecode(NDArray video) {
        return video;
    }

    /** {@code image_condition_type="latent_concat"}. */
    private static final class LatentConcat extends ImageToVideo {
        private final NDArray repeated;
        private final NDArray imageLatents;
        private final NDArray mask;

        LatentConcat(NDArray repeated) {
            this.repeated = repeated;
            // image_latents[:, :, 1:] = 0; mask = ones [B, 1, T', H', W'] with mask[:, :, 1:] = 0
            NDArray first = repeated.get(new NDIndex(":, :, :1"));
            NDArray firstMask = first.get(new NDIndex(":, :1")).onesLike();
            if (repeated.getShape().get(2) > 1) {
                NDArray rest = repeated.get(new NDIndex(":, :, 1:")).zerosLike();
                this.imageLatents = NDArrays.concat(new NDList(first, rest), 2);
                this.mask = NDArrays.concat(new NDList(firstMask, rest.get(new NDIndex(":, :1"))), 2);
            } else {
                this.imageLatents = first;
                this.mask = firstMask;
            }
        }

        @Override
        NDArray prepareLatents(NDArray noise) {
            return noise.mul(IMAGE_NOISE_T).add(repeated.mul(1f - IMAGE_NOISE_T));
        }

        @Override
        NDArray step(Scheduler sch, Schedule schedule, int index, Velocity velocity, NDArray latents) {
            // torch.cat([latents, image_latents, mask], dim=1), in the sample's (the step's) manager
            return sch.step(schedule, index, (sample, t) -> {
                NDArray input = NDArrays.concat(new NDList(sample, imageLatents, mask), 1);
                input.attach(sample.getManager());
                return velocity.at(input, t);
            }, latents);
        }

        @Override
        NDArray postDecode(NDArray video) {
            return video.get(new NDIndex(":, :, {}:", LATENT_CONCAT_DROPPED_FRAMES));
        }
    }

    /**
     * SkyReels-V1: the model input is {@code cat([latents, image_latents], dim=1)}, the starting latents are the
     * noise alone and the video is kept whole.
     */
    private static final class Skyreels extends ImageToVideo {
        private final NDArray imageLatents;

        Skyreels(NDArray imageLatents) {
            this.imageLatents = imageLatents;
        }

        @Override
        NDArray step(Scheduler sch, Schedule schedule, int index, Velocity velocity, NDArray latents) {
            return sch.step(schedule, index, (sample, t) -> {
                NDArray input = NDArrays.concat(new NDList(sample, imageLatents), 1);
                input.attach(sample.getManager());
                return velocity.at(input, t);
            }, latents);
        }
    }

    /** {@code image_condition_type="token_replace"}. */
    private static final class TokenReplace extends ImageToVideo {
        private final NDArray repeated;
        private final NDArray imageLatents;

        TokenReplace(NDArray repeated) {
            this.repeated = repeated;
            // image_latents = image_latents[:, :, :1]
            this.imageLatents = repeated.get(new NDIndex(":, :, :1"));
        }

        @Override
        NDArray prepareLatents(NDArray noise) {
            return noise.mul(IMAGE_NOISE_T).add(repeated.mul(1f - IMAGE_NOISE_T));
        }

        @Override
        NDArray step(Scheduler sch, Schedule schedule, int index, Velocity velocity, NDArray latents) {
            NDManager stepScope = latents.getManager();
            // the scheduler sees frames 1: only; the model sees the clean image latent as frame 0
            NDArray rest = latents.get(new NDIndex(":, :, 1:"));
            NDArray stepped = sch.step(schedule, index, (sample, t) -> {
                // torch.cat([image_latents, latents[:, :, 1:]], dim=2)
                NDArray input = NDArrays.concat(new NDList(imageLatents, sample), 2);
                input.attach(sample.getManager());
                return velocity.at(input, t).get(new NDIndex(":, :, 1:"));
            }, rest);
            NDArray next = NDArrays.concat(new NDList(imageLatents, stepped), 2);
            next.attach(stepScope);
            return next;
        }
    }
}
