package io.impetus.shard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The shard's update loop: one task at a time, in submission order, on its own thread, or on the
 * submitting thread for {@code executeHere} when the loop is idle; closing finishes what was queued.
 */
class UpdateLoopTest {
  private final UpdateLoop loop = new UpdateLoop(3);

  @AfterEach
  void close() {
    loop.close();
  }

  @Test
  void executeRunsTasksInOrderOnTheLoopsOwnThread() throws Exception {
    List<Integer> order = new CopyOnWriteArrayList<>();
    CompletableFuture<Thread> ranOn = new CompletableFuture<>();
    for (int i = 0; i < 100; i++) {
      int k = i;
      loop.execute(() -> order.add(k));
    }
    loop.execute(() -> ranOn.complete(Thread.currentThread()));
    Thread thread = ranOn.get(10, TimeUnit.SECONDS);
    assertEquals("shard-3-update", thread.getName());
    assertEquals(java.util.stream.IntStream.range(0, 100).boxed().toList(), order);
  }

  @Test
  void executeHereRunsTheTaskOnTheCallingThreadWhenTheLoopIsIdle() {
    Thread[] ranOn = new Thread[1];
    loop.executeHere(() -> ranOn[0] = Thread.currentThread());
    assertSame(Thread.currentThread(), ranOn[0], "run before executeHere returned, on the caller");
  }

  @Test
  void executeHereWhileAnotherThreadDrainsQueuesTheTaskBehindThatThreadsTasks() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    List<String> order = new CopyOnWriteArrayList<>();
    CompletableFuture<Thread> second = new CompletableFuture<>();
    loop.execute(() -> {
      started.countDown();
      try {
        release.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      order.add("first");
    });
    assertTrue(started.await(10, TimeUnit.SECONDS));
    loop.executeHere(() -> {
      order.add("second");
      second.complete(Thread.currentThread());
    });
    assertEquals(List.of(), order, "executeHere returned without running anything: the loop was busy");
    release.countDown();
    assertNotSame(Thread.currentThread(), second.get(10, TimeUnit.SECONDS));
    assertEquals(List.of("first", "second"), order);
  }

  @Test
  void tasksFromManyThreadsNeverRunAtTheSameTime() throws Exception {
    AtomicInteger running = new AtomicInteger();
    AtomicInteger overlaps = new AtomicInteger();
    int[] counter = {0}; // written only by loop tasks, without synchronization of its own
    int threads = 4;
    int perThread = 2000;
    CountDownLatch done = new CountDownLatch(threads * perThread);
    List<Thread> submitters = new java.util.ArrayList<>();
    for (int t = 0; t < threads; t++) {
      boolean here = t % 2 == 0;
      submitters.add(new Thread(() -> {
        for (int i = 0; i < perThread; i++) {
          Runnable task = () -> {
            if (running.incrementAndGet() > 1) {
              overlaps.incrementAndGet();
            }
            counter[0]++;
            running.decrementAndGet();
            done.countDown();
          };
          if (here) {
            loop.executeHere(task);
          } else {
            loop.execute(task);
          }
        }
      }));
    }
    submitters.forEach(Thread::start);
    assertTrue(done.await(30, TimeUnit.SECONDS));
    CompletableFuture<Integer> total = new CompletableFuture<>();
    loop.execute(() -> total.complete(counter[0]));
    assertEquals(threads * perThread, total.get(10, TimeUnit.SECONDS));
    assertEquals(0, overlaps.get());
  }

  @Test
  void aFailingTaskDoesNotStopTheLoop() throws Exception {
    loop.execute(() -> {
      throw new IllegalStateException("boom");
    });
    CompletableFuture<String> after = new CompletableFuture<>();
    loop.execute(() -> after.complete("ran"));
    assertEquals("ran", after.get(10, TimeUnit.SECONDS));
  }

  @Test
  void closeFinishesQueuedTasksThenRefusesNewOnesNamingTheShard() {
    AtomicInteger ran = new AtomicInteger();
    for (int i = 0; i < 50; i++) {
      loop.execute(ran::incrementAndGet);
    }
    loop.close();
    assertEquals(50, ran.get());
    RejectedExecutionException e = assertThrows(RejectedExecutionException.class, () -> loop.execute(ran::incrementAndGet));
    assertEquals("the update loop of shard 3 has stopped", e.getMessage());
    assertThrows(RejectedExecutionException.class, () -> loop.executeHere(ran::incrementAndGet));
    assertFalse(ran.get() > 50);
  }
}
