package io.impetus.shard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.grpc.Status;
import io.impetus.optim.OptimizerConfig;
import io.impetus.proto.PushHeader;
import io.impetus.proto.StatusReply;
import io.impetus.proto.WorkerStatus;
import java.util.Map;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A push whose header is impossible (a negative or absurd step, a read version the shard has not
 * reached, a batch of no examples) is refused with INVALID_ARGUMENT naming the field, and the shard's
 * state, as its status shows it, stays as it was: no step of it is stored.
 */
class PushHeaderChecksTest {
  private static final float[] INIT = {1, 2, 3};
  private static final float[] G = {1, 1, 1};
  private final InProcessShardServers servers = new InProcessShardServers();
  private ShardTestClient shard;

  @BeforeEach
  void joinedInitializedAndPushedOnce() throws Exception {
    ServerConfig config = new ServerConfig("127.0.0.1", 0, 0, 1, 1, ConsistencyMode.ASYNC, OptimizerConfig.sgd(0.5, 0));
    shard = servers.start("push-header-checks", config);
    shard.join(0, ShardTestClient.layout(INIT.length, 1, 0, ShardTestClient.FINGERPRINT));
    shard.initialize(0, INIT);
    shard.push(0, 0, 0, G).join();
  }

  @AfterEach
  void tearDown() {
    servers.close();
  }

  private void assertRefused(String message, PushHeader header) {
    CompletionException e = assertThrows(CompletionException.class, () -> shard.push(header, G).join());
    Status status = Status.fromThrowable(e.getCause());
    assertEquals(Status.Code.INVALID_ARGUMENT, status.getCode(), message);
    assertEquals(message, status.getDescription());
  }

  /** The state a refused push must leave: one push applied, the worker's last step 0. */
  private void assertUnchanged() {
    StatusReply status = shard.status();
    assertEquals(1, status.getVersion());
    assertEquals(1, status.getPushesApplied());
    assertEquals(0, status.getPushesDeduplicated(), "a refused push is not taken for a repeat either");
    WorkerStatus worker = status.getWorkers(0);
    assertEquals(0, worker.getLastStep());
    assertEquals(1, worker.getPushes());
    assertEquals(0, status.getStepLag().getMax());
  }

  @Test
  void aNegativeWorkerStepIsRefusedAndNeverStored() {
    assertRefused("worker_step -479552262234452768 is negative", ShardTestClient.header(0, 1, -479552262234452768L, 3));
    assertUnchanged();
    assertEquals(Map.of("malformed", 1L), shard.status().getRejectedMap());
  }

  @Test
  void anAbsurdWorkerStepIsRefused() {
    assertRefused("worker_step 9223372036854775807 is beyond 281474976710656, the largest a push may carry",
        ShardTestClient.header(0, 1, Long.MAX_VALUE, 3));
    assertUnchanged();
    assertEquals(2, shard.push(0, 1, PushHeaders.MAX_WORKER_STEP, G).join().version(), "the largest is taken");
  }

  @Test
  void aReadVersionFromTheFutureIsRefusedEvenForARepeatedStep() {
    assertRefused("read_version 99 is ahead of this shard's version", ShardTestClient.header(0, 99, 1, 3));
    assertRefused("read_version 99 is ahead of this shard's version", ShardTestClient.header(0, 99, 0, 3));
    assertRefused("read_version -1 is negative", ShardTestClient.header(0, -1, 1, 3));
    assertUnchanged();
  }

  @Test
  void aBatchOfNoExamplesIsRefused() {
    assertRefused("batch_size must be at least 1, got 0", ShardTestClient.header(0, 1, 1, 3).toBuilder()
        .setBatchSize(0).build());
    assertUnchanged();
    assertEquals(2, shard.push(0, 1, 1, G).join().version(), "the worker's buffer was given back");
  }
}
