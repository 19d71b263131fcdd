package org.pnnlab.experiments.cli;

import com.beust.jcommander.JCommander;
import com.beust.jcommander.ParameterException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.NoOp;
import org.pnnlab.api.LayerPlugin;
import org.pnnlab.api.LayerRegistry;
import org.pnnlab.api.ParamSpec;
import org.pnnlab.api.PnnException;
import org.pnnlab.api.experiment.Experiment;
import org.pnnlab.api.experiment.ExperimentRegistry;
import org.pnnlab.datasets.DataDirs;
import org.pnnlab.datasets.Datasets;
import org.pnnlab.experiments.Bench;
import org.pnnlab.experiments.CoreModule;
import org.pnnlab.experiments.Progress;
import org.pnnlab.api.run.RunConfig;
import org.pnnlab.api.run.RunConfigJson;
import org.pnnlab.api.run.RunStore;
import org.pnnlab.experiments.train.ConfigResolver;
import org.pnnlab.experiments.train.NetworkBuilder;
import org.pnnlab.experiments.train.RunLauncher;
import org.pnnlab.experiments.train.StepStrategy;
import org.pnnlab.experiments.train.Workspace;
import org.pnnlab.models.ModelFactory;
import org.pnnlab.models.ModelRegistry;
import org.pnnlab.models.ModelSpec;
import org.pnnlab.models.ModelSummary;
import org.pnnlab.report.ReportCommand;

/**
 * {@code pnn}: list, run, report, demo, model, data. Exit codes: 0 success, 2 a problem with what was asked
 * (the message says what and how to fix it), 1 an internal error.
 */
public final class PnnCli {
    private final PrintStream out;

    public PnnCli(PrintStream out) {
        this.out = out;
    }

    public static void main(String[] args) {
        StdoutFilter.install();
        if ("off".equals(System.getenv("PNN_PERIODIC_GC"))) {
            org.nd4j.linalg.factory.Nd4j.getMemoryManager().togglePeriodicGc(false);
        }
        System.exit(new PnnCli(System.out).execute(args));
    }

    /** Runs the command line; returns the exit code. */
    public int execute(String... args) {
        Options.Global global = new Options.Global();
        Options.ListCmd list = new Options.ListCmd();
        Options.Run run = new Options.Run();
        Options.Report report = new Options.Report();
        Options.Demo demo = new Options.Demo();
        Options.Model model = new Options.Model();
        Options.Data data = new Options.Data();
        Options.BenchCmd bench = new Options.BenchCmd();
        Options.Evaluate evaluate = new Options.Evaluate();
        Options.BenchLayerCmd benchLayer = new Options.BenchLayerCmd();
        Options.Config config = new Options.Config();
        Options.Resume resume = new Options.Resume();
        Options.StudyCmd study = new Options.StudyCmd();
        Options.Spectrum spectrum = new Options.Spectrum();
        JCommander jc = JCommander.newBuilder().programName("pnn").addObject(global).addCommand("list", list)
                .addCommand("run", run).addCommand("config", config).addCommand("resume", resume)
                .addCommand("report", report).addCommand("demo", demo)
                .addCommand("model", model).addCommand("data", data).addCommand("bench", bench)
                .addCommand("evaluate", evaluate).addCommand("bench-layer", benchLayer).addCommand("study", study)
                .addCommand("spectrum", spectrum).build();
        boolean debug = List.of(args).contains("--debug");
        CliPlugins plugins = null;
        try {
            jc.parse(CliPlugins.hoist(args));
            String cmd = jc.getParsedCommand();
            if (cmd != null) {
                for (Object o : jc.getCommands().get(cmd).getObjects()) rejectUnknownOptions(o);
            }
            if (global.help || cmd == null) {
                StringBuilder sb = new StringBuilder();
                jc.getUsageFormatter().usage(sb);
                out.print(sb);
                return cmd == null && !global.help ? 2 : 0;
            }
            if (debug) System.setProperty("pnn.log.level", "debug");
            plugins = CliPlugins.open(global.plugins);
            return switch (cmd) {
                case "list" -> list(plugins);
                case "run" -> run(run);
                case "config" -> config(config);
                case "resume" -> resume(resume);
                case "evaluate" -> new EvaluateCommand(out).run(evaluate);
                case "report" -> report(report);
                case "demo" -> demo(demo);
                case "study" -> new StudyCommand(out).run(study);
                case "spectrum" -> new SpectrumCommand(out).run(spectrum);
                case "model" -> model(model);
                case "data" -> data(data);
                case "bench" -> bench(bench);
                case "bench-layer" -> benchLayer(benchLayer);
                default -> throw new PnnException("unknown command " + cmd);
            };
        } catch (ParameterException e) {
            System.err.println("error: " + e.getMessage());
            System.err.println("run 'pnn --help' for usage");
            return 2;
        } catch (PnnException e) {
            System.err.println("error: " + e.getMessage());
            if (debug) e.printStackTrace();
            return 2;
        } catch (RuntimeException | Error e) {
            PnnException user = userCause(e);
            if (user != null) {
                System.err.println("error: " + user.getMessage());
                if (debug) e.printStackTrace();
                return 2;
            }
            System.err.println("internal error: " + e);
            if (debug) e.printStackTrace();
            else System.err.println("(run again with --debug for the stack trace)");
            return 1;
        } finally {
            if (plugins != null) plugins.close();
        }
    }

    /** JCommander hands unknown "--options" to the positional arguments; report them as what they are. */
    private static void rejectUnknownOptions(Object command) {
        for (java.lang.reflect.Field f : command.getClass().getDeclaredFields()) {
            com.beust.jcommander.Parameter p = f.getAnnotation(com.beust.jcommander.Parameter.class);
            if (p == null || p.names().length > 0 || f.getType() != List.class) continue;
            try {
                f.setAccessible(true);
                for (Object v : (List<?>) f.get(command)) {
                    if (v.toString().startsWith("-")) {
                        throw new ParameterException("unknown option '" + v + "'; see 'pnn --help'");
                    }
                }
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** A user-facing error wrapped inside a library exception (e.g. thrown while DL4J builds a graph). */
    private static PnnException userCause(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof PnnException p) return p;
            if (c instanceof com.google.inject.ProvisionException pe && !pe.getErrorMessages().isEmpty()) {
                Throwable inner = pe.getErrorMessages().iterator().next().getCause();
                if (inner instanceof PnnException p) return p;
            }
        }
        return null;
    }

    private int list(CliPlugins plugins) {
        out.println(plugins.summary());
        out.println();
        out.println("Experiments (pnn run NAME):");
        ExperimentRegistry experiments = ExperimentRegistry.load();
        for (Experiment e : experiments.all()) {
            out.printf(Locale.ROOT, "  %-24s %s%s%n", e.name(), e.description(), CliPlugins.from(experiments.origin(e.name())));
        }
        out.println();
        out.println("Layer plugins (--layer ID, --layer-opt name=value; [feedback]: also usable in feedback models):");
        LayerRegistry layers = LayerRegistry.load();
        for (LayerPlugin p : layers.plugins()) {
            out.printf(Locale.ROOT, "  %-24s %s%s%s%n", p.id(), p instanceof org.pnnlab.api.feedback.FeedbackPlugin
                    ? "[feedback] " : "", p.description(), CliPlugins.from(layers.origin(p.id())));
            for (ParamSpec s : p.parameters()) {
                out.printf(Locale.ROOT, "      %-18s %-8s default %-9s %-22s %s%n", s.name(),
                        s.type().name().toLowerCase(Locale.ROOT), s.defaultValue(), s.allowed(), s.doc());
            }
        }
        out.println();
        out.println("Models (pnn model NAME):");
        ModelRegistry models = ModelRegistry.load();
        for (ModelFactory f : models.all()) {
            out.printf(Locale.ROOT, "  %-24s %s%s%n", f.name(), f.description(), CliPlugins.from(models.origin(f.name())));
        }
        out.println();
        out.println("Feedback architectures (feedback models): " + String.join(", ",
                org.pnnlab.layers.feedback.FeedbackNetwork.architectureOrigins().entrySet().stream()
                        .map(a -> a.getKey() + CliPlugins.from(a.getValue())).toList()));
        out.println();
        out.println("Attacks (--evaluate, pnn evaluate --attack NAME):");
        var attacks = org.pnnlab.experiments.attack.AttackRegistry.load();
        for (var a : attacks.all()) {
            out.printf(Locale.ROOT, "  %-24s %s%s%n", a.name(), a.description(), CliPlugins.from(attacks.origin(a.name())));
        }
        out.println();
        out.println("Datasets (--dataset NAME, pnn data get NAME): " + String.join(", ", Datasets.names()));
        return 0;
    }

    /** The configuration the run flags ask for: the experiment's preset or a configuration file, then the flags. */
    static RunConfig configOf(Options.Run r) {
        RunConfig base;
        if (r.config != null) {
            if (!r.name.isEmpty()) {
                throw new ParameterException("give an experiment name or --config FILE, not both");
            }
            base = RunConfigJson.read(r.config);
        } else {
            if (r.name.size() != 1) throw new ParameterException("run takes one experiment name (or --config FILE); see 'pnn list'");
            base = ExperimentRegistry.load().get(r.name.get(0)).preset();
        }
        return RunFlags.apply(base, r);
    }

    static Workspace workspace(Options.Run r) {
        return new Workspace(r.runsDir, r.dataDir, !r.noDownload, minutes(r.checkpointMinutes), Progress.auto());
    }

    private static java.time.Duration minutes(double m) {
        if (!(m > 0) || Double.isInfinite(m)) throw new PnnException("--checkpoint-minutes must be > 0, got " + m);
        return java.time.Duration.ofMillis(Math.max(1, Math.round(m * 60_000)));
    }

    private int run(Options.Run r) {
        if (r.seeds < 1) throw new PnnException("--seeds must be at least 1, got " + r.seeds);
        RunConfig base = configOf(r);
        Workspace ws = workspace(r);
        if (r.seeds == 1) {
            train(base, ws);
            return 0;
        }
        double[] acc = new double[r.seeds];
        for (int i = 0; i < r.seeds; i++) {
            Path dir = train(base.withSeed(base.seed() + i), ws);
            var rec = RunStore.read(dir.resolve(RunStore.RUN_JSON));
            acc[i] = rec.finalMetrics() == null ? Double.NaN : rec.finalMetrics().testAccuracy();
        }
        double mean = java.util.Arrays.stream(acc).average().orElse(Double.NaN);
        double var = java.util.Arrays.stream(acc).map(a -> (a - mean) * (a - mean)).sum() / (acc.length - 1);
        out.printf(Locale.ROOT, "%s over %d seeds (%d..%d): test accuracy %.2f%% +- %.2f (sample std)%n",
                base.experiment(), r.seeds, base.seed(), base.seed() + r.seeds - 1, 100 * mean, 100 * Math.sqrt(var));
        return 0;
    }

    /** Trains one configuration with its experiment's parts (when the experiment is installed); returns the run folder. */
    static Path train(RunConfig config, Workspace ws) {
        return launcher(config).start(config, ws);
    }

    private static RunLauncher launcher(RunConfig config) {
        ExperimentRegistry experiments = ExperimentRegistry.load();
        Experiment e = experiments.names().contains(config.experiment()) ? experiments.get(config.experiment()) : null;
        return CoreModule.injector(e).getInstance(RunLauncher.class);
    }

    private int config(Options.Config c) {
        RunConfig resolved = CoreModule.injector(null).getInstance(ConfigResolver.class).resolve(configOf(c));
        out.println(RunConfigJson.write(resolved));
        return 0;
    }

    private int resume(Options.Resume r) {
        if (r.dir.size() != 1) throw new ParameterException("resume takes one run folder, e.g. runs/<experiment>/<run-id>");
        Path dir = Paths.get(r.dir.get(0));
        Path json = dir.resolve(RunStore.RUN_JSON);
        if (!Files.isRegularFile(json)) {
            throw new PnnException(dir + " is not a run folder (it has no " + RunStore.RUN_JSON
                    + "); give a folder such as runs/<experiment>/<run-id>");
        }
        RunConfig config = RunStore.read(json).config();
        Workspace ws = new Workspace(dir.toAbsolutePath().getParent().getParent(), r.dataDir, !r.noDownload,
                minutes(r.checkpointMinutes), Progress.auto());
        Path done = launcher(config).resume(dir, ws);
        out.println(done);
        return 0;
    }

    private int report(Options.Report r) {
        if (r.dir.size() > 1) throw new ParameterException("report takes one runs folder");
        Path dir = Paths.get(r.dir.isEmpty() ? "runs" : r.dir.get(0));
        Path outFile = r.output != null ? r.output : dir.resolve("report.html");
        Path written = ReportCommand.write(dir, outFile);
        out.println(written);
        if (r.csv != null) out.println(ReportCommand.writeCsv(dir, r.csv));
        return 0;
    }

    /** The demo study (bundled from studies/demo.yaml), then the report of its runs folder. */
    private int demo(Options.Demo d) {
        int code = new StudyCommand(out).runDemo(d.runsDir, d.jobs);
        if (code != 0) return code;
        Path written = ReportCommand.write(d.runsDir, d.runsDir.resolve("report.html"));
        out.println("report: " + written);
        return 0;
    }

    private int model(Options.Model m) {
        if (m.name.size() != 1) throw new ParameterException("model takes one model name; see 'pnn list'");
        int[] shape = parseShape(m.input);
        Map<String, String> layerOpts = Options.pairs(m.layerOpts, "--layer-opt");
        String first = m.firstLayer != null ? m.firstLayer : m.layer;
        Map<String, Object> firstOpts = new HashMap<>(first.equals(m.layer) ? layerOpts : Map.of());
        ModelSpec spec = new ModelSpec(m.name.get(0), shape[0], shape[1], shape[2], 10, first, firstOpts, m.layer,
                Map.copyOf(layerOpts), Map.copyOf(Options.pairs(m.modelOpts, "--model-opt")), m.seed);
        LayerRegistry layers = LayerRegistry.load();
        ComputationGraph net = new ComputationGraph(ModelRegistry.load().get(spec.model()).build(spec, layers,
                new NeuralNetConfiguration.Builder().seed(m.seed).dataType(DataType.FLOAT).updater(new NoOp())));
        net.init();
        out.printf(Locale.ROOT, "%s on %s, first slot %s, other slots %s%n", spec.model(), m.input, first, m.layer);
        out.print(ModelSummary.of(net, InputType.convolutional(shape[1], shape[2], shape[0])).render());
        return 0;
    }

    private int benchLayer(Options.BenchLayerCmd b) {
        LayerRegistry registry = LayerRegistry.load();
        List<String> ids = b.layers.isEmpty() ? List.of("conv", "convnorm") : b.layers;
        List<String> shapes = b.shapes.isEmpty() ? org.pnnlab.experiments.LayerBench.DEFAULT_SHAPES : b.shapes;
        if (b.iterations < 1 || b.warmup < 0) throw new PnnException("--iterations must be >= 1 and --warmup >= 0");
        java.util.Map<String, String> opts = Options.pairs(b.layerOpts, "--layer-opt");
        for (String shape : shapes) {
            for (String id : ids) {
                java.util.Map<String, String> mine = new java.util.LinkedHashMap<>();
                var declared = registry.get(id).parameters().stream().map(org.pnnlab.api.ParamSpec::name).toList();
                opts.forEach((k, v) -> {
                    if (declared.contains(k)) mine.put(k, v);
                });
                out.println(org.pnnlab.experiments.LayerBench.run(registry, id, mine,
                        org.pnnlab.experiments.LayerBench.parseShape(shape), b.warmup, b.iterations).json());
                out.flush();
            }
        }
        return 0;
    }

    private int bench(Options.BenchCmd b) {
        if (b.name.size() != 1) throw new ParameterException("bench takes one experiment name; see 'pnn list'");
        if (b.iterations < 1 || b.warmup < 0 || b.batchSize < 2) {
            throw new PnnException("bench needs --iterations >= 1, --warmup >= 0 and --batch-size >= 2");
        }
        Options.Run flags = new Options.Run();
        flags.name = b.name;
        flags.batchSize = b.batchSize;
        flags.model = b.model;
        flags.layer = b.layer;
        flags.layerOpts = b.layerOpts;
        flags.modelOpts = b.modelOpts;
        var injector = CoreModule.injector(null);
        RunConfig c = injector.getInstance(ConfigResolver.class).resolve(configOf(flags));
        var ds = org.pnnlab.datasets.DatasetCatalog.standard().get(c.data().dataset());
        int[] shape = b.input != null ? parseShape(b.input) : new int[]{ds.channels(), ds.height(), ds.width()};
        ComputationGraph net = injector.getInstance(NetworkBuilder.class).build(c, shape, ds.numClasses(), 1000);
        if (b.profile) out.print(Bench.profile(net, shape, ds.numClasses(), b.batchSize, b.warmup, b.iterations));
        boolean plain = c.adversarial() instanceof org.pnnlab.api.run.AdversarialTraining.None && c.optim().gradClip() == 0;
        org.pnnlab.api.data.Normalization norm = c.normalization() != null ? c.normalization() : ds.normalization();
        StepStrategy step = plain ? null : StepStrategy.standard(net, c, norm);
        Bench.Result res = Bench.trainStep(net, step, shape, ds.numClasses(), b.batchSize, b.warmup, b.iterations);
        String kind = c.adversarial() instanceof org.pnnlab.api.run.AdversarialTraining.Pgd p
                ? ", adversarial PGD-" + p.threat().steps() + " step" : "";
        out.printf(Locale.ROOT, "%s (layer %s, %s%s, %d trainable parameters): %s%n", c.experiment(), c.layer(),
                String.join("x", java.util.Arrays.stream(shape).mapToObj(Integer::toString).toList()), kind,
                org.pnnlab.models.ParamCounts.of(net).trainable(), res);
        return 0;
    }

    static int[] parseShape(String input) {
        String[] dims = input.toLowerCase(Locale.ROOT).split("x");
        int[] shape = new int[3];
        try {
            if (dims.length != 3) throw new NumberFormatException();
            for (int i = 0; i < 3; i++) {
                shape[i] = Integer.parseInt(dims[i]);
                if (shape[i] < 1) throw new NumberFormatException();
            }
        } catch (NumberFormatException e) {
            throw new PnnException("--input must look like CxHxW (e.g. 1x28x28), got '" + input + "'");
        }
        return shape;
    }

    private int data(Options.Data d) {
        if (d.args.isEmpty()) {
            throw new ParameterException("data needs 'get NAME' or 'import NAME DIR'; datasets: "
                    + String.join(", ", Datasets.names()));
        }
        Path dataDir = d.dataDir != null ? d.dataDir : DataDirs.resolve(null);
        try {
            Files.createDirectories(dataDir);
        } catch (java.io.IOException e) {
            throw new PnnException("cannot create the data folder " + dataDir + ": " + e.getMessage(), e);
        }
        String verb = d.args.get(0);
        switch (verb) {
            case "get", "download" -> {
                if (d.args.size() != 2) throw new ParameterException("usage: pnn data get NAME");
                Datasets.download(d.args.get(1), dataDir);
                out.println(d.args.get(1) + " is in " + DataDirs.datasetDir(dataDir, d.args.get(1)) + " (checksums verified)");
            }
            case "import" -> {
                if (d.args.size() != 3) throw new ParameterException("usage: pnn data import NAME DIR");
                Datasets.importFrom(d.args.get(1), Paths.get(d.args.get(2)), dataDir);
                out.println(d.args.get(1) + " imported into " + DataDirs.datasetDir(dataDir, d.args.get(1)) + " (checksums verified)");
            }
            default -> throw new ParameterException("unknown data action '" + verb + "'; use get or import");
        }
        return 0;
    }
}
