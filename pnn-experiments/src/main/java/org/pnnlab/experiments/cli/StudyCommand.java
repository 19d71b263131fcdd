package org.pnnlab.experiments.cli;

import com.beust.jcommander.ParameterException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.pnnlab.api.LayerRegistry;
import org.pnnlab.api.experiment.ExperimentRegistry;
import org.pnnlab.experiments.CoreModule;
import org.pnnlab.api.PnnException;
import org.pnnlab.experiments.study.CellSettings;
import org.pnnlab.experiments.study.ClusterStudyExecutor;
import org.pnnlab.experiments.study.Study;
import org.pnnlab.experiments.study.StudyPlan;
import org.pnnlab.experiments.study.StudyReader;
import org.pnnlab.experiments.study.StudyRunner;
import org.pnnlab.experiments.train.ConfigResolver;

/** {@code pnn study plan FILE} and {@code pnn study run FILE}; the demo study. */
final class StudyCommand {
    /** The demo study, bundled in the jar from the repository's {@code studies/demo.yaml}. */
    static final String DEMO = "studies/demo.yaml";

    private final PrintStream out;

    StudyCommand(PrintStream out) {
        this.out = out;
    }

    int run(Options.StudyCmd s) {
        if (s.args.size() != 2 || !(s.args.get(0).equals("plan") || s.args.get(0).equals("run"))) {
            throw new ParameterException("usage: pnn study plan FILE | pnn study run FILE [--jobs N | --spark MASTER] "
                    + "[--runs-dir DIR]");
        }
        // every check (the file, each cell, the settings) happens before anything is started
        CellSettings cells = new CellSettings(s.runsDir, s.dataDir, !s.noDownload, s.checkpointMinutes);
        StudyRunner.Settings settings = new StudyRunner.Settings(cells, s.jobs);
        ClusterStudyExecutor cluster = null;
        if (s.spark != null) {
            if (s.args.get(0).equals("plan")) {
                throw new ParameterException("--spark is an option of 'pnn study run'; 'study plan' only reads the runs folder");
            }
            if (s.jobs != 1) {
                throw new ParameterException("--jobs and --spark exclude each other: on Spark the cells run at once are "
                        + "the executors' cores (spark.task.cpus each); drop --jobs");
            }
            cluster = ClusterStudyExecutor.installed().orElseThrow(() -> new PnnException("--spark needs the pnn-spark "
                    + "module on the class path: build it (mvn -B -DskipTests package) and use the ./pnn launcher, which "
                    + "adds it when --spark is given"));
        }
        Study study = Study.load(Paths.get(s.args.get(1)), ExperimentRegistry.load(), LayerRegistry.load(), resolver());
        if (s.args.get(0).equals("plan")) {
            out.print(StudyPlan.render(study, s.runsDir));
            return 0;
        }
        if (cluster != null) return report(study, cluster.run(study, cells, s.spark, out));
        return execute(study, settings);
    }

    int runDemo(Path runsDir, int jobs) {
        String yaml;
        try (InputStream in = StudyCommand.class.getClassLoader().getResourceAsStream(DEMO)) {
            if (in == null) throw new IllegalStateException(DEMO + " is missing from the class path; rebuild pnn");
            yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + DEMO, e);
        }
        StudyRunner.Settings settings = new StudyRunner.Settings(new CellSettings(runsDir, null, false, 10), jobs);
        Study study = Study.expand(StudyReader.parse(yaml, DEMO), DEMO, "demo", ExperimentRegistry.load(),
                LayerRegistry.load(), resolver());
        return execute(study, settings);
    }

    private int execute(Study study, StudyRunner.Settings settings) {
        boolean terminal = System.console() != null && !"dumb".equals(System.getenv("TERM"))
                && !"log".equals(System.getenv("PNN_PROGRESS"));
        return report(study, new StudyRunner(study, settings, out, terminal).run());
    }

    private static int report(Study study, StudyRunner.Outcome o) {
        if (!o.failed().isEmpty()) {
            System.err.println("error: " + o.failed().size() + " cell(s) of study " + study.name() + " failed; their "
                    + "logs: " + o.failed().values() + "; run the study again to resume them");
            return 1;
        }
        return 0;
    }

    private static ConfigResolver resolver() {
        return CoreModule.injector(null).getInstance(ConfigResolver.class);
    }
}
