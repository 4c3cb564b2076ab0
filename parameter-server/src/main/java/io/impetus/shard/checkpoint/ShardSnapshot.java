package io.impetus.shard.checkpoint;

import io.impetus.optim.OptimizerConfig;
import io.impetus.staleness.StalenessRecorder;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything a shard needs to resume where it was: one checkpoint's content. The arrays belong to the
 * snapshot (the shard copies its live state into them on its update loop, which is the only stall a
 * checkpoint causes); nobody writes them afterwards.
 *
 * @param layout which slice of which model
 * @param optimizer the optimizer's kind and hyperparameters, with the learning-rate schedule
 * @param version updates applied
 * @param schedulePosition the learning-rate schedule's position (updates it has counted)
 * @param stalenessPolicy the staleness policy, in its command-line form
 * @param lastMomentum the staleness policy's state: the momentum the last update used
 * @param workers by worker id: its clock (which bounded staleness compares), the last step processed
 *     for it and its session (which let a repeated push be recognised after a restart)
 * @param staleness staleness of every applied gradient
 * @param stepLag step lag of every applied gradient
 * @param params the slice's parameters
 * @param optimizerSteps the optimizer's step count
 * @param buffers the optimizer's state buffers by name, in the optimizer's order
 */
public record ShardSnapshot(
    CheckpointLayout layout,
    OptimizerConfig optimizer,
    long version,
    long schedulePosition,
    String stalenessPolicy,
    double lastMomentum,
    List<WorkerProgress> workers,
    StalenessRecorder.Counts staleness,
    StalenessRecorder.Counts stepLag,
    float[] params,
    long optimizerSteps,
    Map<String, float[]> buffers) {

  /** Checks the lengths and counts a corrupted file could get wrong. */
  public ShardSnapshot {
    if (version < 0 || schedulePosition < 0 || optimizerSteps < 0) {
      throw new IllegalArgumentException("version " + version + ", schedule position " + schedulePosition
          + " and optimizer steps " + optimizerSteps + " must be >= 0");
    }
    if (params.length != layout.length()) {
      throw new IllegalArgumentException(
          "the slice has " + params.length + " parameters, the layout says " + layout.length());
    }
    for (Map.Entry<String, float[]> b : buffers.entrySet()) {
      if (b.getValue().length != params.length) {
        throw new IllegalArgumentException("optimizer buffer " + b.getKey() + " has " + b.getValue().length
            + " values, the slice " + params.length);
      }
    }
    workers = List.copyOf(workers);
    buffers = Collections.unmodifiableMap(new LinkedHashMap<>(buffers));
  }
}
