package io.impetus.bench;

import io.impetus.data.Batch;
import io.impetus.data.Batcher;
import io.impetus.data.Dataset;
import io.impetus.data.Partition;
import io.impetus.model.Classifier;
import io.impetus.model.DataOptions;
import io.impetus.model.Evaluation;
import io.impetus.model.Gemm;
import io.impetus.model.ModelCatalog;
import io.impetus.model.Workload;
import io.impetus.optim.Optimizer;
import io.impetus.optim.OptimizerConfig;
import io.impetus.optim.OptimizerKind;
import io.impetus.optim.OptimizerState;
import io.impetus.optim.Optimizers;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The single-process reference measurement: trains an image classifier on the real data set in
 * one process with our own optimizers (no shards, no network), and prints per epoch the training
 * throughput (samples/s of batch + forward + backward + optimizer step, evaluation excluded) and
 * the test loss and accuracy. It is the yardstick distributed runs are compared to, and the
 * number to compare with PyTorch's own loop.
 *
 * <p>A benchmark, not a test (it needs the real data and takes minutes): it lives in the bench module,
 * which sees both the models ({@code worker}) and the optimizers ({@code parameter-server}). Run it
 * from the runnable jar, which holds every module ({@code ./impetus --help} builds it):
 * <pre>
 * java --add-modules jdk.incubator.vector -cp deploy/target/impetus.jar \
 *     io.impetus.bench.SingleProcessBench [--model mlp] [--optimizer sgd|adam|both] [--epochs 5]
 *     [--batch-size 64] [--dataset fashion-mnist] [--data-dir DIR] [--hidden 256,128] [--seed 0]
 *     [--throughput-steps N]
 * </pre>
 * {@code --throughput-steps N} skips training and times N forward+backward passes only (no
 * optimizer), e.g. for the CNN. SGD uses momentum 0.9 and lr 0.05, Adam lr 0.001 (PyTorch
 * conventions), unless {@code --lr} says otherwise.
 */
public final class SingleProcessBench {
  private SingleProcessBench() {}

  /** Parses the flags above and runs. */
  public static void main(String[] args) {
    String model = "mlp";
    String optimizers = "sgd";
    int epochs = 5;
    int batchSize = 64;
    long seed = 0;
    Double lr = null;
    int throughputSteps = 0;
    DataOptions data = DataOptions.defaults();
    for (int i = 0; i < args.length; i += 2) {
      String value = i + 1 < args.length ? args[i + 1] : "";
      switch (args[i]) {
        case "--model" -> model = value;
        case "--optimizer" -> optimizers = value;
        case "--epochs" -> epochs = Integer.parseInt(value);
        case "--batch-size" -> batchSize = Integer.parseInt(value);
        case "--seed" -> seed = Long.parseLong(value);
        case "--lr" -> lr = Double.parseDouble(value);
        case "--dataset" -> data = data.withDataset(value);
        case "--data-dir" -> data = data.withDataDir(Path.of(value));
        case "--hidden" -> data = data.withHidden(DataOptions.parseHidden(value));
        case "--throughput-steps" -> throughputSteps = Integer.parseInt(value);
        default -> throw new IllegalArgumentException("unknown flag " + args[i]);
      }
    }
    long loadStart = System.nanoTime();
    Workload workload = ModelCatalog.create(model, data);
    System.out.printf(Locale.ROOT, "%s on %s: %d train, %d test examples (loaded in %.1f s); P = %d; BLAS %s%n",
        model, data.dataset(), workload.train().size(), workload.test().size(), (System.nanoTime() - loadStart) / 1e9,
        workload.model().layout().numParams(), Gemm.implementation());
    if (throughputSteps > 0) {
      forwardBackwardThroughput(workload, batchSize, throughputSteps, seed);
      return;
    }
    for (String name : optimizers.equals("both") ? new String[] {"sgd", "adam"} : new String[] {optimizers}) {
      OptimizerConfig config = name.equals("sgd")
          ? OptimizerConfig.sgd(lr != null ? lr : 0.05, 0.9)
          : OptimizerConfig.defaults(OptimizerKind.parse(name), lr != null ? lr : 0.001);
      train(workload, config, epochs, batchSize, seed);
    }
  }

  private static void train(Workload workload, OptimizerConfig config, int epochs, int batchSize, long seed) {
    Classifier model = (Classifier) workload.model();
    Dataset train = workload.train();
    int p = Math.toIntExact(model.layout().numParams());
    float[] params = new float[p];
    float[] grad = new float[p];
    model.initialize(params, seed);
    Optimizer optimizer = Optimizers.create(config);
    OptimizerState state = optimizer.newState(p);
    Batcher batcher = new Batcher(train, Partition.of(train.size(), 0, 1), batchSize, seed);
    Batch batch = batcher.newBatch();
    System.out.printf(Locale.ROOT, "%s lr %s momentum %s, batch %d, %d steps/epoch%n", config.kind().cliName(),
        config.lr(), config.momentum(), batchSize, batcher.stepsPerEpoch());
    long totalNanos = 0;
    long totalSamples = 0;
    for (int epoch = 1; epoch <= epochs; epoch++) {
      double lossSum = 0;
      long samples = 0;
      long start = System.nanoTime();
      while (batcher.next(batch)) {
        lossSum += model.lossAndGradient(params, batch, grad) * batch.size();
        optimizer.step(params, grad, state, config.lr());
        samples += batch.size();
      }
      long nanos = System.nanoTime() - start;
      totalNanos += nanos;
      totalSamples += samples;
      Evaluation test = model.evaluate(params, workload.test());
      System.out.printf(Locale.ROOT, "epoch %d: train loss %.4f, test loss %.4f, test accuracy %.4f, %.0f samples/s%n",
          epoch, lossSum / samples, test.loss(), test.accuracy(), samples / (nanos / 1e9));
    }
    System.out.printf(Locale.ROOT, "overall %.0f samples/s over %d epochs%n", totalSamples / (totalNanos / 1e9), epochs);
  }

  private static void forwardBackwardThroughput(Workload workload, int batchSize, int steps, long seed) {
    Classifier model = (Classifier) workload.model();
    Dataset train = workload.train();
    float[] params = new float[Math.toIntExact(model.layout().numParams())];
    float[] grad = new float[params.length];
    model.initialize(params, seed);
    Batcher batcher = new Batcher(train, Partition.of(train.size(), 0, 1), batchSize, seed);
    Batch batch = batcher.newBatch();
    java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
    for (int round = 1; round <= 3; round++) { // the first round includes JIT warm-up
      long start = System.nanoTime();
      long cpuStart = threads.getCurrentThreadCpuTime();
      double sink = 0;
      for (int i = 0; i < steps; i++) {
        batcher.nextAcrossEpochs(batch);
        sink += model.lossAndGradient(params, batch, grad);
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      double cpuSeconds = (threads.getCurrentThreadCpuTime() - cpuStart) / 1e9;
      // Per CPU-second of this thread: the figure to compare on a busy machine, and the whole cost
      // when BLAS runs in the calling thread (OPENBLAS_NUM_THREADS=1 or the pure-Java BLAS).
      System.out.printf(Locale.ROOT,
          "round %d: forward+backward at batch %d: %.0f samples/s (%.1f ms/step), %.0f samples per CPU-second of this thread, loss %.3f%n",
          round, batchSize, steps * (double) batchSize / seconds, 1e3 * seconds / steps,
          steps * (double) batchSize / cpuSeconds, sink / steps);
    }
  }
}
