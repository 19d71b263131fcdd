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

        @Parameter(names = CliPlugins.OPTION, converter = PathConverter.class, description = "also load the plugin jars in "
                + "this folder (repeatable; besides plugins/ next to ./pnn and the folders of $PNN_PLUGINS)")
        List<Path> plugins = new ArrayList<>();
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

    @Parameters(commandDescription = "Train a named experiment (or a --config file) and save the run")
    static class Run {
        @Parameter(description = "EXPERIMENT")
        List<String> name = new ArrayList<>();

        @Parameter(names = "--config", description = "run this configuration file (as 'pnn config' prints it); other flags change it", converter = PathConverter.class)
        Path config;

        @Parameter(names = "--checkpoint-minutes", description = "longest stretch of training between two checkpoints inside an epoch (every epoch end is one too)")
        double checkpointMinutes = 10;

        @Parameter(names = "--augmentation", description = "training-time augmentation: none or crop-flip")
        String augmentation;

        @Parameter(names = "--eval-eps", description = "threat model of the evaluation after training: radius in [0,1] pixel units (default: the adversarial training's, else 0.1)")
        Double evalEps;

        @Parameter(names = "--eval-step", description = "evaluation PGD step in pixel units (default: the adversarial training's step-to-eps ratio; free training: eps/4)")
        Double evalStep;

        @Parameter(names = "--eval-steps", description = "evaluation PGD iterations (default: the adversarial training's; free training: 20)")
        Integer evalSteps;

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

        @Parameter(names = "--optimizer", description = "adam, sgd (Nesterov) or momentum (classical heavy-ball, as PyTorch's SGD)")
        String optimizer;

        @Parameter(names = "--momentum", description = "momentum of sgd / momentum")
        Double momentum;

        @Parameter(names = "--weight-decay", description = "L2 weight decay on every parameter, biases included")
        Double weightDecay;

        @Parameter(names = "--schedule", description = "learning-rate schedule: constant, step, poly or cos (poly/cos per iteration)")
        String schedule;

        @Parameter(names = "--power", description = "exponent of the poly schedule")
        Double power;

        @Parameter(names = "--grad-clip", description = "clip the global gradient L2 norm to this value (0 = off)")
        Double gradClip;

        @Parameter(names = "--ocnn", description = "OCNN orthogonality regulariser: add LAMBDA times the kernels' orthogonality distance to the loss (0 = off). ResNet-18: the reference's terms (conv1 of every block at its stride, the 1x1 shortcuts of layer2.0-layer4.0); other models: every kxk convolution at its stride (1x1 ones by their matrix distance)")
        Double ocnn;

        @Parameter(names = "--drop-last", description = "drop the last incomplete batch of each epoch (true/false)", arity = 1)
        Boolean dropLast;

        @Parameter(names = "--adv-repeats", description = "free adversarial training (ConvNorm recipe): replays m of each minibatch, each one SGD step on a perturbation moved by --fgsm-step (turns it on; default 4)")
        Integer advRepeats;

        @Parameter(names = "--fgsm-step", description = "free adversarial training: the perturbation's step alpha in [0,1] pixel units (default eps, 8/255)")
        Double fgsmStep;

        @Parameter(names = "--adv-eps", description = "adversarial training: PGD radius in [0,1] pixel units (turns it on)")
        Double advEps;

        @Parameter(names = "--adv-step", description = "PGD adversarial training: step in pixel units (default: the experiment's step-to-eps ratio, else 0.355 eps)")
        Double advStep;

        @Parameter(names = "--adv-steps", description = "PGD adversarial training: iterations")
        Integer advSteps;

        @Parameter(names = "--clean", description = "adversarial training objective: supclean (clean + adversarial CE) or no (adversarial only)")
        String clean;

        @Parameter(names = "--clean-weight", description = "adversarial training: weight of the clean cross-entropy")
        Double cleanWeight;

        @Parameter(names = "--mse-weight", description = "adversarial training of CNN-F: weight of the reconstruction losses")
        Double mseWeight;

        @Parameter(names = "--evaluate", description = "attacks to evaluate after training, comma-separated (see 'pnn list'; 'none' for none)")
        String evaluate;

        @Parameter(names = "--spsa-limit", description = "SPSA after training attacks only the first N test images (0 = all)")
        Integer spsaLimit;

        @Parameter(names = "--eot", description = "after training: average every attack gradient over N model calls (expectation over transformation, for models with randomness at test time)")
        Integer eot;

        @Parameter(names = "--queries", description = "after training: the Square attack's query budget per image, alone, in autoattack and in the gradient-masking checks (default 5000)")
        Integer queries;

        @Parameter(names = "--label-noise", description = "label noise: this fraction of the training labels (in [0, 1)) is redrawn once from the seed")
        Double labelNoise;

        @Parameter(names = "--noise-type", description = "symmetric (a uniform random class, possibly the true one; the default) or asymmetric (a fixed map of similar classes, per dataset)")
        String noiseType;

        @Parameter(names = "--noisy-validation", description = "also put label noise (an independent draw) on the validation labels")
        boolean noisyValidation;

        @Parameter(names = "--subset", description = "data scarcity: keep this fraction (in (0, 1]) of each class's training images, drawn from the seed")
        Double subset;

        @Parameter(names = "--validation", description = "hold out this fraction (in [0, 1)) of each class for validation, evaluated every epoch (0 = none)")
        Double validation;

        @Parameter(names = "--debug", hidden = true)
        boolean debug;
    }

    @Parameters(commandDescription = "Print the resolved configuration of an experiment with the run flags, as JSON (pnn config NAME [flags])")
    static final class Config extends Run {
    }

    @Parameters(commandDescription = "Continue an interrupted, failed or killed run from its last checkpoint (pnn resume RUN_DIR)")
    static final class Resume {
        @Parameter(description = "RUN_DIR", required = true)
        List<String> dir = new ArrayList<>();

        @Parameter(names = "--checkpoint-minutes", description = "longest stretch of training between two checkpoints inside an epoch")
        double checkpointMinutes = 10;

        @Parameter(names = "--data-dir", description = "data folder (default $PNN_DATA or ~/.pnn/data)", converter = PathConverter.class)
        Path dataDir;

        @Parameter(names = "--no-download", description = "never download missing data files")
        boolean noDownload;

        @Parameter(names = "--debug", hidden = true)
        boolean debug;
    }

    @Parameters(commandDescription = "Print the layer spectra recorded in a run: per epoch, the largest singular values of every convolution-like layer (pnn spectrum RUN_DIR)")
    static final class Spectrum {
        @Parameter(description = "RUN_DIR", required = true)
        List<String> dir = new ArrayList<>();

        @Parameter(names = "--debug", hidden = true)
        boolean debug;
    }

    @Parameters(commandDescription = "Attack a trained run and store the accuracies in its run.json (pnn evaluate RUN_DIR)")
    static final class Evaluate {
        @Parameter(description = "RUN_DIR", required = true)
        List<String> dir = new ArrayList<>();

        @Parameter(names = "--attack", description = "attacks, comma-separated or repeated (see 'pnn list'; default: the run's, else clean,pgd,spsa)")
        List<String> attacks = new ArrayList<>();

        @Parameter(names = "--eps", description = "radius in [0,1] pixel units (default: the run's evaluation threat model)")
        Double eps;

        @Parameter(names = "--step", description = "PGD step in [0,1] pixel units (default: the run's, scaled with --eps)")
        Double step;

        @Parameter(names = "--steps", description = "PGD and SPSA iterations")
        Integer steps;

        @Parameter(names = "--limit", description = "attack only the first N test images (0 = the whole test set)")
        long limit;

        @Parameter(names = "--spsa-limit", description = "SPSA attacks only the first N test images (0 = as --limit; default: the run's, 1000)")
        Long spsaLimit;

        @Parameter(names = "--spsa-samples", description = "SPSA gradient-estimate samples (default: the run's, 128)")
        Integer spsaSamples;

        @Parameter(names = "--queries", description = "Square attack query budget per image, alone and in autoattack (default: the run's, 5000)")
        Integer queries;

        @Parameter(names = "--norm", description = "threat norm, Linf or L2 (default: the run's, Linf); L2 for apgd-ce, apgd-t and autoattack")
        String norm;

        @Parameter(names = "--transfer-from", description = "run folder of the transfer attacker (for CNN-F: the same network without feedback)", converter = PathConverter.class)
        Path transferFrom;

        @Parameter(names = "--batch-size", description = "test images attacked together (default: the run's, 100)")
        Integer batchSize;

        @Parameter(names = "--seed", description = "seed of random starts and SPSA draws")
        long seed = 1;

        @Parameter(names = "--eot", description = "expectation over transformation: average every gradient over N model calls, for models with randomness at test time (default: the run's, 1)")
        Integer eot;

        @Parameter(names = "--output", description = "for CNN-F: classify with first, last or average (default: the run's)")
        String output;

        @Parameter(names = "--data-dir", description = "data folder (default $PNN_DATA or ~/.pnn/data)", converter = PathConverter.class)
        Path dataDir;

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

        @Parameter(names = "--csv", description = "also write one CSV row per run (every setting and metric) to FILE", converter = PathConverter.class)
        Path csv;

        @Parameter(names = "--debug", hidden = true)
        boolean debug;
    }

    @Parameters(commandDescription = "Run the demo study (studies/demo.yaml: MNIST layers on the bundled subset) and write a report")
    static final class Demo {
        @Parameter(names = "--runs-dir", description = "where the demo runs go", converter = PathConverter.class)
        Path runsDir = Paths.get("runs", "demo");

        @Parameter(names = "--jobs", description = "cells run at once, each a child process with a share of the cores")
        int jobs = 1;

        @Parameter(names = "--debug", hidden = true)
        boolean debug;
    }

    @Parameters(commandDescription = "A study file's grid of runs: 'study plan FILE' prints the cells and their status, "
            + "'study run FILE' runs the missing ones (resuming interrupted ones)")
    static final class StudyCmd {
        @Parameter(description = "plan|run FILE")
        List<String> args = new ArrayList<>();

        @Parameter(names = "--runs-dir", description = "the runs folder", converter = PathConverter.class)
        Path runsDir = Paths.get("runs");

        @Parameter(names = "--jobs", description = "run: cells run at once, each a child process with a share of the cores")
        int jobs = 1;

        @Parameter(names = "--spark", description = "run: the cells as Spark tasks on this master (local[N], local[N,F], "
                + "spark://HOST:PORT), one task per cell; needs pnn-spark on the class path and a runs folder every "
                + "executor sees")
        String spark;

        @Parameter(names = "--data-dir", description = "data folder (default $PNN_DATA or ~/.pnn/data)", converter = PathConverter.class)
        Path dataDir;

        @Parameter(names = "--no-download", description = "never download missing data files")
        boolean noDownload;

        @Parameter(names = "--checkpoint-minutes", description = "longest stretch of a cell's training between two checkpoints inside an epoch")
        double checkpointMinutes = 10;

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

    /** Keeps an option's value whole: {@code --shape 64,64,32,32} is one shape, not four list items. */
    static final class WholeValue implements com.beust.jcommander.converters.IParameterSplitter {
        @Override
        public List<String> split(String value) {
            return List.of(value);
        }
    }

    @Parameters(commandDescription = "Time one slot of a layer plugin: training-mode forward + backward on random N,C,H,W float32 data (median ms)")
    static final class BenchLayerCmd {
        @Parameter(names = "--layer", description = "layer plugins to time (repeatable)")
        List<String> layers = new ArrayList<>();

        @Parameter(names = "--shape", description = "activation shape N,C,H,W (repeatable; default 64,64,32,32 and 64,128,16,16)",
                splitter = WholeValue.class)
        List<String> shapes = new ArrayList<>();

        @Parameter(names = "--layer-opt", description = "layer parameter name=value (repeatable, applied to every layer that has it)")
        List<String> layerOpts = new ArrayList<>();

        @Parameter(names = "--iterations", description = "timed iterations")
        int iterations = 20;

        @Parameter(names = "--warmup", description = "untimed iterations first")
        int warmup = 5;
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
