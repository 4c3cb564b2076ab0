package io.impetus.shard.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.grpc.Status;
import io.impetus.proto.PushHeader;
import io.impetus.proto.SharedPushReply;
import io.impetus.wire.DoorbellChannel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The doorbell socket on its own, without a shard: every header it reads goes to the push handler with
 * the connection that carries the answer, and it holds no more connections than it was given.
 * (What its pushes do to a shard is in {@code io.impetus.shard.DoorbellShardTest}.)
 */
class DoorbellTest {
  @TempDir Path tmp;
  private final List<DoorbellChannel> bells = new ArrayList<>();

  @AfterEach
  void tearDown() {
    bells.forEach(DoorbellChannel::close);
  }

  private static PushHeader header(int worker, long step) {
    return PushHeader.newBuilder().setWorkerId(worker).setWorkerStep(step).setLength(4).build();
  }

  @Test
  void connectionsBeyondTheLimitAreClosedAtOnceAndTheOthersStillWork() throws Exception {
    Path shm = Files.createDirectory(tmp.resolve("shm"));
    List<PushHeader> received = new CopyOnWriteArrayList<>();
    SharedPushReply refusal = SharedPushReply.newBuilder().setErrorCode(Status.Code.UNAVAILABLE.value())
        .setErrorMessage("test").build();
    try (Doorbell bell = Doorbell.open(shm, 5, (header, carrier) -> {
      received.add(header);
      carrier.send(refusal);
    }, () -> { }, 2)) {
      DoorbellChannel first = DoorbellChannel.connect(bell.path());
      DoorbellChannel second = DoorbellChannel.connect(bell.path());
      bells.add(first);
      bells.add(second);
      // Connections are accepted in order: once the second has an answer, the first two are registered.
      first.write(header(0, 0));
      assertEquals("test", first.read(SharedPushReply.parser()).getErrorMessage());
      second.write(header(1, 0));
      assertEquals("test", second.read(SharedPushReply.parser()).getErrorMessage());
      DoorbellChannel third = DoorbellChannel.connect(bell.path());
      bells.add(third);
      assertNull(third.read(SharedPushReply.parser()), "closed without a word");
      first.write(header(0, 1));
      assertEquals("test", first.read(SharedPushReply.parser()).getErrorMessage());
      assertEquals(3, received.size());
    }
  }

  @Test
  void aPeerThatNeverReadsItsAnswersIsDroppedAndTheThreadThatAnswersKeepsAnsweringOthers() throws Exception {
    Path shm = Files.createDirectory(tmp.resolve("shm"));
    // Answers of about 2 KB fill the socket's buffer within a few dozen pushes.
    SharedPushReply answer = SharedPushReply.newBuilder().setErrorCode(Status.Code.UNAVAILABLE.value())
        .setErrorMessage("x".repeat(SegmentPushes.MAX_MESSAGE_CHARS)).build();
    // The update loop's stand-in: one thread writes every answer; a blocking write would stall it.
    ExecutorService loop = Executors.newSingleThreadExecutor();
    try (Doorbell bell = Doorbell.open(shm, 5, (header, carrier) -> loop.execute(() -> carrier.send(answer)), () -> { },
        4)) {
      DoorbellChannel silent = DoorbellChannel.connect(bell.path());
      bells.add(silent);
      assertThrows(IOException.class, () -> {
        for (long step = 0; step < 1_000_000; step++) {
          silent.write(header(0, step)); // and never read
        }
      }, "the doorbell drops the peer, so its writes fail");
      assertEquals(1, bell.droppedPeers());

      DoorbellChannel other = DoorbellChannel.connect(bell.path());
      bells.add(other);
      other.write(header(1, 0));
      assertEquals(answer, other.read(SharedPushReply.parser()), "the answering thread still answers");
    } finally {
      loop.shutdownNow();
    }
  }

  @Test
  void theSocketLivesInAFolderOnlyTheShardsUserMayEnter() throws Exception {
    Path shm = Files.createDirectory(tmp.resolve("shm"));
    try (Doorbell bell = Doorbell.open(shm, 2, (header, carrier) -> { }, () -> { }, 4)) {
      assertEquals(shm, bell.path().getParent().getParent());
      assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(bell.path().getParent())));
      assertEquals(0, bell.refusedPeers(), "a peer of the shard's own user is let in");
    }
  }
}
