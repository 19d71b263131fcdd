package org.pnnlab.experiments.cli;

import com.beust.jcommander.IStringConverter;
import com.beust.jcommander.Parameter;
import com.beust.jcommander.ParameterException;
import com.beust.jcommander.Parameters;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Option holders of the commands. */
final class Options {
    private Options() {
    }

    static final class Global {
        @Parameter(names = "--debug", description = "print stack traces and debug logging")
        boolean debug;

        @Parameter(names = {"-h", "--help"}, help = true, description = "show usage")
        boolean help;
    }

    static final class PathConverter implements IStringConverter<Path> {
        @Override
        public Path convert(String value) {
            return Paths.get(value);
        }
    }

    /** key=value pairs. */
    static Map<String, String> pairs(List<String> items, String flag) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String item : items) {
            for (String part : item.split(",")) {
                int eq = part.indexOf('=');
                if (eq <= 0) {
                    throw new ParameterException(flag + " takes name=value pairs (e.g. " + flag + " nmasks=4), got '"
                            + part + "'");
                }
                m.put(part.substring(0, eq).trim(), part.substring(eq + 1).trim());
            }
        }
        return m;
    }

    @Parameters(commandDescription = "List experiments, layer plugins, models and datasets")
    static final class ListCmd {
        @Parameter(names = "--debug", hidden = true)
        boolean debug;
    }

    @Parameters(commandDescription = "Train a named experiment and save the run")
    static final class Run {
        @Parameter(description = "EXPERIMENT", required = true)
        List<String> name = new ArrayList<>();

        @Parameter(names = "--epochs", description = "epochs (default: the experiment's)")
        Integer epochs;

        @Parameter(names = "--batch-size", description = "mini-batch size for training and testing")
        Integer batchSize;

        @Parameter(names = "--lr", description = "learning rate")
        Double lr;

        @Parameter(names = "--seed", description = "seed: masks, initialisation and data order follow it")
        Long seed;

        @Parameter(names = "--seeds", description = "run once per seed: --seed (or the experiment's), +1, ... (N runs)")
        int seeds = 1;

        @Parameter(names = "--layer", description = "layer plugin for the varied slots (see 'pnn list')")
        String layer;

        @Parameter(names = "--model", description = "use another model with the same slot layers (see 'pnn list')")
        String model;

        @Parameter(names = "--layer-opt", description = "parameter of the varied layer, name=value (repeatable)")
        List<String> layerOpts = new ArrayList<>();

        @Parameter(names = "--model-opt", description = "model option, name=value (repeatable)")
        List<String> modelOpts = new ArrayList<>();

        @Parameter(names = "--dataset", description = "use another dataset of the same shape (e.g. mnist-subset)")
        String dataset;

        @Parameter(names = "--data-dir", description = "data folder (default $PNN_DATA or ~/.pnn/data)", converter = PathConverter.class)
        Path dataDir;

        @Parameter(names = "--runs-dir", description = "where runs are saved", converter = PathConverter.class)
        Path runsDir = Paths.get("runs");

        @Parameter(names = "--train-limit", description = "train on the first N training images only (0 = all)")
        int trainLimit;

        @Parameter(names = "--no-download", description = "never download missing data files")
        boolean noDownload;

        @Parameter(names = "--debug", hidden = true)
        boolean debug;
    }

    @Parameters(commandDescription = "Write an HTML report comparing the saved runs under a folder")
    static final class Report {
        @Parameter(description = "RUNS_DIR")
        List<String> dir = new ArrayList<>();

        @Parameter(names = {"-o", "--output"}, description = "output file (default RUNS_DIR/report.html)", converter = PathConverter.class)
        Path output;

        @Parameter(names = "--debug", hidden = true)
        boolean debug;
    }

    @Parameters(commandDescription = "Train the MNIST experiments on the bundled subset and write a report")
    static final class Demo {
        @Parameter(names = "--epochs", description = "epochs per experiment")
        int epochs = 3;

        @Parameter(names = "--runs-dir", description = "where the demo runs go", converter = PathConverter.class)
        Path runsDir = Paths.get("runs", "demo");

        @Parameter(names = "--debug", hidden = true)
        boolean debug;
    }

    @Parameters(commandDescription = "Print a model's layer table and parameter counts")
    static final class Model {
        @Parameter(description = "MODEL", required = true)
        List<String> name = new ArrayList<>();

        @Parameter(names = "--input", description = "input shape CxHxW, e.g. 1x28x28 or 3x32x32")
        String input = "1x28x28";

        @Parameter(names = "--first-layer", description = "layer plugin of the first slot (default: --layer)")
        String firstLayer;

        @Parameter(names = "--layer", description = "layer plugin of the other slots")
        String layer = "perturbation";

        @Parameter(names = "--layer-opt", description = "layer parameter name=value (all slots)")
        List<String> layerOpts = new ArrayList<>();

        @Parameter(names = "--model-opt", description = "model option name=value")
        List<String> modelOpts = new ArrayList<>();

        @Parameter(names = "--seed", description = "seed of the masks")
        long seed = 1;

        @Parameter(names = "--debug", hidden = true)
        boolean debug;
    }

    @Parameters(commandDescription = "Time training iterations of an experiment's network on random data (batch, warm-up, median)")
    static final class BenchCmd {
        @Parameter(description = "EXPERIMENT", required = true)
        List<String> name = new ArrayList<>();

        @Parameter(names = "--batch-size", description = "mini-batch size")
        int batchSize = 64;

        @Parameter(names = "--iterations", description = "timed iterations")
        int iterations = 30;

        @Parameter(names = "--warmup", description = "untimed iterations first")
        int warmup = 10;

        @Parameter(names = "--profile", description = "also print forward/backward time per layer")
        boolean profile;

        @Parameter(names = "--layer", description = "layer plugin for the varied slots")
        String layer;

        @Parameter(names = "--model", description = "use another model with the same slot layers")
        String model;

        @Parameter(names = "--input", description = "input shape CxHxW (default: the experiment's dataset)")
        String input;

        @Parameter(names = "--layer-opt", description = "layer parameter name=value (repeatable)")
        List<String> layerOpts = new ArrayList<>();

        @Parameter(names = "--model-opt", description = "model option name=value (repeatable)")
        List<String> modelOpts = new ArrayList<>();

        @Parameter(names = "--debug", hidden = true)
        boolean debug;
    }

    @Parameters(commandDescription = "Get datasets: 'data get NAME' downloads, 'data import NAME DIR' copies from a folder; both verify checksums")
    static final class Data {
        @Parameter(description = "get|import NAME [DIR]")
        List<String> args = new ArrayList<>();

        @Parameter(names = "--data-dir", description = "data folder (default $PNN_DATA or ~/.pnn/data)", converter = PathConverter.class)
        Path dataDir;

        @Parameter(names = "--debug", hidden = true)
        boolean debug;
    }
}
