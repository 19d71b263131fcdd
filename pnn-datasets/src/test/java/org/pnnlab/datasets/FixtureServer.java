package org.pnnlab.datasets;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** An HTTP server on 127.0.0.1 (ephemeral port) serving fixed bytes per path; other paths answer 404. */
final class FixtureServer implements AutoCloseable {
    private final HttpServer server;
    final Map<String, byte[]> files = new ConcurrentHashMap<>();
    final List<String> requests = new CopyOnWriteArrayList<>();

    FixtureServer() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            requests.add(path);
            byte[] body = files.get(path);
            int status = body == null ? 404 : 200;
            if (body == null) {
                body = "not here".getBytes();
            }
            exchange.sendResponseHeaders(status, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }

    /** Serves {@code content} at {@code /<mirror>/<name>}. */
    void put(String mirror, String name, byte[] content) {
        files.put("/" + mirror + "/" + name, content);
    }

    URI base(String mirror) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/" + mirror + "/");
    }

    /** A loopback URL on a port nothing listens on. */
    static URI closedPort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return URI.create("http://127.0.0.1:" + socket.getLocalPort() + "/mirror/");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
