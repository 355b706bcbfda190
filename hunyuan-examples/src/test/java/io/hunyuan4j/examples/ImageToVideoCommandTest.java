package io.hunyuan4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code generate --image FILE} on the embedded tiny model's image-to-video variant (token replace): an MP4 from a
 * PNG the test writes, and a clear error, exit code 2 and nothing written for files that are no usable image.
 */
class ImageToVideoCommandTest {

    private record Run(int code, String out, String err) { }

    private static Run generate(List<String> args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        List<String> a = new ArrayList<>(List.of("generate", "--prompt", "the cat turns its head", "--height", "32",
                "--width", "48", "--steps", "2", "--seed", "5"));
        a.addAll(args);
        int code = Cli.run(a.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static Path png(Path dir, int w, int h) throws IOException {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, (x * 255 / w) << 16 | (y * 255 / h) << 8 | 128);
            }
        }
        Path f = dir.resolve("in-" + w + "x" + h + ".png");
        ImageIO.write(img, "png", f.toFile());
        return f;
    }

    @Test
    void animatesAPngIntoAnMp4(@TempDir Path dir) throws IOException {
        // 40x30 to 48x32: the image is resized as diffusers' video processor does
        Path out = dir.resolve("cat.mp4");
        Run r = generate(List.of("--image", png(dir, 40, 30).toString(), "--frames", "5", "--out", out.toString()));
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("wrote " + out + ": 5 frames 32x48"), r.out());
        assertTrue(Files.size(out) > 0);
    }

    @Test
    void aTextFileIsNoImage(@TempDir Path dir) throws IOException {
        Path fake = dir.resolve("photo.png");
        Files.writeString(fake, "not a png");
        Path out = dir.resolve("x.mp4");
        Run r = generate(List.of("--image", fake.toString(), "--out", out.toString()));
        assertEquals(2, r.code(), r.out() + r.err());
        assertTrue(r.err().contains("photo.png") && r.err().contains("not an image"), r.err());
        assertFalse(Files.exists(out));
    }

    @Test
    void aTooSmallImageIsRejected(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("x.mp4");
        Run r = generate(List.of("--image", png(dir, 12, 12).toString(), "--out", out.toString()));
        assertEquals(2, r.code(), r.out() + r.err());
        assertTrue(r.err().contains("12x12") && r.err().contains("[16, 8192]"), r.err());
        assertFalse(Files.exists(out));
    }
}
