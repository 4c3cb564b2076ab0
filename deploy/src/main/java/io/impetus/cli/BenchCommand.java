package io.impetus.cli;

import io.impetus.bench.BenchCase;
import io.impetus.bench.Harness;
import io.impetus.bench.jmh.JmhSuite;
import io.impetus.bench.scaleout.ScaleoutReport;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/**
 * {@code impetus bench}: micro-benchmarks, each against a baseline measured in the same run
 * (optimizer step vs a plain array pass, FloatCodec vs System.arraycopy, gRPC push-pull vs raw TCP
 * echo of the same bytes), printed as medians and ratios; and {@code impetus bench scaleout-report CSV
 * OUT_PREFIX}, the report of {@code deploy/bench/scaleout.sh} ({@link ScaleoutReport}).
 */
public final class BenchCommand implements Command {
  private static final String SCALEOUT_REPORT = "scaleout-report";

  @Override
  public String name() {
    return "bench";
  }

  @Override
  public String summary() {
    return "micro-benchmarks against same-run baselines (optimizer, codec, push-pull round trip)";
  }

  @Override
  public String footer() {
    return "\nEvery row is the median time of one run of the operation, the median of its baseline measured\n"
        + "interleaved with it, and their ratio; compare ratios, not absolute times, on a shared machine.\n"
        + "--jmh runs the JMH benchmarks instead (a forked JVM; also: java -cp impetus.jar io.impetus.bench.jmh.JmhSuite).\n"
        + "Examples: impetus bench --quick    impetus bench --only push-pull --sizes 235146\n"
        + "impetus bench scaleout-report CSV OUT_PREFIX writes OUT_PREFIX.md (a table per link rate) and OUT_PREFIX.png\n"
        + "(samples/s against workers) from the CSV of deploy/bench/scaleout.sh; it takes no flags.";
  }

  @Override
  public String positional() {
    return "[scaleout-report CSV OUT_PREFIX]";
  }

  @Override
  public Options options() {
    Options o = new Options();
    o.addOption(Option.builder().longOpt("quick").desc("few short rounds (about a minute); default: full").get());
    o.addOption(OptimizerFlags.valued("sizes", "P,...", "slice lengths in floats (default 10000,235146,1000000)"));
    o.addOption(OptimizerFlags.valued("only", "WHAT", "optimizer, codec, push-pull, aliasing (push-pull with zero-copy vs"
        + " copying chunks), shm (push-pull with the floats in shared memory vs in gRPC messages), doorbell (shared-memory"
        + " push-pull with its headers on the shard's doorbell socket vs on a header stream), bf16 (push-pull with"
        + " bfloat16 floats in gRPC messages vs fp32) or relu (the rectifier's"
        + " branch-free passes vs plain loops); default: all"));
    o.addOption(OptimizerFlags.valued("rounds", "N", "measured rounds (default: 9 quick, 31 full)"));
    o.addOption(OptimizerFlags.valued("round-millis", "MS", "time per round and side (default: 50 quick, 100 full)"));
    o.addOption(Option.builder().longOpt("jmh").desc("run the JMH benchmarks (forked JVM) instead of the in-process harness").get());
    return o;
  }

  @Override
  public int run(Flags flags) throws Exception {
    if (!flags.positional().isEmpty()) {
      return scaleoutReport(flags);
    }
    boolean quick = flags.has("quick");
    String only = flags.stringOr("only", "all");
    List<String> kinds = List.of("all", "optimizer", "codec", "push-pull", "aliasing", "shm", "doorbell", "bf16", "relu");
    if (!kinds.contains(only)) {
      throw new UsageException(
          "--only must be optimizer, codec, push-pull, aliasing, shm, doorbell, bf16 or relu, got '" + only + "'");
    }
    int[] sizes;
    try {
      sizes = Arrays.stream(flags.stringOr("sizes", "10000,235146,1000000").split(","))
          .mapToInt(s -> Integer.parseInt(s.trim())).toArray();
    } catch (NumberFormatException e) {
      throw new UsageException("--sizes expects whole numbers separated by commas");
    }
    for (int p : sizes) {
      if (p < 1 || p > 50_000_000) {
        throw new UsageException("--sizes: each P must be in [1, 50000000], got " + p);
      }
    }
    if (flags.has("jmh")) {
      String include = switch (only) {
        case "optimizer" -> "OptimizerBenchmark";
        case "codec" -> "CodecBenchmark";
        case "push-pull", "aliasing" -> "RoundTripBenchmark";
        default -> "io\\.impetus\\.bench\\.jmh\\.";
      };
      JmhSuite.run(include, quick, System.out);
      return 0;
    }
    // The shard's and client's INFO lines (join, leave) would interleave with the table.
    ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("io.impetus"))
        .setLevel(ch.qos.logback.classic.Level.WARN);
    Harness.Settings base = quick ? Harness.Settings.QUICK : Harness.Settings.FULL;
    int rounds = flags.integer("rounds", base.rounds());
    double roundMillis = flags.number("round-millis", base.minRoundMillis());
    if (rounds < 1 || roundMillis <= 0) {
      throw new UsageException("--rounds must be >= 1 and --round-millis > 0");
    }
    Harness.Settings settings = new Harness.Settings(Math.min(base.warmupRounds(), rounds), rounds, roundMillis);
    List<Supplier<BenchCase>> cases = only.equals("all") ? Harness.suite(sizes, true) : Harness.select(sizes, only);
    System.out.printf("impetus bench (%s): %d warmup + %d rounds of >= %.0f ms per side, medians per run%n",
        quick ? "quick" : "full", settings.warmupRounds(), settings.rounds(), settings.minRoundMillis());
    new Harness(settings).run(cases, System.out);
    return 0;
  }

  /** {@code impetus bench scaleout-report CSV OUT_PREFIX}: the report of deploy/bench/scaleout.sh's runs. */
  private static int scaleoutReport(Flags flags) throws java.io.IOException {
    List<String> args = flags.positional();
    if (!args.get(0).equals(SCALEOUT_REPORT)) {
      throw new UsageException("unexpected argument '" + args.get(0) + "' (the one sub-command is " + SCALEOUT_REPORT + ")");
    }
    if (args.size() != 3) {
      throw new UsageException(SCALEOUT_REPORT + " needs two arguments, CSV and OUT_PREFIX, got " + (args.size() - 1));
    }
    if (flags.commandLine().getOptions().length > 0) {
      throw new UsageException(SCALEOUT_REPORT + " takes no flags, got --" + flags.commandLine().getOptions()[0].getLongOpt());
    }
    ScaleoutReport.Written written = ScaleoutReport.write(Path.of(args.get(1)), Path.of(args.get(2)));
    System.out.println("wrote " + written.markdown() + " and " + written.png());
    return 0;
  }
}
