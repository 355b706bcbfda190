package io.hunyuan4j.core.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.hunyuan4j.core.weights.SafetensorsFile;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link ConditionImage}: files the test writes (8- and 16-bit PNG, gray, alpha, CMYK JPEG, not an image, too
 * small), and the Lanczos resize against PIL's ({@code tools/golden/make_lanczos_fixture.py}).
 */
class ConditionImageTest {

    @TempDir
    Path dir;

    private static BufferedImage rgb(int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, (x * 8 % 256) << 16 | (y * 8 % 256) << 8 | 77);
            }
        }
        return img;
    }

    @Test
    void readsAnRgbPngExactly() throws Exception {
        Path f = dir.resolve("in.png");
        ImageIO.write(rgb(24, 20), "png", f.toFile());
        ConditionImage c = ConditionImage.read(f);
        assertEquals(20, c.height());
        assertEquals(24, c.width());
        float[] px = c.rgb();
        int i = (3 * 24 + 5) * 3; // (y=3, x=5)
        assertEquals(40 / 255f, px[i], 0f);
        assertEquals(24 / 255f, px[i + 1], 0f);
        assertEquals(77 / 255f, px[i + 2], 0f);
    }

    @Test
    void sixteenBitPngIsReducedToEightBits() throws Exception {
        ComponentColorModel cm = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_sRGB), false, false,
                Transparency.OPAQUE, DataBuffer.TYPE_USHORT);
        WritableRaster raster = cm.createCompatibleWritableRaster(16, 16);
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 16; x++) {
                raster.setPixel(x, y, new int[] {x * 4096, 65535, 0});
            }
        }
        Path f = dir.resolve("deep.png");
        assertTrue(ImageIO.write(new BufferedImage(cm, raster, false, null), "png", f.toFile()));
        ConditionImage c = ConditionImage.read(f);
        float[] px = c.rgb();
        int i = (2 * 16 + 8) * 3; // x = 8: 32768 of 65535
        assertEquals(128 / 255f, px[i], 1.5f / 255);
        assertEquals(1f, px[i + 1], 0f);
        assertEquals(0f, px[i + 2], 0f);
    }

    @Test
    void grayBecomesRgbAndAlphaIsDropped() {
        BufferedImage gray = new BufferedImage(16, 16, BufferedImage.TYPE_BYTE_GRAY);
        gray.getRaster().setSample(3, 4, 0, 200);
        float[] g = ConditionImage.of(gray).rgb();
        int i = (4 * 16 + 3) * 3;
        assertEquals(g[i], g[i + 1], 0f);
        assertEquals(g[i], g[i + 2], 0f);
        assertTrue(g[i] > 0.5f);
        BufferedImage argb = new BufferedImage(16, 16, BufferedImage.TYPE_INT_ARGB);
        argb.setRGB(0, 0, 0x10ff8000); // almost transparent orange: the colour is kept, the alpha dropped
        float[] a = ConditionImage.of(argb).rgb();
        assertArrayEquals(new float[] {1f, 128 / 255f, 0f}, new float[] {a[0], a[1], a[2]});
    }

    @Test
    void cmykJpegIsRejectedNamingTheConversion() throws Exception {
        Path f = dir.resolve("cmyk.jpg");
        WritableRaster raster = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, 32, 32, 4, null);
        for (int y = 0; y < 32; y++) {
            for (int x = 0; x < 32; x++) {
                raster.setPixel(x, y, new int[] {x * 8, y * 8, 30, 60});
            }
        }
        Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("jpeg");
        ImageWriter writer = writers.next();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(f.toFile())) {
            writer.setOutput(out);
            writer.write(null, new IIOImage(raster, null, null), null); // 4 channels: an Adobe CMYK/YCCK JPEG
        } finally {
            writer.dispose();
        }
        assertTrue(Files.size(f) > 0);
        var e = assertThrows(ConditionImageException.class, () -> ConditionImage.read(f));
        assertTrue(e.getMessage().contains("cmyk.jpg") && e.getMessage().contains("CMYK"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"notes.png", "empty.jpg"})
    void aFileThatIsNotAnImageIsRejected(String name) throws Exception {
        Path f = dir.resolve(name);
        Files.writeString(f, name.startsWith("empty") ? "" : "just some text, not pixels");
        var e = assertThrows(ConditionImageException.class, () -> ConditionImage.read(f));
        assertTrue(e.getMessage().contains(name) && e.getMessage().contains("not an image"), e.getMessage());
    }

    @Test
    void tooSmallIsRejectedNamingTheBound() throws Exception {
        Path f = dir.resolve("thumb.png");
        ImageIO.write(rgb(15, 40), "png", f.toFile());
        var e = assertThrows(ConditionImageException.class, () -> ConditionImage.read(f));
        assertTrue(e.getMessage().contains("15x40") && e.getMessage().contains("[16, 8192]"), e.getMessage());
        assertThrows(ConditionImageException.class, () -> ConditionImage.of(rgb(8, 8)));
        assertThrows(ConditionImageException.class, () -> ConditionImage.read(dir.resolve("missing.png")));
    }

    @Test
    void pixelsAreChecked() {
        assertThrows(IllegalArgumentException.class, () -> ConditionImage.ofPixels(new float[10], 16, 16));
        float[] bad = new float[3 * 16 * 16];
        bad[7] = 1.5f;
        var e = assertThrows(IllegalArgumentException.class, () -> ConditionImage.ofPixels(bad, 16, 16));
        assertTrue(e.getMessage().contains("rgb[7]"), e.getMessage());
    }

    @Test
    void toTensorIsChwInMinusOneToOne() {
        float[] px = new float[3 * 16 * 16];
        px[0] = 1f; // r of (0, 0)
        px[3 * 17 + 2] = 0.5f; // b of (1, 1)
        ConditionImage c = ConditionImage.ofPixels(px, 16, 16);
        assertSame(c, c.resized(16, 16));
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray t = c.toTensor(m, 16, 16);
            assertEquals(new Shape(1, 3, 16, 16), t.getShape());
            float[] v = t.toFloatArray();
            assertEquals(1f, v[0], 0f);
            assertEquals(-1f, v[1], 0f);
            assertEquals(0f, v[2 * 256 + 17], 0f);
        }
    }

    /** Bit-exact with PIL (the Pillow version is in the fixture's metadata): same fixed point, 8 bits per pass. */
    @ParameterizedTest
    @ValueSource(strings = {"16x16", "32x48", "24x20"})
    void lanczosResizeMatchesPil(String size) throws Exception {
        Path fixture = Path.of(ConditionImageTest.class.getResource("/i2v/lanczos.safetensors").toURI());
        try (SafetensorsFile f = SafetensorsFile.open(fixture); NDManager m = NDManager.newBaseManager()) {
            NDArray input = f.load("input", m, DataType.FLOAT32);
            NDArray expected = f.load("resized_" + size, m, DataType.FLOAT32);
            int h = (int) input.getShape().get(0);
            int w = (int) input.getShape().get(1);
            ConditionImage c = ConditionImage.ofPixels(input.div(255f).toFloatArray(), h, w);
            int oh = (int) expected.getShape().get(0);
            int ow = (int) expected.getShape().get(1);
            float[] got = c.resized(oh, ow).rgb();
            float[] want = expected.toFloatArray();
            double worst = 0;
            for (int i = 0; i < got.length; i++) {
                worst = Math.max(worst, Math.abs(got[i] * 255f - want[i]));
            }
            assertEquals(0.0, worst, 1e-3, size + ": max |java - PIL| in 8-bit steps");
        }
    }
}
