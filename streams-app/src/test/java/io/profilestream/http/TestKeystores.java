package io.profilestream.http;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Self-signed keystores for HTTPS tests, made with the JDK's own keytool so no key material is kept in the source.
 */
final class TestKeystores {

    private TestKeystores() {
    }

    /**
     * Makes a PKCS12 keystore with one EC key and a certificate for localhost and 127.0.0.1, valid for two days.
     */
    static Path selfSigned(final Path directory, final String name, final String password) throws IOException {
        final Path file = directory.resolve(name + ".p12");
        final Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        final Process process = new ProcessBuilder(List.of(keytool.toString(), "-genkeypair", "-alias", name,
            "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
            "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12",
            "-keystore", file.toString(), "-storepass", password, "-keypass", password))
            .redirectErrorStream(true)
            .start();
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IOException("keytool failed: "
                    + new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            }
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while keytool ran.", e);
        }
        return file;
    }
}
