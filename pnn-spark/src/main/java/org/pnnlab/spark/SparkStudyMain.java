package org.pnnlab.spark;

import java.util.ArrayList;
import java.util.List;
import org.pnnlab.experiments.cli.PnnCli;

/**
 * The entry point for {@code spark-submit --class org.pnnlab.spark.SparkStudyMain pnn-spark-assembly.jar FILE
 * --runs-dir /shared/runs [study run options]}: the same command as {@code pnn study run FILE --spark MASTER}, with
 * the master that spark-submit was given ({@code --master}, in the system property {@code spark.master}).
 */
public final class SparkStudyMain {
    private SparkStudyMain() {
    }

    public static void main(String[] args) {
        String master = System.getProperty("spark.master", ""); // what spark-submit's --master sets
        if (master.isEmpty()) {
            System.err.println("error: no Spark master: start this class with spark-submit --master MASTER, or use "
                    + "'pnn study run FILE --spark MASTER'");
            System.exit(2);
        }
        List<String> cli = new ArrayList<>(List.of("study", "run"));
        cli.addAll(List.of(args));
        cli.addAll(List.of("--spark", master));
        PnnCli.main(cli.toArray(String[]::new));
    }
}
