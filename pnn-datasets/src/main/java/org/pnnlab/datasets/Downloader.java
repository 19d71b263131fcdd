package org.pnnlab.datasets;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.pnnlab.api.PnnException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** HTTP GET into a file, with timeouts; one client per instance. */
final class Downloader {
    private static final Logger LOG = LoggerFactory.getLogger(Downloader.class);

    private final HttpClient client;
    private final Duration requestTimeout;

    Downloader(Duration connectTimeout, Duration requestTimeout) {
        this.client = HttpClient.newBuilder()
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
        this.requestTimeout = requestTimeout;
    }

    /**
     * Fetches {@code url} into {@code target} (overwritten).
     *
     * @throws IOException with a short reason if the server cannot be reached or does not answer 200
     */
    void fetch(URI url, Path target) throws IOException {
        LOG.info("Downloading {}", url);
        long start = System.nanoTime();
        HttpRequest request = HttpRequest.newBuilder(url)
                .timeout(requestTimeout)
                .header("User-Agent", "pnn-lab-datasets")
                .GET()
                .build();
        HttpResponse<Path> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofFile(target));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PnnException("Interrupted while downloading " + url + ".", e);
        }
        if (response.statusCode() != 200) {
            throw new IOException("HTTP status " + response.statusCode() + " (expected 200)");
        }
        long bytes = Files.size(target);
        LOG.info("Downloaded {} ({} bytes in {} ms)", url, bytes, (System.nanoTime() - start) / 1_000_000);
    }

    /** A short description of why a fetch failed. */
    static String describe(Exception e) {
        String message = e.getMessage();
        if (e instanceof IOException && message != null && message.startsWith("HTTP status")) {
            return message;
        }
        String what;
        if (e instanceof java.net.http.HttpConnectTimeoutException) {
            what = "no connection within the connect timeout";
        } else if (e instanceof java.net.http.HttpTimeoutException) {
            what = "the download took longer than the request timeout";
        } else if (e instanceof java.net.ConnectException) {
            what = "could not connect (offline, or the server refused the connection)";
        } else if (e instanceof java.net.UnknownHostException) {
            what = "unknown host (offline, or no DNS)";
        } else {
            what = "failed";
        }
        String detail = e.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : ": " + message);
        return what + " (" + detail + ")";
    }
}
