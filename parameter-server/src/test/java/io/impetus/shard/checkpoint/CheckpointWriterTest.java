package io.impetus.shard.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.impetus.optim.OptimizerConfig;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/**
 * The background writer: snapshots are written one at a time off the update loop; those that arrive
 * while one is written coalesce into the newest; a failed write is counted, not fatal; closing waits
 * for what was submitted. Synchronized with latches only.
 */
class CheckpointWriterTest {
  private static final OptimizerConfig SGD = OptimizerConfig.sgd(0.1, 0.9);

  /** A sink that records versions and holds the first write until released. */
  private static final class HeldSink implements CheckpointWriter.Sink {
    final List<Long> written = new CopyOnWriteArrayList<>();
    final CountDownLatch firstStarted = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);

    @Override
    public void write(ShardSnapshot snapshot) throws IOException {
      firstStarted.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        throw new IOException(e);
      }
      if (snapshot.version() == 13) {
        throw new IOException("disk full");
      }
      written.add(snapshot.version());
    }
  }

  @Test
  void snapshotsArrivingDuringAWriteCoalesceIntoTheNewest() throws Exception {
    HeldSink sink = new HeldSink();
    CheckpointWriter writer = new CheckpointWriter(0, sink);
    writer.submit(Snapshots.sample(SGD, 4, 10));
    sink.firstStarted.await(); // version 10 is being written
    writer.submit(Snapshots.sample(SGD, 4, 20));
    writer.submit(Snapshots.sample(SGD, 4, 30)); // replaces 20, which never started
    writer.submit(Snapshots.sample(SGD, 4, 40)); // replaces 30
    sink.release.countDown();
    writer.close(); // waits for 40
    assertEquals(List.of(10L, 40L), sink.written);
    assertEquals(2, writer.coalesced());
    assertEquals(2, writer.written());
    assertEquals(0, writer.failed());
    assertEquals(40, writer.lastVersion());
  }

  @Test
  void aFailedWriteIsCountedAndTheNextOneStillHappens() throws Exception {
    HeldSink sink = new HeldSink();
    CheckpointWriter writer = new CheckpointWriter(0, sink);
    writer.submit(Snapshots.sample(SGD, 4, 13)); // the sink fails this one
    sink.firstStarted.await();
    writer.submit(Snapshots.sample(SGD, 4, 14));
    sink.release.countDown();
    writer.close();
    assertEquals(List.of(14L), sink.written);
    assertEquals(1, writer.failed());
    assertEquals(1, writer.written());
    assertEquals(14, writer.lastVersion());
  }
}
