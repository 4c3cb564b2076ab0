package io.impetus.local;

import io.impetus.cli.Impetus;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A JVM that hosts several workers of {@code impetus local --worker-processes P} as threads. Each
 * thread runs one unchanged {@code impetus worker ...} command line (its own trainer, model, gRPC
 * channels and shared-memory segment), so a hosted worker behaves on the wire exactly as a worker
 * process does; what the workers share is the JVM: one start-up, one JIT, one set of loaded classes.
 *
 * <p>Arguments are the workers' command lines, each starting with {@code worker}, separated by
 * {@link #SEPARATOR}. When a worker's thread ends, the host prints {@code IMPETUS_WORKER_EXIT <rank>
 * <code>} on stdout (the code its process would have exited with), and the host exits 0 once every
 * worker has exited 0, else 1. A worker that must die abruptly (fault injection halts its JVM) needs a
 * process of its own; the launcher never hosts one here.
 */
public final class WorkerHost {
  /** Separates the workers' command lines in the host's arguments. */
  public static final String SEPARATOR = "::";

  /** Prefix of the line that reports a hosted worker's exit code. */
  public static final String EXIT = "IMPETUS_WORKER_EXIT";

  private static final Logger log = LoggerFactory.getLogger(WorkerHost.class);

  private WorkerHost() {}

  public static void main(String[] args) throws InterruptedException {
    Impetus.quietenLibraries();
    System.exit(run(split(Arrays.asList(args)), System.getenv(), System.out));
  }

  /**
   * Runs every command line in a thread of its own and waits for all of them; returns 0 when every
   * one returned 0. Each exit is reported on {@code out} as it happens.
   */
  static int run(List<List<String>> workers, Map<String, String> env, PrintStream out) throws InterruptedException {
    if (workers.isEmpty()) {
      throw new IllegalArgumentException("no worker command lines given");
    }
    for (List<String> args : workers) {
      if (!args.get(0).equals("worker")) {
        throw new IllegalArgumentException("a hosted command line must start with 'worker', got " + args);
      }
    }
    List<Thread> threads = new ArrayList<>();
    int[] codes = new int[workers.size()];
    for (int i = 0; i < workers.size(); i++) {
      List<String> args = workers.get(i);
      String rank = rankOf(args);
      int index = i;
      Thread t = new Thread(() -> {
        int code;
        try {
          code = new Impetus().run(args.toArray(String[]::new), env);
        } catch (Throwable e) {
          log.error("worker {} failed", rank, e);
          code = 1;
        }
        codes[index] = code;
        synchronized (out) {
          out.println(EXIT + " " + rank + " " + code);
          out.flush();
        }
      }, "worker-" + rank);
      threads.add(t);
      t.start();
    }
    int result = 0;
    for (int i = 0; i < threads.size(); i++) {
      threads.get(i).join();
      result |= codes[i] == 0 ? 0 : 1;
    }
    return result;
  }

  /** The command lines in {@code args}, cut at every {@link #SEPARATOR}. */
  static List<List<String>> split(List<String> args) {
    List<List<String>> workers = new ArrayList<>();
    List<String> current = new ArrayList<>();
    for (String a : args) {
      if (a.equals(SEPARATOR)) {
        if (!current.isEmpty()) {
          workers.add(current);
        }
        current = new ArrayList<>();
      } else {
        current.add(a);
      }
    }
    if (!current.isEmpty()) {
      workers.add(current);
    }
    return workers;
  }

  /** The host's arguments for these workers' command lines (each after its {@code worker}). */
  static List<String> join(List<List<String>> workerArgs) {
    List<String> all = new ArrayList<>();
    for (List<String> w : workerArgs) {
      if (!all.isEmpty()) {
        all.add(SEPARATOR);
      }
      all.add("worker");
      all.addAll(w);
    }
    return all;
  }

  private static String rankOf(List<String> args) {
    int i = args.indexOf("--rank");
    return i >= 0 && i + 1 < args.size() ? args.get(i + 1) : "0";
  }
}
