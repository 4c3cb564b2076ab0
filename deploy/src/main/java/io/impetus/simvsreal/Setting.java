package io.impetus.simvsreal;

import java.util.ArrayList;
import java.util.List;

/**
 * One cell of the {@code sim-vs-real} grid: a model trained asynchronously by {@code workers} workers
 * on one shard with one optimizer for {@code updates} applied updates in all.
 *
 * @param model a catalog model ({@code mlp-x2}, or {@code mlp} on Fashion-MNIST)
 * @param workers N, the async workers of the real run
 * @param optimizer a short name for tables ({@code sgd-momentum-0.9}, {@code adam})
 * @param optimizerFlags the {@code impetus local} flags that choose the optimizer and its hyperparameters
 * @param updates applied updates of the whole run (each worker takes updates / N steps)
 * @param batchSize examples per minibatch
 */
record Setting(String model, int workers, String optimizer, List<String> optimizerFlags, int updates, int batchSize) {

  /** The setting as a table and file label, e.g. {@code mlp-x2 N=4 adam}. */
  String label() {
    return model + " N=" + workers + " " + optimizer;
  }

  /** A name fit for a file, e.g. {@code mlp-x2-n4-adam}. */
  String fileName() {
    return (model + "-n" + workers + "-" + optimizer).replaceAll("[^A-Za-z0-9.-]", "-");
  }

  /** Steps of each worker, so that the run applies {@link #updates} in all. */
  int stepsPerWorker() {
    return updates / workers;
  }

  /**
   * The arguments of {@code impetus local} for this setting: async, one shard (a single version
   * counter, as in the simulator), the workers as threads of one JVM (N JVMs on a small machine spend
   * the run starting up), a metrics row per step.
   */
  List<String> localArgs(String out, long seed, List<String> dataFlags) {
    List<String> args = new ArrayList<>(List.of("local", "--model", model, "--mode", "async", "--shards", "1",
        "--workers", Integer.toString(workers), "--worker-processes", "1", "--steps", Integer.toString(stepsPerWorker()),
        "--batch-size", Integer.toString(batchSize), "--seed", Long.toString(seed), "--log-every", "1", "--no-progress",
        "--out", out));
    args.addAll(optimizerFlags);
    args.addAll(dataFlags);
    return args;
  }
}
