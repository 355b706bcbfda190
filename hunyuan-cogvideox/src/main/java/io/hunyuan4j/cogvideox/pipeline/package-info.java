/**
 * The CogVideoX text-to-video and image-to-video pipelines: classifier-free guidance (static and dynamic), DDIM/DPM sampling, VAE decoding.
 */
@NullMarked
package io.hunyuan4j.cogvideox.pipeline;

import org.jspecify.annotations.NullMarked;
