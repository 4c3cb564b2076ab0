package io.impetus.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.impetus.local.LocalCommand;
import io.impetus.local.LocalConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One grammar for every command: -h and --help everywhere, --version, usage errors with exit code 2,
 * renamed flags that still work for a release with a warning, and help that lists exactly the
 * environment variables the command reads.
 */
class CliGrammarTest extends CommandLineTest {
  @TempDir Path tmp;

  @Override
  int run(String... args) {
    resetOutput();
    return super.run(args);
  }

  /** Every command line path ("local", "study theory", ...) with its command, from the command tree. */
  private static Map<String, Command> everyCommand() {
    Map<String, Command> all = new LinkedHashMap<>();
    for (Command c : new Impetus().commands()) {
      all.put(c.name(), c);
      if (c instanceof CommandGroup group) {
        for (Command sub : group.subcommands()) {
          all.put(c.name() + " " + sub.name(), sub);
        }
      }
    }
    return all;
  }

  @Test
  void dashHAndDashDashHelpWorkOnEveryCommandAndSubCommand() {
    Map<String, Command> all = everyCommand();
    assertTrue(all.size() > 10, "the tree has the commands and the study's sub-commands: " + all.keySet());
    for (String path : all.keySet()) {
      for (String help : List.of("-h", "--help")) {
        List<String> args = new ArrayList<>(List.of(path.split(" ")));
        args.add(help);
        assertEquals(0, run(args.toArray(String[]::new)), "impetus " + path + " " + help + ": " + stderr());
        assertTrue(stdout().contains("usage: impetus " + path + " "), "impetus " + path + " " + help + " printed:\n" + stdout());
        assertEquals("", stderr(), "impetus " + path + " " + help);
      }
    }
  }

  @Test
  void noCommandDefinesItsOwnDashH() {
    for (Map.Entry<String, Command> c : everyCommand().entrySet()) {
      if (!(c.getValue() instanceof CommandGroup)) {
        Flags.options(c.getValue()); // throws if a command takes -h, --h or --help for itself
        assertFalse(c.getValue().options().hasOption("h"), c.getKey());
      }
    }
  }

  @Test
  void versionPrintsTheProjectVersionFromTheBuildAndTheJavaVersion() throws Exception {
    String pom = Files.readString(Path.of("..", "pom.xml"));
    Matcher m = Pattern.compile("<artifactId>impetus-parent</artifactId>\\s*<version>([^<]+)</version>").matcher(pom);
    assertTrue(m.find(), "the parent pom's version");
    for (String flag : List.of("--version", "-V")) {
      assertEquals(0, run(flag));
      String[] lines = stdout().split("\n");
      assertEquals("impetus " + m.group(1), lines[0]);
      assertTrue(lines[1].startsWith("Java " + System.getProperty("java.version") + " ("), lines[1]);
      assertEquals("", stderr());
    }
    assertEquals(0, run("--help"));
    assertTrue(stdout().contains("--version"), stdout());
  }

  @Test
  void compareOfAFolderThatDoesNotExistIsAOneLineUsageError() {
    assertEquals(2, run("compare", "/no/such/folder"));
    assertEquals("impetus compare: no such folder: /no/such/folder (see impetus compare --help)\n", stderr());
    assertEquals("", stdout());
    assertEquals(2, run("compare", "--throughput", "/no/such/folder"));
    assertEquals("impetus compare: no such folder: /no/such/folder (see impetus compare --help)\n", stderr());
  }

  @Test
  void compareOfFoldersWithoutASummaryFailsRatherThanPrintingAnEmptyTable() throws Exception {
    Path empty = Files.createDirectories(tmp.resolve("empty"));
    assertEquals(1, run("compare", empty.toString()));
    assertTrue(stderr().endsWith("impetus compare: none of the 1 folders has a summary.json; nothing to compare\n"), stderr());
    assertFalse(stdout().contains("|---|"), stdout());
  }

  /** The renames this release makes; the docs list the same table. */
  private static final Map<String, Map<String, String>> RENAMES = Map.of(
      "local", Map.of("straggler", "slowdown", "crash-worker", "crash-at-step"),
      "study simulate", Map.of("h", "curvature"),
      "study theory", Map.of("h", "curvature"),
      "study sweep", Map.of("h", "curvature", "worker-delay", "delay-model"));

  @Test
  void everyRenamedFlagStillWorksUnderItsOldNameWithAOneLineWarningNamingTheNewOne() throws Exception {
    Map<String, Map<String, String>> found = new TreeMap<>();
    for (Map.Entry<String, Command> c : everyCommand().entrySet()) {
      Command command = c.getValue();
      if (command.renamedFlags().isEmpty()) {
        continue;
      }
      found.put(c.getKey(), command.renamedFlags());
      for (Map.Entry<String, String> r : command.renamedFlags().entrySet()) {
        String old = r.getKey();
        String now = r.getValue();
        assertTrue(command.options().hasLongOption(now), c.getKey() + ": --" + old + " renamed to an unknown --" + now);
        assertFalse(command.options().hasLongOption(old), c.getKey() + ": --" + old + " is both old and current");
        ByteArrayOutputStream warnings = new ByteArrayOutputStream();
        Flags f = Flags.parse(command, c.getKey(), List.of("--" + old, "7", "--" + old + "=8"), Map.of(),
            new PrintStream(warnings, true, StandardCharsets.UTF_8));
        assertTrue(f.has(now), c.getKey() + " --" + old);
        assertEquals("7", f.string(now));
        assertEquals(List.of("7", "8"), f.all(now));
        assertEquals("impetus " + c.getKey() + ": warning: --" + old + " is deprecated, use --" + now
            + " (the old form is removed in the next release)\n", warnings.toString(StandardCharsets.UTF_8));
        // Help lists the rename, and not the old name as a flag.
        assertEquals(0, run((c.getKey() + " --help").split(" ")));
        assertTrue(stdout().contains("  --" + old + " -> --" + now), stdout());
        assertFalse(Pattern.compile("^\\s+--" + Pattern.quote(old) + " <", Pattern.MULTILINE).matcher(stdout()).find(), stdout());
      }
    }
    assertEquals(new TreeMap<>(RENAMES), found);
  }

  @Test
  void theOldFaultInjectionNamesOfLocalGiveTheSameConfigAsTheNewOnes() throws Exception {
    LocalCommand local = new LocalCommand();
    LocalConfig old = local.parse(Flags.parse(local, List.of("--model", "quadratic", "--steps", "3", "--straggler", "1:2.5",
        "--crash-worker", "0:7"), Map.of()));
    assertEquals(Map.of(1, 2.5), old.stragglers());
    assertEquals(Map.of(0, 7L), old.crashes());
    assertTrue(stderr().contains("impetus local: warning: --straggler is deprecated, use --slowdown"), stderr());
    assertTrue(stderr().contains("impetus local: warning: --crash-worker is deprecated, use --crash-at-step"), stderr());
    LocalConfig now = local.parse(Flags.parse(local, List.of("--model", "quadratic", "--steps", "3", "--slowdown", "1:2.5",
        "--crash-at-step", "0:7"), Map.of()));
    assertEquals(old.stragglers(), now.stragglers());
    assertEquals(old.crashes(), now.crashes());
  }

  @Test
  void theStudysOldCurvatureFlagRunsWithAWarning() {
    assertEquals(0, run("study", "theory", "--h", "2", "--alpha", "0.1", "--json"));
    assertEquals("impetus study theory: warning: --h is deprecated, use --curvature (the old form is removed in the next release)\n",
        stderr());
    assertTrue(stdout().contains("\"curvatures\" : [ 2.0 ]"), stdout());
    assertEquals(0, run("study", "theory", "-h"));
    assertTrue(stdout().contains("--curvature <H[,H...]>"), stdout());
  }

  @Test
  void sweepsOldWorkerDelayIsTheDelayModel() throws Exception {
    Path dir = tmp.resolve("sweep");
    assertEquals(0, run("study", "sweep", "--curvature", "1", "--workers", "3", "--worker-delay", "geometric", "--momenta", "0",
        "--steps", "20", "--seeds", "1", "--threads", "1", "--no-progress", "--out", dir.toString()));
    assertTrue(stderr().contains("impetus study sweep: warning: --worker-delay is deprecated, use --delay-model"), stderr());
    assertTrue(Files.readString(dir.resolve("summary.json")).contains("geometric"), Files.readString(dir.resolve("summary.json")));
    assertTrue(Files.readString(dir.resolve("command.txt")).contains("--delay-model geometric"));
  }

  @Test
  void stabilityWritesARunFolderAndItsOldOutPngStillWorksWithAWarning() throws Exception {
    Path dir = tmp.resolve("stability");
    assertEquals(0, run("study", "stability", "--delays", "0", "--points", "2", "--out", dir.toString()));
    assertTrue(Files.isRegularFile(dir.resolve("stability.png")));
    assertTrue(Files.isRegularFile(dir.resolve("command.txt")));
    assertEquals("", stderr());
    Path png = tmp.resolve("old/plot.png");
    assertEquals(0, run("study", "stability", "--delays", "0", "--points", "2", "--out", png.toString()));
    assertTrue(Files.isRegularFile(png));
    assertTrue(stderr().startsWith("impetus study stability: warning: --out FILE.png is deprecated, use --out DIR"), stderr());
    assertEquals(1, stderr().lines().count(), stderr());
  }

  @Test
  void bothMomentumDefaultsAreStatedInBothHelps() {
    assertEquals(0, run("local", "--help"));
    assertTrue(stdout().replaceAll("\\s+", " ").contains("(default 0.8: impetus server's default is 0.0, PyTorch's)"), stdout());
    assertEquals(0, run("server", "--help"));
    assertTrue(stdout().replaceAll("\\s+", " ").contains("(default 0.0: PyTorch's; impetus local's default is 0.8)"), stdout());
  }

  /** Output markers that look like variables: lines the processes print, not variables they read. */
  private static final List<String> MARKERS = List.of(ServerCommand.LISTENING, MetricsEndpoint.LISTENING,
      io.impetus.local.WorkerHost.EXIT, "IMPETUS_PROGRESS");

  @Test
  void everyImpetusVariableTheProcessesReadIsInTheirHelp() throws Exception {
    String help = "";
    for (String command : List.of("server", "worker", "local")) {
      assertEquals(0, run(command, "--help"));
      String text = stdout();
      help += text;
      Command c = everyCommand().get(command);
      for (EnvVar e : c.environment()) {
        // One whole line per variable: its name and what it stands for (no wrapping).
        assertTrue(text.lines().anyMatch(l -> l.startsWith("  " + e.name() + " ") && l.endsWith(" " + e.helpText())),
            command + " --help lacks the line for " + e.name() + ":\n" + text);
      }
    }
    assertTrue(help.contains("IMPETUS_NO_DOORBELL"));
    List<String> missing = new ArrayList<>();
    Pattern literal = Pattern.compile("\"(IMPETUS_[A-Z0-9_]+)\"");
    for (Path root : List.of(Path.of("src/main/java"), Path.of("../worker/src/main/java"))) {
      try (Stream<Path> files = Files.walk(root)) {
        for (Path file : files.filter(p -> p.toString().endsWith(".java")).toList()) {
          Matcher m = literal.matcher(Files.readString(file));
          while (m.find()) {
            if (!MARKERS.contains(m.group(1)) && !help.contains(m.group(1))) {
              missing.add(m.group(1) + " (" + file + ")");
            }
          }
        }
      }
    }
    assertEquals(List.of(), missing, "read in the code but not listed in server, worker or local --help");
  }

  @Test
  void theCommandsReadNoVariableOutsideTheirTable() throws Exception {
    // Every path that reads the environment, with the variables that open the Kubernetes path set:
    // an undeclared read throws IllegalStateException.
    Map<String, String> env = Map.of("KUBERNETES_SERVICE_HOST", "10.0.0.1", "HOSTNAME", "impetus-ps-1");
    Flags server = Flags.parse(new ServerCommand(), List.of("--num-shards", "2"), env);
    assertEquals(1, ServerCommand.parse(server).shardIndex());
    ServerCommand.lifecycle(server);
    ServerCommand.metricsPort(server);
    WorkerCommand.parse(Flags.parse(new WorkerCommand(), List.of("--servers", "a:1"), env));
    LocalCommand local = new LocalCommand();
    local.parse(Flags.parse(local, List.of("--model", "quadratic", "--steps", "1"), env));
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> Flags.parse(new WorkerCommand(), List.of(), env).env("IMPETUS_IDLE_TIMEOUT"));
    assertEquals("IMPETUS_IDLE_TIMEOUT is read but not in impetus worker's environment table (its help)", e.getMessage());
  }

  @Test
  void theManifestsVariablesAreFallbacksOfTheFlagsTheyName() throws Exception {
    var c = ServerCommand.parse(Flags.parse(new ServerCommand(), List.of(),
        Map.of("IMPETUS_LR", "0.05", "IMPETUS_MODE", "sync", "IMPETUS_MOMENTUM", "0.5", "IMPETUS_OPTIMIZER", "sgd")));
    assertEquals(0.05, c.optimizer().lr());
    assertEquals(0.5, c.optimizer().momentum());
    assertEquals("sync", c.mode().cliName());
    var flagWins = ServerCommand.parse(Flags.parse(new ServerCommand(), List.of("--lr", "0.2"), Map.of("IMPETUS_LR", "0.05")));
    assertEquals(0.2, flagWins.optimizer().lr());
    var w = WorkerCommand.parse(Flags.parse(new WorkerCommand(), List.of("--servers", "a:1"),
        Map.of("IMPETUS_MODEL", "quadratic", "IMPETUS_BATCH_SIZE", "8", "IMPETUS_EPOCHS", "2", "IMPETUS_SEED", "9")));
    assertEquals("quadratic", w.model());
    assertEquals(8, w.batchSize());
    assertEquals(2, w.epochs());
    assertEquals(9, w.seed());
    // impetus local reads none of them: its flags' defaults stand.
    LocalCommand local = new LocalCommand();
    LocalConfig l = local.parse(Flags.parse(local, List.of("--model", "quadratic", "--steps", "1"), Map.of("IMPETUS_LR", "0.05")));
    assertEquals(0.01, l.optimizer().lr());
  }

  @Test
  void jsonOutputHasNullAndAReasonWhereANumberIsNotFinite() throws Exception {
    // alpha*h = 1 without momentum or delay lands on the optimum in one update: no rate to fit.
    assertEquals(0, run("study", "theory", "--curvature", "1", "--alpha", "1", "--beta", "0", "--delay", "0", "--measure", "--json"));
    String json = stdout();
    assertTrue(json.contains("\"measured_rate\" : null"), json);
    assertTrue(json.contains("\"measured_rate_note\" : \"not measurable: the error is exactly 0"), json);
    assertFalse(json.contains("NaN") || json.contains("Infinity"), json);

    Path dir = tmp.resolve("diverged");
    assertEquals(0, run("study", "simulate", "--curvature", "1", "--lr", "9", "--steps", "200", "--out", dir.toString()));
    String summary = Files.readString(dir.resolve("summary.json"));
    assertTrue(summary.contains("\"diverged\" : true"), summary);
    assertTrue(summary.contains("\"final_loss\" : null"), summary);
    assertTrue(summary.contains("\"final_loss_note\" : \"diverged"), summary);
    assertFalse(summary.contains("NaN") || summary.contains("Infinity"), summary);
  }
}
