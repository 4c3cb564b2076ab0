package io.impetus.optim;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;

/** Finds the shared golden optimizer traces for tests. */
final class GoldenTraces {

  private static final String RELATIVE = "golden/optim";

  private GoldenTraces() {}

  /**
   * The golden folder: {@code ${impetus.shared.dir}/golden/optim} (set by the parent pom), else the
   * first {@code shared/golden/optim} beside the working directory or one of its parents. Fails
   * rather than skips: a test suite that silently stops checking against torch is worse than a red one.
   */
  static Path directory() {
    String shared = System.getProperty("impetus.shared.dir");
    if (shared != null && Files.isDirectory(Paths.get(shared, RELATIVE))) {
      return Paths.get(shared, RELATIVE).normalize();
    }
    for (Path dir = Paths.get("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve("shared").resolve(RELATIVE);
      if (Files.isDirectory(candidate)) {
        return candidate;
      }
    }
    return fail("golden traces not found: impetus.shared.dir=" + shared
        + " and no shared/golden/optim above " + Paths.get("").toAbsolutePath());
  }

  /** Every trace file of the golden folder. */
  static List<Path> files() throws IOException {
    return GoldenTrace.filesIn(directory());
  }

  /** One trace file by name, e.g. {@code sgd_momentum_n7.json}. */
  static Path file(String name) {
    return directory().resolve(name);
  }
}
