package io.profilestream.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;

/**
 * The operator console: pages under {@code /console/} that show the engine through its own REST API.
 * Every page is the same small shell, whose scripts pick what to show from the path and read everything from
 * {@code /api/v1} with the key the user enters once (kept in the browser's session storage).
 * The shell, its scripts and the chart library (uPlot, from its WebJar) come from the engine's jar, so the console
 * works without a network connection to anything but the engine.
 * They hold no data, so they need no key (see {@link ApiKeyGuard}).
 */
public final class ConsoleRoutes {

    /** The paths of the console's pages; each serves the shell (with or without a trailing slash). */
    static final List<String> PAGES = List.of("/console/", "/console/profiles", "/console/profiles/{id}",
        "/console/segments", "/console/segments/{id}", "/console/live", "/console/dlq", "/console/erasure");

    private static final String RESOURCES = "console/";
    private static final Pattern ASSET = Pattern.compile("[a-z][a-z0-9-]*\\.(js|css|svg)");
    private static final Map<String, String> TYPES = Map.of(
        "js", "text/javascript; charset=utf-8",
        "css", "text/css; charset=utf-8",
        "svg", "image/svg+xml",
        "html", "text/html; charset=utf-8");
    private static final Map<String, String> LIBRARIES = Map.of(
        "uPlot.iife.min.js", "dist/uPlot.iife.min.js",
        "uPlot.min.css", "dist/uPlot.min.css");
    private static final String UPLOT_PROPERTIES = "META-INF/maven/org.webjars.npm/uplot/pom.properties";

    private final byte[] shell;
    private final String uplotRoot;

    public ConsoleRoutes() {
        this.shell = read(RESOURCES + "index.html");
        this.uplotRoot = "META-INF/resources/webjars/uplot/" + webjarVersion() + "/";
    }

    public void register(final Javalin app) {
        for (final String page : PAGES) {
            app.get(page, this::page);
        }
        app.get("/console/assets/{file}", this::asset);
        app.get("/console/lib/{file}", this::library);
    }

    private void page(final Context ctx) {
        ctx.header("Cache-Control", "no-cache");
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("Referrer-Policy", "no-referrer");
        ctx.header("Content-Security-Policy", "default-src 'self'; style-src 'self' 'unsafe-inline'; "
            + "img-src 'self' data:; frame-ancestors 'none'");
        ctx.contentType(TYPES.get("html")).result(shell);
    }

    private void asset(final Context ctx) {
        final String file = ctx.pathParam("file");
        if (!ASSET.matcher(file).matches()) {
            throw notFound(file);
        }
        serve(ctx, RESOURCES + file, file, "no-cache");
    }

    private void library(final Context ctx) {
        final String file = ctx.pathParam("file");
        final String path = LIBRARIES.get(file);
        if (path == null) {
            throw notFound(file);
        }
        serve(ctx, uplotRoot + path, file, "max-age=86400");
    }

    private static void serve(final Context ctx, final String resource, final String file, final String caching) {
        final InputStream in = ConsoleRoutes.class.getClassLoader().getResourceAsStream(resource);
        if (in == null) {
            throw notFound(file);
        }
        ctx.header("Cache-Control", caching);
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.contentType(TYPES.get(file.substring(file.lastIndexOf('.') + 1))).result(in);
    }

    private static HttpResponseException notFound(final String file) {
        return new HttpResponseException(404, "No console file " + file + ".");
    }

    private static byte[] read(final String resource) {
        try (InputStream in = ConsoleRoutes.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("The console resource " + resource + " is missing from the jar.");
            }
            return in.readAllBytes();
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String webjarVersion() {
        final Properties properties = new Properties();
        try (InputStream in = ConsoleRoutes.class.getClassLoader().getResourceAsStream(UPLOT_PROPERTIES)) {
            if (in == null) {
                throw new IllegalStateException("The uPlot WebJar is missing from the class path.");
            }
            properties.load(in);
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
        return properties.getProperty("version");
    }
}
