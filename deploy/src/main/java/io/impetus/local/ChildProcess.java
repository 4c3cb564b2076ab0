package io.impetus.local;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * A server or worker process started by the local launcher. Its stdout and stderr go, line by line,
 * to a log file in the run folder; every line is also offered to a listener (which picks out the
 * machine-readable ones: the listening port, progress).
 */
final class ChildProcess {
  private final String name;
  private final Process process;
  private final Path logFile;
  private final Thread pump;

  private ChildProcess(String name, Process process, Path logFile, Thread pump) {
    this.name = name;
    this.process = process;
    this.logFile = logFile;
    this.pump = pump;
  }

  /** Starts {@code java -cp <our classpath> io.impetus.cli.Impetus <args>}. */
  static ChildProcess start(String name, List<String> args, Path logFile, Consumer<String> onLine) throws IOException {
    return start(name, List.of(), args, Map.of(), logFile, onLine);
  }

  /**
   * As above with JVM options and extra environment variables. The child gets the incubating Vector
   * API (which the pure-Java BLAS uses when no native OpenBLAS is installed) exactly when this JVM
   * has it.
   */
  static ChildProcess start(String name, List<String> jvmOptions, List<String> args, Map<String, String> env,
      Path logFile, Consumer<String> onLine) throws IOException {
    return start(name, jvmOptions, "io.impetus.cli.Impetus", args, env, logFile, onLine);
  }

  /** As above with another main class of our class path (the {@link WorkerHost}). */
  static ChildProcess start(String name, List<String> jvmOptions, String mainClass, List<String> args,
      Map<String, String> env, Path logFile, Consumer<String> onLine) throws IOException {
    return start(name, UnaryOperator.identity(), jvmOptions, mainClass, args, env, logFile, onLine);
  }

  /**
   * As above, the java command line passed through {@code wrap} first (which may run it elsewhere, say
   * on a simulated host, as long as the process started keeps the java program's PID so that
   * {@link #stop} signals the program).
   */
  static ChildProcess start(String name, UnaryOperator<List<String>> wrap, List<String> jvmOptions, String mainClass,
      List<String> args, Map<String, String> env, Path logFile, Consumer<String> onLine) throws IOException {
    String java = ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    List<String> command = new java.util.ArrayList<>(List.of(java, "-XX:+UseSerialGC"));
    command.addAll(jvmOptions);
    if (ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) {
      // the launcher was given the Vector API (no native BLAS here): its children need it too
      command.addAll(List.of("--add-modules", "jdk.incubator.vector"));
    }
    command.addAll(List.of("-Djava.awt.headless=true", "-cp", System.getProperty("java.class.path"), mainClass));
    command.addAll(args);
    Files.createDirectories(logFile.getParent());
    ProcessBuilder builder = new ProcessBuilder(wrap.apply(command)).redirectErrorStream(true);
    builder.environment().putAll(env);
    Process process = builder.start();
    Thread pump = new Thread(() -> copy(process, logFile, onLine), name + "-output");
    pump.setDaemon(true);
    pump.start();
    return new ChildProcess(name, process, logFile, pump);
  }

  private static void copy(Process process, Path logFile, Consumer<String> onLine) {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        BufferedWriter log = Files.newBufferedWriter(logFile)) {
      String line;
      while ((line = in.readLine()) != null) {
        log.write(line);
        log.newLine();
        log.flush();
        try {
          onLine.accept(line);
        } catch (RuntimeException unreadable) {
          // A line the listener cannot read (say, JVM diagnostics interleaved with a progress line) must
          // not end the pump: the child would block once its stdout pipe filled up.
        }
      }
    } catch (IOException e) {
      // the process is gone; its exit code tells the launcher what happened
    }
  }

  String name() {
    return name;
  }

  Path logFile() {
    return logFile;
  }

  /** Completes with the exit code once the process has exited. */
  java.util.concurrent.CompletableFuture<Integer> onExit() {
    return process.onExit().thenApply(Process::exitValue);
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** Waits for the process to exit and for its output to be written; returns its exit code. */
  int waitFor() throws InterruptedException {
    int code = process.waitFor();
    pump.join(5000);
    return code;
  }

  /** Asks the process to stop (SIGTERM), then kills it if it has not exited within {@code seconds}. */
  void stop(long seconds) {
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
      }
      pump.join(2000);
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
