package io.impetus.bench.jmh;

import java.io.PrintStream;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs the JMH benchmarks of this module programmatically and prints, for every benchmark, its
 * score (median of the iteration averages) and the ratio to its class's {@code baseline} with the
 * same parameters, measured in the same run.
 */
public final class JmhSuite {
  private JmhSuite() {}

  /** {@code include}: a JMH regex over benchmark names; {@code quick}: 1 fork, short iterations. */
  public static void run(String include, boolean quick, PrintStream out) throws Exception {
    ChainedOptionsBuilder options = new OptionsBuilder()
        .include(include)
        .forks(1)
        .jvmArgsAppend("--add-modules", "jdk.incubator.vector")
        .shouldDoGC(false);
    if (quick) {
      options.warmupIterations(2).warmupTime(TimeValue.milliseconds(300))
          .measurementIterations(3).measurementTime(TimeValue.milliseconds(500));
    } else {
      options.warmupIterations(5).warmupTime(TimeValue.seconds(1))
          .measurementIterations(10).measurementTime(TimeValue.seconds(1));
    }
    Collection<RunResult> results = new Runner(options.build()).run();
    Map<String, Double> baselines = new LinkedHashMap<>();
    for (RunResult r : results) {
      if (r.getParams().getBenchmark().endsWith(".baseline")) {
        baselines.put(key(r, "baseline"), median(r));
      }
    }
    out.printf("%n%-60s %14s %9s%n", "benchmark", "median (us)", "ratio");
    for (RunResult r : results) {
      String bench = r.getParams().getBenchmark();
      Double base = baselines.get(key(r, "baseline"));
      double score = median(r);
      StringBuilder label = new StringBuilder(bench.substring(bench.lastIndexOf('.', bench.lastIndexOf('.') - 1) + 1));
      for (String param : r.getParams().getParamsKeys()) {
        label.append(' ').append(param).append('=').append(r.getParams().getParam(param));
      }
      out.printf("%-60s %14.2f %8.2fx%n", label, score, base == null ? Double.NaN : score / base);
    }
  }

  private static String key(RunResult r, String method) {
    String bench = r.getParams().getBenchmark();
    StringBuilder k = new StringBuilder(bench.substring(0, bench.lastIndexOf('.') + 1)).append(method);
    for (String param : r.getParams().getParamsKeys()) {
      if (!param.equals("optimizer")) {
        k.append(' ').append(param).append('=').append(r.getParams().getParam(param));
      }
    }
    return k.toString();
  }

  private static double median(RunResult r) {
    return r.getPrimaryResult().getStatistics().getPercentile(50);
  }

  /** {@code java -cp impetus.jar io.impetus.bench.jmh.JmhSuite [regex] [--quick]}. */
  public static void main(String[] args) throws Exception {
    String include = ".*io\\.impetus\\.bench\\.jmh\\..*";
    boolean quick = false;
    for (String a : args) {
      if (a.equals("--quick")) {
        quick = true;
      } else {
        include = a;
      }
    }
    run(include, quick, System.out);
  }
}
