package io.hunyuan4j.core.ops;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes a TorchScript archive ({@code torch.jit.save} format) for a parameterless module from its TorchScript
 * source, in Java: no Python at build or run time.
 *
 * <p>The archive is a zip of four STORED entries under one folder: {@code data.pkl} (the pickled module
 * object, {@code __torch__.<Class>()} with state {@code {'training': True}}), {@code code/__torch__.py} (the
 * source), {@code constants.pkl} (an empty tuple) and {@code version} ({@code "10"}; with older versions
 * libtorch's upgraders reject {@code gelu(approximate=)}). Measured to load in DJL's libtorch 2.7.1
 * (../shared/research/djl-probe.md section 3).
 */
final class TorchScriptArchive {

    /** File-format version; see the class comment. */
    static final String VERSION = "10";

    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private TorchScriptArchive() {}

    /**
     * Writes the archive.
     *
     * @param file the .pt file to create (replaced if present)
     * @param folder the archive's top folder, e.g. {@code kernels}
     * @param className the module class defined by {@code code}, e.g. {@code Kernels}
     * @param code TorchScript source in the serialized-code dialect ({@code code/__torch__.py})
     */
    static void write(Path file, String folder, String className, String code) throws IOException {
        requireIdentifier("folder", folder);
        requireIdentifier("className", className);
        if (!code.contains("class " + className + "(Module)")) {
            throw new IllegalArgumentException("code does not define 'class " + className + "(Module)'");
        }
        try (OutputStream os = Files.newOutputStream(file);
                ZipOutputStream zip = new ZipOutputStream(os)) {
            putStored(zip, folder + "/data.pkl", modulePickle(className));
            putStored(zip, folder + "/code/__torch__.py", code.getBytes(UTF_8));
            putStored(zip, folder + "/constants.pkl", new byte[] {(byte) 0x80, 2, ')', '.'});
            putStored(zip, folder + "/version", (VERSION + "\n").getBytes(US_ASCII));
        }
    }

    private static void requireIdentifier(String what, String s) {
        if (!IDENTIFIER.matcher(s).matches()) {
            throw new IllegalArgumentException(what + " must be a Python identifier but is '" + s + "'");
        }
    }

    private static void putStored(ZipOutputStream zip, String name, byte[] data) throws IOException {
        ZipEntry e = new ZipEntry(name);
        e.setMethod(ZipEntry.STORED);
        e.setSize(data.length);
        e.setCompressedSize(data.length);
        CRC32 crc = new CRC32();
        crc.update(data);
        e.setCrc(crc.getValue());
        zip.putNextEntry(e);
        zip.write(data);
        zip.closeEntry();
    }

    /**
     * Pickle protocol 2 of {@code __torch__.<className>()} built with NEWOBJ and state {@code {'training': True}}
     * set by BUILD: the object record TorchScript's unpickler expects for a module without parameters.
     */
    static byte[] modulePickle(String className) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(new byte[] {(byte) 0x80, 2});                               // PROTO 2
        b.writeBytes(("c__torch__\n" + className + "\n").getBytes(US_ASCII));    // GLOBAL __torch__.<class>
        b.writeBytes(new byte[] {'q', 0, ')', (byte) 0x81, '}', '('});           // BINPUT 0, EMPTY_TUPLE, NEWOBJ, EMPTY_DICT, MARK
        byte[] key = "training".getBytes(US_ASCII);
        b.write('X');                                                            // BINUNICODE, 4-byte LE length
        b.writeBytes(new byte[] {(byte) key.length, 0, 0, 0});
        b.writeBytes(key);
        b.writeBytes(new byte[] {'q', 1, (byte) 0x88, 'u', 'b', 'q', 2, '.'});   // BINPUT 1, NEWTRUE, SETITEMS, BUILD, BINPUT 2, STOP
        return b.toByteArray();
    }
}
