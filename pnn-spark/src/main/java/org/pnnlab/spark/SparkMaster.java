package org.pnnlab.spark;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.pnnlab.api.PnnException;

/**
 * Connects to the Spark master a study names, or says in one line why it cannot: a master URL Spark does not parse,
 * or a standalone master ({@code spark://HOST:PORT[,HOST:PORT]}) none of whose addresses accepts a connection (Spark
 * itself would keep retrying in the background and leave the job waiting for executors that never come).
 */
final class SparkMaster {
    private static final int CONNECT_TIMEOUT_MS = 5000;

    private SparkMaster() {
    }

    /**
     * A Spark context for the application {@code appName} on {@code master}, speculative execution off (see
     * {@link SparkStudyExecutor}); a {@link PnnException} naming the master when there is none to be had. The master
     * is checked before anything of Spark is started.
     */
    static JavaSparkContext connect(String appName, String master) {
        if (master.isEmpty()) {
            throw new PnnException("no Spark master: give --spark MASTER (local[N], local[N,F] or spark://HOST:PORT), "
                    + "or spark-submit's --master");
        }
        if (master.startsWith("spark://")) checkReachable(master);
        try {
            return new JavaSparkContext(new SparkConf().setAppName(appName).setMaster(master)
                    .set("spark.speculation", "false"));
        } catch (Exception e) { // Spark throws its checked SparkException without declaring it
            String why = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
            throw new PnnException("the Spark master '" + master + "' cannot be used: " + why + "; use local[N], "
                    + "local[N,F] (N cores, F tries per task) or spark://HOST:PORT", e);
        }
    }

    /** Throws unless one of the standalone master's addresses accepts a TCP connection. */
    static void checkReachable(String master) {
        List<String> problems = new ArrayList<>();
        for (String address : master.substring("spark://".length()).split(",")) {
            int colon = address.lastIndexOf(':');
            int port;
            try {
                port = colon < 0 ? 7077 : Integer.parseInt(address.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new PnnException("the Spark master '" + master + "' has no valid port in '" + address
                        + "'; write spark://HOST:PORT");
            }
            String host = colon < 0 ? address : address.substring(0, colon);
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(host, port), CONNECT_TIMEOUT_MS);
                return;
            } catch (IOException | IllegalArgumentException e) {
                problems.add(address + ": " + e.getMessage());
            }
        }
        throw new PnnException("the Spark master '" + master + "' cannot be reached (" + String.join("; ", problems)
                + "); start it (sbin/start-master.sh) or give its address as --spark spark://HOST:PORT");
    }
}
