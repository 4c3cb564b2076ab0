package io.impetus.local.hosts;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs the short system commands ({@code ip}, {@code tc}) that build and remove simulated hosts. */
final class Commands {
  private Commands() {}

  /** What a finished command printed, and its exit code. */
  record Result(int code, String stdout, String stderr) {}

  /**
   * Runs {@code command} to the end (at most 30 s) and returns its output.
   *
   * @throws HostSetupException when it cannot be started or times out
   */
  static Result run(List<String> command) {
    Process p;
    try {
      p = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
    } catch (IOException e) {
      throw new HostSetupException("could not run '" + String.join(" ", command) + "': " + e.getMessage(), e);
    }
    CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
    String out = read(p.getInputStream());
    try {
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new HostSetupException("'" + String.join(" ", command) + "' did not finish within 30 s");
      }
      return new Result(p.exitValue(), out, err.join());
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new HostSetupException("interrupted while running '" + String.join(" ", command) + "'", e);
    }
  }

  /**
   * Runs {@code command} and returns its standard output.
   *
   * @throws HostSetupException naming the command, its exit code and its stderr when it fails
   */
  static String check(List<String> command) {
    Result r = run(command);
    if (r.code() != 0) {
      throw new HostSetupException("'" + String.join(" ", command) + "' failed (exit " + r.code() + "): "
          + r.stderr().strip());
    }
    return r.stdout();
  }

  private static String read(java.io.InputStream in) {
    try (in) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }
}
