package org.pnnlab.api.run;

import java.time.Instant;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The process that is training a run, so a reader can tell a live run from one whose process was killed
 * ({@code kill -9} leaves its record marked running).
 *
 * @param pid the operating system's process id
 * @param host the host name
 * @param processStart when that process started (guards against a reused pid), or null where unknown
 */
public record ProcessInfo(long pid, String host, @Nullable String processStart) {

    /** This process. */
    public static ProcessInfo current() {
        ProcessHandle self = ProcessHandle.current();
        return new ProcessInfo(self.pid(), HOST,
                self.info().startInstant().map(Instant::toString).orElse(null));
    }

    /**
     * Whether the process is still alive. Only answerable on the same host: elsewhere the answer is "maybe", given
     * as true so that a run on another machine is never declared dead.
     */
    public boolean maybeAlive() {
        if (!host.equals(HOST)) return true;
        Optional<ProcessHandle> p = ProcessHandle.of(pid);
        if (p.isEmpty() || !p.get().isAlive()) return false;
        if (processStart == null) return true;
        return p.get().info().startInstant().map(s -> s.toString().equals(processStart)).orElse(true);
    }

    /** This machine's name, looked up once. */
    private static final String HOST = lookUpHost();

    private static String lookUpHost() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            String h = System.getenv("HOSTNAME");
            return h != null ? h : "localhost";
        }
    }
}
