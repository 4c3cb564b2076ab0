package io.impetus.local;

import io.impetus.optim.OptimizerConfig;
import io.impetus.shard.ConsistencyMode;
import java.nio.file.Path;
import java.util.List;

/**
 * Everything {@code impetus local} needs, parsed once from the command line.
 *
 * @param shards S, the number of shard processes
 * @param workers N, the number of worker processes
 * @param mode the shards' consistency mode
 * @param optimizer the shards' optimizer
 * @param model the model every worker trains
 * @param batchSize examples per minibatch
 * @param epochs epochs per worker, or null for the default
 * @param steps steps per worker, or null to derive from epochs
 * @param seed seeds data, initial parameters and shuffles
 * @param out the run folder
 * @param logEvery metrics row every this many steps
 * @param progress show a progress bar
 * @param commandLine the arguments as typed, for command.txt
 */
public record LocalConfig(
    int shards,
    int workers,
    ConsistencyMode mode,
    OptimizerConfig optimizer,
    String model,
    int batchSize,
    Integer epochs,
    Long steps,
    long seed,
    Path out,
    int logEvery,
    boolean progress,
    List<String> commandLine) {

  /** Validates with messages that name the command-line flag. */
  public LocalConfig {
    if (shards < 1) {
      throw new IllegalArgumentException("--shards must be at least 1, got " + shards);
    }
    if (workers < 1) {
      throw new IllegalArgumentException("--workers must be at least 1, got " + workers);
    }
    commandLine = List.copyOf(commandLine);
  }
}
