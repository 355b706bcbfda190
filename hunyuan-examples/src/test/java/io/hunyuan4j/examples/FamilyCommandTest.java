package io.hunyuan4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hunyuan4j.testing.TinyHunyuanDiT;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code generate --family cogvideox|hunyuandit}, and {@code --model} of another family's folder. */
class FamilyCommandTest {

    @Test
    void tinyHunyuanDiTWritesAPngOfItsDefaultSize(@TempDir Path dir) throws IOException {
        Path png = dir.resolve("cat.png");
        CliRun r = CliRun.of("generate", "--family", "hunyuandit", "--prompt", "一只猫 a cat", "--steps", "2",
                "--seed", "7", "--out", png.toString());
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("tiny hunyuandit model"), r.out());
        BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(TinyHunyuanDiT.DEFAULT_SIZE, image.getWidth());
        assertEquals(TinyHunyuanDiT.DEFAULT_SIZE, image.getHeight());
    }

    @Test
    void tinyCogVideoXWritesAnMp4AndAFolderLoadsThroughModel(@TempDir Path dir) throws IOException {
        Path mp4 = dir.resolve("fox.mp4");
        CliRun r = CliRun.of("generate", "--family", "cogvideox", "--prompt", "a fox", "--steps", "2", "--seed",
                "3", "--out", mp4.toString());
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("wrote " + mp4.toAbsolutePath()) && r.out().contains("8 fps"), r.out());
        assertTrue(Files.size(mp4) > 0);
        Path folder = io.hunyuan4j.testing.TinyCogVideoX.writeDiffusersFolder(Files.createDirectories(dir.resolve("model")));
        Path fromFolder = dir.resolve("folder.mp4");
        CliRun m = CliRun.of("generate", "--model", folder.toString(), "--prompt", "a fox", "--height", "32",
                "--width", "48", "--frames", "9", "--steps", "2", "--seed", "3", "--out", fromFolder.toString());
        assertEquals(0, m.code(), m.out() + m.err());
        assertFalse(m.out().contains("RANDOM"), m.out());
        CliRun wrong = CliRun.of("generate", "--model", folder.toString(), "--family", "hunyuandit", "--prompt",
                "x", "--out", dir.resolve("w.mp4").toString());
        assertEquals(2, wrong.code());
        assertTrue(wrong.err().contains("cogvideox"), wrong.err());
    }

    @Test
    void imageToVideoWithTheTinyCogVideoXDependsOnTheImage(@TempDir Path dir) throws IOException {
        Path red = dir.resolve("red.png");
        Path blue = dir.resolve("blue.png");
        write(red, 0xff0000);
        write(blue, 0x0000ff);
        Path a = dir.resolve("a.mp4");
        Path b = dir.resolve("b.mp4");
        for (Path[] io : new Path[][] {{red, a}, {blue, b}}) {
            CliRun r = CliRun.of("generate", "--family", "cogvideox", "--prompt", "a fox", "--steps", "2", "--seed",
                    "5", "--image", io[0].toString(), "--out", io[1].toString());
            assertEquals(0, r.code(), r.out() + r.err());
        }
        assertFalse(java.util.Arrays.equals(Files.readAllBytes(a), Files.readAllBytes(b)),
                "the conditioning image changes the video");
        CliRun bad = CliRun.of("generate", "--family", "cogvideox", "--prompt", "a fox", "--image",
                dir.resolve("absent.png").toString(), "--out", dir.resolve("c.mp4").toString());
        assertEquals(2, bad.code());
        assertFalse(Files.exists(dir.resolve("c.mp4")));
    }

    private static void write(Path png, int rgb) throws IOException {
        BufferedImage image = new BufferedImage(48, 32, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 32; y++) {
            for (int x = 0; x < 48; x++) {
                image.setRGB(x, y, rgb);
            }
        }
        ImageIO.write(image, "png", png.toFile());
    }

    @Test
    void hunyuanVideoOnlyOptionsAndUnknownFamiliesAreUsageErrors(@TempDir Path dir) {
        CliRun shift = CliRun.of("generate", "--family", "hunyuandit", "--prompt", "x", "--shift", "5", "--out",
                dir.resolve("a.png").toString());
        assertEquals(2, shift.code());
        assertTrue(shift.err().contains("--shift") && shift.err().contains("hunyuandit"), shift.err());
        CliRun unknown = CliRun.of("generate", "--family", "sdxl", "--prompt", "x", "--out",
                dir.resolve("a.png").toString());
        assertEquals(2, unknown.code());
        assertTrue(unknown.err().contains("sdxl") && unknown.err().contains("cogvideox"), unknown.err());
        assertFalse(Files.exists(dir.resolve("a.png")));
    }
}
