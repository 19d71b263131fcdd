package org.pnnlab.experiments;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.nd4j.linalg.factory.Nd4j;
import org.pnnlab.api.run.EnvironmentInfo;

/** Describes where a run runs. */
public final class Environment {
    private Environment() {
    }

    public static EnvironmentInfo probe() {
        Properties p = Nd4j.getExecutioner().getEnvironmentInformation();
        String backend = String.valueOf(p.getOrDefault("backend", Nd4j.getBackend().getClass().getSimpleName()));
        String blas = String.valueOf(p.getOrDefault("blas.vendor", "unknown"));
        String version = Environment.class.getPackage().getImplementationVersion();
        return new EnvironmentInfo(System.getProperty("java.version"), System.getProperty("java.vendor"),
                System.getProperty("os.name") + " " + System.getProperty("os.arch"),
                Runtime.getRuntime().availableProcessors(), backend, blas, gitCommit(),
                version == null ? "dev" : version);
    }

    /** The git commit of the working directory (with "-dirty" for uncommitted changes), or "unknown". */
    static String gitCommit() {
        String head = git("rev-parse", "--short=12", "HEAD");
        if (head == null) return "unknown";
        String status = git("status", "--porcelain", "--untracked-files=no");
        return status != null && !status.isBlank() ? head + "-dirty" : head;
    }

    private static String git(String... args) {
        String[] cmd = new String[args.length + 1];
        cmd[0] = "git";
        System.arraycopy(args, 0, cmd, 1, args.length);
        try {
            Process pr = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            if (!pr.waitFor(3, TimeUnit.SECONDS)) {
                pr.destroyForcibly();
                return null;
            }
            String out = new String(pr.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return pr.exitValue() == 0 ? out : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
